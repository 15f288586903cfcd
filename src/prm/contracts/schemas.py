"""API shapes of contracts."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.contracts.models import Contract


class TermOut(Schema):
    id: int
    description: str
    metric: str
    target: str
    due_on: date | None


class ContractOut(Schema):
    id: int
    partner: int
    type: str = Field(description="contract type code, e.g. nda, reseller, distribution")
    title: str
    status: str = Field(
        description="derived: draft, negotiating, signed, active, expiring, expired, renewed "
        "or terminated"
    )
    value: Decimal
    currency: str = Field(description="ISO 4217 code")
    start_date: date
    end_date: date
    auto_renew: bool
    renewal_term_months: int | None
    notice_days: int
    notice_deadline: date
    owner: int | None = Field(description="user id")
    predecessor: int | None = Field(description="id of the contract this one renews")
    signed_on: date | None
    signatories: list[str]
    terminated_on: date | None
    termination_reason: str
    notes: str
    terms: list[TermOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Contract) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_type(obj: Contract) -> str:
        return obj.type.code

    @staticmethod
    def resolve_status(obj: Contract) -> str:
        return str(obj.status_on(timezone.localdate()).value)

    @staticmethod
    def resolve_notice_deadline(obj: Contract) -> date:
        from prm.contracts.status import current_period

        return current_period(obj, timezone.localdate()).notice_deadline

    @staticmethod
    def resolve_owner(obj: Contract) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_predecessor(obj: Contract) -> int | None:
        return obj.predecessor_id

    @staticmethod
    def resolve_terms(obj: Contract) -> list:
        return list(obj.terms.all())


class TermIn(InputSchema):
    description: str
    metric: str = ""
    target: str = ""
    due_on: date | None = None


class ContractIn(InputSchema):
    partner: ObjectId
    type: str = Field(description="contract type code")
    title: str
    value: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    currency: str = Field("KRW", description="ISO 4217 code")
    start_date: date
    end_date: date
    auto_renew: bool = False
    renewal_term_months: int | None = Field(None, ge=1, le=600)
    notice_days: int = Field(30, ge=0, le=3650)
    owner: ObjectId | None = None
    notes: str = ""
    terms: list[TermIn] = []


class ContractPatch(InputSchema):
    type: str = None
    title: str = None
    value: Decimal = Field(None, max_digits=18, decimal_places=2)
    currency: str = None
    start_date: date = None
    end_date: date = None
    auto_renew: bool = None
    renewal_term_months: int | None = Field(None, ge=1, le=600)
    notice_days: int = Field(None, ge=0, le=3650)
    owner: ObjectId | None = None
    notes: str = None


# Negotiation, signing, renewal, termination --------------------------------------------


class CommentOut(Schema):
    id: int
    author: int | None = Field(description="user id")
    author_name: str
    from_partner: bool = Field(description="written by a user of the partner (portal)")
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> int | None:
        return obj.author_id

    @staticmethod
    def resolve_author_name(obj) -> str:
        return str(obj.author) if obj.author else ""

    @staticmethod
    def resolve_from_partner(obj) -> bool:
        return bool(obj.author and obj.author.is_portal_role)


class RoundOut(Schema):
    id: int
    contract: int
    partner: int
    number: int
    summary: str
    filename: str
    content_type: str
    size: int
    uploaded_by: int | None = Field(description="user id")
    accepted_at: datetime | None
    accepted_by: int | None = Field(description="user id")
    comments: list[CommentOut]
    created_at: datetime

    @staticmethod
    def resolve_contract(obj) -> int:
        return obj.contract_id

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.contract.partner_id

    @staticmethod
    def resolve_uploaded_by(obj) -> int | None:
        return obj.uploaded_by_id

    @staticmethod
    def resolve_accepted_by(obj) -> int | None:
        return obj.accepted_by_id

    @staticmethod
    def resolve_comments(obj) -> list:
        return list(obj.comments.all())


class RoundUpload(InputSchema):
    """The form fields sent along with the document version (multipart/form-data)."""

    summary: str = Field("", max_length=5000, description="what changed in this version")


class CommentIn(InputSchema):
    body: str = Field(min_length=1, max_length=5000)


class SignIn(InputSchema):
    signed_on: date
    signatories: list[str] = Field(
        min_length=1, max_length=20, description="name, title and company of each signatory"
    )


class RenewIn(InputSchema):
    """Changes to the successor (a draft); everything else is copied from the contract."""

    title: str = None
    value: Decimal = Field(None, max_digits=18, decimal_places=2)
    end_date: date = None
    notes: str = None


class TerminateIn(InputSchema):
    reason: str = Field(min_length=1, max_length=2000)
    terminated_on: date | None = Field(None, description="default today")


# Compliance ----------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    partner: int
    requirement: int
    document: int = Field(description="document id (/api/v1/documents/{id}/download)")
    filename: str
    expires_on: date | None
    submitted_by: int | None
    created_at: datetime

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_requirement(obj) -> int:
        return obj.requirement_id

    @staticmethod
    def resolve_document(obj) -> int:
        return obj.document_id

    @staticmethod
    def resolve_filename(obj) -> str:
        return obj.document.filename

    @staticmethod
    def resolve_submitted_by(obj) -> int | None:
        return obj.submitted_by_id


class ComplianceItemOut(Schema):
    partner: int
    requirement: int
    name: str
    partner_type: str
    expires: bool
    status: str = Field(description="complete, missing, expiring or expired")
    submission: SubmissionOut | None


class ComplianceOut(Schema):
    partner: int
    status: str = Field(description="the worst of the items: complete, missing, expiring, expired")
    items: list[ComplianceItemOut]


class SubmissionUpload(InputSchema):
    """The form fields sent along with the file (multipart/form-data)."""

    partner: ObjectId
    requirement: ObjectId
    expires_on: date | None = None
