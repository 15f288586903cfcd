"""Deal pages: the staff list, board, forecast, detail (conflicts, decisions, pipeline,
activities) and the partner's own registrations in the portal.

Views read through ``selectors`` and the access layer, write through ``services``, and turn
a ``BusinessError`` or a model ``ValidationError`` into a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.partners.forms import add_business_error, add_service_error
from prm.partners.models import Partner
from prm.partners.selectors import filled
from prm.portal.views import portal_view
from prm.sales import selectors, services
from prm.sales.forms import (
    ActivityForm,
    DealEditForm,
    DecisionForm,
    ExtendForm,
    MoveForm,
    RegistrationForm,
    StaffActivityForm,
    StaffRegistrationForm,
)
from prm.sales.models import (
    Deal,
    DealActivity,
    DealPartner,
    DealRole,
    DealRules,
    DealStatus,
    PipelineStage,
)

PORTAL_PAGE_SIZE = 25


def _may(user: User, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, BusinessError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _export_url(params: QueryDict, file_format: str) -> str:
    query = params.copy()
    query.pop("page", None)
    query["format"] = file_format
    return f"{reverse('imports:export', args=['deals'])}?{query.urlencode()}"


# Staff: list, board, forecast -----------------------------------------------------------


@require_GET
@staff_required
def deal_list(request: HttpRequest) -> HttpResponse:
    params = filled(request.GET)
    filterset, queryset = selectors.deal_list(user=request.user, params=params, request=request)
    query = params.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": paginate(request, queryset),
        "query": query.urlencode(),
        "can_add": _may(request.user, Deal, Action.ADD),
        "export_csv_url": _export_url(params, "csv"),
        "export_xlsx_url": _export_url(params, "xlsx"),
        "section": "list",
    }
    return render(request, "sales/list.html", context)


@require_GET
@staff_required
def deal_board(request: HttpRequest) -> HttpResponse:
    filterset, columns = selectors.board(user=request.user, params=request.GET, request=request)
    return render(
        request,
        "sales/board.html",
        {"filterset": filterset, "columns": columns, "section": "board"},
    )


@require_POST
@staff_required
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal on the board (HTMX: answers the refreshed board) or from its page."""
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the pipeline's stages."))
    else:
        try:
            services.deal_move(
                actor=request.user,
                deal=deal,
                stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deal moved."))
    if getattr(request, "htmx", None) and request.POST.get("from") == "board":
        _filterset, columns = selectors.board(user=request.user, params=QueryDict())
        return render(request, "sales/board.html#columns", {"columns": columns})
    return redirect("sales:detail", pk=deal.pk)


@require_GET
@staff_required
def deal_forecast(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sales/forecast.html",
        {
            "forecast": selectors.forecast(user=request.user, params=request.GET, request=request),
            "stats": selectors.partner_stats(
                user=request.user, params=request.GET, request=request
            ),
            "stages": PipelineStage.objects.all(),
            "rules": DealRules.load(),
            "section": "forecast",
        },
    )


# Staff: create, detail, edit --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def deal_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Deal, Action.ADD):
        raise PermissionDenied
    form = StaffRegistrationForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            deal = services.deal_register(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                customer=form.customer_data(),
                data=form.deal_data(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except PermissionDenied:
            form.add_error("partner", _("You may not register deals for this partner."))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Deal %(title)s registered.") % {"title": deal.title})
            return redirect(deal)
    return render(request, "sales/form.html", {"form": form, "section": "list"})


@require_GET
@staff_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    deal = selectors.deal_get(user=user, pk=pk)
    can_change = access.can(user, deal, Action.CHANGE)
    return render(
        request,
        "sales/detail.html",
        {
            "deal": deal,
            "conflicts": selectors.deal_conflicts(user=user, deal=deal),
            "activities": access.scope(user, deal.activities.all()).select_related("user"),
            "roles": access.scope(user, deal.partner_roles.all()).select_related("partner"),
            "can_change": can_change,
            "can_decide": can_change and deal.is_pending,
            "can_move": can_change and deal.status == DealStatus.APPROVED and not deal.is_closed,
            "can_note": can_change,
            "stages": PipelineStage.objects.all(),
            "activity_form": StaffActivityForm(),
            "role_choices": DealRole.choices,
            "partners": access.scope(user, Partner).exclude(pk=deal.partner_id).only("id", "name"),
            "section": "list",
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    form = DealEditForm(request.POST if request.method == "POST" else None, deal=deal, staff=True)
    if form.is_bound and form.is_valid():
        try:
            services.deal_update(
                actor=request.user,
                deal=deal,
                data=form.deal_data(),
                customer=form.customer_data() if form.customer_changed() else None,
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Deal saved."))
            return redirect("sales:detail", pk=deal.pk)
    return render(request, "sales/form.html", {"form": form, "deal": deal, "section": "list"})


@require_POST
@staff_required
def deal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or request more information."))
        return redirect("sales:detail", pk=deal.pk)
    return perform(
        request,
        lambda: services.deal_decide(
            actor=request.user,
            deal=deal,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda decided: (
            _("%(title)s: %(status)s.")
            % {"title": decided.title, "status": decided.get_status_display()}
        ),
        then=reverse("sales:detail", args=[deal.pk]),
    )


@require_POST
@staff_required
def deal_extend(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    form = ExtendForm(request.POST)
    detail = reverse("sales:detail", args=[deal.pk])
    if not form.is_valid():
        messages.error(request, _("Extend by 1 to 365 days."))
        return redirect(detail)
    return perform(
        request,
        lambda: services.deal_extend_protection(
            actor=request.user, deal=deal, days=form.cleaned_data["days"]
        ),
        success=lambda extended: (
            _("Protected until %(date)s.") % {"date": extended.protection_until.isoformat()}
        ),
        then=detail,
    )


@require_POST
@staff_required
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    form = StaffActivityForm(request.POST)
    return _activity_add(request, deal, form, then=reverse("sales:detail", args=[deal.pk]))


@require_POST
@staff_required
def activity_share(request: HttpRequest, pk: int, activity_id: int) -> HttpResponse:
    """Mark a note internal (staff only) or shared with the deal's partner."""
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    activity = access.get_object(request.user, deal.activities.all(), Action.CHANGE, pk=activity_id)
    try:
        services.activity_share(
            actor=request.user, activity=activity, shared=request.POST.get("shared") == "1"
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("sales:detail", pk=deal.pk)


@require_POST
@staff_required
def deal_partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    raw = str(request.POST.get("partner", ""))
    role = request.POST.get("role", "")
    try:
        partner = None
        if raw.isdigit() and len(raw) < 18:
            partner = access.scope(request.user, Partner).filter(pk=int(raw)).first()
        if partner is None:
            raise BusinessError(_("Choose a partner."))
        services.deal_partner_add(actor=request.user, deal=deal, partner=partner, role=role)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Partner added to the deal."))
    return redirect("sales:detail", pk=deal.pk)


@require_POST
@staff_required
def deal_partner_remove(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    link = access.get_object(request.user, DealPartner, Action.DELETE, pk=link_id, deal_id=pk)
    services.deal_partner_remove(actor=request.user, link=link)
    messages.success(request, _("Partner removed from the deal."))
    return redirect("sales:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@staff_required
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.DELETE, pk=pk)
    if request.method == "POST":
        services.deal_delete(actor=request.user, deal=deal)
        messages.success(request, _("Deal %(title)s deleted.") % {"title": deal.title})
        return redirect("sales:list")
    return render(request, "sales/confirm_delete.html", {"deal": deal, "section": "list"})


# Portal -----------------------------------------------------------------------------------


def _portal(request, template: str, context: dict) -> HttpResponse:
    return render(
        request,
        f"sales/portal/{template}",
        {"partner": request.partner, "section": "deals", **context},
    )


@portal_view
def portal_list(request: HttpRequest) -> HttpResponse:
    """The partner's own registrations and pipeline."""
    _filterset, queryset = selectors.deal_list(
        user=request.user, params=request.GET, request=request
    )
    queryset = queryset.filter(partner=request.partner)
    return _portal(
        request,
        "list.html",
        {
            "page": paginate(request, queryset, PORTAL_PAGE_SIZE),
            "q": request.GET.get("q", ""),
            "can_add": access.can_add(request.user, Deal, request.partner),
        },
    )


@portal_view
def portal_register(request: HttpRequest) -> HttpResponse:
    if not access.can_add(request.user, Deal, request.partner):
        raise PermissionDenied
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            deal = services.deal_register(
                actor=request.user,
                partner=request.partner,
                customer=form.customer_data(),
                data=form.deal_data(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Your deal %(title)s has been registered.") % {"title": deal.title}
            )
            return redirect("sales:portal_detail", pk=deal.pk)
    return _portal(request, "form.html", {"form": form})


@portal_view
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = selectors.deal_get(user=request.user, pk=pk)
    return _portal(
        request,
        "detail.html",
        {
            "deal": deal,
            "can_edit": deal.is_pending and access.can(request.user, deal, Action.CHANGE),
            "activities": access.scope(request.user, deal.activities.all()).select_related("user"),
            "can_note": access.can_add(request.user, DealActivity, deal.partner),
            "activity_form": ActivityForm(),
        },
    )


@portal_view
@require_POST
def portal_activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner's user logs a note, call, meeting or e-mail on its own deal."""
    deal = selectors.deal_get(user=request.user, pk=pk)
    form = ActivityForm(request.POST)
    return _activity_add(request, deal, form, then=reverse("sales:portal_detail", args=[deal.pk]))


def _activity_add(request: HttpRequest, deal: Deal, form, *, then: str) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, _("Write the note and choose its kind."))
        return redirect(then)
    return perform(
        request,
        lambda: services.activity_add(actor=request.user, deal=deal, **form.cleaned_data),
        success=_("Activity added."),
        then=then,
    )


@portal_view
def portal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = access.get_object(request.user, Deal, Action.CHANGE, pk=pk)
    if not deal.is_pending:
        messages.error(
            request, _("This registration has been decided and can no longer be changed.")
        )
        return redirect("sales:portal_detail", pk=deal.pk)
    form = DealEditForm(request.POST if request.method == "POST" else None, deal=deal)
    if form.is_bound and form.is_valid():
        try:
            services.deal_update(
                actor=request.user,
                deal=deal,
                data=form.deal_data(),
                customer=form.customer_data() if form.customer_changed() else None,
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your registration has been saved."))
            return redirect("sales:portal_detail", pk=deal.pk)
    return _portal(request, "form.html", {"form": form, "deal": deal})
