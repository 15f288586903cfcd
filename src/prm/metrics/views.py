"""Back-office and portal pages of metrics, observations, supplier deliveries and a
partner's figures.

Views read through ``selectors`` and the access layer, write through ``services``, and turn
a ``BusinessError`` into a message on the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.metrics import selectors, services
from prm.metrics.forms import MetricForm, ObservationForm
from prm.metrics.models import Metric, Observation, Source
from prm.metrics.periods import Period, PeriodKind
from prm.partners.forms import add_business_error
from prm.partners.models import Partner
from prm.portal.views import portal_view

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
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return filterset


def _is_admin(user) -> bool:
    return access.role_of(user) == Role.ADMIN


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Metrics -------------------------------------------------------------------------------


@require_GET
@staff_required
def metric_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.metric_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "metrics/metric_list.html",
        {
            "section": "metrics",
            "filterset": _styled(filterset),
            "metrics": list(queryset),
            "can_add": _is_admin(request.user),
        },
    )


@require_GET
@staff_required
def metric_detail(request: HttpRequest, metric_id: int) -> HttpResponse:
    metric = access.get_object(
        request.user,
        access.scope(request.user, Metric).select_related("numerator", "denominator"),
        pk=metric_id,
    )
    recent = (
        access.scope(request.user, Observation)
        .filter(metric=metric)
        .select_related("partner")
        .order_by("-period_start", "partner__name")[:20]
    )
    return render(
        request,
        "metrics/metric_detail.html",
        {
            "section": "metrics",
            "metric": metric,
            "recent": recent,
            "can_change": access.can(request.user, metric, Action.CHANGE),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def metric_create(request: HttpRequest) -> HttpResponse:
    if not _is_admin(request.user):
        raise PermissionDenied
    form = MetricForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            metric = services.metric_create(actor=request.user, data=form.service_data())
        except BusinessError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The metric %(code)s was created.") % {"code": metric.code})
            return redirect(metric.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request, "metrics/metric_form.html", {"section": "metrics", "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
@staff_required
def metric_edit(request: HttpRequest, metric_id: int) -> HttpResponse:
    metric = access.get_object(request.user, Metric, Action.CHANGE, pk=metric_id)
    form = MetricForm(request.POST or None, instance=metric, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.metric_update(actor=request.user, metric=metric, data=form.service_data())
        except BusinessError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The metric was saved."))
            return redirect(metric.get_absolute_url())
    metric.refresh_from_db()
    status = 400 if form.errors else 200
    return render(
        request,
        "metrics/metric_form.html",
        {"section": "metrics", "form": form, "metric": metric},
        status=status,
    )


def _apply_errors(form, exc: BusinessError) -> None:
    errors = exc.details.get("errors") if exc.details else None
    if errors:
        for name, messages_ in errors.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        add_business_error(form, exc)


# Observations --------------------------------------------------------------------------


@require_GET
@staff_required
def observation_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.observation_list(
        user=request.user, params=request.GET, request=request
    )
    query = _query(request)
    return render(
        request,
        "metrics/observation_list.html",
        {
            "section": "observations",
            "filterset": _styled(filterset),
            "page": _page(request, queryset),
            "query": query,
            "export_url": f"{reverse('imports:export', args=['observations'])}?{query}",
            "can_add": access.role_of(request.user) in (Role.ADMIN, Role.PARTNER_MANAGER),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def observation_create(request: HttpRequest) -> HttpResponse:
    if access.role_of(request.user) not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied
    initial = {}
    if request.GET.get("partner", "").isdigit():
        initial["partner"] = int(request.GET["partner"])
    form = ObservationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation, outcome = services.observation_record(
                actor=request.user,
                partner=data["partner"],
                metric=data["metric"],
                period=data["period"],
                value=data["value"],
                unit=data["unit"] or None,
                note=data["note"],
                source=Source.MANUAL,
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            message = (
                _("The observation was recorded.")
                if outcome == "created"
                else _("The stored value for this period was replaced.")
            )
            messages.success(request, message)
            return redirect(
                reverse("metrics:partner", args=[observation.partner_id])
                + f"?kind={observation.period_kind}"
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "metrics/observation_form.html",
        {"section": "observations", "form": form},
        status=status,
    )


# Supplier deliveries -------------------------------------------------------------------


def _period_param(request: HttpRequest, default: Period) -> tuple[Period, str]:
    text = request.GET.get("period", "").strip()
    if not text:
        return default, ""
    try:
        return Period.parse(text), ""
    except ValueError:
        return default, _(
            "%(value)s is not a period; write 2026-11-05, 2026-11, 2026-Q3 or 2026."
        ) % {"value": text}


@require_GET
@staff_required
def delivery_overview(request: HttpRequest) -> HttpResponse:
    """Every supplier's delivery figures over a period and, for one supplier, its lines."""
    today = timezone.localdate()
    period, period_error = _period_param(request, Period.containing(PeriodKind.YEAR, today))
    filterset, lines = selectors.delivery_line_list(
        user=request.user, params=request.GET, request=request
    )
    visible = access.scope(request.user, Partner).filter(types__code="supplier")
    figures = selectors.delivery_figures(period=period)
    suppliers = {
        p.pk: p
        for p in visible.filter(pk__in=list(figures))
        .only("id", "name", "on_hold", "hold_reason")
        .order_by("name")
    }
    rows = [(suppliers[pk], figures[pk]) for pk in suppliers]
    rows.sort(key=lambda row: row[0].name)
    supplier = filterset.form.cleaned_data.get("supplier") if filterset.is_valid() else None
    query = _query(request)
    return render(
        request,
        "metrics/deliveries.html",
        {
            "section": "deliveries",
            "period": period,
            "period_error": period_error,
            "previous": period.previous(),
            "next": period.next() if period.next().start <= today else None,
            "rows": rows,
            "supplier": supplier,
            "supplier_figures": figures.get(supplier.pk) if supplier else None,
            "filterset": _styled(filterset),
            "page": _page(request, lines) if supplier else None,
            "query": query,
            "export_url": f"{reverse('imports:export', args=['delivery-lines'])}?{query}",
        },
    )


# A partner's figures -------------------------------------------------------------------


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", PeriodKind.MONTH)
    return kind if kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR) else "month"


@require_GET
@staff_required
def partner_metrics(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, pk=partner_id)
    kind = _kind(request)
    periods, rows = selectors.partner_metric_table(
        user=request.user, partner=partner, kind=kind, n=6
    )
    return render(
        request,
        "metrics/partner.html",
        {
            "section": "metrics",
            "partner": partner,
            "kind": kind,
            "kinds": [(k, PeriodKind(k).label) for k in ("month", "quarter", "year")],
            "periods": periods,
            "rows": rows,
            "can_add": access.can_add(request.user, Observation, partner),
        },
    )


# Portal --------------------------------------------------------------------------------


@require_GET
@portal_view
def portal_metrics(request: HttpRequest) -> HttpResponse:
    """The partner's own figures, read-only: the table of the last periods and the
    observations stored for it."""
    kind = _kind(request)
    periods, rows = selectors.partner_metric_table(
        user=request.user, partner=request.partner, kind=kind, n=6
    )
    observations = (
        access.scope(request.user, Observation)
        .filter(partner=request.partner)
        .select_related("metric")
        .order_by("-period_start", "metric__code")
    )
    return render(
        request,
        "metrics/portal/metrics.html",
        {
            "partner": request.partner,
            "section": "metrics",
            "kind": kind,
            "kinds": [(k, PeriodKind(k).label) for k in ("month", "quarter", "year")],
            "periods": periods,
            "rows": rows,
            "page": _page(request, observations),
        },
    )
