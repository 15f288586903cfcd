"""Back-office and portal pages of scorecards: results with their drill-down, KPIs and
targets, templates, recompute, disputes, and the partner's own scorecard in the portal."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.partners.forms import add_business_error, add_service_error
from prm.partners.models import Partner
from prm.portal.views import portal_view
from prm.scorecards import selectors, services
from prm.scorecards.forms import (
    CloseDisputeForm,
    CommentForm,
    HoldForm,
    KPIForm,
    RecomputeForm,
    TargetForm,
    TemplateForm,
)
from prm.scorecards.models import (
    KPI,
    Dispute,
    DisputeStatus,
    ScorecardResult,
    ScorecardTemplate,
    Target,
)

PAGE_SIZE = 50


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page


def _styled(filterset):
    for field in filterset.form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SelectMultiple):
            field.widget = forms.CheckboxSelectMultiple(choices=widget.choices)
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return filterset


def _is_admin(user) -> bool:
    return access.role_of(user) == Role.ADMIN


def _admin_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _may_recompute(user) -> bool:
    return access.role_of(user) == Role.ADMIN


def _observations_url(partner_id: int, code: str, period) -> str | None:
    """The metrics' observation list filtered to what fed one input (when that page exists)."""
    try:
        base = reverse("metrics:observation_list")
    except NoReverseMatch:
        return None
    query = {
        "partner": partner_id,
        "metric": code,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }
    return f"{base}?{urlencode(query)}"


def _breakdown(result: ScorecardResult, *, staff: bool) -> list[dict]:
    """The KPI lines as stored in the snapshot, with links to the observations (staff)."""
    rows = []
    english = not (get_language() or "ko").startswith("ko")
    for item in result.snapshot.get("kpis", []):
        inputs = [
            {
                "code": code,
                "value": value,
                "url": _observations_url(result.partner_id, code, result.period) if staff else None,
            }
            for code, value in (item.get("inputs") or {}).items()
        ]
        rows.append(
            {
                **item,
                "name": item.get("name_en") if english else item.get("name_ko"),
                "has_data": item.get("score") is not None,
                "input_rows": inputs,
            }
        )
    return rows


# Results ------------------------------------------------------------------------------


@require_GET
@staff_required
def result_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.result_list(
        user=request.user, params=request.GET, request=request
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scorecards/list.html",
        {
            "filterset": _styled(filterset),
            "page": _page(request, queryset),
            "query": query.urlencode(),
            "recompute_form": RecomputeForm() if _may_recompute(request.user) else None,
            "is_admin": _is_admin(request.user),
            "export_url": f"{reverse('imports:export', args=['scorecards'])}?{query.urlencode()}",
            "open_disputes": access.scope(request.user, Dispute)
            .filter(status=DisputeStatus.OPEN)
            .count(),
        },
    )


@require_GET
@staff_required
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=result_id)
    history = selectors.trend(user=request.user, partner=result.partner, template=result.template)
    return render(
        request,
        "scorecards/detail.html",
        {
            "result": result,
            "lines": _breakdown(result, staff=True),
            "history": history,
            "chart": _chart(history),
            "disputes": result.disputes.all(),
            "can_recompute": _may_recompute(request.user),
            "can_hold": access.can(request.user, result.partner, Action.CHANGE),
            "hold_form": HoldForm(
                initial={"on_hold": result.partner.on_hold, "reason": result.partner.hold_reason}
            ),
        },
    )


def _chart(history: list[ScorecardResult]) -> dict:
    return {
        "labels": [r.period.label for r in history],
        "scores": [None if r.score is None else float(r.score) for r in history],
        "label": _("Score"),
    }


@require_POST
@staff_required
def recompute(request: HttpRequest) -> HttpResponse:
    if not _may_recompute(request.user):
        raise PermissionDenied
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("scorecards:list")
    template = form.cleaned_data["template"]
    period = form.cleaned_data["period"]
    try:
        report = services.scorecards_recompute(actor=request.user, template=template, period=period)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("scorecards:list")
    messages.success(
        request,
        _(
            "%(template)s %(period)s recomputed: %(partners)s partners, %(created)s new, "
            "%(updated)s changed."
        )
        % {
            "template": template,
            "period": report.period,
            "partners": report.partners,
            "created": report.created,
            "updated": report.updated,
        },
    )
    query = urlencode({"template": template.pk, "period": report.period})
    return redirect(f"{reverse('scorecards:list')}?{query}")


@require_POST
@staff_required
def result_recompute(request: HttpRequest, result_id: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=result_id)
    if not access.can(request.user, result.partner, Action.CHANGE):
        raise PermissionDenied
    services.scorecards_recompute(
        actor=request.user if access.role_of(request.user) == Role.ADMIN else None,
        template=result.template,
        period=result.period,
        partner_ids=[result.partner_id],
    )
    messages.success(request, _("Scorecard recomputed."))
    return redirect(result)


@require_POST
@staff_required
def partner_hold(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, Action.CHANGE, pk=partner_id)
    form = HoldForm(request.POST)
    back = request.POST.get("next") or partner.get_absolute_url()
    if not back.startswith("/") or back.startswith("//"):
        back = partner.get_absolute_url()
    if not form.is_valid():
        return redirect(back)
    return perform(
        request,
        lambda: services.partner_hold_set(
            actor=request.user,
            partner=partner,
            on_hold=form.cleaned_data["on_hold"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("Hold saved."),
        then=back,
    )


# KPIs and targets -----------------------------------------------------------------------


@require_GET
@staff_required
def kpi_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.kpi_list(user=request.user, params=request.GET, request=request)
    return render(
        request,
        "scorecards/kpi_list.html",
        {
            "filterset": _styled(filterset),
            "kpis": queryset,
            "templates": selectors.template_list(),
            "is_admin": _is_admin(request.user),
            "export_url": reverse("imports:export", args=["kpis"]),
        },
    )


def _kpi_form(request, kpi: KPI | None) -> HttpResponse:
    form = KPIForm(request.POST if request.method == "POST" else None, instance=kpi)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                if kpi is None:
                    kpi = services.kpi_create(actor=request.user, data=form.service_data())
                else:
                    kpi = services.kpi_update(actor=request.user, kpi=kpi, data=form.service_data())
            except BusinessError as exc:
                add_business_error(form, exc)
                if exc.details.get("position") is not None:
                    form.formula_position = exc.details["position"]
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("KPI %(kpi)s saved.") % {"kpi": kpi})
                return redirect(kpi)
        status = 400
    return render(request, "scorecards/kpi_form.html", {"form": form, "kpi": kpi}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
@_admin_only
def kpi_create(request: HttpRequest) -> HttpResponse:
    return _kpi_form(request, None)


@require_http_methods(["GET", "POST"])
@staff_required
@_admin_only
def kpi_edit(request: HttpRequest, kpi_id: int) -> HttpResponse:
    return _kpi_form(request, _get_kpi(kpi_id))


def _get_kpi(kpi_id: int) -> KPI:
    kpi = KPI.objects.filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404
    return kpi


@require_GET
@staff_required
def kpi_detail(request: HttpRequest, kpi_id: int) -> HttpResponse:
    return _kpi_page(request, _get_kpi(kpi_id))


def _kpi_page(request, kpi: KPI, target_form=None, status=200) -> HttpResponse:
    targets = access.scope(request.user, Target).filter(kpi=kpi).select_related("tier", "partner")
    return render(
        request,
        "scorecards/kpi_detail.html",
        {
            "kpi": kpi,
            "targets": targets.order_by("tier__rank", "partner__name"),
            "target_form": target_form or TargetForm(user=request.user),
            "is_admin": _is_admin(request.user),
            "can_set_targets": access.role_of(request.user) in (Role.ADMIN, Role.PARTNER_MANAGER),
            "templates": ScorecardTemplate.objects.filter(lines__kpi=kpi).distinct(),
        },
        status=status,
    )


@require_POST
@staff_required
def target_add(request: HttpRequest, kpi_id: int) -> HttpResponse:
    kpi = _get_kpi(kpi_id)
    if access.role_of(request.user) not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied
    form = TargetForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.target_set(
                actor=request.user,
                kpi=kpi,
                target=form.cleaned_data["target"],
                floor=form.cleaned_data["floor"],
                tier=form.cleaned_data["tier"],
                partner=form.cleaned_data["partner"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except PermissionDenied:
            form.add_error(None, _("Only admins set tier targets."))
        else:
            messages.success(request, _("Target saved."))
            return redirect(kpi)
    return _kpi_page(request, kpi, target_form=form, status=400)


@require_POST
@staff_required
def target_delete(request: HttpRequest, target_id: int) -> HttpResponse:
    target = access.get_object(request.user, Target, Action.DELETE, pk=target_id)
    if target.partner_id is None and not _is_admin(request.user):
        raise PermissionDenied
    kpi = target.kpi
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect(kpi)


# Templates ----------------------------------------------------------------------------


def _get_template(template_id: int) -> ScorecardTemplate:
    template = ScorecardTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise Http404
    return template


@require_GET
@staff_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _get_template(template_id)
    return render(
        request,
        "scorecards/template_detail.html",
        {
            "template": template,
            "lines": template.lines.select_related("kpi"),
            "bands": template.bands.all(),
            "is_admin": _is_admin(request.user),
            "recompute_form": RecomputeForm(initial={"template": template})
            if _may_recompute(request.user)
            else None,
        },
    )


def _template_form(request, template: ScorecardTemplate | None) -> HttpResponse:
    form = TemplateForm(request.POST if request.method == "POST" else None, template=template)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                template = services.template_save(
                    actor=request.user, template=template, **form.service_args()
                )
            except BusinessError as exc:
                add_business_error(form, exc)
            else:
                messages.success(request, _("Template %(name)s saved.") % {"name": template})
                return redirect(template)
        status = 400
    return render(
        request,
        "scorecards/template_form.html",
        {"form": form, "template": template},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
@_admin_only
def template_create(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@require_http_methods(["GET", "POST"])
@staff_required
@_admin_only
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    return _template_form(request, _get_template(template_id))


# Disputes (back office) ------------------------------------------------------------------


@require_GET
@staff_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.dispute_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "scorecards/dispute_list.html",
        {"filterset": _styled(filterset), "page": _page(request, queryset)},
    )


def _dispute_page(
    request, dispute: Dispute, *, template: str, status=200, **forms_
) -> HttpResponse:
    staff = request.user.is_staff_role
    result = dispute.result
    context = {
        "dispute": dispute,
        "result": result,
        "thread": dispute.messages.select_related("author"),
        "reply_form": forms_.get("reply_form") or CommentForm(),
        "close_form": forms_.get("close_form") or CloseDisputeForm(),
        "can_reply": not dispute.is_closed
        and (
            access.can(request.user, dispute, Action.CHANGE)
            if staff
            else access.can_add(request.user, Dispute, result.partner)
        ),
        "can_close": staff
        and not dispute.is_closed
        and access.can(request.user, dispute, Action.CHANGE),
    }
    if not staff:
        context.update(partner=request.partner, section="scorecards")
    return render(request, template, context, status=status)


@require_GET
@staff_required
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    return _dispute_page(request, dispute, template="scorecards/dispute_detail.html")


def _reply(request, dispute: Dispute, template: str, back: str) -> HttpResponse:
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.dispute_reply(
                actor=request.user, dispute=dispute, body=form.cleaned_data["body"]
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, _("Message sent."))
            return redirect(back)
    return _dispute_page(request, dispute, template=template, status=400, reply_form=form)


@require_POST
@staff_required
def dispute_reply(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    return _reply(
        request,
        dispute,
        "scorecards/dispute_detail.html",
        reverse("scorecards:dispute_detail", args=[dispute.pk]),
    )


@require_POST
@staff_required
def dispute_close(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    form = CloseDisputeForm(request.POST)
    if form.is_valid():
        try:
            services.dispute_close(
                actor=request.user,
                dispute=dispute,
                recompute=form.cleaned_data["outcome"] == "recomputed",
                body=form.cleaned_data["body"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, _("Dispute closed."))
            return redirect("scorecards:dispute_detail", dispute_id=dispute.pk)
    return _dispute_page(
        request, dispute, template="scorecards/dispute_detail.html", status=400, close_form=form
    )


# Portal ----------------------------------------------------------------------------------


def portal_page(staff_target):
    """A portal page; staff who open it are sent to the back-office page of the same thing."""

    def decorator(view):
        portal = portal_view(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated and request.user.is_staff_role:
                return redirect(staff_target(request, **kwargs))
            return portal(request, *args, **kwargs)

        return wrapper

    return decorator


def _staff_list(request, **kwargs) -> str:
    return reverse("scorecards:list")


def _staff_result(request, result_id: int) -> str:
    return reverse("scorecards:result_detail", args=[result_id])


def _staff_dispute(request, dispute_id: int) -> str:
    return reverse("scorecards:dispute_detail", args=[dispute_id])


def _portal_result(request, result: ScorecardResult, *, template: str, status=200, form=None):
    history = selectors.trend(user=request.user, partner=request.partner, template=result.template)
    disputes = list(access.scope(request.user, Dispute).filter(result=result))
    open_dispute = next((d for d in disputes if not d.is_closed), None)
    return render(
        request,
        template,
        {
            "partner": request.partner,
            "section": "scorecards",
            "result": result,
            "lines": _breakdown(result, staff=False),
            "history": history,
            "chart": _chart(history),
            "results": access.scope(request.user, ScorecardResult)
            .filter(partner=request.partner)
            .select_related("template")
            .order_by("-period_start", "-id")[:12],
            "disputes": disputes,
            "open_dispute": open_dispute,
            "can_dispute": open_dispute is None
            and access.can_add(request.user, Dispute, request.partner),
            "dispute_form": form or CommentForm(),
        },
        status=status,
    )


@portal_page(_staff_list)
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    latest = (
        access.scope(request.user, ScorecardResult)
        .filter(partner=request.partner)
        .select_related("template")
        .order_by("-period_start", "-id")
        .first()
    )
    if latest is None:
        return render(
            request,
            "scorecards/portal/empty.html",
            {"partner": request.partner, "section": "scorecards"},
        )
    return _portal_result(request, latest, template="scorecards/portal/detail.html")


@portal_page(_staff_result)
@require_GET
def portal_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    result = access.get_object(
        request.user,
        access.scope(request.user, ScorecardResult).select_related("template"),
        pk=result_id,
    )
    return _portal_result(request, result, template="scorecards/portal/detail.html")


@portal_page(_staff_result)
@require_POST
def portal_dispute_open(request: HttpRequest, result_id: int) -> HttpResponse:
    result = access.get_object(request.user, ScorecardResult, pk=result_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            dispute = services.dispute_open(
                actor=request.user, result=result, body=form.cleaned_data["body"]
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, _("Your dispute was sent."))
            return redirect("scorecards:portal_dispute", dispute_id=dispute.pk)
    return _portal_result(
        request, result, template="scorecards/portal/detail.html", status=400, form=form
    )


@portal_page(_staff_dispute)
@require_GET
def portal_dispute(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    return _dispute_page(request, dispute, template="scorecards/portal/dispute.html")


@portal_page(_staff_dispute)
@require_POST
def portal_dispute_reply(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    return _reply(
        request,
        dispute,
        "scorecards/portal/dispute.html",
        reverse("scorecards:portal_dispute", args=[dispute.pk]),
    )
