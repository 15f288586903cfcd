"""Back-office and portal pages of corrective action requests.

Views read through ``selectors`` and the access layer, write through ``services``, and turn
a ``BusinessError`` into a message on the page (nothing is changed then).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.contracts.views import portal_page
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.corrective_actions import selectors, services
from prm.corrective_actions.forms import AnswerForm, DecisionForm, EvidenceForm, RequestForm
from prm.corrective_actions.models import (
    AWAITING_ANSWER,
    CorrectiveActionRequest,
    Evidence,
    Status,
)
from prm.partners.forms import add_business_error, add_service_error
from prm.risks.models import Risk

PAGE_SIZE = 50


def _styled(filterset):
    for f in filterset.form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.SelectMultiple):
            f.widget = forms.CheckboxSelectMultiple(choices=widget.choices)
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return filterset


def _may_add(user) -> bool:
    role = access.role_of(user)
    policy = access.policy_of(CorrectiveActionRequest)
    return role is not None and policy.filter(user, role, Action.ADD) is not None


def _risk_from(request: HttpRequest, value):
    """The risk named by ``value`` if the user may see it, else None."""
    if not value or not str(value).isdigit() or len(str(value)) > 18:
        return None
    return access.scope(request.user, Risk).filter(pk=int(value)).first()


# The list and response times --------------------------------------------------------


@require_GET
@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.request_list(
        user=request.user, params=request.GET, request=request
    )
    page = paginate(request, queryset, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "corrective_actions/list.html",
        {
            "filterset": _styled(filterset),
            "page": page,
            "rows": [{"car": r, "overdue": r.is_overdue(today)} for r in page.object_list],
            "query": query.urlencode(),
            "can_add": _may_add(request.user),
            "export_url": (
                f"{reverse('imports:export', args=['corrective-actions'])}?{query.urlencode()}"
            ),
        },
    )


@require_GET
@staff_required
def response_times(request: HttpRequest) -> HttpResponse:
    total, rows = selectors.response_times(user=request.user)
    rows.sort(key=lambda r: (-(r.avg_days_to_answer or 0), r.partner.name))
    return render(request, "corrective_actions/response_times.html", {"total": total, "rows": rows})


# Create, edit, delete ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def request_create(request: HttpRequest) -> HttpResponse:
    if not _may_add(request.user):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    risk = _risk_from(request, source.get("risk"))
    initial = {}
    if request.GET.get("partner"):
        initial["partner"] = request.GET.get("partner")
    if risk is not None:
        initial.setdefault("partner", risk.partner_id)
        initial["title"] = risk.title[:200]
        initial["description"] = risk.description or risk.cause
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        risk=risk,
    )
    if form.is_bound and form.is_valid():
        try:
            car = services.request_create(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                data=form.service_data(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied:
            form.add_error("partner", _("You may not send requests to this partner."))
        else:
            messages.success(request, _("Request %(car)s created as a draft.") % {"car": car})
            return redirect(car)
    return render(request, "corrective_actions/form.html", {"form": form, "risk": risk})


@require_http_methods(["GET", "POST"])
@staff_required
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    car = access.get_object(request.user, CorrectiveActionRequest, Action.CHANGE, pk=request_id)
    form = RequestForm(
        request.POST if request.method == "POST" else None, instance=car, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            services.request_update(actor=request.user, request=car, data=form.service_data())
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Request %(car)s saved.") % {"car": car})
            return redirect(car)
        car.refresh_from_db()
    return render(request, "corrective_actions/form.html", {"form": form, "car": car})


@require_POST
@staff_required
def request_delete(request: HttpRequest, request_id: int) -> HttpResponse:
    car = access.get_object(request.user, CorrectiveActionRequest, Action.DELETE, pk=request_id)
    return perform(
        request,
        lambda: services.request_delete(actor=request.user, request=car),
        success=_("Draft %(reference)s deleted.") % {"reference": car.reference},
        then="corrective_actions:list",
        failed=car,
    )


# Detail and the steps ------------------------------------------------------------------


def _detail(request: HttpRequest, car: CorrectiveActionRequest, status: int = 200, **extra):
    user = request.user
    can_change = access.can(user, car, Action.CHANGE)
    context = {
        "car": car,
        "partner": car.partner,
        "steps": selectors.request_steps(user=user, request=car),
        "evidence": selectors.request_evidence(user=user, request=car),
        "overdue": car.is_overdue(timezone.localdate()),
        "can_change": can_change,
        "can_send": can_change and car.status == Status.DRAFT,
        "can_decide": can_change and car.status == Status.ANSWERED,
        "can_cancel": can_change and car.status not in (Status.ACCEPTED, Status.CANCELLED),
        "can_delete": can_change and car.status == Status.DRAFT,
        "can_edit": can_change and car.status not in (Status.ACCEPTED, Status.CANCELLED),
        "decision_form": extra.get("decision_form") or DecisionForm(),
        "risk": car.risk if car.risk_id and access.can(user, car.risk, Action.VIEW) else None,
    }
    return render(request, "corrective_actions/detail.html", context, status=status)


@require_GET
@staff_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, selectors.request_get(user=request.user, pk=request_id))


def _changeable(request: HttpRequest, request_id: int) -> CorrectiveActionRequest:
    return access.get_object(
        request.user,
        access.scope(request.user, CorrectiveActionRequest, Action.CHANGE).select_related(
            "partner"
        ),
        Action.CHANGE,
        pk=request_id,
    )


@require_POST
@staff_required
def request_send(request: HttpRequest, request_id: int) -> HttpResponse:
    car = _changeable(request, request_id)
    return perform(
        request,
        lambda: services.request_send(actor=request.user, request=car),
        success=lambda _sent: (
            _("%(reference)s sent to %(partner)s.")
            % {"reference": car.reference, "partner": car.partner.name}
        ),
        then=car,
    )


def _decision(request: HttpRequest, request_id: int, service, done: str) -> HttpResponse:
    car = _changeable(request, request_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, request=car, comment=form.cleaned_data["comment"])
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, done % {"reference": car.reference})
            return redirect(car)
    car.refresh_from_db()
    return _detail(request, car, status=400, decision_form=form)


@require_POST
@staff_required
def request_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    return _decision(
        request, request_id, services.request_accept, _("The answer to %(reference)s is accepted.")
    )


@require_POST
@staff_required
def request_return(request: HttpRequest, request_id: int) -> HttpResponse:
    return _decision(
        request,
        request_id,
        services.request_return,
        _("%(reference)s was returned to the partner."),
    )


@require_POST
@staff_required
def request_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    return _decision(
        request, request_id, services.request_cancel, _("%(reference)s was cancelled.")
    )


# Portal --------------------------------------------------------------------------------


def _staff_list(request) -> str:
    return reverse("corrective_actions:list")


def _staff_detail(request, request_id: int) -> str:
    return reverse("corrective_actions:detail", args=[request_id])


@portal_page(_staff_list)
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    rows = (
        access.scope(request.user, CorrectiveActionRequest)
        .filter(partner=request.partner)
        .order_by("-sent_at", "-id")
    )
    today = timezone.localdate()
    return render(
        request,
        "corrective_actions/portal/list.html",
        {
            "partner": request.partner,
            "section": "corrective_actions",
            "rows": [{"car": r, "overdue": r.is_overdue(today)} for r in rows],
        },
    )


def _portal_detail(request, car, status: int = 200, answer_form=None, evidence_form=None):
    user = request.user
    awaiting = car.status in AWAITING_ANSWER
    can_answer = awaiting and access.can(user, car, Action.CHANGE)
    initial = {
        "root_cause": car.root_cause,
        "containment": car.containment,
        "corrective_action": car.corrective_action,
        "preventive_action": car.preventive_action,
    }
    return render(
        request,
        "corrective_actions/portal/detail.html",
        {
            "partner": request.partner,
            "section": "corrective_actions",
            "car": car,
            "steps": selectors.request_steps(user=user, request=car),
            "evidence": selectors.request_evidence(user=user, request=car),
            "overdue": car.is_overdue(timezone.localdate()),
            "can_answer": can_answer,
            "can_upload": awaiting and access.can_add(user, Evidence, car.partner),
            "answer_form": answer_form or AnswerForm(initial=initial),
            "evidence_form": evidence_form or EvidenceForm(),
        },
        status=status,
    )


def _portal_request(request: HttpRequest, request_id: int) -> CorrectiveActionRequest:
    return access.get_object(request.user, CorrectiveActionRequest, pk=request_id)


@portal_page(_staff_detail)
@require_GET
def portal_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _portal_detail(request, _portal_request(request, request_id))


@portal_page(_staff_detail)
@require_POST
def portal_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    car = _portal_request(request, request_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.request_answer(actor=request.user, request=car, data=form.cleaned_data)
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(
                request, _("Your answer to %(reference)s was sent.") % {"reference": car.reference}
            )
            return redirect("corrective_actions:portal_detail", request_id=car.pk)
    car.refresh_from_db()
    return _portal_detail(request, car, status=400, answer_form=form)


@portal_page(_staff_detail)
@require_POST
def portal_evidence(request: HttpRequest, request_id: int) -> HttpResponse:
    car = _portal_request(request, request_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                request=car,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, _("Evidence uploaded."))
            return redirect("corrective_actions:portal_detail", request_id=car.pk)
    car.refresh_from_db()
    return _portal_detail(request, car, status=400, evidence_form=form)
