"""/api/v1/partners, /contacts, /documents and /interactions.

Handlers stay thin: lists come from the selectors (the same FilterSets as the list pages),
single objects from the access layer, and every write goes through ``prm.partners.services``.
References in request bodies (partner, parent, owner, contact, user) are looked up through
the access layer too, so an id the caller may not see is "unknown", whoever owns it.
"""

from datetime import UTC, datetime
from typing import Any

from django.db.models import Model
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.accounts.roles import STAFF_ROLES
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors, refuse_unknown_form_fields
from prm.core import access
from prm.core.errors import BusinessError
from prm.partners import selectors, services
from prm.partners.filters import ContactFilter, DocumentFilter, InteractionFilter, PartnerFilter
from prm.partners.models import Contact, Document, Interaction, Partner, Tier
from prm.partners.schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    DocumentOut,
    DocumentPatch,
    DocumentUpload,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
)

router = Router()

PartnerQuery = query_schema(PartnerFilter)
ContactQuery = query_schema(ContactFilter)
DocumentQuery = query_schema(DocumentFilter)
InteractionQuery = query_schema(InteractionFilter)

READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 422)


# References in request bodies ---------------------------------------------------------


def _partner_ref(user: User, pk: int, field: str = "partner") -> Partner:
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        # The same answer for "missing" and "not yours": existence is not leaked.
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field=field)
    return partner


def _staff_ref(user: User, pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found = (
        access.scope(user, User).filter(pk=pk, role__in=list(STAFF_ROLES), is_active=True).first()
    )
    if found is None:
        raise BusinessError(_("Unknown user."), field=field)
    return found


def _tier_ref(code: str | None) -> Tier | None:
    if not code:
        return None
    tier = Tier.objects.filter(code=code).first()
    if tier is None:
        raise BusinessError(
            _("Unknown tier %(tier)s; use one of: %(tiers)s")
            % {"tier": code, "tiers": ", ".join(Tier.objects.values_list("code", flat=True))},
            field="tier",
        )
    return tier


def _contact_ref(user: User, pk: int | None) -> Contact | None:
    if pk is None:
        return None
    contact = access.scope(user, Contact).filter(pk=pk).first()
    if contact is None:
        raise BusinessError(_("Unknown contact."), field="contact")
    return contact


def _utc(value: datetime) -> datetime:
    """A time without a zone is taken in the server's zone; answers are always in UTC."""
    aware = timezone.make_aware(value) if timezone.is_naive(value) else value
    return aware.astimezone(UTC)


def _partner_data(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Request values → model values: codes and ids become the objects they name."""
    if "tier" in data:
        data["tier"] = _tier_ref(data["tier"])
    if "owner" in data:
        data["owner"] = _staff_ref(user, data["owner"], "owner")
    if data.get("parent") is not None:
        data["parent"] = _partner_ref(user, data["parent"], "parent")
    if "country" in data:
        data["country"] = data["country"].strip().upper()
    return data


def _interaction_data(user: User, data: dict[str, Any]) -> dict[str, Any]:
    if "contact" in data:
        data["contact"] = _contact_ref(user, data["contact"])
    if "user" in data:
        data["user"] = _staff_ref(user, data["user"], "user")
    if "occurred_at" in data:
        data["occurred_at"] = _utc(data["occurred_at"])
    return data


def _get(user: User, model: type[Model], pk: int) -> Any:
    return access.get_object(user, model, pk=pk)


# Partners ----------------------------------------------------------------------------


@router.get(
    "/partners",
    response=list[PartnerOut],
    tags=["partners"],
    url_name="partner_list",
    summary="List partners",
)
@paginate(PageNumberSizePagination)
def partner_list(request, filters: Query[PartnerQuery]):
    """Partners you may see. `q` searches names (also without legal forms such as (주) or
    Co., Ltd.), registration numbers, domains, regions, industries, tags and contacts."""
    # ``filters`` documents and type-checks the parameters; the FilterSet applies them.
    filterset, queryset = selectors.partner_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    # Owner and parent are answered as ids: only the tier and the risk level need their rows.
    return queryset.select_related(None).select_related("tier", "risk_level")


@router.post(
    "/partners",
    response={201: PartnerOut, **WRITE_ERRORS, **errors(409)},
    tags=["partners"],
    url_name="partner_create",
    summary="Create a partner",
)
def partner_create(request, payload: PartnerIn):
    """Answers 409 with `duplicates` (ids) when the partner looks like an existing one
    (same registration number, same domain or a similar name); send
    `"allow_duplicate": true` to create it anyway."""
    data = payload.model_dump(exclude={"types", "tags", "allow_duplicate"})
    partner = services.partner_create(
        actor=request.user,
        data=_partner_data(request.user, data),
        types=payload.types,
        tags=payload.tags,
        allow_duplicate=payload.allow_duplicate,
    )
    return Status(201, partner)


@router.get(
    "/partners/{partner_id}",
    response={200: PartnerOut, **READ_ERRORS},
    tags=["partners"],
    url_name="partner_detail",
    summary="Read a partner",
)
def partner_detail(request, partner_id: PathId):
    return selectors.partner_get(user=request.user, pk=partner_id)


@router.patch(
    "/partners/{partner_id}",
    response={200: PartnerOut, **WRITE_ERRORS},
    tags=["partners"],
    url_name="partner_update",
    summary="Change a partner",
)
def partner_update(request, partner_id: PathId, payload: PartnerPatch):
    """Changes only the fields sent. The stage moves only along the allowed lifecycle
    transitions; partner admins change only the fields staff opened to them."""
    partner = selectors.partner_get(user=request.user, pk=partner_id)
    data = payload.model_dump(exclude_unset=True)
    types, tags = data.pop("types", None), data.pop("tags", None)
    services.partner_update(
        actor=request.user,
        partner=partner,
        data=_partner_data(request.user, data),
        types=types,
        tags=tags,
    )
    return selectors.partner_get(user=request.user, pk=partner_id)


@router.delete(
    "/partners/{partner_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["partners"],
    url_name="partner_delete",
    summary="Delete a partner",
)
def partner_delete(request, partner_id: PathId):
    """Deletes the partner with its contacts, documents and interactions."""
    services.partner_delete(
        actor=request.user, partner=selectors.partner_get(user=request.user, pk=partner_id)
    )
    return Status(204, None)


# Contacts ----------------------------------------------------------------------------


@router.get(
    "/contacts",
    response=list[ContactOut],
    tags=["contacts"],
    url_name="contact_list",
    summary="List contacts",
)
@paginate(PageNumberSizePagination)
def contact_list(request, filters: Query[ContactQuery]):
    filterset, queryset = selectors.contact_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    url_name="contact_create",
    summary="Create a contact",
)
def contact_create(request, payload: ContactIn):
    partner = _partner_ref(request.user, payload.partner)
    contact = services.contact_create(
        actor=request.user, partner=partner, data=payload.model_dump(exclude={"partner"})
    )
    return Status(201, contact)


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **READ_ERRORS},
    tags=["contacts"],
    url_name="contact_detail",
    summary="Read a contact",
)
def contact_detail(request, contact_id: PathId):
    return _get(request.user, Contact, contact_id)


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    url_name="contact_update",
    summary="Change a contact",
)
def contact_update(request, contact_id: PathId, payload: ContactPatch):
    contact = _get(request.user, Contact, contact_id)
    return services.contact_update(
        actor=request.user, contact=contact, data=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["contacts"],
    url_name="contact_delete",
    summary="Delete a contact",
)
def contact_delete(request, contact_id: PathId):
    services.contact_delete(actor=request.user, contact=_get(request.user, Contact, contact_id))
    return Status(204, None)


# Documents ---------------------------------------------------------------------------


@router.get(
    "/documents",
    response=list[DocumentOut],
    tags=["documents"],
    url_name="document_list",
    summary="List documents",
)
@paginate(PageNumberSizePagination)
def document_list(request, filters: Query[DocumentQuery]):
    filterset, queryset = selectors.document_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/documents",
    response={201: DocumentOut, **WRITE_ERRORS, **errors(413)},
    tags=["documents"],
    url_name="document_create",
    summary="Upload a document",
)
def document_create(request, payload: Form[DocumentUpload], file: File[UploadedFile]):
    """Send `multipart/form-data` with the file and the partner id. The size limit and the
    accepted types (PDF, images, Office, HWP, ZIP, CSV, text) are checked by content."""
    refuse_unknown_form_fields(request, DocumentUpload, files=("file",))
    partner = _partner_ref(request.user, payload.partner)
    document = services.document_upload(
        actor=request.user,
        partner=partner,
        upload=file,
        title=payload.title,
        kind=payload.kind,
        expires_on=payload.expires_on,
    )
    return Status(201, document)


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **READ_ERRORS},
    tags=["documents"],
    url_name="document_detail",
    summary="Read a document's details",
)
def document_detail(request, document_id: PathId):
    return _get(request.user, Document, document_id)


@router.get(
    "/documents/{document_id}/download",
    response=READ_ERRORS,
    tags=["documents"],
    url_name="document_download",
    summary="Download a document's file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def document_download(request, document_id: PathId):
    document = _get(request.user, Document, document_id)
    try:
        handle = document.file.open("rb")
    except (OSError, ValueError) as exc:
        raise BusinessError(
            _("The file of this document is missing from the storage."),
            code="file_missing",
            status=404,
        ) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


@router.patch(
    "/documents/{document_id}",
    response={200: DocumentOut, **WRITE_ERRORS},
    tags=["documents"],
    url_name="document_update",
    summary="Change a document's details",
)
def document_update(request, document_id: PathId, payload: DocumentPatch):
    document = _get(request.user, Document, document_id)
    return services.document_update(
        actor=request.user, document=document, data=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/documents/{document_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["documents"],
    url_name="document_delete",
    summary="Delete a document",
)
def document_delete(request, document_id: PathId):
    services.document_delete(actor=request.user, document=_get(request.user, Document, document_id))
    return Status(204, None)


# Interactions ------------------------------------------------------------------------


@router.get(
    "/interactions",
    response=list[InteractionOut],
    tags=["interactions"],
    url_name="interaction_list",
    summary="List interactions",
)
@paginate(PageNumberSizePagination)
def interaction_list(request, filters: Query[InteractionQuery]):
    """Staff only: partners do not see the interaction log."""
    filterset, queryset = selectors.interaction_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/interactions",
    response={201: InteractionOut, **WRITE_ERRORS},
    tags=["interactions"],
    url_name="interaction_create",
    summary="Log an interaction",
)
def interaction_create(request, payload: InteractionIn):
    partner = _partner_ref(request.user, payload.partner)
    data = payload.model_dump(exclude={"partner"}, exclude_unset=True)
    interaction = services.interaction_create(
        actor=request.user, partner=partner, data=_interaction_data(request.user, data)
    )
    return Status(201, interaction)


@router.get(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, **READ_ERRORS},
    tags=["interactions"],
    url_name="interaction_detail",
    summary="Read an interaction",
)
def interaction_detail(request, interaction_id: PathId):
    return _get(request.user, Interaction, interaction_id)


@router.patch(
    "/interactions/{interaction_id}",
    response={200: InteractionOut, **WRITE_ERRORS},
    tags=["interactions"],
    url_name="interaction_update",
    summary="Change an interaction",
)
def interaction_update(request, interaction_id: PathId, payload: InteractionPatch):
    interaction = _get(request.user, Interaction, interaction_id)
    data = _interaction_data(request.user, payload.model_dump(exclude_unset=True))
    return services.interaction_update(actor=request.user, interaction=interaction, data=data)


@router.delete(
    "/interactions/{interaction_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["interactions"],
    url_name="interaction_delete",
    summary="Delete an interaction",
)
def interaction_delete(request, interaction_id: PathId):
    services.interaction_delete(
        actor=request.user, interaction=_get(request.user, Interaction, interaction_id)
    )
    return Status(204, None)
