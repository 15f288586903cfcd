"""Back-office pages of leads (list, detail with the assignment history, create, edit,
re-route, delete, the routing rules) and the partner's lead inbox in the portal.

Views read through ``selectors`` and the access layer and write through ``services``; a
``BusinessError`` or a model ``ValidationError`` becomes a message on the page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.leads import selectors, services
from prm.leads.forms import DeclineForm, LeadForm
from prm.leads.models import Lead, LeadStatus
from prm.partners.forms import add_business_error, add_service_error
from prm.partners.selectors import filled
from prm.portal.views import portal_view


def _may(user: User, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _export_url(params, file_format: str) -> str:
    query = params.copy()
    query.pop("page", None)
    query["format"] = file_format
    return f"{reverse('imports:export', args=['leads'])}?{query.urlencode()}"


# Back office ---------------------------------------------------------------------------


@require_GET
@staff_required
def lead_list(request: HttpRequest) -> HttpResponse:
    params = filled(request.GET)
    filterset, queryset = selectors.lead_list(user=request.user, params=params, request=request)
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "leads/list.html",
        {
            "filterset": filterset,
            "page": paginate(request, queryset),
            "query": query.urlencode(),
            "can_add": _may(request.user, Lead, Action.ADD),
            "export_csv_url": _export_url(params, "csv"),
            "export_xlsx_url": _export_url(params, "xlsx"),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def lead_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Lead, Action.ADD):
        raise PermissionDenied
    form = LeadForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, data=form.service_data())
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if lead.partner_id:
                messages.success(
                    request,
                    _("Lead %(name)s created and offered to %(partner)s.")
                    % {"name": lead.company_name, "partner": lead.partner.name},
                )
            else:
                messages.warning(
                    request,
                    _("Lead %(name)s created; no routing rule found a partner for it.")
                    % {"name": lead.company_name},
                )
            return redirect(lead)
    return render(request, "leads/form.html", {"form": form})


@require_GET
@staff_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, pk=pk)
    return render(
        request,
        "leads/detail.html",
        {
            "lead": lead,
            "assignments": selectors.assignment_history(user=request.user, lead=lead),
            "can_change": access.can(request.user, lead, Action.CHANGE),
            "can_delete": access.can(request.user, lead, Action.DELETE),
            "routable": lead.status in services.ROUTABLE_STATUSES,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_object(request.user, Lead, Action.CHANGE, pk=pk)
    form = LeadForm(request.POST if request.method == "POST" else None, instance=lead)
    if form.is_bound and form.is_valid():
        try:
            lead = services.lead_update(actor=request.user, lead=lead, data=form.service_data())
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Lead %(name)s saved.") % {"name": lead.company_name})
            return redirect(lead)
    return render(request, "leads/form.html", {"form": form, "lead": lead})


@require_POST
@staff_required
def lead_reroute(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_object(request.user, Lead, Action.CHANGE, pk=pk)
    try:
        assignment = services.lead_route(actor=request.user, lead=lead)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        if assignment is None:
            messages.warning(request, _("No routing rule found a partner for this lead."))
        else:
            messages.success(
                request,
                _("The lead is now offered to %(partner)s.") % {"partner": assignment.partner.name},
            )
    return redirect(lead)


@require_POST
@staff_required
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_object(request.user, Lead, Action.CHANGE, pk=pk)
    try:
        lead, deal = services.lead_convert(actor=request.user, lead=lead)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(lead)
    messages.success(
        request,
        _("The lead is now the deal registration %(title)s of %(partner)s.")
        % {"title": deal.title, "partner": lead.partner.name},
    )
    return redirect("sales:detail", pk=deal.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def lead_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lead = access.get_object(request.user, Lead, Action.DELETE, pk=pk)
    if request.method == "POST":
        services.lead_delete(actor=request.user, lead=lead)
        messages.success(request, _("Lead %(name)s deleted.") % {"name": lead.company_name})
        return redirect("leads:list")
    return render(request, "leads/confirm_delete.html", {"lead": lead})


@require_GET
@staff_required
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "leads/rules.html",
        {"rules": selectors.rules(), "is_admin": request.user.role == "admin"},
    )


# Portal --------------------------------------------------------------------------------

PORTAL_STATUSES = (LeadStatus.OFFERED, LeadStatus.ACCEPTED, LeadStatus.CONVERTED)


def partner_side(view):
    """The partner's pages: portal users (and staff viewing as one) get them; staff who
    follow such a link land on the back-office page of the same lead instead."""
    portal = portal_view(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "is_staff_role", False):
            if "lead_id" in kwargs:
                return redirect("leads:detail", pk=kwargs["lead_id"])
            return redirect("leads:list")
        return portal(request, *args, **kwargs)

    return wrapper


def _portal_render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context = {"partner": request.partner, "section": "leads", "now": timezone.now(), **context}
    return render(request, f"leads/{template}", context)


@require_GET
@partner_side
def portal_inbox(request: HttpRequest) -> HttpResponse:
    leads = (
        access.scope(request.user, Lead)
        .filter(partner=request.partner, status__in=PORTAL_STATUSES)
        .order_by("status", "sla_due", "-id")
    )
    status = request.GET.get("status", "")
    if status in {s.value for s in PORTAL_STATUSES}:
        leads = leads.filter(status=status)
    return _portal_render(
        request,
        "portal_inbox.html",
        {"page": paginate(request, leads, 25), "status": status, "statuses": PORTAL_STATUSES},
    )


def _portal_lead(request: HttpRequest, lead_id: int) -> Lead:
    return access.get_object(
        request.user,
        access.scope(request.user, Lead).filter(partner=request.partner),
        pk=lead_id,
    )


@require_GET
@partner_side
def portal_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _portal_lead(request, lead_id)
    return _portal_render(
        request, "portal_detail.html", {"lead": lead, "decline_form": DeclineForm()}
    )


@require_POST
@partner_side
def portal_accept(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _portal_lead(request, lead_id)
    return perform(
        request,
        lambda: services.lead_accept(actor=request.user, lead=lead),
        success=_("You accepted the lead %(name)s.") % {"name": lead.company_name},
        then=reverse("leads:portal_detail", args=[lead.pk]),
    )


@require_POST
@partner_side
def portal_decline(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _portal_lead(request, lead_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _portal_render(request, "portal_detail.html", {"lead": lead, "decline_form": form})
    try:
        services.lead_decline(actor=request.user, lead=lead, reason=form.cleaned_data["reason"])
    except BusinessError as exc:
        if exc.field == "reason":
            add_business_error(form, exc)
            return _portal_render(
                request, "portal_detail.html", {"lead": lead, "decline_form": form}
            )
        messages.error(request, exc.message)
        return redirect("leads:portal_detail", lead_id=lead.pk)
    messages.success(request, _("You declined the lead %(name)s.") % {"name": lead.company_name})
    return redirect("leads:portal_inbox")


@require_POST
@partner_side
def portal_convert(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _portal_lead(request, lead_id)
    try:
        lead, deal = services.lead_convert(actor=request.user, lead=lead)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("leads:portal_detail", lead_id=lead.pk)
    messages.success(
        request,
        _("Your deal registration %(title)s has been submitted.") % {"title": deal.title},
    )
    return redirect("sales:portal_detail", pk=deal.pk)
