"""Back-office pages of the partner registry: the list, create and edit, the detail tabs
(overview, contacts, documents, interactions, history), stage changes, deletion and merge.

Views read through ``selectors`` and the access layer, write through ``services``, and turn
a ``BusinessError`` or a model ``ValidationError`` into a message on the page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.forms import CheckboxSelectMultiple
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from prm.accounts.impersonation import ALLOWED_ROLES as VIEW_AS_ROLES
from prm.accounts.models import User
from prm.accounts.roles import PORTAL_ROLES
from prm.audit import selectors as audit_selectors
from prm.audit.models import AuditEntry
from prm.contracts import selectors as contract_selectors
from prm.core import access
from prm.core.access import Action
from prm.core.decorators import staff_required
from prm.core.errors import BusinessError
from prm.core.pagination import paginate
from prm.core.views import perform
from prm.partners import lifecycle, selectors, services
from prm.partners.filters import PartnerFilter
from prm.partners.forms import (
    ContactForm,
    DocumentUploadForm,
    InteractionForm,
    MergeSearchForm,
    PartnerForm,
    SavedFilterForm,
    StageForm,
    add_business_error,
    add_service_error,
    partner_filter_form,
)
from prm.partners.models import Contact, Document, Interaction, Partner, SavedFilter

LIST_NAME = "partners"
EXPIRY_WARNING_DAYS = 30
DUPLICATE_REASONS = {
    "registration_number": gettext_lazy("same business registration number"),
    "domain": gettext_lazy("same e-mail domain"),
    "name": gettext_lazy("similar name"),
}


def _htmx_target(request: HttpRequest, target: str) -> bool:
    """Whether HTMX asked only for the element ``target`` (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target and not htmx.history_restore_request


def _may(user: User, model, action: Action) -> bool:
    """Whether the user's role may perform ``action`` on some rows of ``model``."""
    role = access.role_of(user)
    return role is not None and access.policy_of(model).filter(user, role, action) is not None


def _list_query(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


def _export_url(params: QueryDict, file_format: str) -> str:
    """The export of the list as filtered (every page of it)."""
    query = params.copy()
    query.pop("page", None)
    query["format"] = file_format
    return f"{reverse('imports:export', args=[LIST_NAME])}?{query.urlencode()}"


# The list ---------------------------------------------------------------------------


@require_GET
@staff_required
def partner_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = selectors.filled(request.GET)
    filterset, queryset = selectors.partner_list(user=user, params=params, request=request)
    page = paginate(request, queryset)
    query = _list_query(params)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query,
        "saved_filters": access.scope(user, SavedFilter).filter(list_name=LIST_NAME),
        "saved_filter_form": SavedFilterForm(initial={"query": query}),
        "can_save_filter": _may(user, SavedFilter, Action.ADD),
        "can_add": _may(user, Partner, Action.ADD),
        "export_csv_url": _export_url(params, "csv"),
        "export_xlsx_url": _export_url(params, "xlsx"),
    }
    if _htmx_target(request, "partner-results"):
        response = render(request, "partners/list.html#results", context)
        page_query = params.urlencode()
        return push_url(response, f"{request.path}?{page_query}" if page_query else request.path)
    countries = access.scope(user, Partner).order_by().values_list("country", flat=True).distinct()
    choices = dict(filterset.form.fields["country"].choices)
    context["filter_form"] = partner_filter_form(
        filterset, countries=[(c, choices.get(c, c)) for c in countries]
    )
    _check_boxes(context["filter_form"], "compliance")
    return render(request, "partners/list.html", context)


def _check_boxes(form, name: str) -> None:
    """A short choice list of the filter panel as check boxes tied to the search form."""
    field = form.fields[name]
    field.widget = CheckboxSelectMultiple(
        choices=field.choices, attrs={"class": "form-check-input", "form": "partner-filter"}
    )


@require_POST
@staff_required
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    query = request.POST.get("query", "")
    target = f"{reverse('partners:list')}?{query}" if query else reverse("partners:list")
    if not form.is_valid():
        messages.error(request, _("Give the filter a name of at most 80 characters."))
        return redirect(target)
    try:
        saved = services.saved_filter_save(
            actor=request.user,
            list_name=LIST_NAME,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
        )
    except (BusinessError, ValidationError) as exc:
        text = exc.message if isinstance(exc, BusinessError) else "; ".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(target)


@require_POST
@staff_required
def saved_filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    saved = access.get_object(request.user, SavedFilter, Action.DELETE, pk=filter_id)
    services.saved_filter_delete(actor=request.user, saved_filter=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect("partners:list")


# Create and edit ----------------------------------------------------------------------


def _duplicates(user: User, form: PartnerForm) -> list[dict[str, Any]]:
    """The existing partners the new one looks like, those the user may see."""
    data = form.cleaned_data
    found = services.partner_duplicates(
        name=data.get("name", ""),
        legal_name=data.get("legal_name", ""),
        registration_number=data.get("registration_number", ""),
        domain=data.get("domain", ""),
    )
    visible = access.scope(user, Partner).in_bulk([d.partner_id for d in found])
    return [
        {
            "partner": visible[d.partner_id],
            "reason": DUPLICATE_REASONS.get(d.reason, d.reason),
            "score": d.score,
        }
        for d in found
        if d.partner_id in visible
    ]


@require_http_methods(["GET", "POST"])
@staff_required
def partner_create(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Partner, Action.ADD):
        raise PermissionDenied
    form = PartnerForm(request.POST if request.method == "POST" else None, user=request.user)
    duplicates, duplicate_warning = [], False
    if form.is_bound and form.is_valid():
        try:
            partner = services.partner_create(
                actor=request.user,
                data=form.service_data(),
                types=form.cleaned_data["types"],
                tags=form.service_tags(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except BusinessError as exc:
            if exc.code == "duplicate":
                duplicate_warning = True
                duplicates = _duplicates(request.user, form)
            else:
                add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Partner %(name)s created.") % {"name": partner.name})
            return redirect(partner)
    return render(
        request,
        "partners/form.html",
        {"form": form, "duplicates": duplicates, "duplicate_warning": duplicate_warning},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, Action.CHANGE, pk=pk)
    form = PartnerForm(
        request.POST if request.method == "POST" else None, instance=partner, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            partner = services.partner_update(
                actor=request.user,
                partner=partner,
                data=form.service_data(),
                types=form.cleaned_data["types"],
                tags=form.service_tags(),
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Partner %(name)s saved.") % {"name": partner.name})
            return redirect(partner)
    return render(request, "partners/form.html", {"form": form, "partner": partner})


@require_POST
@staff_required
def partner_stage(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, Action.CHANGE, pk=pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered stages."))
        return redirect(partner)
    return perform(
        request,
        lambda: services.partner_change_stage(
            actor=request.user, partner=partner, stage=form.cleaned_data["stage"]
        ),
        success=lambda moved: (
            _("%(name)s moved to %(stage)s.")
            % {"name": moved.name, "stage": moved.get_stage_display()}
        ),
        then=partner,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access.get_object(request.user, Partner, Action.DELETE, pk=pk)
    if request.method == "POST":
        return perform(
            request,
            lambda: services.partner_delete(actor=request.user, partner=partner),
            success=_("Partner %(name)s deleted.") % {"name": partner.name},
            then="partners:list",
            failed=partner,
        )
    return render(
        request,
        "partners/confirm_delete.html",
        {"partner": partner, "counts": _belongings(request.user, partner)},
    )


# Detail and its tabs ------------------------------------------------------------------

TABS = ("overview", "contacts", "documents", "interactions", "history")
TAB_LABELS = {
    "overview": gettext_lazy("Overview"),
    "contacts": gettext_lazy("Contacts"),
    "documents": gettext_lazy("Documents"),
    "interactions": gettext_lazy("Interactions"),
    "history": gettext_lazy("History"),
}


def _belongings(user: User, partner: Partner) -> dict[str, int]:
    return {
        "contacts": partner.contacts.count(),
        "documents": partner.documents.count(),
        "interactions": partner.interactions.count(),
        "users": access.scope(user, User).filter(partner=partner).count(),
        "children": access.scope(user, Partner).filter(parent=partner).count(),
        "history": access.scope(user, AuditEntry).filter(partner_id=partner.pk).count(),
    }


def _ids(user: User, model, action: Action, partner: Partner) -> set[int]:
    return set(
        access.scope(user, model, action).filter(partner=partner).values_list("pk", flat=True)
    )


def _tab_context(request: HttpRequest, partner: Partner, tab: str, **forms: Any) -> dict:
    user = request.user
    if tab == "overview":
        children = access.scope(user, Partner).filter(parent=partner).order_by("name", "id")
        return {
            "children": children.only("id", "name", "stage")[:100],
            "compliance": contract_selectors.partner_compliance(user=user, partner=partner),
        }
    if tab == "contacts":
        can_add = access.can_add(user, Contact, partner)
        return {
            "contacts": partner.contacts.all(),
            "contact_form": forms.get("contact_form")
            or (ContactForm(instance=Contact(partner=partner)) if can_add else None),
            "changeable": _ids(user, Contact, Action.CHANGE, partner),
            "deletable": _ids(user, Contact, Action.DELETE, partner),
        }
    if tab == "documents":
        today = timezone.localdate()
        can_add = access.can_add(user, Document, partner)
        return {
            "documents": partner.documents.select_related("uploaded_by"),
            "document_form": forms.get("document_form")
            or (DocumentUploadForm() if can_add else None),
            "deletable": _ids(user, Document, Action.DELETE, partner),
            "today": today,
            "soon": today + timedelta(days=EXPIRY_WARNING_DAYS),
        }
    if tab == "interactions":
        can_add = access.can_add(user, Interaction, partner)
        return {
            "interactions": partner.interactions.select_related("user", "contact"),
            "interaction_form": forms.get("interaction_form")
            or (
                InteractionForm(
                    partner=partner,
                    initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
                )
                if can_add
                else None
            ),
            "deletable": _ids(user, Interaction, Action.DELETE, partner),
        }
    entries = audit_selectors.partner_history(user=user, partner_id=partner.pk)
    page = paginate(request, entries)
    page.object_list = audit_selectors.with_change_rows(page.object_list, user=user)
    return {"entries": page}


def _detail(
    request: HttpRequest, partner: Partner, tab: str, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    counts = {
        "contacts": partner.contacts.count(),
        "documents": partner.documents.count(),
        "interactions": partner.interactions.count(),
    }
    context = {
        "partner": partner,
        "tab": tab,
        "tab_links": [
            {
                "key": key,
                "label": TAB_LABELS[key],
                "url": reverse(
                    "partners:detail" if key == "overview" else f"partners:{key}", args=[partner.pk]
                ),
                "count": counts.get(key),
            }
            for key in TABS
        ],
        **_tab_context(request, partner, tab, **forms),
    }
    if _htmx_target(request, "tab-pane"):
        return render(request, "partners/detail.html#tab", context, status=status)
    can_change = access.can(user, partner, Action.CHANGE)
    context.update(
        {
            "can_change": can_change,
            "can_delete": access.can(user, partner, Action.DELETE),
            "next_stages": lifecycle.next_stages(partner.stage) if can_change else [],
            "view_as_users": (
                access.scope(user, User)
                .filter(partner=partner, is_active=True, role__in=list(PORTAL_ROLES))
                .order_by("email")
                if user.role in VIEW_AS_ROLES
                else []
            ),
        }
    )
    return render(request, "partners/detail.html", context, status=status)


@require_GET
@staff_required
def partner_detail(request: HttpRequest, pk: int, tab: str = "overview") -> HttpResponse:
    if tab not in TABS:
        raise Http404
    partner = selectors.partner_get(user=request.user, pk=pk)
    return _detail(request, partner, tab)


# Contacts -----------------------------------------------------------------------------


@require_POST
@staff_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not access.can_add(request.user, Contact, partner):
        raise PermissionDenied
    form = ContactForm(request.POST, instance=Contact(partner=partner))
    if form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user, partner=partner, data=form.service_data()
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return redirect("partners:contacts", pk=partner.pk)
    return _detail(request, partner, "contacts", contact_form=form)


@require_http_methods(["GET", "POST"])
@staff_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_object(
        request.user,
        access.scope(request.user, Contact, Action.CHANGE).select_related("partner"),
        Action.CHANGE,
        pk=contact_id,
    )
    form = ContactForm(request.POST if request.method == "POST" else None, instance=contact)
    if form.is_bound and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, data=form.service_data())
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            return redirect("partners:contacts", pk=contact.partner_id)
    return render(
        request,
        "partners/contact_form.html",
        {"form": form, "contact": contact, "partner": contact.partner},
    )


@require_POST
@staff_required
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access.get_object(request.user, Contact, Action.DELETE, pk=contact_id)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact %(name)s deleted.") % {"name": contact.name})
    return redirect("partners:contacts", pk=contact.partner_id)


# Documents ----------------------------------------------------------------------------


@require_POST
@staff_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not access.can_add(request.user, Document, partner):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_upload(
                actor=request.user,
                partner=partner,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Document %(title)s uploaded.") % {"title": document})
            return redirect("partners:documents", pk=partner.pk)
    return _detail(request, partner, "documents", document_form=form)


@require_GET
@login_required
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    """The stored file, as an attachment under its original name, to whoever may see the
    document (staff, or the users of the partner it belongs to)."""
    document = access.get_object(request.user, Document, Action.VIEW, pk=document_id)
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


@require_POST
@staff_required
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access.get_object(request.user, Document, Action.DELETE, pk=document_id)
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("Document %(title)s deleted.") % {"title": document.title})
    return redirect("partners:documents", pk=document.partner_id)


# Interactions -------------------------------------------------------------------------


@require_POST
@staff_required
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not access.can_add(request.user, Interaction, partner):
        raise PermissionDenied
    form = InteractionForm(request.POST, partner=partner, instance=Interaction(partner=partner))
    if form.is_valid():
        try:
            services.interaction_create(
                actor=request.user, partner=partner, data=form.service_data()
            )
        except BusinessError as exc:
            add_business_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Interaction logged."))
            return redirect("partners:interactions", pk=partner.pk)
    return _detail(request, partner, "interactions", interaction_form=form)


@require_POST
@staff_required
def interaction_delete(request: HttpRequest, interaction_id: int) -> HttpResponse:
    interaction = access.get_object(request.user, Interaction, Action.DELETE, pk=interaction_id)
    services.interaction_delete(actor=request.user, interaction=interaction)
    messages.success(request, _("Interaction deleted."))
    return redirect("partners:interactions", pk=interaction.partner_id)


# Merge --------------------------------------------------------------------------------


def _merge_candidates(user: User, survivor: Partner, query: str) -> list[Partner]:
    """Partners the user may fold into ``survivor``, found with the list's own search (so
    "한빛소프트" finds "(주)한빛소프트"); without a query, the likely duplicates."""
    changeable = access.scope(user, Partner, Action.CHANGE).exclude(pk=survivor.pk)
    if query.strip():
        filterset = PartnerFilter({"q": query}, queryset=changeable)
        rows = filterset.qs if filterset.is_valid() else changeable.none()
    else:
        found = services.partner_duplicates(
            name=survivor.name,
            legal_name=survivor.legal_name,
            registration_number=survivor.registration_number,
            domain=survivor.domain,
            exclude_pk=survivor.pk,
        )
        rows = changeable.filter(pk__in=[d.partner_id for d in found])
    return list(rows.select_related("tier", "owner").order_by("name", "id")[:20])


@require_GET
@staff_required
def partner_merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = access.get_object(request.user, Partner, Action.CHANGE, pk=pk)
    form = MergeSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "partners/merge.html",
        {
            "partner": survivor,
            "form": form,
            "query": query,
            "candidates": _merge_candidates(request.user, survivor, query),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def partner_merge_confirm(request: HttpRequest, pk: int, duplicate_id: int) -> HttpResponse:
    survivor = access.get_object(request.user, Partner, Action.CHANGE, pk=pk)
    duplicate = access.get_object(request.user, Partner, Action.DELETE, pk=duplicate_id)
    if survivor.pk == duplicate.pk:
        raise Http404
    if request.method == "POST":
        try:
            survivor = services.partner_merge(
                actor=request.user, survivor=survivor, duplicate=duplicate
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
            return redirect("partners:merge", pk=survivor.pk)
        except ProtectedError:
            messages.error(
                request,
                _("%(name)s cannot be merged: other records still refer to it.")
                % {"name": duplicate.name},
            )
            return redirect("partners:merge", pk=survivor.pk)
        messages.success(
            request,
            _("%(duplicate)s was merged into %(survivor)s.")
            % {"duplicate": duplicate.name, "survivor": survivor.name},
        )
        return redirect(survivor)
    return render(
        request,
        "partners/merge_confirm.html",
        {
            "partner": survivor,
            "duplicate": duplicate,
            "counts": _belongings(request.user, duplicate),
        },
    )
