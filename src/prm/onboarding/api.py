"""/api/v1/applications (staff: the review queue) and /api/v1/onboarding (journeys).

The public applies through the form at /portal/apply, not through the API. Portal users
see their own partner's journey and complete their own steps.
"""

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core import access
from prm.core.errors import BusinessError
from prm.onboarding import selectors, services
from prm.onboarding.filters import ApplicationFilter, JourneyFilter
from prm.onboarding.models import Journey, JourneyStep
from prm.onboarding.schemas import (
    ApplicationDecisionIn,
    ApplicationOut,
    JourneyOut,
    JourneyStepCompleteIn,
    JourneyStepIn,
    JourneyStepOut,
    JourneyStepSkipIn,
    TimeToOnboardOut,
)
from prm.partners.models import Document

router = Router()

ApplicationQuery = query_schema(ApplicationFilter)
JourneyQuery = query_schema(JourneyFilter)

READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


# Applications ---------------------------------------------------------------------------


@router.get(
    "/applications",
    response=list[ApplicationOut],
    tags=["applications"],
    url_name="application_list",
    summary="List applications",
)
@paginate(PageNumberSizePagination)
def application_list(request, filters: Query[ApplicationQuery]):
    """Applications made through the public form (staff only; newest first)."""
    filterset, queryset = selectors.application_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.prefetch_related("partner__types")


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **READ_ERRORS},
    tags=["applications"],
    url_name="application_detail",
    summary="Read an application",
)
def application_detail(request, application_id: PathId):
    return selectors.application_get(user=request.user, pk=application_id)


@router.post(
    "/applications/{application_id}/decision",
    response={200: ApplicationOut, **WRITE_ERRORS},
    tags=["applications"],
    url_name="application_decide",
    summary="Decide on an application",
)
def application_decide(request, application_id: PathId, payload: ApplicationDecisionIn):
    """`approve` (the partner moves to onboarding, its first contact is invited to the
    portal, its journey starts), `reject` with a `reason` (e-mailed to the applicant), or
    `request_info` with the question in `reason` (the applicant answers through a link)."""
    application = selectors.application_get(user=request.user, pk=application_id)
    site_url = request.build_absolute_uri("/")
    if payload.decision == "approve":
        services.application_approve(actor=request.user, application=application, site_url=site_url)
    elif payload.decision == "reject":
        services.application_reject(
            actor=request.user, application=application, reason=payload.reason
        )
    else:
        services.application_request_info(
            actor=request.user, application=application, question=payload.reason, site_url=site_url
        )
    return selectors.application_get(user=request.user, pk=application_id)


# Journeys -------------------------------------------------------------------------------


@router.get(
    "/onboarding",
    response=list[JourneyOut],
    tags=["onboarding"],
    url_name="journey_list",
    summary="List onboarding journeys",
)
@paginate(PageNumberSizePagination)
def journey_list(request, filters: Query[JourneyQuery]):
    """Journeys with their steps; portal users see their own partner's."""
    filterset, queryset = selectors.journey_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.prefetch_related("steps")


@router.get(
    "/onboarding/time-to-onboard",
    response=list[TimeToOnboardOut],
    tags=["onboarding"],
    url_name="journey_medians",
    summary="Median time to onboard by partner type",
)
def journey_medians(request):
    return selectors.time_to_onboard(user=request.user)


@router.get(
    "/onboarding/{journey_id}",
    response={200: JourneyOut, **READ_ERRORS},
    tags=["onboarding"],
    url_name="journey_detail",
    summary="Read an onboarding journey",
)
def journey_detail(request, journey_id: PathId):
    return selectors.journey_get(user=request.user, pk=journey_id)


@router.post(
    "/onboarding/{journey_id}/steps",
    response={201: JourneyStepOut, **WRITE_ERRORS},
    tags=["onboarding"],
    url_name="journey_step_add",
    summary="Add a step to a journey",
)
def journey_step_add(request, journey_id: PathId, payload: JourneyStepIn):
    """Staff only; the step goes last."""
    journey = access.get_object(request.user, Journey, pk=journey_id)
    step = services.step_add(actor=request.user, journey=journey, data=payload.model_dump())
    return Status(201, step)


@router.post(
    "/onboarding/steps/{journey_step_id}/complete",
    response={200: JourneyStepOut, **WRITE_ERRORS},
    tags=["onboarding"],
    url_name="journey_step_complete",
    summary="Complete a step",
)
def journey_step_complete(request, journey_step_id: PathId, payload: JourneyStepCompleteIn):
    """Partners complete their own steps. A document step names the partner's document
    (upload it first with POST /documents)."""
    step = access.get_object(request.user, JourneyStep, pk=journey_step_id)
    document = None
    if payload.document is not None:
        document = access.scope(request.user, Document).filter(pk=payload.document).first()
        if document is None:
            raise BusinessError(_("Unknown document."), field="document")
    step = services.step_complete(
        actor=request.user, step=step, note=payload.note, document=document
    )
    return access.get_object(request.user, JourneyStep, pk=step.pk)


@router.post(
    "/onboarding/steps/{journey_step_id}/skip",
    response={200: JourneyStepOut, **WRITE_ERRORS},
    tags=["onboarding"],
    url_name="journey_step_skip",
    summary="Skip a step",
)
def journey_step_skip(request, journey_step_id: PathId, payload: JourneyStepSkipIn):
    """Staff only."""
    step = access.get_object(request.user, JourneyStep, pk=journey_step_id)
    step = services.step_skip(actor=request.user, step=step, note=payload.note)
    return access.get_object(request.user, JourneyStep, pk=step.pk)
