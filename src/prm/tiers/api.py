"""/api/v1/tiers: the tiers with requirements and benefits; /api/v1/tiers/proposals (list,
read, approve, override); /api/v1/tiers/history (tier changes, ``?partner=``). Writes go
through ``prm.tiers.services``."""

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.pagination import paginate

from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core.errors import BusinessError
from prm.partners.models import Tier
from prm.tiers import selectors, services
from prm.tiers.filters import TierChangeFilter, TierProposalFilter
from prm.tiers.schemas import (
    ApproveIn,
    OverrideIn,
    ProposalOut,
    TierChangeOut,
    TierOut,
)

router = Router()

ProposalQuery = query_schema(TierProposalFilter)
ChangeQuery = query_schema(TierChangeFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


@router.get("/tiers", response=list[TierOut], url_name="tier_list", summary="List tiers")
def tier_list(request):
    """Every tier in rank order with its requirements (all must be met) and benefits."""
    return selectors.program()


@router.get(
    "/tiers/proposals",
    response={200: list[ProposalOut], **READ_ERRORS},
    url_name="tier_proposal_list",
    summary="List tier proposals",
)
@paginate(PageNumberSizePagination)
def proposal_list(request, filters: Query[ProposalQuery]):
    """Proposed upgrades and downgrades with their reasons (staff only)."""
    filterset, queryset = selectors.proposal_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.get(
    "/tiers/proposals/{tier_proposal_id}",
    response={200: ProposalOut, **READ_ERRORS},
    url_name="tier_proposal_detail",
    summary="Read a tier proposal",
)
def proposal_detail(request, tier_proposal_id: PathId):
    return selectors.proposal_get(user=request.user, pk=tier_proposal_id)


@router.post(
    "/tiers/proposals/{tier_proposal_id}/approve",
    response={200: ProposalOut, **WRITE_ERRORS},
    url_name="tier_proposal_approve",
    summary="Approve a tier proposal",
)
def proposal_approve(request, tier_proposal_id: PathId, payload: ApproveIn):
    """The partner's tier changes to the proposed one and the partner is notified; a
    proposal already decided answers 409."""
    proposal = selectors.proposal_get(user=request.user, pk=tier_proposal_id)
    services.proposal_approve(actor=request.user, proposal=proposal, note=payload.note)
    return selectors.proposal_get(user=request.user, pk=tier_proposal_id)


@router.post(
    "/tiers/proposals/{tier_proposal_id}/override",
    response={200: ProposalOut, **WRITE_ERRORS},
    url_name="tier_proposal_override",
    summary="Override a tier proposal",
)
def proposal_override(request, tier_proposal_id: PathId, payload: OverrideIn):
    """Keep the partner's tier (`keep: true`) or move it to `tier` (a code, or null for no
    tier); the note says why."""
    proposal = selectors.proposal_get(user=request.user, pk=tier_proposal_id)
    tier = services.KEEP
    if not payload.keep:
        tier = None
        if payload.tier:
            tier = Tier.objects.filter(code=payload.tier).first()
            if tier is None:
                raise BusinessError(
                    _("Unknown tier %(tier)s.") % {"tier": payload.tier}, field="tier"
                )
    services.proposal_override(actor=request.user, proposal=proposal, note=payload.note, tier=tier)
    return selectors.proposal_get(user=request.user, pk=tier_proposal_id)


@router.get(
    "/tiers/history",
    response={200: list[TierChangeOut], **READ_ERRORS},
    url_name="tier_change_list",
    summary="List tier changes",
)
@paginate(PageNumberSizePagination)
def change_list(request, filters: Query[ChangeQuery]):
    """Every change of a partner's tier, newest first (a portal user sees its own)."""
    filterset, queryset = selectors.change_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset
