"""/api/v1/corrective-actions: list (filter by status, partner, severity, overdue, risk),
read, create, change and delete drafts (staff); send, accept, return and cancel (staff);
answer and upload evidence (the partner's portal users). Lists come from the same FilterSet
as the list page; writes go through ``prm.corrective_actions.services``."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors, refuse_unknown_form_fields
from prm.core import access
from prm.core.errors import BusinessError
from prm.corrective_actions import selectors, services
from prm.corrective_actions.filters import RequestFilter
from prm.corrective_actions.models import CorrectiveActionRequest
from prm.corrective_actions.schemas import (
    AnswerIn,
    DecisionIn,
    EvidenceUpload,
    RequestIn,
    RequestOut,
    RequestPatch,
)
from prm.partners.models import Partner
from prm.risks.models import Risk

router = Router(tags=["corrective-actions"])

RequestQuery = query_schema(RequestFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _partner_ref(user: User, pk: int) -> Partner:
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field="partner")
    return partner


def _risk_ref(user: User, pk: int | None) -> Risk | None:
    if pk is None:
        return None
    risk = access.scope(user, Risk).filter(pk=pk).first()
    if risk is None:
        raise BusinessError(_("Unknown risk."), code="not_found", status=404, field="risk")
    return risk


def _get(request, request_id: int):
    return selectors.request_get(user=request.user, pk=request_id)


def _out(request, request_id: int):
    return access.get_object(
        request.user,
        access.scope(request.user, CorrectiveActionRequest)
        .select_related(*selectors.RELATED)
        .prefetch_related("evidence__document"),
        pk=request_id,
    )


@router.get(
    "/corrective-actions",
    response=list[RequestOut],
    url_name="corrective_action_list",
    summary="List corrective action requests",
)
@paginate(PageNumberSizePagination)
def request_list(request, filters: Query[RequestQuery]):
    """Requests you may see: staff see every request, a partner's users the requests sent to
    their company. `overdue=true` keeps requests awaiting an answer past their due date."""
    filterset, queryset = selectors.request_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.prefetch_related("evidence__document")


@router.post(
    "/corrective-actions",
    response={201: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_create",
    summary="Create a corrective action request (staff)",
)
def request_create(request, payload: RequestIn):
    """A draft request to a partner, optionally linked to a risk of that partner; with
    `send: true` it is sent at once."""
    partner = _partner_ref(request.user, payload.partner)
    data = payload.model_dump(exclude={"partner", "send"})
    data["risk"] = _risk_ref(request.user, data.get("risk"))
    with transaction.atomic():
        car = services.request_create(actor=request.user, partner=partner, data=data)
        if payload.send:
            services.request_send(actor=request.user, request=car)
    return Status(201, _out(request, car.pk))


@router.get(
    "/corrective-actions/{request_id}",
    response={200: RequestOut, **READ_ERRORS},
    url_name="corrective_action_detail",
    summary="Read a corrective action request",
)
def request_detail(request, request_id: PathId):
    return _out(request, request_id)


@router.patch(
    "/corrective-actions/{request_id}",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_update",
    summary="Change a corrective action request (staff)",
)
def request_update(request, request_id: PathId, payload: RequestPatch):
    """Changes only the fields sent. A draft changes freely; once sent, only the due date,
    the external ID and the risk; a closed request not at all (409)."""
    car = _get(request, request_id)
    data = payload.model_dump(exclude_unset=True)
    if "risk" in data:
        data["risk"] = _risk_ref(request.user, data["risk"])
    services.request_update(actor=request.user, request=car, data=data)
    return _out(request, request_id)


@router.delete(
    "/corrective-actions/{request_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="corrective_action_delete",
    summary="Delete a draft request (staff)",
)
def request_delete(request, request_id: PathId):
    """Only a draft is deleted; cancel a request that was sent."""
    services.request_delete(actor=request.user, request=_get(request, request_id))
    return Status(204, None)


@router.post(
    "/corrective-actions/{request_id}/send",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_send",
    summary="Send a draft to the partner (staff)",
)
def request_send(request, request_id: PathId):
    services.request_send(actor=request.user, request=_get(request, request_id))
    return _out(request, request_id)


@router.post(
    "/corrective-actions/{request_id}/answer",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_answer",
    summary="Answer a request (the partner's portal users)",
)
def request_answer(request, request_id: PathId, payload: AnswerIn):
    """Root cause, containment and corrective action (required) and preventive action.
    Only a request awaiting an answer (sent or returned) is answered (409 otherwise)."""
    services.request_answer(
        actor=request.user, request=_get(request, request_id), data=payload.model_dump()
    )
    return _out(request, request_id)


@router.post(
    "/corrective-actions/{request_id}/evidence",
    response={201: RequestOut, **WRITE_ERRORS, **errors(413)},
    url_name="corrective_action_evidence",
    summary="Upload evidence for a request",
)
def request_evidence(
    request, request_id: PathId, payload: Form[EvidenceUpload], file: File[UploadedFile]
):
    """Send `multipart/form-data` with the file (`file`) and an optional `title`. The type
    and size are checked by content; it is stored as a document of the partner."""
    refuse_unknown_form_fields(request, EvidenceUpload, files=("file",))
    services.evidence_add(
        actor=request.user, request=_get(request, request_id), upload=file, title=payload.title
    )
    return Status(201, _out(request, request_id))


def _decision(service, request, request_id: int, payload: DecisionIn):
    service(actor=request.user, request=_get(request, request_id), comment=payload.comment)
    return _out(request, request_id)


@router.post(
    "/corrective-actions/{request_id}/accept",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_accept",
    summary="Accept the partner's answer (staff)",
)
def request_accept(request, request_id: PathId, payload: DecisionIn):
    return _decision(services.request_accept, request, request_id, payload)


@router.post(
    "/corrective-actions/{request_id}/return",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_return",
    summary="Return the answer to the partner with a comment (staff)",
)
def request_return(request, request_id: PathId, payload: DecisionIn):
    """The comment is required: it tells the partner what to fix."""
    return _decision(services.request_return, request, request_id, payload)


@router.post(
    "/corrective-actions/{request_id}/cancel",
    response={200: RequestOut, **WRITE_ERRORS},
    url_name="corrective_action_cancel",
    summary="Cancel a request that is not closed (staff)",
)
def request_cancel(request, request_id: PathId, payload: DecisionIn):
    return _decision(services.request_cancel, request, request_id, payload)
