"""Pages of self-registration and onboarding.

Public (no log-in): the application form at /portal/apply and the applicant's answer link.
Back office: the review queue, an application, journeys in progress and one journey.
Portal: the partner's onboarding checklist. Views read through ``selectors`` and the access
layer and write through ``services``; a ``BusinessError`` becomes a message on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.onboarding import selectors, services
from prm.onboarding.forms import (
    AnswerForm,
    ApplicationForm,
    ContactFormSet,
    InfoRequestForm,
    RejectForm,
    StepAddForm,
    StepCompleteForm,
    started_token,
)
from prm.onboarding.models import Application, JourneyStep, StepKind, StepOwner, StepStatus
from prm.partners.forms import add_business_error, add_service_error
from prm.partners.models import Partner
from prm.portal.views import portal_view


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# The public application form ------------------------------------------------------------

RATE_WINDOW = 3600


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _over_rate_limit(request: HttpRequest) -> bool:
    """Count this attempt for the client's address; True once it sent too many this hour."""
    limit = getattr(settings, "PRM_APPLY_RATE_LIMIT", 5)
    key = f"onboarding:apply:{_client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > limit


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        country = request.POST.get("country") or "KR"
        contacts = ContactFormSet(
            request.POST, prefix="contacts", form_kwargs={"country": country[:2]}
        )
        if _over_rate_limit(request):
            form.is_valid()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many applications from your network; please try again in an hour."),
            )
            status = 429
        elif form.is_valid() and contacts.is_valid():
            data = form.cleaned_data
            people = [
                services.ContactData(
                    name=c["name"], email=c["email"], phone=c["phone"], title=c.get("title", "")
                )
                for c in contacts.cleaned_data
                if c and not c.get("DELETE")
            ]
            documents = [(f, "other") for f in data["documents"]]
            if data["registration_certificate"]:
                documents.insert(0, (data["registration_certificate"], "registration"))
            try:
                application = services.application_submit(
                    company={
                        k: data[k]
                        for k in (
                            "name",
                            "legal_name",
                            "registration_number",
                            "country",
                            "region",
                            "industry",
                            "website",
                        )
                    },
                    types=data["types"],
                    contacts=people,
                    documents=documents,
                    message=data["message"],
                    ip=_client_ip(request) if _client_ip(request) != "unknown" else None,
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                    site_url=_site_url(request),
                )
            except BusinessError as exc:
                add_business_error(form, exc)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                return render(request, "onboarding/apply_done.html", {"application": application})
        if form.errors or contacts.total_error_count():
            status = status if status != 200 else 400
        # A fresh start time: the person now has to review the form before sending it.
        form.data = form.data.copy()
        form.data["started"] = started_token()
    else:
        form = ApplicationForm(initial={"started": started_token()})
        contacts = ContactFormSet(prefix="contacts")
    return render(
        request,
        "onboarding/apply.html",
        {"form": form, "contacts": contacts},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        application = services.application_from_token(token)
    except BusinessError as exc:
        return render(
            request, "onboarding/answer_invalid.html", {"message": exc.message}, status=404
        )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_answer(token=token, answer=form.cleaned_data["answer"])
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            return render(request, "onboarding/answer_done.html", {"application": application})
    return render(request, "onboarding/answer.html", {"form": form, "application": application})


# The review queue -----------------------------------------------------------------------


@require_GET
@staff_required
def application_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "status" not in params and not params.get("q"):
        params.setlist("status", ["submitted", "info_requested"])
    filterset, queryset = selectors.application_list(
        user=request.user, params=params, request=request
    )
    return render(
        request,
        "onboarding/application_list.html",
        {"filterset": filterset, "page": paginate(request, queryset), "nav_section": "onboarding"},
    )


def _may_decide(user, application: Application) -> bool:
    return application.is_open and services.may_decide(user, application)


@require_GET
@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    partner = application.partner
    duplicates = access.scope(request.user, Partner).filter(pk__in=application.duplicate_ids)
    return render(
        request,
        "onboarding/application_detail.html",
        {
            "application": application,
            "partner": partner,
            "contacts": partner.contacts.all(),
            "documents": partner.documents.all(),
            "duplicates": duplicates,
            "may_decide": _may_decide(request.user, application),
            "reject_form": RejectForm(),
            "info_form": InfoRequestForm(),
            "nav_section": "onboarding",
        },
    )


def _decide(request: HttpRequest, pk: int, action) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    if not services.may_decide(request.user, application):
        raise PermissionDenied
    try:
        action(application)
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("onboarding:application", pk=application.pk)


@require_POST
@staff_required
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def approve(application):
        services.application_approve(
            actor=request.user, application=application, site_url=_site_url(request)
        )
        messages.success(
            request,
            _("Approved. %(email)s was invited to the portal.") % {"email": application.email},
        )

    return _decide(request, pk, approve)


@require_POST
@staff_required
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = RejectForm(request.POST)

    def reject(application):
        if not form.is_valid():
            raise BusinessError(_("Give the reason for the rejection."))
        services.application_reject(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Rejected; the applicant was told why."))

    return _decide(request, pk, reject)


@require_POST
@staff_required
def application_request_info(request: HttpRequest, pk: int) -> HttpResponse:
    form = InfoRequestForm(request.POST)

    def ask(application):
        if not form.is_valid():
            raise BusinessError(_("Say what information you need."))
        services.application_request_info(
            actor=request.user,
            application=application,
            question=form.cleaned_data["question"],
            site_url=_site_url(request),
        )
        messages.success(request, _("The applicant was asked for more information."))

    return _decide(request, pk, ask)


# Journeys (back office) -----------------------------------------------------------------


@require_GET
@staff_required
def journey_list(request: HttpRequest) -> HttpResponse:
    filterset, queryset = selectors.journey_list(
        user=request.user, params=request.GET, request=request
    )
    return render(
        request,
        "onboarding/journey_list.html",
        {
            "filterset": filterset,
            "page": paginate(request, queryset),
            "today": timezone.localdate(),
            "waiting": selectors.onboarding_without_journey(user=request.user),
            "medians": selectors.time_to_onboard(user=request.user),
            "nav_section": "onboarding",
        },
    )


@require_GET
@staff_required
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    journey = selectors.journey_get(user=request.user, pk=pk)
    may_change = access.can(request.user, journey, Action.CHANGE)
    return render(
        request,
        "onboarding/journey_detail.html",
        {
            "journey": journey,
            "steps": selectors.journey_steps(user=request.user, journey=journey),
            "may_change": may_change and not journey.completed_at,
            "add_form": StepAddForm(),
            "today": timezone.localdate(),
            "nav_section": "onboarding",
        },
    )


@require_POST
@staff_required
def journey_start(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, Action.CHANGE, pk=pk)
    try:
        journey = services.journey_start(actor=request.user, partner=partner)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("onboarding:journeys")
    messages.success(request, _("The onboarding journey has started."))
    return redirect("onboarding:journey", pk=journey.pk)


@require_POST
@staff_required
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    journey = access.get_object(request.user, selectors.Journey, Action.CHANGE, pk=pk)
    form = StepAddForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            services.step_add(actor=request.user, journey=journey, data=data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The step was added."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            ),
        )
    return redirect("onboarding:journey", pk=journey.pk)


def _staff_step(request: HttpRequest, pk: int) -> JourneyStep:
    return access.get_object(request.user, JourneyStep, Action.CHANGE, pk=pk)


@require_POST
@staff_required
def step_complete(request: HttpRequest, pk: int) -> HttpResponse:
    step = _staff_step(request, pk)
    form = StepCompleteForm(request.POST, request.FILES)
    form.is_valid()
    return perform(
        request,
        lambda: services.step_complete(
            actor=request.user,
            step=step,
            upload=form.cleaned_data.get("file"),
            note=form.cleaned_data.get("note", ""),
        ),
        success=_("The step is done."),
        then=reverse("onboarding:journey", args=[step.journey_id]),
    )


@require_POST
@staff_required
def step_skip(request: HttpRequest, pk: int) -> HttpResponse:
    step = _staff_step(request, pk)
    return perform(
        request,
        lambda: services.step_skip(
            actor=request.user, step=step, note=request.POST.get("note", "")
        ),
        success=_("The step was skipped."),
        then=reverse("onboarding:journey", args=[step.journey_id]),
    )


# The partner's checklist (portal) -------------------------------------------------------


@require_GET
@portal_view
def checklist(request: HttpRequest) -> HttpResponse:
    journey = selectors.portal_journey(user=request.user)
    steps = selectors.journey_steps(user=request.user, journey=journey) if journey else []
    return render(
        request,
        "onboarding/checklist.html",
        {
            "partner": request.partner,
            "section": "onboarding",
            "journey": journey,
            "steps": steps,
            "today": timezone.localdate(),
            "form": StepCompleteForm(),
            "partner_owner": StepOwner.PARTNER,
            "document_kind": StepKind.DOCUMENT,
            "contract_kind": StepKind.CONTRACT,
            "open": StepStatus.OPEN,
        },
    )


@require_POST
@portal_view
def checklist_step_complete(request: HttpRequest, pk: int) -> HttpResponse:
    step = access.get_object(request.user, JourneyStep, Action.VIEW, pk=pk)
    form = StepCompleteForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return redirect("onboarding:checklist")
    upload = form.cleaned_data.get("file")
    try:
        with transaction.atomic():
            services.step_complete(
                actor=request.user,
                step=step,
                upload=upload if isinstance(upload, UploadedFile) else None,
                note=form.cleaned_data.get("note", ""),
                site_url=_site_url(request),
            )
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: the step is done."))
    return redirect("onboarding:checklist")
