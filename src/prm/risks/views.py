"""Back-office pages of risk management (staff only; partners never see risks).

Views read through ``selectors`` and the access layer, write through ``services``, and turn a
``BusinessError`` or a model ``ValidationError`` into a message on the page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.partners.forms import add_business_error, add_service_error
from prm.risks import documents, engine, rules, scoring, selectors, services
from prm.risks.forms import (
    ActionForm,
    ActionStatusForm,
    AssessForm,
    BandsForm,
    CloseForm,
    RiskForm,
    ScaleLevelForm,
    StrategyForm,
)
from prm.risks.models import (
    LEVEL_BADGES,
    ActionStatus,
    AssessmentKind,
    Level,
    MitigationAction,
    Risk,
    ScaleLevel,
    Strategy,
)

PAGE_SIZE = 50
FILTER_FIELDS = ("q", "category", "partner_type", "tier", "region", "owner", "partner")


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


def _error_text(exc: Exception) -> str:
    if isinstance(exc, BusinessError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _form_error(form, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        add_service_error(form, exc)
    else:
        add_business_error(form, exc)


def _may_add(user) -> bool:
    return access.role_of(user) in (Role.ADMIN, Role.PARTNER_MANAGER)


def _query(request: HttpRequest, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


# Overview: heat maps, trend, top risks, overdue actions -----------------------------------


@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset, queryset = selectors.risk_list(user=user, params=request.GET, request=request)
    maps = selectors.heat_maps(queryset)
    trend = selectors.trend(queryset, whole_register=selectors.whole_register(user, filterset))
    overdue_count, overdue = selectors.overdue_actions(user=user, queryset=queryset)
    chart = {
        "labels": trend.labels,
        "datasets": [
            {"label": str(label), "data": trend.series[value], "level": value}
            for value, label in Level.choices
        ],
    }
    return render(
        request,
        "risks/overview.html",
        {
            "filterset": _styled(filterset),
            "maps": [maps[AssessmentKind.INHERENT], maps[AssessmentKind.RESIDUAL]],
            "top": selectors.top_risks(queryset),
            "overdue": overdue,
            "overdue_count": overdue_count,
            "trend": chart,
            "query": _query(request),
            "scale": selectors.scale(),
            "can_add": _may_add(user),
        },
    )


@require_GET
@staff_required
def cell(request: HttpRequest) -> HttpResponse:
    """The risks of one heat-map cell (HTMX fragment, or a page without HTMX)."""
    try:
        kind = request.GET.get("kind", AssessmentKind.INHERENT)
        likelihood = int(request.GET.get("l", ""))
        impact = int(request.GET.get("i", ""))
    except ValueError as exc:
        raise Http404 from exc
    if kind not in AssessmentKind.values or not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise Http404
    _filterset, queryset = selectors.risk_list(
        user=request.user, params=request.GET, request=request
    )
    risks = selectors.cell_risks(queryset, kind=kind, likelihood=likelihood, impact=impact)
    context = {
        "risks": list(risks[:100]),
        "count": risks.count(),
        "kind": AssessmentKind(kind).label,
        "likelihood": likelihood,
        "impact": impact,
    }
    template = "risks/_cell.html" if request.headers.get("HX-Request") else "risks/cell.html"
    return render(request, template, context)


# The register ---------------------------------------------------------------------------


@require_GET
@staff_required
def risk_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset, queryset = selectors.risk_list(user=user, params=request.GET, request=request)
    page = _page(request, queryset)
    query = _query(request)
    return render(
        request,
        "risks/list.html",
        {
            "filterset": _styled(filterset),
            "page": page,
            "query": query,
            "can_add": _may_add(user),
            "export_url": f"{reverse('imports:export', args=['risks'])}?{query}",
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def risk_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_add(user):
        raise PermissionDenied
    initial = {}
    if request.GET.get("partner"):
        initial["partner"] = request.GET["partner"]
    form = RiskForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            risk = services.risk_raise(
                actor=user,
                partner=data["partner"],
                category_code=data["category"],
                title=data["title"],
                description=data["description"],
                cause=data["cause"],
                consequence=data["consequence"],
                owner=data["owner"],
                likelihood=data.get("likelihood"),
                impact=data.get("impact"),
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Risk %(title)s raised.") % {"title": risk.title})
            return redirect(risk)
    return render(request, "risks/form.html", {"form": form, "risk": None})


@require_http_methods(["GET", "POST"])
@staff_required
def risk_edit(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    form = RiskForm(request.POST or None, instance=risk, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.RISK_FIELDS}
        try:
            services.risk_update(actor=request.user, risk=risk, data=data)
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Risk saved."))
            return redirect(risk)
    return render(request, "risks/form.html", {"form": form, "risk": risk})


@require_POST
@staff_required
def risk_delete(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.DELETE, pk=risk_id)
    services.risk_delete(actor=request.user, risk=risk)
    messages.success(request, _("Risk %(title)s deleted.") % {"title": risk.title})
    return redirect("risks:list")


def _detail_context(request: HttpRequest, risk: Risk, **forms_) -> dict:
    user = request.user
    can_change = access.can(user, risk, Action.CHANGE)
    history = list(risk.assessments.select_related("assessed_by").order_by("assessed_at", "id"))
    chart = {
        "labels": [a.assessed_at.date().isoformat() for a in history],
        "inherent": [a.score if a.kind == AssessmentKind.INHERENT else None for a in history],
        "residual": [a.score if a.kind == AssessmentKind.RESIDUAL else None for a in history],
        "inherent_label": _("Inherent score"),
        "residual_label": _("Residual score"),
    }
    today = timezone.localdate()
    actions = list(risk.actions.select_related("owner"))
    return {
        "risk": risk,
        "history": list(reversed(history)),
        "history_chart": chart,
        "actions": [(a, a.is_overdue(today)) for a in actions],
        "signals": list(risk.signals.order_by("-last_seen_at")),
        "can_change": can_change,
        "can_delete": access.can(user, risk, Action.DELETE),
        "may_accept": user.role in services.accept_roles(),
        "assess_form": forms_.get("assess_form")
        or AssessForm(
            initial={
                "kind": AssessmentKind.RESIDUAL
                if risk.inherent_score is not None
                else AssessmentKind.INHERENT
            }
        ),
        "strategy_form": forms_.get("strategy_form")
        or StrategyForm(
            initial={
                "strategy": risk.strategy or Strategy.MITIGATE,
                "reason": risk.acceptance_reason,
                "review_on": risk.review_on,
            }
        ),
        "action_form": forms_.get("action_form") or ActionForm(initial={"owner": risk.owner_id}),
        "close_form": forms_.get("close_form") or CloseForm(),
        "scale": selectors.scale(),
        "level_badges": LEVEL_BADGES,
        "action_statuses": ActionStatus.choices,
    }


@require_GET
@staff_required
def risk_detail(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = selectors.risk_get(user=request.user, pk=risk_id)
    return render(request, "risks/detail.html", _detail_context(request, risk))


def _detail_with_error(request, risk, status=400, **forms_) -> HttpResponse:
    risk = selectors.risk_get(user=request.user, pk=risk.pk)
    return render(
        request, "risks/detail.html", _detail_context(request, risk, **forms_), status=status
    )


@require_POST
@staff_required
def risk_assess(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    form = AssessForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.risk_assess(
                actor=request.user,
                risk=risk,
                kind=data["kind"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                note=data["note"],
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Assessment recorded."))
            return redirect(risk)
    return _detail_with_error(request, risk, assess_form=form)


@require_POST
@staff_required
def risk_strategy(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    form = StrategyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.risk_set_strategy(
                actor=request.user,
                risk=risk,
                strategy=data["strategy"],
                reason=data["reason"],
                review_on=data["review_on"],
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Response strategy saved."))
            return redirect(risk)
    return _detail_with_error(request, risk, strategy_form=form)


@require_POST
@staff_required
def risk_close(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.risk_close(actor=request.user, risk=risk, note=form.cleaned_data["note"])
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Risk closed."))
            return redirect(risk)
    return _detail_with_error(request, risk, close_form=form)


@require_POST
@staff_required
def risk_reopen(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    services.risk_reopen(actor=request.user, risk=risk)
    messages.success(request, _("Risk reopened."))
    return redirect(risk)


# Mitigation actions ---------------------------------------------------------------------


@require_POST
@staff_required
def action_add(request: HttpRequest, risk_id: int) -> HttpResponse:
    risk = access.get_object(request.user, Risk, Action.CHANGE, pk=risk_id)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.action_create(actor=request.user, risk=risk, data=form.cleaned_data)
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Mitigation action added."))
            return redirect(risk)
    return _detail_with_error(request, risk, action_form=form)


@require_POST
@staff_required
def action_update(request: HttpRequest, mitigation_action_id: int) -> HttpResponse:
    action = access.get_object(
        request.user, MitigationAction, Action.CHANGE, pk=mitigation_action_id
    )
    form = ActionStatusForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("file"):
                services.action_attach_evidence(
                    actor=request.user, action=action, upload=data["file"]
                )
            services.action_update(
                actor=request.user,
                action=action,
                data={"status": data["status"], "evidence_note": data["evidence_note"]},
            )
        except (BusinessError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Mitigation action saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("risks:detail", risk_id=action.risk_id)


@require_GET
@staff_required
def action_download(request: HttpRequest, mitigation_action_id: int) -> FileResponse:
    action = access.get_object(request.user, MitigationAction, Action.VIEW, pk=mitigation_action_id)
    if not action.evidence_file:
        raise Http404
    try:
        handle = action.evidence_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The evidence file is missing.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=action.evidence_filename or "evidence",
        content_type=action.evidence_content_type or "application/octet-stream",
    )


# Signals and settings -------------------------------------------------------------------


@require_GET
@staff_required
def signal_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.signal_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "risks/signals.html",
        {
            "filterset": _styled(filterset),
            "page": _page(request, queryset),
            "query": _query(request),
            "rules": {r.code: r for r in rules.available_rules()},
        },
    )


def _rule_rows():
    rows = []
    for rule in rules.available_rules():
        enabled, params = engine.settings_of(rule)
        rows.append(
            {
                "rule": rule,
                "enabled": enabled,
                "params": [(p, params[p.name]) for p in rule.params],
            }
        )
    return rows


def _settings_context(request, **extra) -> dict:
    return {
        "rule_rows": _rule_rows(),
        "bands_form": extra.get("bands_form") or BandsForm(bands=scoring.current_bands()),
        "scale_levels": ScaleLevel.objects.order_by("axis", "value"),
        "can_edit": request.user.role == Role.ADMIN,
        "error_rule": extra.get("error_rule"),
    }


@require_GET
@staff_required
def settings_view(request: HttpRequest) -> HttpResponse:
    return render(request, "risks/settings.html", _settings_context(request))


@require_POST
@staff_required
def rule_update(request: HttpRequest, rule_code: str) -> HttpResponse:
    code = rule_code
    rule = rules.RULES.get(code)
    if rule is None or not rule.available():
        raise Http404
    params = {p.name: request.POST.get(p.name, "") for p in rule.params if p.kind != "bool"}
    for p in rule.params:
        if p.kind == "bool":
            params[p.name] = 1 if request.POST.get(p.name) else 0
    try:
        services.rule_update(
            actor=request.user,
            code=code,
            enabled=bool(request.POST.get("enabled")),
            params=params,
        )
    except BusinessError as exc:
        messages.error(request, _error_text(exc))
        return render(
            request,
            "risks/settings.html",
            _settings_context(request, error_rule=code),
            status=400,
        )
    messages.success(request, _("Rule %(name)s saved.") % {"name": rule.name})
    return redirect("risks:settings")


@require_POST
@staff_required
def bands_update(request: HttpRequest) -> HttpResponse:
    form = BandsForm(request.POST, bands=scoring.current_bands())
    if form.is_valid():
        try:
            services.bands_update(actor=request.user, bands=form.bands())
        except BusinessError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Level bands saved; every risk was re-levelled."))
            return redirect("risks:settings")
    return render(
        request, "risks/settings.html", _settings_context(request, bands_form=form), status=400
    )


@require_http_methods(["GET", "POST"])
@staff_required
def scale_edit(request: HttpRequest, scale_level_id: int) -> HttpResponse:
    if request.user.role != Role.ADMIN:
        raise PermissionDenied
    level = ScaleLevel.objects.filter(pk=scale_level_id).first()
    if level is None:
        raise Http404
    form = ScaleLevelForm(request.POST or None, instance=level)
    if request.method == "POST" and form.is_valid():
        try:
            services.scale_update(
                actor=request.user,
                level=level,
                data={k: form.cleaned_data[k] for k in ScaleLevelForm.Meta.fields},
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Scale definition saved."))
            return redirect("risks:settings")
    return render(request, "risks/scale_form.html", {"form": form, "level": level})


# The report -----------------------------------------------------------------------------


@require_GET
@staff_required
def report(request: HttpRequest, file_format: str) -> HttpResponse:
    """The risk report (heat maps, top risks, the open register, overdue actions) as XLSX
    or PDF, for the risks the filters select."""
    user = request.user
    _filterset, queryset = selectors.risk_list(user=user, params=request.GET, request=request)
    data = documents.report_data(user=user, queryset=queryset)
    stamp = timezone.localdate().isoformat()
    if file_format == "pdf":
        content = documents.report_pdf(data, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(content, content_type="application/pdf")
    else:
        content = documents.report_xlsx(data)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="risk-report-{stamp}.{file_format}"'
    return response
