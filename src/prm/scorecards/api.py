"""/api/v1/kpis, /api/v1/scorecard-templates, /api/v1/scorecards (results with their
breakdown, ``?partner=&period=``, recompute) and /api/v1/disputes.

KPIs and templates are reference data: staff read them, admins write.
Results and disputes go through the access layer (a portal user sees its own partner's).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.accounts.roles import Role
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core import access
from prm.core.errors import BusinessError
from prm.metrics.periods import Period
from prm.partners.models import Partner
from prm.scorecards import selectors, services
from prm.scorecards.filters import DisputeFilter, KPIFilter, ScorecardResultFilter
from prm.scorecards.models import KPI, ScorecardResult, ScorecardTemplate
from prm.scorecards.schemas import (
    DisputeCloseIn,
    DisputeIn,
    DisputeMessageIn,
    DisputeOut,
    KPIIn,
    KPIOut,
    KPIPatch,
    RecomputeIn,
    RecomputeOut,
    ScorecardDetailOut,
    ScorecardOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
)

router = Router()

KPIQuery = query_schema(KPIFilter)
ScorecardQuery = query_schema(ScorecardResultFilter)
DisputeQuery = query_schema(DisputeFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _staff_only(request) -> None:
    """KPI and template definitions are for staff; partners read the KPIs of their own
    scorecards in the scorecard's breakdown."""
    if not request.user.is_staff_role:
        raise Http404


def _kpi(request, pk: int) -> KPI:
    _staff_only(request)
    kpi = KPI.objects.filter(pk=pk).first()
    if kpi is None:
        raise Http404
    return kpi


def _kpi_data(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("bands") is not None:
        data["bands"] = [
            {k: (None if v is None else str(v)) for k, v in band.items()} for band in data["bands"]
        ]
    return data


# KPIs ---------------------------------------------------------------------------------


@router.get("/kpis", response=list[KPIOut], url_name="kpi_list", summary="List KPIs")
@paginate(PageNumberSizePagination)
def kpi_list(request, filters: Query[KPIQuery]):
    filterset, queryset = selectors.kpi_list(user=request.user, params=request.GET, request=request)
    require_valid(filterset)
    return queryset if request.user.is_staff_role else queryset.none()


@router.post(
    "/kpis", response={201: KPIOut, **WRITE_ERRORS}, url_name="kpi_create", summary="Create a KPI"
)
def kpi_create(request, payload: KPIIn):
    """Admins only. An invalid formula is refused with `code: formula` and the `position`
    (0-based) of the error."""
    kpi = services.kpi_create(actor=request.user, data=_kpi_data(payload.model_dump()))
    return Status(201, kpi)


@router.get(
    "/kpis/{kpi_id}",
    response={200: KPIOut, **READ_ERRORS},
    url_name="kpi_detail",
    summary="Read a KPI",
)
def kpi_detail(request, kpi_id: PathId):
    return _kpi(request, kpi_id)


@router.patch(
    "/kpis/{kpi_id}",
    response={200: KPIOut, **WRITE_ERRORS},
    url_name="kpi_update",
    summary="Change a KPI",
)
def kpi_update(request, kpi_id: PathId, payload: KPIPatch):
    """Stored scorecards keep the formula they were computed with."""
    kpi = _kpi(request, kpi_id)
    return services.kpi_update(
        actor=request.user, kpi=kpi, data=_kpi_data(payload.model_dump(exclude_unset=True))
    )


@router.delete(
    "/kpis/{kpi_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="kpi_delete",
    summary="Delete a KPI",
)
def kpi_delete(request, kpi_id: PathId):
    services.kpi_delete(actor=request.user, kpi=_kpi(request, kpi_id))
    return Status(204, None)


# Templates ----------------------------------------------------------------------------


def _template(request, pk: int) -> ScorecardTemplate:
    _staff_only(request)
    found = selectors.template_list().filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _template_args(data: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if "lines" in data and data["lines"] is not None:
        codes = [line["kpi"] for line in data["lines"]]
        kpis = {k.code: k for k in KPI.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(kpis))
        if missing:
            raise BusinessError(
                _("Unknown KPI(s): %(codes)s") % {"codes": ", ".join(missing)}, field="lines"
            )
        args["lines"] = [(kpis[line["kpi"]], line["weight"]) for line in data["lines"]]
    data.pop("lines", None)
    if data.get("bands") is not None:
        args["bands"] = data["bands"]
    data.pop("bands", None)
    if data.get("partner_types") is not None:
        args["partner_types"] = data["partner_types"]
    data.pop("partner_types", None)
    args["data"] = data
    return args


@router.get(
    "/scorecard-templates",
    response=list[TemplateOut],
    url_name="template_list",
    summary="List scorecard templates",
)
@paginate(PageNumberSizePagination)
def template_list(request):
    rows = selectors.template_list().order_by("name_en", "id")
    return rows if request.user.is_staff_role else rows.none()


@router.post(
    "/scorecard-templates",
    response={201: TemplateOut, **WRITE_ERRORS},
    url_name="template_create",
    summary="Create a scorecard template",
)
def template_create(request, payload: TemplateIn):
    """Admins only. Weights must sum to 100; standing bands cover 0-100 without gaps or
    overlaps (default: 우수 ≥ 85, 양호 ≥ 70, 주의 ≥ 50, 위험 below)."""
    template = services.template_save(
        actor=request.user, **_template_args(payload.model_dump(exclude_none=True))
    )
    return Status(201, _template(request, template.pk))


@router.get(
    "/scorecard-templates/{template_id}",
    response={200: TemplateOut, **READ_ERRORS},
    url_name="template_detail",
    summary="Read a scorecard template",
)
def template_detail(request, template_id: PathId):
    return _template(request, template_id)


@router.patch(
    "/scorecard-templates/{template_id}",
    response={200: TemplateOut, **WRITE_ERRORS},
    url_name="template_update",
    summary="Change a scorecard template",
)
def template_update(request, template_id: PathId, payload: TemplatePatch):
    template = _template(request, template_id)
    services.template_save(
        actor=request.user,
        template=template,
        **_template_args(payload.model_dump(exclude_unset=True)),
    )
    return _template(request, template_id)


# Results ------------------------------------------------------------------------------


@router.get(
    "/scorecards",
    response=list[ScorecardOut],
    url_name="scorecard_list",
    summary="List scorecards",
)
@paginate(PageNumberSizePagination)
def scorecard_list(request, filters: Query[ScorecardQuery]):
    """Results you may see; `?partner=<id>&period=2026-Q3&standing=watch`."""
    filterset, queryset = selectors.result_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/scorecards/recompute",
    response={200: RecomputeOut, **WRITE_ERRORS},
    url_name="scorecard_recompute",
    summary="Recompute scorecards",
)
def scorecard_recompute(request, payload: RecomputeIn):
    """Admins recompute a template's period for every partner; partner managers for the
    partners they own (`partners`)."""
    if access.role_of(request.user) not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied
    template = ScorecardTemplate.objects.filter(pk=payload.template).first()
    if template is None:
        raise BusinessError(_("Unknown scorecard template."), status=404, field="template")
    try:
        period = Period.parse(payload.period)
    except ValueError:
        raise BusinessError(
            _("Give a period such as 2026-Q3, 2026-11 or 2026."), field="period"
        ) from None
    if payload.partners is not None:
        visible = set(
            access.scope(request.user, Partner)
            .filter(pk__in=payload.partners)
            .values_list("pk", flat=True)
        )
        if visible != set(payload.partners):
            raise BusinessError(_("Unknown partner."), status=404, field="partners")
    report = services.scorecards_recompute(
        actor=request.user, template=template, period=period, partner_ids=payload.partners
    )
    return {
        "template": report.template,
        "period": report.period,
        "partners": report.partners,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "standing_changes": report.standing_changes,
    }


@router.get(
    "/scorecards/{scorecard_id}",
    response={200: ScorecardDetailOut, **READ_ERRORS},
    url_name="scorecard_detail",
    summary="Read a scorecard with its breakdown",
)
def scorecard_detail(request, scorecard_id: PathId):
    return selectors.result_get(user=request.user, pk=scorecard_id)


# Disputes -----------------------------------------------------------------------------


@router.get(
    "/disputes", response=list[DisputeOut], url_name="dispute_list", summary="List disputes"
)
@paginate(PageNumberSizePagination)
def dispute_list(request, filters: Query[DisputeQuery]):
    filterset, queryset = selectors.dispute_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.prefetch_related("messages")


@router.post(
    "/disputes",
    response={201: DisputeOut, **WRITE_ERRORS},
    url_name="dispute_create",
    summary="Dispute a scorecard",
)
def dispute_create(request, payload: DisputeIn):
    """A partner disputes one of its results with a comment."""
    result = access.scope(request.user, ScorecardResult).filter(pk=payload.result).first()
    if result is None:
        raise BusinessError(_("Unknown scorecard."), status=404, field="result")
    dispute = services.dispute_open(actor=request.user, result=result, body=payload.body)
    return Status(201, selectors.dispute_get(user=request.user, pk=dispute.pk))


@router.get(
    "/disputes/{dispute_id}",
    response={200: DisputeOut, **READ_ERRORS},
    url_name="dispute_detail",
    summary="Read a dispute and its thread",
)
def dispute_detail(request, dispute_id: PathId):
    return selectors.dispute_get(user=request.user, pk=dispute_id)


@router.post(
    "/disputes/{dispute_id}/messages",
    response={201: DisputeOut, **WRITE_ERRORS},
    url_name="dispute_reply",
    summary="Add to a dispute's thread",
)
def dispute_reply(request, dispute_id: PathId, payload: DisputeMessageIn):
    """A staff message marks an open dispute answered; the partner's reopens it."""
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    services.dispute_reply(actor=request.user, dispute=dispute, body=payload.body)
    return Status(201, selectors.dispute_get(user=request.user, pk=dispute_id))


@router.post(
    "/disputes/{dispute_id}/close",
    response={200: DisputeOut, **WRITE_ERRORS},
    url_name="dispute_close",
    summary="Close a dispute (staff)",
)
def dispute_close(request, dispute_id: PathId, payload: DisputeCloseIn):
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    if not request.user.is_staff_role:
        raise PermissionDenied
    services.dispute_close(
        actor=request.user,
        dispute=dispute,
        recompute=payload.outcome == "recomputed",
        body=payload.body,
    )
    return selectors.dispute_get(user=request.user, pk=dispute_id)
