"""Back-office pages of discovery and selection: projects with their long-lists,
evaluation templates (criteria, direct or AHP weights), rounds (scoring, progress,
rankings) and decisions.

Views read through ``selectors`` and the access layer and write through ``services``; a
``BusinessError`` becomes a message on the page (a refusal of access stays a 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.views import perform
from prm.partners.forms import add_business_error
from prm.sourcing import selectors, services
from prm.sourcing.forms import (
    AhpForm,
    CandidateAddForm,
    CriterionForm,
    DecisionForm,
    NotesForm,
    ProjectForm,
    RoundForm,
    SourceForm,
    TemplateForm,
    WeightsForm,
)
from prm.sourcing.models import (
    CandidateSource,
    Criterion,
    Decision,
    EvaluationRound,
    EvaluationTemplate,
    ProjectCandidate,
    ProjectSource,
    SourcingProject,
)

PAGE_SIZE = 50


def _may(user, model, action: Action) -> bool:
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _error(request: HttpRequest, exc: BusinessError) -> None:
    """The error as a message; a refusal (403) as a 403 page."""
    if exc.status == 403:
        raise PermissionDenied(str(exc.message))
    messages.error(request, exc.message)


def _form_error(form, exc: BusinessError) -> None:
    if exc.status == 403:
        raise PermissionDenied(str(exc.message))
    add_business_error(form, exc)


def _page(request: HttpRequest, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided_range = list(page.paginator.get_elided_page_range(page.number))
    return page


def contract_create_url(candidate: ProjectCandidate) -> str:
    """Where contract negotiation starts for a selected candidate, once contracts exist."""
    try:
        return f"{reverse('contracts:create')}?partner={candidate.partner_id}"
    except NoReverseMatch:
        return ""


# Projects ----------------------------------------------------------------------------


@require_GET
@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    filterset, rows = selectors.project_list(user=request.user, params=request.GET, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sourcing/project_list.html",
        {
            "filterset": filterset,
            "page": _page(request, rows),
            "query": query.urlencode(),
            "can_add": _may(request.user, SourcingProject, Action.ADD),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, SourcingProject, Action.ADD):
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, data=form.cleaned_data)
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Sourcing project created."))
            return redirect(project)
    return render(request, "sourcing/project_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_object(request.user, SourcingProject, Action.CHANGE, pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_update(
                actor=request.user, project=project, data=form.cleaned_data
            )
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(project)
    return render(request, "sourcing/project_form.html", {"form": form, "project": project})


@require_POST
@staff_required
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_object(request.user, SourcingProject, Action.DELETE, pk=pk)
    return perform(
        request,
        lambda: services.project_delete(actor=request.user, project=project),
        success=_("Sourcing project deleted."),
        then="sourcing:project_list",
        failed=project,
        refuse=True,
    )


@require_GET
@staff_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = access.get_object(
        user, access.scope(user, SourcingProject).select_related("owner"), pk=pk
    )
    candidates = (
        access.scope(user, ProjectCandidate)
        .filter(project=project)
        .select_related("partner", "decided_by")
        .prefetch_related("sources")
    )
    can_change = access.can(user, project, Action.CHANGE)
    return render(
        request,
        "sourcing/project_detail.html",
        {
            "project": project,
            "candidates": candidates,
            "rounds": access.scope(user, EvaluationRound)
            .filter(project=project)
            .select_related("template", "owner"),
            "can_change": can_change,
            "can_delete": access.can(user, project, Action.DELETE),
            "add_form": CandidateAddForm(user=user, project=project) if can_change else None,
            "sources": access.scope(user, ProjectSource).filter(project=project),
            "source_form": SourceForm(),
        },
    )


@require_POST
@staff_required
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = access.get_object(user, SourcingProject, Action.CHANGE, pk=pk)
    form = CandidateAddForm(request.POST, user=user, project=project)
    if not form.is_valid():
        messages.error(
            request, _("Choose a prospect or candidate partner that is not on the list yet.")
        )
        return redirect(project)
    return perform(
        request,
        lambda: services.candidate_add(
            actor=user,
            project=project,
            partner=form.cleaned_data["partner"],
            notes=form.cleaned_data["notes"],
        ),
        success=lambda candidate: (
            _("%(name)s is on the long-list.") % {"name": candidate.partner.name}
        ),
        then=project,
    )


@require_POST
@staff_required
def project_source_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_object(request.user, SourcingProject, Action.CHANGE, pk=pk)
    form = SourceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(project)
    return perform(
        request,
        lambda: services.project_source_add(
            actor=request.user, project=project, data=form.cleaned_data
        ),
        success=_("Source added."),
        then=project,
        refuse=True,
    )


@require_POST
@staff_required
def project_source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_object(request.user, ProjectSource, Action.DELETE, pk=pk)
    project = source.project
    services.project_source_delete(actor=request.user, source=source)
    messages.success(request, _("Source removed."))
    return redirect(project)


# Candidates ----------------------------------------------------------------------------


@require_GET
@staff_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    candidate = access.get_object(
        user,
        access.scope(user, ProjectCandidate).select_related("partner", "project", "decided_by"),
        pk=pk,
    )
    can_change = access.can(user, candidate, Action.CHANGE)
    return render(
        request,
        "sourcing/candidate_detail.html",
        {
            "candidate": candidate,
            "project": candidate.project,
            "sources": access.scope(user, CandidateSource).filter(candidate=candidate),
            "can_change": can_change,
            "notes_form": NotesForm(initial={"notes": candidate.notes}),
            "source_form": SourceForm(),
            "decision_form": DecisionForm(),
            "decided": candidate.decision != Decision.PENDING,
            "contract_url": contract_create_url(candidate)
            if candidate.decision == Decision.SELECTED
            else "",
        },
    )


@require_POST
@staff_required
def candidate_notes(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_object(request.user, ProjectCandidate, Action.CHANGE, pk=pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return redirect(candidate)
    return perform(
        request,
        lambda: services.candidate_update(
            actor=request.user, candidate=candidate, notes=form.cleaned_data["notes"]
        ),
        success=_("Notes saved."),
        then=candidate,
        refuse=True,
    )


@require_POST
@staff_required
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_object(request.user, ProjectCandidate, Action.DELETE, pk=pk)
    return perform(
        request,
        lambda: services.candidate_remove(actor=request.user, candidate=candidate),
        success=_("Removed from the long-list."),
        then=candidate.project,
        failed=candidate,
        refuse=True,
    )


@require_POST
@staff_required
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_object(request.user, ProjectCandidate, Action.CHANGE, pk=pk)
    form = SourceForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        messages.error(request, " ".join(errors))
        return redirect(candidate)
    return perform(
        request,
        lambda: services.source_add(
            actor=request.user, candidate=candidate, data=form.cleaned_data
        ),
        success=_("Source added."),
        then=candidate,
        refuse=True,
    )


@require_POST
@staff_required
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.get_object(request.user, CandidateSource, Action.DELETE, pk=pk)
    candidate = source.candidate
    services.source_delete(actor=request.user, source=source)
    messages.success(request, _("Source removed."))
    return redirect(candidate)


@require_POST
@staff_required
def candidate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_object(request.user, ProjectCandidate, Action.CHANGE, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose select, reject or hold."))
        return redirect(candidate)
    return perform(
        request,
        lambda: services.candidate_decide(
            actor=request.user,
            candidate=candidate,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda decided: (
            _("Decision recorded: %(decision)s.") % {"decision": decided.get_decision_display()}
        ),
        then=candidate,
        refuse=True,
    )


# Templates -----------------------------------------------------------------------------


@require_GET
@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    rows = access.scope(request.user, EvaluationTemplate).select_related("owner")
    return render(
        request,
        "sourcing/template_list.html",
        {
            "page": _page(request, rows),
            "can_add": _may(request.user, EvaluationTemplate, Action.ADD),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def template_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, EvaluationTemplate, Action.ADD):
        raise PermissionDenied
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=request.user, data=form.cleaned_data)
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Template created; now add its criteria."))
            return redirect(template)
    return render(request, "sourcing/template_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, Action.CHANGE, pk=pk)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_update(
                actor=request.user, template=template, data=form.cleaned_data
            )
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(template)
    return render(request, "sourcing/template_form.html", {"form": form, "template": template})


@require_POST
@staff_required
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, Action.DELETE, pk=pk)
    return perform(
        request,
        lambda: services.template_delete(actor=request.user, template=template),
        success=_("Template deleted."),
        then="sourcing:template_list",
        failed=template,
        refuse=True,
    )


@require_POST
@staff_required
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, pk=pk)
    if not _may(request.user, EvaluationTemplate, Action.ADD):
        raise PermissionDenied
    try:
        copy = services.template_copy(actor=request.user, template=template)
    except BusinessError as exc:
        _error(request, exc)
        return redirect(template)
    messages.success(request, _("Template copied; change the copy as you like."))
    return redirect(copy)


def _template_page(request, template, **forms) -> HttpResponse:
    user = request.user
    criteria = list(access.scope(user, Criterion).filter(template=template))
    can_change = access.can(user, template, Action.CHANGE)
    in_use = access.unrestricted(EvaluationRound).filter(template=template).exists()
    context = {
        "template": template,
        "criteria": criteria,
        "can_change": can_change and not in_use,
        "can_copy": _may(user, EvaluationTemplate, Action.ADD),
        "in_use": in_use,
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "weights_form": forms.get("weights_form") or WeightsForm(criteria=criteria),
        "ahp_form": forms.get("ahp_form") or AhpForm(criteria=criteria, matrix=template.ahp_matrix),
        "ahp_problems": forms.get("ahp_problems") or [],
    }
    return render(request, "sourcing/template_detail.html", context)


@require_GET
@staff_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(
        request.user, access.scope(request.user, EvaluationTemplate).select_related("owner"), pk=pk
    )
    return _template_page(request, template)


@require_POST
@staff_required
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, Action.CHANGE, pk=pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_add(actor=request.user, template=template, data=form.cleaned_data)
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Criterion added."))
            return redirect(template)
    return _template_page(request, template, criterion_form=form)


@require_POST
@staff_required
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = access.get_object(request.user, Criterion, Action.DELETE, pk=pk)
    template = criterion.template
    return perform(
        request,
        lambda: services.criterion_delete(actor=request.user, criterion=criterion),
        success=_("Criterion removed."),
        then=template,
        refuse=True,
    )


@require_POST
@staff_required
def template_weights(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, Action.CHANGE, pk=pk)
    criteria = list(access.scope(request.user, Criterion).filter(template=template))
    form = WeightsForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.template_set_weights(
                actor=request.user, template=template, weights=form.weights()
            )
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Weights saved."))
            return redirect(template)
    return _template_page(request, template, weights_form=form)


@require_POST
@staff_required
def template_ahp(request: HttpRequest, pk: int) -> HttpResponse:
    template = access.get_object(request.user, EvaluationTemplate, Action.CHANGE, pk=pk)
    criteria = list(access.scope(request.user, Criterion).filter(template=template))
    form = AhpForm(request.POST, criteria=criteria)
    problems: list[str] = []
    if form.is_valid():
        try:
            outcome = services.template_set_ahp(
                actor=request.user, template=template, upper=form.upper()
            )
        except BusinessError as exc:
            _form_error(form, exc)
            if exc.code == "inconsistent":
                preview = services.ahp_preview(criteria, form.upper())
                problems = services.describe_inconsistency(preview)
        else:
            messages.success(
                request,
                _("Weights derived by AHP (consistency ratio %(cr)s).")
                % {"cr": f"{outcome.result.cr:.3f}"},
            )
            return redirect(template)
    return _template_page(request, template, ahp_form=form, ahp_problems=problems)


# Rounds ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = access.get_object(user, SourcingProject, Action.CHANGE, pk=pk)
    if not _may(user, EvaluationRound, Action.ADD):
        raise PermissionDenied
    form = RoundForm(request.POST or None, user=user, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.round_create(
                actor=user,
                project=project,
                data={"name": data["name"], "template": data["template"], "due_on": data["due_on"]},
                candidates=list(data["candidates"]),
                evaluators=list(data["evaluators"]),
            )
        except BusinessError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Evaluation round started; the evaluators were told."))
            return redirect(evaluation)
    return render(request, "sourcing/round_form.html", {"form": form, "project": project})


@require_GET
@staff_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = access.get_object(
        user,
        access.scope(user, EvaluationRound).select_related("project", "template", "owner"),
        pk=pk,
    )
    seen = selectors.visibility(user, evaluation)
    criteria = selectors.criteria_of(evaluation)
    candidates = selectors.candidates_of(evaluation)
    own = selectors.own_scores(user, evaluation) if seen.is_evaluator else {}
    sheet = [
        (candidate, [(criterion, own.get((candidate.pk, criterion.pk))) for criterion in criteria])
        for candidate in candidates
    ]
    return render(
        request,
        "sourcing/round_detail.html",
        {
            "evaluation": evaluation,
            "project": evaluation.project,
            "seen": seen,
            "criteria": criteria,
            "sheet": sheet,
            "progress": selectors.progress(evaluation) if seen.can_manage else None,
            "ranking": selectors.ranking(evaluation) if seen.sees_results else None,
        },
    )


@require_POST
@staff_required
def round_scores(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    evaluation = access.get_object(user, EvaluationRound, pk=pk)
    criteria = selectors.criteria_of(evaluation)
    candidates = selectors.candidates_of(evaluation)
    entries = [
        services.ScoreEntry(
            candidate_id=candidate.pk,
            criterion_id=criterion.pk,
            value=request.POST.get(f"score_{candidate.pk}_{criterion.pk}"),
        )
        for candidate in candidates
        for criterion in criteria
        if f"score_{candidate.pk}_{criterion.pk}" in request.POST
    ]
    submit = request.POST.get("action") == "submit"
    return perform(
        request,
        lambda: services.scores_save(
            actor=user, evaluation=evaluation, entries=entries, submit=submit
        ),
        success=_("Your scores are submitted; the ranking is open to you.")
        if submit
        else _("Your scores are saved as a draft."),
        then=evaluation,
        refuse=True,
    )


@require_POST
@staff_required
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_object(request.user, EvaluationRound, Action.CHANGE, pk=pk)
    return perform(
        request,
        lambda: services.round_set_status(
            actor=request.user, evaluation=evaluation, status=request.POST.get("status", "")
        ),
        success=_("Round status changed."),
        then=evaluation,
        refuse=True,
    )


@require_POST
@staff_required
def round_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_object(request.user, EvaluationRound, Action.DELETE, pk=pk)
    return perform(
        request,
        lambda: services.round_delete(actor=request.user, evaluation=evaluation),
        success=_("Round deleted."),
        then=evaluation.project,
        failed=evaluation,
        refuse=True,
    )
