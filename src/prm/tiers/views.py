"""Back-office and portal pages of the tier program.

Views read through ``selectors`` and the access layer, write through ``services``, and turn a
``BusinessError`` into a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.partners.models import Partner
from prm.portal.views import portal_view
from prm.tiers import evaluation, selectors, services
from prm.tiers.forms import ApproveForm, OverrideForm, ReviewForm
from prm.tiers.models import ProposalStatus, TierProposal

PAGE_SIZE = 50


def _styled(filterset):
    for field in filterset.form.fields.values():
        widget = field.widget
        css = "form-select" if widget.input_type == "select" else "form-control"
        if getattr(widget, "allow_multiple_selected", False):
            css = "form-select"
        widget.attrs["class"] = css
    return filterset


@staff_required
@require_GET
def program(request: HttpRequest) -> HttpResponse:
    """The tiers with their requirements and benefits; admins run the review from here."""
    pending = access.scope(request.user, TierProposal).filter(status=ProposalStatus.PENDING)
    return render(
        request,
        "tiers/program.html",
        {
            "tiers": selectors.program(),
            "pending_count": pending.count(),
            "is_admin": access.role_of(request.user) == Role.ADMIN,
            "review_form": ReviewForm(),
        },
    )


@staff_required
@require_POST
def review(request: HttpRequest) -> HttpResponse:
    """Run the tier review now (admins)."""
    if access.role_of(request.user) != Role.ADMIN:
        raise PermissionDenied
    form = ReviewForm(request.POST)
    dry_run = form.is_valid() and form.cleaned_data["dry_run"]
    report = services.tier_review(actor=request.user, dry_run=dry_run)
    if dry_run:
        return render(
            request,
            "tiers/review_preview.html",
            {"report": report, "proposals": report.proposals},
        )
    messages.success(
        request,
        _(
            "Tier review done: %(evaluated)s partners checked, %(upgrades)s upgrades and "
            "%(downgrades)s downgrades proposed."
        )
        % {
            "evaluated": report.evaluated,
            "upgrades": report.upgrades,
            "downgrades": report.downgrades,
        },
    )
    return redirect("tiers:proposals")


@staff_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    params = request.GET
    if "status" not in params:
        params = params.copy()
        params["status"] = ProposalStatus.PENDING
    filterset, rows = selectors.proposal_list(user=request.user, params=params, request=request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tiers/proposals.html",
        {"filter": _styled(filterset), "page": page, "rows": page.object_list},
    )


def _detail(request, proposal, approve_form=None, override_form=None, status=200):
    return render(
        request,
        "tiers/proposal_detail.html",
        {
            "proposal": proposal,
            "reasons": [evaluation.relabel(r) for r in proposal.reasons],
            "may_decide": proposal.is_pending and access.can(request.user, proposal, Action.CHANGE),
            "approve_form": approve_form or ApproveForm(),
            "override_form": override_form or OverrideForm(),
        },
        status=status,
    )


@staff_required
@require_GET
def proposal_detail(request: HttpRequest, tier_proposal_id: int) -> HttpResponse:
    return _detail(request, selectors.proposal_get(user=request.user, pk=tier_proposal_id))


@staff_required
@require_POST
def proposal_approve(request: HttpRequest, tier_proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, pk=tier_proposal_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _detail(request, proposal, approve_form=form, status=400)
    return perform(
        request,
        lambda: services.proposal_approve(
            actor=request.user, proposal=proposal, note=form.cleaned_data["note"]
        ),
        success=_("The proposal was approved and the partner notified."),
        then=reverse("tiers:proposal_detail", args=[proposal.pk]),
    )


@staff_required
@require_POST
def proposal_override(request: HttpRequest, tier_proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, pk=tier_proposal_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _detail(request, proposal, override_form=form, status=400)
    try:
        services.proposal_override(
            actor=request.user,
            proposal=proposal,
            note=form.cleaned_data["note"],
            tier=form.chosen_tier(),
        )
    except BusinessError as exc:
        if exc.field == "note":
            form.add_error("note", str(exc.message))
            return _detail(request, proposal, override_form=form, status=400)
        messages.error(request, str(exc.message))
        return redirect("tiers:proposal_detail", tier_proposal_id=proposal.pk)
    messages.success(request, _("The proposal was overridden."))
    return redirect("tiers:proposal_detail", tier_proposal_id=proposal.pk)


@staff_required
@require_GET
def history(request: HttpRequest, partner_id: int) -> HttpResponse:
    """A partner's tier history and what it needs for the next tier."""
    partner = access.get_object(request.user, Partner, pk=partner_id)
    changes = selectors.partner_changes(user=request.user, partner_id=partner.pk)
    return render(
        request,
        "tiers/history.html",
        {
            "partner": partner,
            "changes": changes,
            "progress": selectors.partner_progress(user=request.user, partner_id=partner.pk),
            "proposals": access.scope(request.user, TierProposal)
            .filter(partner=partner)
            .select_related("current_tier", "proposed_tier")[:10],
        },
    )


@portal_view
@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    """The partner's tier, its benefits, exactly what the next tier needs, and the history."""
    changes = selectors.partner_changes(user=request.user, partner_id=request.partner.pk)
    return render(
        request,
        "tiers/portal/tier.html",
        {
            "partner": request.partner,
            "section": "tier",
            "progress": selectors.partner_progress(
                user=request.user, partner_id=request.partner.pk
            ),
            "changes": changes,
        },
    )


@portal_view
@require_GET
def portal_dashboard(request: HttpRequest) -> HttpResponse:
    """The partner's own dashboard: its KPIs against target, its trend, and where it stands
    within its tier (a percentile; never another partner's name or figures)."""
    board = selectors.partner_dashboard(user=request.user, partner_id=request.partner.pk)
    lines = [
        {
            "label": line.name,
            "value": line.value,
            "target": line.target,
            "score": line.score,
            "unit": line.unit,
        }
        for line in board.lines
    ]
    charts = {
        "kpis": {
            "labels": [row["label"] for row in lines],
            "values": [float(row["score"]) if row["score"] is not None else None for row in lines],
        },
        "trend": board.trend,
        "revenue": board.revenue,
    }
    return render(
        request,
        "tiers/portal/dashboard.html",
        {
            "partner": request.partner,
            "section": "performance",
            "board": board,
            "lines": lines,
            "charts": charts,
            "min_peers": selectors.MIN_PEERS,
        },
    )
