"""/api/v1/contracts: list (filter by status, partner, type, deadline), read, create, change,
and delete drafts. Lists come from the same FilterSet as the list page; writes go through
``prm.contracts.services``."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.contracts import selectors, services
from prm.contracts.filters import ContractFilter
from prm.contracts.models import ContractType
from prm.contracts.schemas import ContractIn, ContractOut, ContractPatch
from prm.core import access
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
