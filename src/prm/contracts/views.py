"""Back-office and portal pages of contracts and compliance documents.

Views read through ``selectors`` and the access layer, write through ``services``, and turn a
``BusinessError`` or a model ``ValidationError`` into a message on the page.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.contracts import selectors, services
from prm.contracts.forms import (
    CommentForm,
    ComplianceUploadForm,
    ContractForm,
    RoundForm,
    SignForm,
    TermForm,
    TerminateForm,
)
from prm.contracts.models import (
    ComplianceSubmission,
    Contract,
    ContractTerm,
    NegotiationRound,
    RoundComment,
)
from prm.contracts.status import BADGES, Status
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.partners.forms import add_business_error, add_service_error
from prm.partners.models import Partner
from prm.portal.views import portal_view

PAGE_SIZE = 50


def _may(user, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page


def _styled(filterset):
    """Bootstrap's classes on a filter form's widgets; several values as check boxes."""
    for field in filterset.form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SelectMultiple):
            field.widget = widget = forms.CheckboxSelectMultiple(choices=widget.choices)
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


def _status_context(contract: Contract) -> dict[str, Any]:
    state = contract.status_on(timezone.localdate())
    return {"status": state, "status_label": state.label, "status_badge": BADGES[state]}


# The list ---------------------------------------------------------------------------


@require_GET
@staff_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset, queryset = selectors.contract_list(user=user, params=request.GET, request=request)
    page = _page(request, queryset)
    today = timezone.localdate()
    rows = [(c, c.status_on(today)) for c in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    export = query.copy()
    _limit_partner_choices(filterset)
    return render(
        request,
        "contracts/list.html",
        {
            "filterset": _styled(filterset),
            "page": page,
            "rows": [{"contract": c, "status": s, "badge": BADGES[s]} for c, s in rows],
            "query": query.urlencode(),
            "deadlines": selectors.upcoming_deadlines(user=user),
            "can_add": _may(user, Contract, Action.ADD),
            "export_url": f"{reverse('imports:export', args=['contracts'])}?{export.urlencode()}",
        },
    )


# A select of thousands of partners costs more to render than the rest of the page; past
# this many, the filter keeps its value in a hidden field and the search box finds partners.
MAX_PARTNER_CHOICES = 300


def _limit_partner_choices(filterset) -> None:
    field = filterset.form.fields["partner"]
    field.queryset = field.queryset.filter(
        pk__in=access.scope(filterset.request.user, Contract).values("partner_id")
    )
    if field.queryset[: MAX_PARTNER_CHOICES + 1].count() > MAX_PARTNER_CHOICES:
        field.widget = forms.HiddenInput()


# Create, edit, delete -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def contract_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Contract, Action.ADD):
        raise PermissionDenied
    initial = {"partner": request.GET.get("partner")} if request.GET.get("partner") else None
    form = ContractForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            contract = services.contract_create(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                data=form.service_data(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied:
            form.add_error("partner", _("You may not add contracts to this partner."))
        else:
            messages.success(request, _("Contract %(title)s created.") % {"title": contract})
            return redirect(contract)
    return render(request, "contracts/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access.get_object(request.user, Contract, Action.CHANGE, pk=contract_id)
    form = ContractForm(
        request.POST if request.method == "POST" else None, instance=contract, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            services.contract_update(
                actor=request.user, contract=contract, data=form.service_data()
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contract %(title)s saved.") % {"title": contract})
            return redirect(contract)
        contract.refresh_from_db()
    return render(request, "contracts/form.html", {"form": form, "contract": contract})


@require_POST
@staff_required
def contract_delete(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access.get_object(request.user, Contract, Action.DELETE, pk=contract_id)
    return perform(
        request,
        lambda: services.contract_delete(actor=request.user, contract=contract),
        success=_("Contract %(title)s deleted.") % {"title": contract.title},
        then="contracts:list",
        failed=contract,
    )


# Detail and actions --------------------------------------------------------------------


def _detail(request: HttpRequest, contract: Contract, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    can_change = access.can(user, contract, Action.CHANGE)
    rounds = list(
        contract.rounds.select_related("uploaded_by", "accepted_by").prefetch_related(
            "comments__author"
        )
    )
    state = contract.status_on(timezone.localdate())
    open_negotiation = contract.signed_on is None and contract.terminated_on is None
    context = {
        "contract": contract,
        "partner": contract.partner,
        **_status_context(contract),
        "terms": contract.terms.all(),
        "rounds": rounds,
        "current_round": rounds[-1] if rounds else None,
        "can_change": can_change,
        "can_delete": can_change and contract.signed_on is None and not rounds,
        "open_negotiation": open_negotiation,
        "can_comment": open_negotiation
        and bool(rounds)
        and access.can_add(user, RoundComment, contract.partner),
        "successor": Contract._base_manager.filter(predecessor=contract).first()
        if access.can(user, contract, Action.VIEW)
        else None,
        "term_form": forms.get("term_form") or TermForm(),
        "round_form": forms.get("round_form") or RoundForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "sign_form": forms.get("sign_form")
        or SignForm(initial={"signed_on": timezone.localdate()}),
        "terminate_form": forms.get("terminate_form") or TerminateForm(),
        "can_renew": can_change
        and contract.signed_on is not None
        and contract.terminated_on is None
        and state != Status.RENEWED,
    }
    return render(request, "contracts/detail.html", context, status=status)


@require_GET
@staff_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _detail(request, selectors.contract_get(user=request.user, pk=contract_id))


def _changeable(request: HttpRequest, contract_id: int) -> Contract:
    return access.get_object(
        request.user,
        access.scope(request.user, Contract, Action.CHANGE).select_related("partner"),
        Action.CHANGE,
        pk=contract_id,
    )


@require_POST
@staff_required
def term_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = TermForm(request.POST)
    if form.is_valid():
        try:
            services.term_add(actor=request.user, contract=contract, data=form.cleaned_data)
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Term added."))
            return redirect(contract)
    return _detail(request, contract, status=400, term_form=form)


@require_POST
@staff_required
def term_delete(request: HttpRequest, term_id: int) -> HttpResponse:
    term = access.get_object(request.user, ContractTerm, Action.DELETE, pk=term_id)
    services.term_delete(actor=request.user, term=term)
    messages.success(request, _("Term deleted."))
    return redirect("contracts:detail", contract_id=term.contract_id)


@require_POST
@staff_required
def round_add(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = RoundForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            round_ = services.round_add(
                actor=request.user,
                contract=contract,
                upload=form.cleaned_data["file"],
                summary=form.cleaned_data["summary"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(round)s added.") % {"round": round_})
            return redirect(contract)
    return _detail(request, contract, status=400, round_form=form)


@require_POST
@staff_required
def round_accept(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.get_object(request.user, NegotiationRound, Action.CHANGE, pk=round_id)
    return perform(
        request,
        lambda: services.round_accept(actor=request.user, round=round_),
        success=_("The version of %(round)s is accepted.") % {"round": round_},
        then=reverse("contracts:detail", args=[round_.contract_id]),
    )


@require_POST
@staff_required
def comment_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.get_object(request.user, NegotiationRound, Action.VIEW, pk=round_id)
    form = CommentForm(request.POST)
    detail = reverse("contracts:detail", args=[round_.contract_id])
    if not form.is_valid():
        messages.error(request, _("Write a comment of at most 5000 characters."))
        return redirect(detail)
    return perform(
        request,
        lambda: services.comment_add(
            actor=request.user, round=round_, body=form.cleaned_data["body"]
        ),
        success=_("Comment added."),
        then=detail,
    )


@require_GET
@login_required
def round_download(request: HttpRequest, round_id: int) -> FileResponse:
    """A round's document version, to whoever may see the contract (staff, or the users of
    the partner it belongs to)."""
    round_ = access.get_object(request.user, NegotiationRound, Action.VIEW, pk=round_id)
    try:
        handle = round_.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file of this version is missing.")) from exc
    return FileResponse(
        handle, as_attachment=True, filename=round_.filename, content_type=round_.content_type
    )


@require_POST
@staff_required
def contract_sign(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.contract_sign(
                actor=request.user,
                contract=contract,
                signed_on=form.cleaned_data["signed_on"],
                signatories=form.cleaned_signatories(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contract %(title)s signed.") % {"title": contract})
            return redirect(contract)
    contract.refresh_from_db()
    return _detail(request, contract, status=400, sign_form=form)


@require_POST
@staff_required
def contract_renew(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    try:
        successor = services.contract_renew(actor=request.user, contract=contract)
    except (BusinessError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect(contract)
    messages.success(
        request, _("Renewal created: a draft from %(start)s.") % {"start": successor.start_date}
    )
    return redirect(successor)


@require_POST
@staff_required
def contract_terminate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _changeable(request, contract_id)
    form = TerminateForm(request.POST)
    if form.is_valid():
        try:
            services.contract_terminate(
                actor=request.user,
                contract=contract,
                reason=form.cleaned_data["reason"],
                terminated_on=form.cleaned_data["terminated_on"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contract %(title)s terminated.") % {"title": contract})
            return redirect(contract)
    contract.refresh_from_db()
    return _detail(request, contract, status=400, terminate_form=form)


# Compliance (back office) -------------------------------------------------------------


@require_GET
@staff_required
def compliance_list(request: HttpRequest) -> HttpResponse:
    filterset, partners = selectors.compliance_list(
        user=request.user, params=request.GET, request=request
    )
    query = request.GET.copy()
    query.pop("page", None)
    page = _page(request, partners)
    page.object_list = selectors.compliance_rows(page.object_list)
    return render(
        request,
        "contracts/compliance_list.html",
        {
            "filterset": _styled(filterset),
            "page": page,
            "query": query.urlencode(),
        },
    )


def _compliance_page(request, partner: Partner, template: str, form=None, status: int = 200):
    data = selectors.partner_compliance(user=request.user, partner=partner)
    can_upload = access.can_add(request.user, ComplianceSubmission, partner)
    requirements = [item.requirement for item in data.items]
    context = {
        "partner": partner,
        "compliance": data,
        "can_upload": can_upload and bool(requirements),
        "form": form or ComplianceUploadForm(requirements=requirements),
        "section": "compliance",
    }
    return render(request, template, context, status=status)


@require_GET
@staff_required
def compliance_partner(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, pk=partner_id)
    return _compliance_page(request, partner, "contracts/compliance_partner.html")


def _compliance_upload(request: HttpRequest, partner: Partner, template: str):
    if not access.can_add(request.user, ComplianceSubmission, partner):
        raise PermissionDenied
    data = selectors.partner_compliance(user=request.user, partner=partner)
    form = ComplianceUploadForm(
        request.POST, request.FILES, requirements=[i.requirement for i in data.items]
    )
    if form.is_valid():
        try:
            services.compliance_submit(
                actor=request.user,
                partner=partner,
                requirement=form.cleaned_data["requirement"],
                upload=form.cleaned_data["file"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(requirement)s uploaded.") % {"requirement": form.cleaned_data["requirement"]},
            )
            return None
    return _compliance_page(request, partner, template, form=form, status=400)


@require_POST
@staff_required
def compliance_upload(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, pk=partner_id)
    response = _compliance_upload(request, partner, "contracts/compliance_partner.html")
    return response or redirect("contracts:compliance_partner", partner_id=partner.pk)


# Portal --------------------------------------------------------------------------------


def portal_page(staff_target):
    """A portal page (``portal_view``); staff who open its address are sent to the
    back-office page of the same thing (``staff_target(request, **kwargs)``)."""

    def decorator(view):
        portal = portal_view(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated and request.user.is_staff_role:
                return redirect(staff_target(request, **kwargs))
            return portal(request, *args, **kwargs)

        return wrapper

    return decorator


def _staff_contract(request, contract_id: int) -> str:
    return reverse("contracts:detail", args=[contract_id])


def _staff_round(request, round_id: int) -> str:
    round_ = access.get_object(request.user, NegotiationRound, pk=round_id)
    return reverse("contracts:detail", args=[round_.contract_id])


def _staff_list(request) -> str:
    return reverse("contracts:list")


def _staff_compliance(request) -> str:
    return reverse("contracts:compliance_list")


@portal_page(_staff_list)
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    contracts = (
        access.scope(request.user, Contract)
        .filter(partner=request.partner)
        .select_related("type")
        .order_by("-start_date", "-id")
    )
    from prm.contracts.status import with_status_data

    rows = []
    for contract in with_status_data(contracts):
        state = contract.status_on(today)
        rows.append({"contract": contract, "status": state, "badge": BADGES[state]})
    return render(
        request,
        "contracts/portal/list.html",
        {"partner": request.partner, "section": "contracts", "rows": rows},
    )


def _portal_detail(request, contract: Contract, form=None, status: int = 200) -> HttpResponse:
    rounds = list(contract.rounds.prefetch_related("comments__author"))
    open_negotiation = contract.signed_on is None and contract.terminated_on is None
    return render(
        request,
        "contracts/portal/detail.html",
        {
            "partner": request.partner,
            "section": "contracts",
            "contract": contract,
            **_status_context(contract),
            "terms": contract.terms.all(),
            "rounds": rounds,
            "current_round": rounds[-1] if rounds else None,
            "can_comment": open_negotiation
            and bool(rounds)
            and access.can_add(request.user, RoundComment, contract.partner),
            "comment_form": form or CommentForm(),
        },
        status=status,
    )


@portal_page(_staff_contract)
@require_GET
def portal_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access.get_object(
        request.user, access.scope(request.user, Contract).select_related("type"), pk=contract_id
    )
    return _portal_detail(request, contract)


@portal_page(_staff_round)
@require_POST
def portal_comment(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.get_object(request.user, NegotiationRound, Action.VIEW, pk=round_id)
    contract = round_.contract
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, round=round_, body=form.cleaned_data["body"])
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(request, _("Comment added."))
            return redirect("contracts:portal_detail", contract_id=contract.pk)
    return _portal_detail(request, contract, form=form, status=400)


@portal_page(_staff_compliance)
@require_GET
def portal_compliance(request: HttpRequest) -> HttpResponse:
    return _compliance_page(request, request.partner, "contracts/portal/compliance.html")


@portal_page(_staff_compliance)
@require_POST
def portal_compliance_upload(request: HttpRequest) -> HttpResponse:
    response = _compliance_upload(request, request.partner, "contracts/portal/compliance.html")
    return response or redirect("contracts:portal_compliance")
