"""/api/v1/contracts: list (filter by status, partner, type, deadline), read, create, change,
and delete drafts; negotiation rounds (upload a version, comment, accept), signing, renewal
and termination; a partner's compliance checklist and document submissions. Lists come
from the same FilterSet as the list page; writes go through ``prm.contracts.services``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors, refuse_unknown_form_fields
from prm.contracts import selectors, services
from prm.contracts.filters import ContractFilter
from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceSubmission,
    ContractType,
    NegotiationRound,
)
from prm.contracts.schemas import (
    CommentIn,
    CommentOut,
    ComplianceOut,
    ContractIn,
    ContractOut,
    ContractPatch,
    RenewIn,
    RoundOut,
    RoundUpload,
    SignIn,
    SubmissionOut,
    SubmissionUpload,
    TerminateIn,
)
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.partners.models import Partner

router = Router()

ContractQuery = query_schema(ContractFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _partner_ref(user: User, pk: int) -> Partner:
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field="partner")
    return partner


def _data(data: dict[str, Any]) -> dict[str, Any]:
    if "type" in data:
        found = ContractType.objects.filter(code=data["type"]).first()
        if found is None:
            raise BusinessError(
                _("Unknown contract type %(type)s; use one of: %(types)s")
                % {
                    "type": data["type"],
                    "types": ", ".join(ContractType.objects.values_list("code", flat=True)),
                },
                field="type",
            )
        data["type"] = found
    if data.get("owner") is not None:
        owner = User.objects.filter(
            pk=data["owner"], role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
        ).first()
        if owner is None:
            raise BusinessError(_("Unknown user."), field="owner")
        data["owner"] = owner
    return data


# Compliance (declared before /contracts/{contract_id}, which would take "compliance")


def _compliance_partner(request, partner_id: int | None) -> Partner:
    user = request.user
    if partner_id is None:
        if user.partner_id is None:
            raise BusinessError(
                _("Name the partner: ?partner=<id>."), code="required", field="partner"
            )
        partner_id = user.partner_id
    return access.get_object(
        user, access.scope(user, Partner).prefetch_related("types"), pk=partner_id
    )


def _compliance_out(data) -> dict:
    return {
        "partner": data.partner.pk,
        "status": str(data.status.value),
        "items": [
            {
                "partner": data.partner.pk,
                "requirement": item.requirement.pk,
                "name": str(item.requirement),
                "partner_type": item.requirement.partner_type_id,
                "expires": item.requirement.expires,
                "status": str(item.status.value),
                "submission": item.submission,
            }
            for item in data.items
        ],
    }


@router.get(
    "/contracts/compliance",
    response={200: ComplianceOut, **errors(400, 401, 404, 422)},
    url_name="compliance_detail",
    summary="A partner's compliance checklist",
)
def compliance_detail(request, partner: int | None = None):
    """The partner's required documents with their status (complete, missing, expiring,
    expired) and the latest submission of each. Portal users get their own partner's."""
    found = _compliance_partner(request, partner)
    return _compliance_out(selectors.partner_compliance(user=request.user, partner=found))


@router.post(
    "/contracts/compliance/submissions",
    response={201: SubmissionOut, **WRITE_ERRORS, **errors(413)},
    url_name="compliance_submit",
    summary="Submit a compliance document",
)
def compliance_submit(request, payload: Form[SubmissionUpload], file: File[UploadedFile]) -> Status:
    """Send `multipart/form-data` with the partner id, the file, the requirement id and (for
    documents that expire) `expires_on`. The file type and size are checked by content."""
    refuse_unknown_form_fields(request, SubmissionUpload, files=("file",))
    role = access.role_of(request.user)
    if (
        role is None
        or access.policy_of(ComplianceSubmission).filter(request.user, role, Action.ADD) is None
    ):
        raise PermissionDenied
    partner = _compliance_partner(request, payload.partner)
    requirement = ComplianceRequirement.objects.filter(pk=payload.requirement).first()
    if requirement is None:
        raise BusinessError(
            _("Unknown requirement."), code="not_found", status=404, field="requirement"
        )
    submission = services.compliance_submit(
        actor=request.user,
        partner=partner,
        requirement=requirement,
        upload=file,
        expires_on=payload.expires_on,
    )
    return Status(
        201,
        access.scope(request.user, ComplianceSubmission)
        .select_related("document")
        .get(pk=submission.pk),
    )


# Negotiation rounds ------------------------------------------------------------------


def _round(user: User, pk: int) -> NegotiationRound:
    return access.get_object(
        user,
        access.scope(user, NegotiationRound).select_related("contract"),
        Action.VIEW,
        pk=pk,
    )


def _round_out(user: User, pk: int) -> NegotiationRound:
    return (
        access.scope(user, NegotiationRound)
        .select_related("contract")
        .prefetch_related("comments__author")
        .get(pk=pk)
    )


@router.post(
    "/contracts/rounds/{round_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    url_name="round_comment",
    summary="Comment on a negotiation round",
)
def round_comment(request, round_id: PathId, payload: CommentIn):
    """Staff and (through the portal's token) the partner comment on the current round of
    an open negotiation; the other side is notified."""
    comment = services.comment_add(
        actor=request.user, round=_round(request.user, round_id), body=payload.body
    )
    return Status(201, comment)


@router.post(
    "/contracts/rounds/{round_id}/accept",
    response={200: RoundOut, **WRITE_ERRORS},
    url_name="round_accept",
    summary="Accept a negotiation round's version",
)
def round_accept(request, round_id: PathId):
    """Staff accept the current round's version: the one to be signed."""
    round_ = services.round_accept(actor=request.user, round=_round(request.user, round_id))
    return _round_out(request.user, round_.pk)


@router.get(
    "/contracts",
    response=list[ContractOut],
    url_name="contract_list",
    summary="List contracts",
)
@paginate(PageNumberSizePagination)
def contract_list(request, filters: Query[ContractQuery]):
    """Contracts you may see. `status` is derived from the dates and events; `expiring=N`
    keeps contracts in force whose notice deadline or end falls within N days."""
    filterset, queryset = selectors.contract_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset.prefetch_related("terms")


@router.post(
    "/contracts",
    response={201: ContractOut, **WRITE_ERRORS},
    url_name="contract_create",
    summary="Create a contract",
)
def contract_create(request, payload: ContractIn):
    """A draft contract, with its SLA terms or obligations."""
    partner = _partner_ref(request.user, payload.partner)
    data = _data(payload.model_dump(exclude={"partner", "terms"}))
    with transaction.atomic():
        contract = services.contract_create(actor=request.user, partner=partner, data=data)
        for term in payload.terms:
            services.term_add(actor=request.user, contract=contract, data=term.model_dump())
    return Status(201, selectors.contract_get(user=request.user, pk=contract.pk))


@router.get(
    "/contracts/{contract_id}",
    response={200: ContractOut, **READ_ERRORS},
    url_name="contract_detail",
    summary="Read a contract",
)
def contract_detail(request, contract_id: PathId):
    return selectors.contract_get(user=request.user, pk=contract_id)


@router.patch(
    "/contracts/{contract_id}",
    response={200: ContractOut, **WRITE_ERRORS},
    url_name="contract_update",
    summary="Change a contract",
)
def contract_update(request, contract_id: PathId, payload: ContractPatch):
    """Changes only the fields sent; a signed contract keeps its type, value and dates."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    services.contract_update(
        actor=request.user, contract=contract, data=_data(payload.model_dump(exclude_unset=True))
    )
    return selectors.contract_get(user=request.user, pk=contract_id)


@router.delete(
    "/contracts/{contract_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="contract_delete",
    summary="Delete a draft contract",
)
def contract_delete(request, contract_id: PathId):
    """Only drafts (never negotiated nor signed) are deleted; terminate the others."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    services.contract_delete(actor=request.user, contract=contract)
    return Status(204, None)


@router.get(
    "/contracts/{contract_id}/rounds",
    response={200: list[RoundOut], **READ_ERRORS},
    url_name="round_list",
    summary="List a contract's negotiation rounds",
)
def round_list(request, contract_id: PathId):
    """Every round, oldest first, with its comments; the file is downloaded from the
    back office or the portal."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    return list(
        access.scope(request.user, NegotiationRound)
        .filter(contract=contract)
        .select_related("contract")
        .prefetch_related("comments__author")
        .order_by("number")
    )


@router.post(
    "/contracts/{contract_id}/rounds",
    response={201: RoundOut, **WRITE_ERRORS, **errors(413)},
    url_name="round_create",
    summary="Upload a new negotiation round",
)
def round_create(
    request, contract_id: PathId, payload: Form[RoundUpload], file: File[UploadedFile]
):
    """Send `multipart/form-data` with the document version (`file`) and `summary` (what
    changed). The type and size are checked by content; a signed or terminated contract,
    or one whose version was accepted, takes no new round (400)."""
    refuse_unknown_form_fields(request, RoundUpload, files=("file",))
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    round_ = services.round_add(
        actor=request.user, contract=contract, upload=file, summary=payload.summary
    )
    return Status(201, _round_out(request.user, round_.pk))


@router.post(
    "/contracts/{contract_id}/sign",
    response={200: ContractOut, **WRITE_ERRORS},
    url_name="contract_sign",
    summary="Record the signing of a contract",
)
def contract_sign(request, contract_id: PathId, payload: SignIn):
    """The signatories and the date (not in the future); a negotiated contract needs an
    accepted version first."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    services.contract_sign(
        actor=request.user,
        contract=contract,
        signed_on=payload.signed_on,
        signatories=payload.signatories,
    )
    return selectors.contract_get(user=request.user, pk=contract_id)


@router.post(
    "/contracts/{contract_id}/renew",
    response={201: ContractOut, **WRITE_ERRORS},
    url_name="contract_renew",
    summary="Renew a contract (creates its successor)",
)
def contract_renew(request, contract_id: PathId, payload: RenewIn | None = None):
    """A draft successor linked to this contract (`predecessor`), starting the day after it
    ends. A terminated, unsigned or already renewed contract is refused (409 or 400)."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    data = payload.model_dump(exclude_unset=True) if payload else {}
    successor = services.contract_renew(actor=request.user, contract=contract, data=data)
    return Status(201, selectors.contract_get(user=request.user, pk=successor.pk))


@router.post(
    "/contracts/{contract_id}/terminate",
    response={200: ContractOut, **WRITE_ERRORS},
    url_name="contract_terminate",
    summary="Terminate a contract",
)
def contract_terminate(request, contract_id: PathId, payload: TerminateIn):
    """Records the reason and the date (default today)."""
    contract = selectors.contract_get(user=request.user, pk=contract_id)
    services.contract_terminate(
        actor=request.user,
        contract=contract,
        reason=payload.reason,
        terminated_on=payload.terminated_on,
    )
    return selectors.contract_get(user=request.user, pk=contract_id)
