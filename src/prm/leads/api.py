"""/api/v1/leads: staff create, read, change, delete and route leads; partners list the
leads offered to them and accept or decline them.

Lists come from the selectors (the list page's FilterSet), objects from the access layer,
and every write goes through ``prm.leads.services``.
"""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.leads import selectors, services
from prm.leads.filters import LeadFilter
from prm.leads.models import LeadSource
from prm.leads.schemas import (
    AssignmentOut,
    DeclinedOut,
    DeclineIn,
    LeadIn,
    LeadOut,
    LeadPatch,
)

router = Router(tags=["leads"])

LeadQuery = query_schema(LeadFilter)

READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


@router.get("/leads", response=list[LeadOut], url_name="lead_list", summary="List leads")
@paginate(PageNumberSizePagination)
def lead_list(request, filters: Query[LeadQuery]):
    """Staff see every lead; a partner's users see the leads offered to or accepted by
    their company."""
    filterset, queryset = selectors.lead_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.select_related(None)


@router.post(
    "/leads",
    response={201: LeadOut, **WRITE_ERRORS},
    url_name="lead_create",
    summary="Create a lead",
)
def lead_create(request, payload: LeadIn):
    """Creates the lead (source `api`) and, unless `route` is false, offers it at once to
    the partner the routing rules choose (`status` `offered`, or `unassigned`)."""
    data = payload.model_dump(exclude={"route"})
    lead = services.lead_create(
        actor=request.user, data=data, source=LeadSource.API, route=payload.route
    )
    return Status(201, selectors.lead_get(user=request.user, pk=lead.pk))


@router.get(
    "/leads/{lead_id}",
    response={200: LeadOut, **READ_ERRORS},
    url_name="lead_detail",
    summary="Read a lead",
)
def lead_detail(request, lead_id: PathId):
    return selectors.lead_get(user=request.user, pk=lead_id)


@router.patch(
    "/leads/{lead_id}",
    response={200: LeadOut, **WRITE_ERRORS},
    url_name="lead_update",
    summary="Change a lead",
)
def lead_update(request, lead_id: PathId, payload: LeadPatch):
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    services.lead_update(actor=request.user, lead=lead, data=payload.model_dump(exclude_unset=True))
    return selectors.lead_get(user=request.user, pk=lead_id)


@router.delete(
    "/leads/{lead_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="lead_delete",
    summary="Delete a lead",
)
def lead_delete(request, lead_id: PathId):
    services.lead_delete(actor=request.user, lead=selectors.lead_get(user=request.user, pk=lead_id))
    return Status(204, None)


@router.post(
    "/leads/{lead_id}/route",
    response={200: LeadOut, **WRITE_ERRORS},
    url_name="lead_route",
    summary="Route a lead again",
)
def lead_route(request, lead_id: PathId):
    """Withdraws a pending offer and routes the lead by the rules again (staff)."""
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    services.lead_route(actor=request.user, lead=lead)
    return selectors.lead_get(user=request.user, pk=lead_id)


@router.post(
    "/leads/{lead_id}/accept",
    response={200: LeadOut, **WRITE_ERRORS},
    url_name="lead_accept",
    summary="Accept a lead",
)
def lead_accept(request, lead_id: PathId):
    """The partner takes the lead offered to it. Refused (409, code `sla_expired`) after
    the answer time (`sla_due`)."""
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    return services.lead_accept(actor=request.user, lead=lead)


@router.post(
    "/leads/{lead_id}/decline",
    response={200: DeclinedOut, **WRITE_ERRORS},
    url_name="lead_decline",
    summary="Decline a lead",
)
def lead_decline(request, lead_id: PathId, payload: DeclineIn):
    """The partner passes on the lead with a reason; the lead goes to the next partner and
    is never offered to this one again (nor shown to it: who gets it next is not told)."""
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    services.lead_decline(actor=request.user, lead=lead, reason=payload.reason)
    return {"id": lead_id, "status": "declined"}


@router.post(
    "/leads/{lead_id}/convert",
    response={200: LeadOut, **WRITE_ERRORS},
    url_name="lead_convert",
    summary="Turn a lead into a deal registration",
)
def lead_convert(request, lead_id: PathId):
    """Registers the accepted (or offered, which accepts it) lead as the partner's deal,
    through the deal registration with its conflict check; `deal` is the new deal's id
    (see /api/v1/deals)."""
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    services.lead_convert(actor=request.user, lead=lead)
    return selectors.lead_get(user=request.user, pk=lead_id)


@router.get(
    "/leads/{lead_id}/assignments",
    response={200: list[AssignmentOut], **READ_ERRORS},
    url_name="lead_assignments",
    summary="A lead's assignment history",
)
def lead_assignments(request, lead_id: PathId):
    """Every offer of the lead with the rule, the candidates with their lead priorities and
    weights, the seed and the explanation (staff only)."""
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    return list(selectors.assignment_history(user=request.user, lead=lead))
