"""Back-office pages (rules, statements, approval) and the partner's statements in the portal.

Views read through ``selectors`` and the access layer and write through ``services``; a
``BusinessError`` or a model ``ValidationError`` becomes a message on the page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.commissions import documents, selectors, services
from prm.commissions.forms import GenerateForm, RuleForm, add_service_error, bracket_formset
from prm.commissions.models import CommissionRule, CommissionStatement, RuleKind
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.portal import selectors as portal_selectors
from prm.portal.views import portal_view

PAGE_SIZE = 50


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page


def _may(user: User, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _may_generate(user: User) -> bool:
    return access.role_of(user) in (Role.ADMIN, Role.PARTNER_MANAGER)


def _download(statement: CommissionStatement, lines, file_format: str, request) -> HttpResponse:
    if file_format == "pdf":
        content = documents.statement_pdf(
            statement, lines, base_url=request.build_absolute_uri("/")
        )
        content_type = documents.PDF_TYPE
    else:
        content = documents.statement_xlsx(statement, lines)
        content_type = documents.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    name = documents.filename(statement, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Statements (back office) ---------------------------------------------------------------


@require_GET
@staff_required
def statement_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.statement_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "commissions/statement_list.html",
        {
            "filterset": filterset,
            "page": _page(request, queryset),
            "generate_form": GenerateForm() if _may_generate(request.user) else None,
            "can_rules": True,
        },
    )


@require_POST
@staff_required
def statement_generate(request: HttpRequest) -> HttpResponse:
    if not _may_generate(request.user):
        raise PermissionDenied
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("period", [])))
        return redirect("commissions:statement_list")
    period = form.cleaned_data["period"]
    return perform(
        request,
        lambda: services.statements_generate(actor=request.user, period=period),
        success=lambda result: (
            _(
                "Statements for %(period)s: %(created)s created, %(updated)s updated, "
                "%(frozen)s already approved and left unchanged."
            )
            % {
                "period": period.label,
                "created": len(result.created),
                "updated": len(result.updated),
                "frozen": len(result.frozen),
            }
        ),
        then=f"{reverse('commissions:statement_list')}?period={period.label}",
        failed="commissions:statement_list",
    )


@require_GET
@staff_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    can_change = access.can(request.user, statement, Action.CHANGE)
    return render(
        request,
        "commissions/statement_detail.html",
        {
            "statement": statement,
            "lines": selectors.statement_lines(user=request.user, statement=statement),
            "can_change": can_change,
        },
    )


def _decide(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    statement = access.get_object(request.user, CommissionStatement, Action.CHANGE, pk=pk)
    return perform(
        request,
        lambda: decide(actor=request.user, statement=statement),
        success=done,
        then=reverse("commissions:statement_detail", args=[statement.pk]),
    )


@require_POST
@staff_required
def statement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        services.statement_approve,
        _("The statement has been approved and the partner notified."),
    )


@require_POST
@staff_required
def statement_pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.statement_mark_paid, _("The statement is marked paid."))


@require_GET
@staff_required
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    lines = list(selectors.statement_lines(user=request.user, statement=statement))
    return _download(statement, lines, "pdf", request)


@require_GET
@staff_required
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    lines = list(selectors.statement_lines(user=request.user, statement=statement))
    return _download(statement, lines, "xlsx", request)


# Rules (back office) --------------------------------------------------------------------


@require_GET
@staff_required
def rule_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.rule_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "commissions/rule_list.html",
        {
            "filterset": filterset,
            "page": _page(request, queryset),
            "can_add": _may(request.user, CommissionRule, Action.ADD),
            "changeable": set(
                access.scope(request.user, CommissionRule, Action.CHANGE).values_list(
                    "pk", flat=True
                )
            ),
        },
    )


def _rule_form(request: HttpRequest, rule: CommissionRule | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = RuleForm(data, instance=rule, user=request.user)
    brackets = bracket_formset(data, rule)
    if data is not None and form.is_valid() and brackets.is_valid():
        rows = [b for b in (f.bracket() for f in brackets.forms) if b]
        try:
            if rule is None:
                saved = services.rule_create(
                    actor=request.user, data=form.service_data(), brackets=rows
                )
            else:
                saved = services.rule_update(
                    actor=request.user, rule=rule, data=form.service_data(), brackets=rows
                )
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
            return redirect("commissions:rule_list")
    return render(
        request,
        "commissions/rule_form.html",
        {"form": form, "brackets": brackets, "rule": rule, "tiered": RuleKind.TIERED},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def rule_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, CommissionRule, Action.ADD):
        raise PermissionDenied
    return _rule_form(request, None)


@require_http_methods(["GET", "POST"])
@staff_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = access.get_object(request.user, CommissionRule, Action.CHANGE, pk=pk)
    return _rule_form(request, rule)


@require_http_methods(["GET", "POST"])
@staff_required
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = access.get_object(request.user, CommissionRule, Action.DELETE, pk=pk)
    if request.method == "POST":
        return perform(
            request,
            lambda: services.rule_delete(actor=request.user, rule=rule),
            success=_("Rule “%(name)s” deleted.") % {"name": rule.name},
            then="commissions:rule_list",
            failed=reverse("commissions:rule_edit", args=[rule.pk]),
        )
    return render(request, "commissions/rule_confirm_delete.html", {"rule": rule})


# The portal ------------------------------------------------------------------------------


def portal_or_preview(view):
    """The partner's own statement pages. Portal users see their company's statements;
    staff may open the same page for a statement they may see, as a preview of what the
    partner gets (the list stays portal-only)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.is_portal_role and user.partner_id:
            request.partner = portal_selectors.portal_partner(user=user)
        elif user.is_staff_role:
            request.partner = None
        else:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _portal(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context = {"partner": request.partner, "section": "commissions", **context}
    return render(request, f"commissions/{template}", context)


@require_GET
@portal_view
def portal_list(request: HttpRequest) -> HttpResponse:
    _filterset, queryset = selectors.statement_list(
        user=request.user, params=request.GET, request=request
    )
    queryset = queryset.filter(partner=request.partner)
    return _portal(request, "portal_list.html", {"page": _page(request, queryset, 25)})


@require_GET
@portal_or_preview
def portal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    lines = selectors.statement_lines(user=request.user, statement=statement)
    return _portal(request, "portal_detail.html", {"statement": statement, "lines": lines})


@require_GET
@portal_or_preview
def portal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    lines = list(selectors.statement_lines(user=request.user, statement=statement))
    return _download(statement, lines, "pdf", request)


@require_GET
@portal_or_preview
def portal_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, pk=pk)
    lines = list(selectors.statement_lines(user=request.user, statement=statement))
    return _download(statement, lines, "xlsx", request)
