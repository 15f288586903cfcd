"""The partner portal: a partner's own company, contacts, users and documents.

Only portal users get here (staff too, but only while viewing as a portal user); everyone
else gets 404. Every object is looked up through the access layer with the portal user, so
another partner's ids answer 404 and actions the role may not take answer 403. The services
make every change.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prm.accounts import invitations
from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.partners import selectors as partner_selectors
from prm.partners import services as partner_services
from prm.partners.documents import ALLOWED_TYPES
from prm.partners.forms import (
    ContactForm,
    DocumentUploadForm,
    add_business_error,
    add_service_error,
)
from prm.partners.models import Contact, Document, Partner
from prm.portal import selectors
from prm.portal.forms import InviteForm, editable_profile_fields, profile_form_class

PAGE_SIZE = 25


def portal_view(view):
    """Signed-in portal users only; ``request.partner`` is their company."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_portal_role or not request.user.partner_id:
            raise Http404
        request.partner = selectors.portal_partner(user=request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _render(request: HttpRequest, template: str, section: str, context: dict) -> HttpResponse:
    context = {"partner": request.partner, "section": section, **context}
    return render(request, f"portal/{template}", context)


def _page(request: HttpRequest, queryset):
    return paginate(request, queryset, PAGE_SIZE)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# Home and company ------------------------------------------------------------------


@portal_view
def home(request):
    partner = request.partner
    return _render(
        request,
        "home.html",
        "home",
        {
            "counts": selectors.portal_counts(user=request.user, partner=partner),
            "expiring": selectors.expiring_documents(user=request.user, partner=partner)[:10],
            "today": timezone.localdate(),
            "warning_days": selectors.EXPIRY_WARNING_DAYS,
        },
    )


def _can_edit_profile(user: User, partner: Partner) -> bool:
    return access.can(user, partner, Action.CHANGE)


@portal_view
def profile(request):
    fields = editable_profile_fields()
    return _render(
        request,
        "profile.html",
        "profile",
        {"can_edit": bool(fields) and _can_edit_profile(request.user, request.partner)},
    )


@portal_view
def profile_edit(request):
    partner = request.partner
    if not _can_edit_profile(request.user, partner):
        raise PermissionDenied
    fields = editable_profile_fields()
    if not fields:
        messages.info(request, _("Your company's profile is kept by your partner manager."))
        return redirect("portal:profile")
    form = profile_form_class(fields)(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in fields}
        try:
            partner_services.partner_update(actor=request.user, partner=partner, data=data)
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The company profile has been saved."))
            return redirect("portal:profile")
    return _render(request, "profile_form.html", "profile", {"form": form})


# Contacts --------------------------------------------------------------------------


@portal_view
def contacts(request):
    _filterset, queryset = partner_selectors.contact_list(
        user=request.user, params=request.GET, request=request
    )
    queryset = queryset.filter(partner=request.partner).order_by("name", "id")
    return _render(
        request,
        "contacts.html",
        "contacts",
        {
            "page": _page(request, queryset),
            "q": request.GET.get("q", ""),
            "can_manage": access.can_add(request.user, Contact, request.partner),
        },
    )


@portal_view
def contact_add(request):
    if not access.can_add(request.user, Contact, request.partner):
        raise PermissionDenied
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = partner_services.contact_create(
                actor=request.user, partner=request.partner, data=form.service_data()
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": contact.name})
            return redirect("portal:contacts")
    return _render(request, "contact_form.html", "contacts", {"form": form, "contact": None})


@portal_view
def contact_edit(request, pk: int):
    contact = access.get_object(request.user, Contact, Action.CHANGE, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            contact = partner_services.contact_update(
                actor=request.user, contact=contact, data=form.service_data()
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": contact.name})
            return redirect("portal:contacts")
    return _render(request, "contact_form.html", "contacts", {"form": form, "contact": contact})


@portal_view
def contact_delete(request, pk: int):
    contact = access.get_object(request.user, Contact, Action.DELETE, pk=pk)
    if request.method == "POST":
        partner_services.contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("%(name)s has been deleted.") % {"name": contact.name})
        return redirect("portal:contacts")
    return _render(request, "contact_confirm_delete.html", "contacts", {"contact": contact})


# Users -----------------------------------------------------------------------------


@portal_view
def users(request):
    people = list(selectors.company_users(user=request.user, partner=request.partner))
    for person in people:
        person.pending = invitations.is_pending(person)
    return _render(
        request,
        "users.html",
        "users",
        {
            "people": people,
            "can_manage": access.can_add(request.user, User, request.partner),
        },
    )


@portal_view
def user_invite(request):
    if not access.can_add(request.user, User, request.partner):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = invitations.user_invite(
                actor=request.user,
                partner=request.partner,
                site_url=_site_url(request),
                **form.cleaned_data,
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invited.email},
            )
            return redirect("portal:users")
    return _render(request, "user_invite.html", "users", {"form": form})


def _company_user(request: HttpRequest, pk: int, action: Action) -> User:
    return access.get_object(request.user, User, action, pk=pk, partner=request.partner)


@portal_view
@require_POST
def user_resend(request, pk: int):
    person = _company_user(request, pk, Action.CHANGE)
    return perform(
        request,
        lambda: invitations.invitation_resend(
            actor=request.user, user=person, site_url=_site_url(request)
        ),
        success=_("The invitation has been sent again to %(email)s.") % {"email": person.email},
        then="portal:users",
    )


@portal_view
@require_POST
def user_deactivate(request, pk: int):
    person = _company_user(request, pk, Action.CHANGE)
    return perform(
        request,
        lambda: account_services.user_deactivate(actor=request.user, user=person),
        success=_("%(email)s has been deactivated and can no longer log in.")
        % {"email": person.email},
        then="portal:users",
    )


@portal_view
@require_POST
def user_reactivate(request, pk: int):
    person = _company_user(request, pk, Action.CHANGE)
    return perform(
        request,
        lambda: account_services.user_reactivate(actor=request.user, user=person),
        success=_("%(email)s can log in again.") % {"email": person.email},
        then="portal:users",
    )


@portal_view
def user_remove(request, pk: int):
    person = _company_user(request, pk, Action.DELETE)
    if request.method == "POST":
        return perform(
            request,
            lambda: account_services.user_remove(actor=request.user, user=person),
            success=_("%(email)s has been removed.") % {"email": person.email},
            then="portal:users",
        )
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot do this to your own account."))
        return redirect("portal:users")
    return _render(request, "user_confirm_remove.html", "users", {"person": person})


# Documents -------------------------------------------------------------------------


@portal_view
def documents(request):
    _filterset, queryset = partner_selectors.document_list(
        user=request.user, params=request.GET, request=request
    )
    queryset = queryset.filter(partner=request.partner)
    return _render(
        request,
        "documents.html",
        "documents",
        {
            "page": _page(request, queryset),
            "can_upload": access.can_add(request.user, Document, request.partner),
            "today": timezone.localdate(),
            "horizon": selectors.expiry_horizon(),
        },
    )


@portal_view
def document_upload(request):
    if not access.can_add(request.user, Document, request.partner):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = partner_services.document_upload(
                actor=request.user,
                partner=request.partner,
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                expires_on=data["expires_on"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(title)s has been uploaded.") % {"title": document.title})
            return redirect("portal:documents")
    form.fields["file"].widget.attrs["accept"] = ",".join(sorted(ALLOWED_TYPES))
    return _render(
        request,
        "document_upload.html",
        "documents",
        {
            "form": form,
            "max_mb": settings.PRM_MAX_UPLOAD_MB,
            "accepted": ", ".join(sorted(ALLOWED_TYPES)),
        },
    )


@portal_view
def document_download(request, pk: int):
    document = access.get_object(request.user, Document, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file of this document is missing.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
