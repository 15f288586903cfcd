"""/api/v1/metrics (read: everyone signed in; write: admins) and /api/v1/observations (list
with ``?partner=&metric=&period_kind=&from=&to=``, read, record one, record many all or
nothing, delete). Lists come from the same FilterSets as the pages; writes go through
``prm.metrics.services``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.metrics import selectors, services
from prm.metrics.filters import MetricFilter, ObservationFilter
from prm.metrics.models import Metric, Observation, Source
from prm.metrics.schemas import (
    MetricIn,
    MetricOut,
    MetricPatch,
    ObservationBulkIn,
    ObservationIn,
    ObservationOut,
)

router = Router()

MetricQuery = query_schema(MetricFilter)
ObservationQuery = query_schema(ObservationFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _metric_refs(user: User, data: dict[str, Any]) -> dict[str, Any]:
    for name in ("numerator", "denominator"):
        if name in data and data[name] is not None:
            found = access.scope(user, Metric).filter(code=data[name]).first()
            if found is None:
                raise BusinessError(
                    _("There is no metric with the code %(code)s.") % {"code": data[name]},
                    code="unknown_metric",
                    field=name,
                )
            data[name] = found
    return data


def _staff(user: User) -> None:
    """The metric catalogue is the staff's; partners see metric names with their figures
    (portal pages, scorecards), not the definitions."""
    if not user.is_staff_role:
        raise PermissionDenied


def _metric(user: User, pk: int) -> Metric:
    _staff(user)
    return access.get_object(
        user, access.scope(user, Metric).select_related("numerator", "denominator"), pk=pk
    )


@router.get("/metrics", response=list[MetricOut], url_name="metric_list", summary="List metrics")
@paginate(PageNumberSizePagination)
def metric_list(request, filters: Query[MetricQuery]):
    """Every metric: its unit, direction, how it rolls up and where its values come from."""
    _staff(request.user)
    filterset, queryset = selectors.metric_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/metrics",
    response={201: MetricOut, **WRITE_ERRORS},
    url_name="metric_create",
    summary="Create a metric (admins)",
)
def metric_create(request, payload: MetricIn):
    """A ratio names its numerator and denominator (codes); a derived metric names a
    registered derivation."""
    metric = services.metric_create(
        actor=request.user, data=_metric_refs(request.user, payload.model_dump())
    )
    return Status(201, _metric(request.user, metric.pk))


@router.get(
    "/metrics/{metric_id}",
    response={200: MetricOut, **READ_ERRORS},
    url_name="metric_detail",
    summary="Read a metric",
)
def metric_detail(request, metric_id: PathId):
    return _metric(request.user, metric_id)


@router.patch(
    "/metrics/{metric_id}",
    response={200: MetricOut, **WRITE_ERRORS},
    url_name="metric_update",
    summary="Change a metric (admins)",
)
def metric_update(request, metric_id: PathId, payload: MetricPatch):
    """Changes only the fields sent. The code of a metric with observations stays."""
    metric = _metric(request.user, metric_id)
    data = _metric_refs(request.user, payload.model_dump(exclude_unset=True))
    services.metric_update(actor=request.user, metric=metric, data=data)
    return _metric(request.user, metric_id)


@router.delete(
    "/metrics/{metric_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="metric_delete",
    summary="Delete an unused metric (admins)",
)
def metric_delete(request, metric_id: PathId):
    """A metric with observations, or part of a ratio, is deactivated instead (409)."""
    services.metric_delete(actor=request.user, metric=_metric(request.user, metric_id))
    return Status(204, None)


# Observations --------------------------------------------------------------------------


def _observation(user: User, pk: int) -> Observation:
    return access.get_object(
        user, access.scope(user, Observation).select_related("metric", "partner"), pk=pk
    )


@router.get(
    "/observations",
    response=list[ObservationOut],
    url_name="observation_list",
    summary="List observations",
)
@paginate(PageNumberSizePagination)
def observation_list(request, filters: Query[ObservationQuery]):
    """Observations you may see (portal users: their own partner's). `metric` is a code;
    `from`/`to` bound the period's first day."""
    filterset, queryset = selectors.observation_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/observations",
    response={201: ObservationOut, 200: ObservationOut, **WRITE_ERRORS},
    url_name="observation_create",
    summary="Record an observation",
)
def observation_create(request, payload: ObservationIn):
    """Stores the metric's value for the partner and period (201), or replaces the one
    stored (200). Refused: a period that has not begun, a unit other than the metric's, a
    fraction for a count, a value outside the metric's bounds, a derived metric."""
    observation, outcome = services.observation_record(
        actor=request.user,
        partner=payload.partner,
        metric=payload.metric,
        period=payload.period,
        value=payload.value,
        unit=payload.unit,
        note=payload.note,
        source=Source.API,
    )
    return Status(201 if outcome == "created" else 200, _observation(request.user, observation.pk))


@router.post(
    "/observations/bulk",
    response={201: list[ObservationOut], **WRITE_ERRORS},
    url_name="observation_bulk",
    summary="Record many observations, all or nothing",
)
def observation_bulk(request, payload: ObservationBulkIn):
    """Up to 5,000 observations in one request. When any row is refused nothing is stored
    and the answer (422) lists every refused row: `rows: [{row, field, detail}]`."""
    with transaction.atomic():
        stored = services.observation_bulk(
            actor=request.user,
            rows=[row.model_dump() for row in payload.observations],
            source=Source.API,
        )
    ids = [o.pk for o in stored]
    found = {
        o.pk: o
        for o in access.scope(request.user, Observation)
        .filter(pk__in=ids)
        .select_related("metric", "partner")
    }
    return Status(201, [found[pk] for pk in ids])


@router.get(
    "/observations/{observation_id}",
    response={200: ObservationOut, **READ_ERRORS},
    url_name="observation_detail",
    summary="Read an observation",
)
def observation_detail(request, observation_id: PathId):
    return _observation(request.user, observation_id)


@router.delete(
    "/observations/{observation_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="observation_delete",
    summary="Delete an observation",
)
def observation_delete(request, observation_id: PathId):
    """Derived observations are recomputed by the system, not deleted (409)."""
    observation = access.get_object(request.user, Observation, Action.DELETE, pk=observation_id)
    services.observation_delete(actor=request.user, observation=observation)
    return Status(204, None)
