"""Back-office and portal pages of reviews, action items and joint business plans.

Views read through ``selectors`` and the access layer, write through ``services``, and turn a
``BusinessError`` or a model ``ValidationError`` into a message on the page.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.partners.forms import add_business_error, add_service_error
from prm.portal.views import portal_view
from prm.reviews import documents, selectors, services
from prm.reviews.forms import ActionItemForm, CommentForm, GoalForm, PlanForm, ReviewForm
from prm.reviews.models import (
    ActionComment,
    ActionItem,
    BusinessPlan,
    Goal,
    ItemStatus,
    OwnerSide,
    PlanComment,
    PlanStatus,
    Review,
    ReviewStatus,
)

PAGE_SIZE = 50


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page


def _styled(filterset):
    """Bootstrap's classes on a filter form's widgets; several values as check boxes."""
    for field in filterset.form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SelectMultiple):
            field.widget = forms.CheckboxSelectMultiple(choices=widget.choices)
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return filterset


def _may(user, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, BusinessError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _export_url(request: HttpRequest, entity: str) -> str:
    return f"{reverse('imports:export', args=[entity])}?{_query(request)}"


def _save(form, call) -> object | None:
    """Run a service with a valid form's data; its errors land on the form."""
    try:
        return call()
    except BusinessError as exc:
        add_business_error(form, exc)
    except ValidationError as exc:
        add_service_error(form, exc)
    return None


# Reviews ---------------------------------------------------------------------------------


@require_GET
@staff_required
def review_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.review_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "reviews/list.html",
        {
            "filterset": _styled(filterset),
            "page": _page(request, queryset),
            "query": _query(request),
            "can_add": _may(request.user, Review, Action.ADD),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def review_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Review, Action.ADD):
        raise PermissionDenied
    initial = {}
    if request.GET.get("partner"):
        initial["partner"] = request.GET["partner"]
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if form.is_bound and form.is_valid():
        review = _save(
            form,
            lambda: services.review_create(
                actor=request.user,
                partner=form.cleaned_data["partner"],
                data=form.service_data(),
            ),
        )
        if review is not None:
            messages.success(request, _("Review %(review)s created.") % {"review": review})
            return redirect(review)
    status = 400 if form.is_bound else 200
    return render(request, "reviews/form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.get_object(request.user, Review, Action.CHANGE, pk=review_id)
    form = ReviewForm(
        request.POST if request.method == "POST" else None, instance=review, user=request.user
    )
    if form.is_bound and form.is_valid():
        saved = _save(
            form,
            lambda: services.review_update(
                actor=request.user, review=review, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Review %(review)s saved.") % {"review": saved})
            return redirect(saved)
        review.refresh_from_db()
    status = 400 if form.is_bound else 200
    return render(request, "reviews/form.html", {"form": form, "review": review}, status=status)


def _review_detail(request: HttpRequest, review: Review, status: int = 200, item_form=None):
    user = request.user
    can_change = access.can(user, review, Action.CHANGE)
    data = documents.report_data(review)
    items = list(
        review.action_items.select_related("owner_user", "owner_contact").order_by(
            "status", "due_on", "id"
        )
    )
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "partner": review.partner,
            "data": data,
            "charts": documents.chart_svgs(data),
            "kpi_lines": [(line, documents.kpi_name(line)) for line in data.kpi_lines],
            "items": items,
            "today": timezone.localdate(),
            "can_change": can_change,
            "can_add_item": access.can_add(user, ActionItem, review.partner),
            "can_delete": can_change and review.status == ReviewStatus.PLANNED,
            "next_statuses": [ReviewStatus(s) for s in services.TRANSITIONS[review.status]],
            "item_form": item_form
            or ActionItemForm(user=user, partner=review.partner, fixed_review=review),
        },
        status=status,
    )


@require_GET
@staff_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    return _review_detail(request, selectors.review_get(user=request.user, pk=review_id))


@require_POST
@staff_required
def review_status(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.get_object(request.user, Review, Action.CHANGE, pk=review_id)
    return perform(
        request,
        lambda: services.review_set_status(
            actor=request.user, review=review, status=request.POST.get("status", "")
        ),
        success=lambda saved: (
            _("The review is %(status)s.") % {"status": saved.get_status_display()}
        ),
        then=review,
    )


@require_POST
@staff_required
def review_delete(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.get_object(request.user, Review, Action.DELETE, pk=review_id)
    return perform(
        request,
        lambda: services.review_delete(actor=request.user, review=review),
        success=_("Review deleted."),
        then="reviews:list",
        failed=review,
    )


def _report(request: HttpRequest, review: Review, extension: str) -> HttpResponse:
    data = documents.report_data(review)
    if extension == "pdf":
        content = documents.report_pdf(data, base_url=request.build_absolute_uri("/"))
        content_type = documents.PDF_TYPE
    else:
        content = documents.report_xlsx(data)
        content_type = documents.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    name = documents.filename(review, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@staff_required
def review_report(request: HttpRequest, review_id: int, extension: str) -> HttpResponse:
    return _report(request, selectors.review_get(user=request.user, pk=review_id), extension)


@require_POST
@staff_required
def review_item_add(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=review_id)
    if not access.can_add(request.user, ActionItem, review.partner):
        raise PermissionDenied
    form = ActionItemForm(
        request.POST, user=request.user, partner=review.partner, fixed_review=review
    )
    if form.is_valid():
        item = _save(
            form,
            lambda: services.action_item_create(
                actor=request.user, partner=review.partner, review=review, data=form.service_data()
            ),
        )
        if item is not None:
            messages.success(request, _("Action item %(title)s added.") % {"title": item.title})
            return redirect(review)
    return _review_detail(request, review, status=400, item_form=form)


# Action items ----------------------------------------------------------------------------


@require_GET
@staff_required
def item_board(request: HttpRequest) -> HttpResponse:
    """Open, overdue and done items side by side (the board), filtered like the API."""
    filterset, queryset = selectors.action_item_list(
        user=request.user, params=request.GET, request=request
    )
    today = timezone.localdate()
    rows = list(queryset[:600])
    columns = [
        ("overdue", _("Overdue"), "danger", [i for i in rows if i.is_overdue(today)]),
        (
            "open",
            _("Open"),
            "primary",
            [i for i in rows if i.status == ItemStatus.OPEN and not i.is_overdue(today)],
        ),
        ("done", _("Done"), "success", [i for i in rows if i.status == ItemStatus.DONE][:100]),
    ]
    return render(
        request,
        "reviews/items.html",
        {
            "filterset": _styled(filterset),
            "columns": columns,
            "total": len(rows),
            "today": today,
            "can_add": _may(request.user, ActionItem, Action.ADD),
            "export_url": _export_url(request, "action-items"),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def item_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, ActionItem, Action.ADD):
        raise PermissionDenied
    form = ActionItemForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        partner = form.cleaned_data["partner"]
        item = _save(
            form,
            lambda: services.action_item_create(
                actor=request.user, partner=partner, data=form.service_data()
            ),
        )
        if item is not None:
            messages.success(request, _("Action item %(title)s added.") % {"title": item.title})
            return redirect(item)
    status = 400 if form.is_bound else 200
    return render(request, "reviews/item_form.html", {"form": form}, status=status)


def _item_detail(request: HttpRequest, item: ActionItem, status: int = 200, comment_form=None):
    can_change = access.can(request.user, item, Action.CHANGE)
    return render(
        request,
        "reviews/item_detail.html",
        {
            "item": item,
            "partner": item.partner,
            "comments": item.comments.select_related("author"),
            "can_change": can_change,
            "can_comment": access.can_add(request.user, ActionComment, item.partner),
            "comment_form": comment_form or CommentForm(),
            "overdue": item.is_overdue(timezone.localdate()),
            "statuses": ItemStatus,
        },
        status=status,
    )


@require_GET
@staff_required
def item_detail(request: HttpRequest, action_item_id: int) -> HttpResponse:
    return _item_detail(request, selectors.action_item_get(user=request.user, pk=action_item_id))


@require_http_methods(["GET", "POST"])
@staff_required
def item_edit(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = access.get_object(request.user, ActionItem, Action.CHANGE, pk=action_item_id)
    form = ActionItemForm(
        request.POST if request.method == "POST" else None, instance=item, user=request.user
    )
    if form.is_bound and form.is_valid():
        saved = _save(
            form,
            lambda: services.action_item_update(
                actor=request.user, item=item, data=form.service_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("Action item %(title)s saved.") % {"title": saved.title})
            return redirect(saved)
        item.refresh_from_db()
    status = 400 if form.is_bound else 200
    return render(request, "reviews/item_form.html", {"form": form, "item": item}, status=status)


def _set_item_status(request: HttpRequest, item: ActionItem) -> None:
    try:
        services.action_item_set_status(
            actor=request.user, item=item, status=request.POST.get("status", "")
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        item.refresh_from_db()
        messages.success(
            request,
            _("%(title)s is %(status)s.")
            % {"title": item.title, "status": item.get_status_display()},
        )


@require_POST
@staff_required
def item_status(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = access.get_object(request.user, ActionItem, Action.CHANGE, pk=action_item_id)
    _set_item_status(request, item)
    return redirect(request.POST.get("next") if _safe_next(request) else item.get_absolute_url())


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/reviews/") and "//" not in target


def _comment(request: HttpRequest, add, render_page):
    """Add a comment (``add(body)`` calls the service); None when added, else the page
    re-rendered with the form's errors."""
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = _save(form, lambda: add(form.cleaned_data["body"]))
        if comment is not None:
            messages.success(request, _("Comment added."))
            return None
    return render_page(form)


@require_POST
@staff_required
def item_comment(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = selectors.action_item_get(user=request.user, pk=action_item_id)
    response = _comment(
        request,
        lambda body: services.action_comment_add(actor=request.user, item=item, body=body),
        lambda form: _item_detail(request, item, status=400, comment_form=form),
    )
    return response or redirect(item)


@require_POST
@staff_required
def item_delete(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = access.get_object(request.user, ActionItem, Action.DELETE, pk=action_item_id)
    services.action_item_delete(actor=request.user, item=item)
    messages.success(request, _("Action item deleted."))
    if item.review_id:
        return redirect("reviews:detail", review_id=item.review_id)
    return redirect("reviews:items")


# Business plans --------------------------------------------------------------------------


@require_GET
@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.plan_list(
        user=request.user, params=request.GET, request=request
    )
    page = _page(request, queryset)
    progress = selectors.progress_for(page.object_list)
    rows = [(plan, selectors.overall_percent(progress[plan.pk])) for plan in page.object_list]
    return render(
        request,
        "reviews/plans.html",
        {
            "filterset": _styled(filterset),
            "page": page,
            "rows": rows,
            "query": _query(request),
            "can_add": _may(request.user, BusinessPlan, Action.ADD),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, BusinessPlan, Action.ADD):
        raise PermissionDenied
    initial = {"partner": request.GET["partner"]} if request.GET.get("partner") else {}
    form = PlanForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if form.is_bound and form.is_valid():
        plan = _save(
            form,
            lambda: services.plan_create(
                actor=request.user, partner=form.cleaned_data["partner"], data=form.service_data()
            ),
        )
        if plan is not None:
            messages.success(request, _("Business plan %(title)s created.") % {"title": plan})
            return redirect(plan)
    status = 400 if form.is_bound else 200
    return render(request, "reviews/plan_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def plan_edit(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = access.get_object(request.user, BusinessPlan, Action.CHANGE, pk=business_plan_id)
    form = PlanForm(
        request.POST if request.method == "POST" else None, instance=plan, user=request.user
    )
    if form.is_bound and form.is_valid():
        saved = _save(
            form,
            lambda: services.plan_update(actor=request.user, plan=plan, data=form.service_data()),
        )
        if saved is not None:
            messages.success(request, _("Business plan %(title)s saved.") % {"title": saved})
            return redirect(saved)
        plan.refresh_from_db()
    status = 400 if form.is_bound else 200
    return render(request, "reviews/plan_form.html", {"form": form, "plan": plan}, status=status)


def _plan_context(request: HttpRequest, plan: BusinessPlan, goal_form=None, comment_form=None):
    progress = selectors.plan_progress(plan)
    draft = plan.status == PlanStatus.DRAFT
    return {
        "plan": plan,
        "partner": plan.partner,
        "progress": progress,
        "overall": selectors.overall_percent(progress),
        "comments": plan.comments.select_related("author"),
        "draft": draft,
        "can_propose": draft and access.can_add(request.user, Goal, plan.partner),
        "can_comment": access.can_add(request.user, PlanComment, plan.partner),
        "goal_form": goal_form or GoalForm(user=request.user),
        "comment_form": comment_form or CommentForm(),
    }


def _plan_detail(request, plan: BusinessPlan, status: int = 200, **forms) -> HttpResponse:
    can_change = access.can(request.user, plan, Action.CHANGE)
    context = _plan_context(request, plan, **forms)
    context.update(
        can_change=can_change,
        can_delete=can_change and context["draft"],
        can_agree=can_change and context["draft"] and bool(context["progress"]),
        can_delete_goals=can_change and context["draft"],
    )
    return render(request, "reviews/plan_detail.html", context, status=status)


@require_GET
@staff_required
def plan_detail(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    return _plan_detail(request, selectors.plan_get(user=request.user, pk=business_plan_id))


@require_POST
@staff_required
def plan_status(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = access.get_object(request.user, BusinessPlan, Action.CHANGE, pk=business_plan_id)
    return perform(
        request,
        lambda: services.plan_set_status(
            actor=request.user, plan=plan, status=request.POST.get("status", "")
        ),
        success=lambda saved: _("The plan is %(status)s.") % {"status": saved.get_status_display()},
        then=plan,
    )


@require_POST
@staff_required
def plan_delete(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = access.get_object(request.user, BusinessPlan, Action.DELETE, pk=business_plan_id)
    return perform(
        request,
        lambda: services.plan_delete(actor=request.user, plan=plan),
        success=_("Business plan deleted."),
        then="reviews:plans",
        failed=plan,
    )


def _goal_add(request: HttpRequest, plan: BusinessPlan, render_page):
    form = GoalForm(request.POST, user=request.user)
    if form.is_valid():
        goal = _save(
            form,
            lambda: services.goal_add(actor=request.user, plan=plan, data=form.cleaned_data),
        )
        if goal is not None:
            messages.success(request, _("Goal %(title)s added.") % {"title": goal.title})
            return None
    return render_page(form)


@require_POST
@staff_required
def goal_add(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=business_plan_id)
    response = _goal_add(
        request, plan, lambda form: _plan_detail(request, plan, status=400, goal_form=form)
    )
    return response or redirect(plan)


@require_POST
@staff_required
def goal_delete(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.get_object(request.user, Goal, Action.DELETE, pk=goal_id)
    return perform(
        request,
        lambda: services.goal_delete(actor=request.user, goal=goal),
        success=_("Goal deleted."),
        then=reverse("reviews:plan_detail", args=[goal.plan_id]),
    )


@require_POST
@staff_required
def plan_comment(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=business_plan_id)
    response = _comment(
        request,
        lambda body: services.plan_comment_add(actor=request.user, plan=plan, body=body),
        lambda form: _plan_detail(request, plan, status=400, comment_form=form),
    )
    return response or redirect(plan)


# Portal ----------------------------------------------------------------------------------


def portal_page(staff_target):
    """A portal page; staff who open its address go to the back-office page instead."""

    def decorator(view):
        portal = portal_view(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated and request.user.is_staff_role:
                return redirect(staff_target(**kwargs))
            return portal(request, *args, **kwargs)

        return wrapper

    return decorator


def _render_portal(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"partner": request.partner, "section": "reviews", **context}
    return render(request, f"reviews/portal/{template}", context, status=status)


def _own(request: HttpRequest, model, pk: int):
    return access.get_object(
        request.user, access.scope(request.user, model).filter(partner=request.partner), pk=pk
    )


@portal_page(lambda: reverse("reviews:list"))
@require_GET
def portal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    reviews = (
        access.scope(user, Review).filter(partner=request.partner).order_by("-period_start", "-id")
    )
    items = list(
        access.scope(user, ActionItem)
        .filter(partner=request.partner, status=ItemStatus.OPEN)
        .select_related("owner_user", "owner_contact", "review")
        .order_by("due_on", "id")
    )
    plans = list(
        access.scope(user, BusinessPlan).filter(partner=request.partner).order_by("-period_start")
    )
    progress = selectors.progress_for(plans)
    return _render_portal(
        request,
        "list.html",
        {
            "reviews": reviews,
            "items": items,
            "plans": [(p, selectors.overall_percent(progress[p.pk])) for p in plans],
            "today": timezone.localdate(),
        },
    )


@portal_page(lambda review_id: reverse("reviews:detail", args=[review_id]))
@require_GET
def portal_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _own(request, Review, review_id)
    items = review.action_items.select_related("owner_user", "owner_contact").order_by(
        "status", "due_on", "id"
    )
    return _render_portal(
        request,
        "detail.html",
        {"review": review, "items": items, "today": timezone.localdate()},
    )


@portal_page(lambda review_id, extension: reverse(f"reviews:report_{extension}", args=[review_id]))
@require_GET
def portal_report(request: HttpRequest, review_id: int, extension: str) -> HttpResponse:
    return _report(request, _own(request, Review, review_id), extension)


@portal_page(lambda: reverse("reviews:items"))
@require_GET
def portal_items(request: HttpRequest) -> HttpResponse:
    base = access.scope(request.user, ActionItem).filter(partner=request.partner)
    filterset, queryset = selectors.action_item_list(
        user=request.user, params=request.GET, request=request, base=base
    )
    return _render_portal(
        request,
        "items.html",
        {
            "filterset": _styled(filterset),
            "page": _page(request, queryset),
            "query": _query(request),
            "today": timezone.localdate(),
        },
    )


def _portal_item(request: HttpRequest, item: ActionItem, status: int = 200, comment_form=None):
    return _render_portal(
        request,
        "item.html",
        {
            "item": item,
            "comments": item.comments.select_related("author"),
            "can_update": item.owner_side == OwnerSide.PARTNER
            and access.can(request.user, item, Action.CHANGE),
            "can_comment": access.can_add(request.user, ActionComment, item.partner),
            "comment_form": comment_form or CommentForm(),
            "overdue": item.is_overdue(timezone.localdate()),
        },
        status=status,
    )


@portal_page(lambda action_item_id: reverse("reviews:item_detail", args=[action_item_id]))
@require_GET
def portal_item(request: HttpRequest, action_item_id: int) -> HttpResponse:
    return _portal_item(request, _own(request, ActionItem, action_item_id))


@portal_page(lambda action_item_id: reverse("reviews:item_detail", args=[action_item_id]))
@require_POST
def portal_item_status(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = _own(request, ActionItem, action_item_id)
    item = access.get_object(request.user, ActionItem, Action.CHANGE, pk=item.pk)
    _set_item_status(request, item)
    return redirect("reviews:portal_item", action_item_id=item.pk)


@portal_page(lambda action_item_id: reverse("reviews:item_detail", args=[action_item_id]))
@require_POST
def portal_item_comment(request: HttpRequest, action_item_id: int) -> HttpResponse:
    item = _own(request, ActionItem, action_item_id)
    response = _comment(
        request,
        lambda body: services.action_comment_add(actor=request.user, item=item, body=body),
        lambda form: _portal_item(request, item, status=400, comment_form=form),
    )
    return response or redirect("reviews:portal_item", action_item_id=item.pk)


def _portal_plan(request: HttpRequest, plan: BusinessPlan, status: int = 200, **forms):
    return _render_portal(
        request, "plan.html", _plan_context(request, plan, **forms), status=status
    )


@portal_page(lambda business_plan_id: reverse("reviews:plan_detail", args=[business_plan_id]))
@require_GET
def portal_plan(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    return _portal_plan(request, _own(request, BusinessPlan, business_plan_id))


@portal_page(lambda business_plan_id: reverse("reviews:plan_detail", args=[business_plan_id]))
@require_POST
def portal_goal_add(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = _own(request, BusinessPlan, business_plan_id)
    response = _goal_add(
        request, plan, lambda form: _portal_plan(request, plan, status=400, goal_form=form)
    )
    return response or redirect("reviews:portal_plan", business_plan_id=plan.pk)


@portal_page(lambda business_plan_id: reverse("reviews:plan_detail", args=[business_plan_id]))
@require_POST
def portal_plan_comment(request: HttpRequest, business_plan_id: int) -> HttpResponse:
    plan = _own(request, BusinessPlan, business_plan_id)
    response = _comment(
        request,
        lambda body: services.plan_comment_add(actor=request.user, plan=plan, body=body),
        lambda form: _portal_plan(request, plan, status=400, comment_form=form),
    )
    return response or redirect("reviews:portal_plan", business_plan_id=plan.pk)
