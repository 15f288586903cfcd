"""API shapes of partners, contacts, documents and interactions.

Output schemas read model instances (resolvers turn relations into ids and codes); input
schemas refuse unknown fields. Field values are validated by the models and services, so the
API, the UI and imports share one set of rules and messages.
"""

from datetime import date, datetime

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.partners.models import Contact, Document, Interaction, Partner

# Partners ----------------------------------------------------------------------------


class PartnerOut(Schema):
    id: int
    name: str
    legal_name: str
    registration_number: str = Field(description="10 digits, no dashes; empty when unknown")
    external_id: str
    types: list[str] = Field(description="type codes")
    tier: str | None = Field(description="tier code")
    stage: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    region: str
    industry: str
    website: str
    domain: str
    owner: int | None = Field(description="user id of the partner manager who owns it")
    parent: int | None = Field(description="id of the parent partner")
    tags: list[str]
    notes: str
    on_hold: bool = Field(
        description="no new deal registrations or purchase orders (set by a scorecard standing)"
    )
    hold_reason: str
    risk_level: str | None = Field(
        None,
        description="overall risk level (low, medium, high, critical; empty: no open risk); "
        "staff only, null for portal users",
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_risk_level(obj: Partner, context) -> str | None:
        request = (context or {}).get("request")
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_staff_role", False):
            return None
        row = getattr(obj, "risk_level", None)
        return row.level if row is not None else ""

    @staticmethod
    def resolve_types(obj: Partner) -> list[str]:
        return sorted(t.code for t in obj.types.all())

    @staticmethod
    def resolve_tier(obj: Partner) -> str | None:
        return obj.tier.code if obj.tier_id else None

    @staticmethod
    def resolve_country(obj: Partner) -> str:
        return obj.country.code or ""

    @staticmethod
    def resolve_owner(obj: Partner) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_parent(obj: Partner) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_tags(obj: Partner) -> list[str]:
        return sorted(t.name for t in obj.tags.all())


class PartnerIn(InputSchema):
    name: str
    legal_name: str = ""
    registration_number: str = Field("", description="with or without dashes")
    external_id: str = ""
    types: list[str] = Field(
        description="one or more of: supplier, reseller, distributor, referral, technology, "
        "service, oem"
    )
    tier: str | None = Field(None, description="tier code, e.g. registered, silver, gold")
    stage: str = "prospect"
    country: str = Field("KR", description="ISO 3166-1 alpha-2 code")
    region: str = ""
    industry: str = ""
    website: str = ""
    domain: str = ""
    owner: ObjectId | None = None
    parent: ObjectId | None = None
    tags: list[str] = []
    notes: str = ""
    allow_duplicate: bool = Field(
        False, description="create it even when it looks like an existing partner"
    )


class PartnerPatch(InputSchema):
    """Only the fields sent are changed; ``null`` is accepted where a value may be empty."""

    name: str = None
    legal_name: str = None
    registration_number: str = None
    external_id: str = None
    types: list[str] = None
    tier: str | None = None
    stage: str = None
    country: str = None
    region: str = None
    industry: str = None
    website: str = None
    domain: str = None
    owner: ObjectId | None = None
    parent: ObjectId | None = None
    tags: list[str] = None
    notes: str = None


# Contacts ----------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    partner: int
    name: str
    title: str
    email: str
    phone: str = Field(description="E.164, e.g. +82212345678")
    roles: list[str]
    portal_access: bool
    external_id: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Contact) -> int:
        return obj.partner_id


class ContactIn(InputSchema):
    partner: ObjectId
    name: str
    title: str = ""
    email: str = ""
    phone: str = Field("", description="national or international form")
    roles: list[str] = Field(
        [],
        description="any of: primary, sales, technical, billing, executive, legal, purchasing",
    )
    portal_access: bool = False
    external_id: str = ""


class ContactPatch(InputSchema):
    name: str = None
    title: str = None
    email: str = None
    phone: str = None
    roles: list[str] = None
    portal_access: bool = None
    external_id: str = None


# Documents ---------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    partner: int
    title: str
    kind: str
    filename: str
    content_type: str
    size: int = Field(description="bytes")
    expires_on: date | None
    uploaded_by: int | None = Field(description="user id")
    download_url: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Document) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_uploaded_by(obj: Document) -> int | None:
        return obj.uploaded_by_id

    @staticmethod
    def resolve_download_url(obj: Document) -> str:
        return reverse("api:document_download", kwargs={"document_id": obj.pk})


class DocumentUpload(InputSchema):
    """The form fields sent along with the file (multipart/form-data)."""

    partner: ObjectId
    title: str = Field("", description="the file name when empty")
    kind: str = Field(
        "other",
        description="registration, certificate, insurance, financial, agreement, "
        "presentation or other",
    )
    expires_on: date | None = None


class DocumentPatch(InputSchema):
    title: str = None
    kind: str = None
    expires_on: date | None = None


# Interactions ------------------------------------------------------------------------


class InteractionOut(Schema):
    id: int
    partner: int
    kind: str
    occurred_at: datetime
    user: int | None = Field(description="user id of who had it")
    contact: int | None = Field(description="contact id")
    summary: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Interaction) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_user(obj: Interaction) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_contact(obj: Interaction) -> int | None:
        return obj.contact_id


class InteractionIn(InputSchema):
    partner: ObjectId
    kind: str = Field(description="call, meeting, email, chat or visit")
    occurred_at: datetime
    summary: str
    contact: ObjectId | None = None
    user: ObjectId | None = Field(None, description="who had it; you when omitted")


class InteractionPatch(InputSchema):
    kind: str = None
    occurred_at: datetime = None
    summary: str = None
    contact: ObjectId | None = None
    user: ObjectId | None = None
