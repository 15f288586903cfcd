"""API shapes of deals. Output schemas read model instances; input schemas refuse unknown
fields. Values are validated by the models and services (one set of rules and messages)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.sales.models import Deal


class DealOut(Schema):
    id: int
    partner: int = Field(description="id of the registering partner")
    account: int = Field(description="id of the customer account")
    customer_name: str
    customer_domain: str
    customer_registration_number: str
    title: str
    contact_name: str
    contact_email: str
    contact_phone: str
    products: str
    product_category: str | None = Field(description="product category code")
    amount: Decimal
    currency: str = Field(description="ISO 4217 code")
    expected_close_date: date | None
    notes: str
    status: str = Field(
        description="submitted, under_review, info_requested, approved, rejected or expired"
    )
    decision_reason: str
    stage: str = Field(description="pipeline stage code")
    probability: Decimal
    protection_until: date | None
    owner: int | None = Field(description="user id of the co-selling owner")
    registered_at: datetime
    won_at: datetime | None
    lost_at: datetime | None
    close_reason: str
    has_conflict: bool

    @staticmethod
    def resolve_partner(obj: Deal) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_account(obj: Deal) -> int:
        return obj.account_id

    @staticmethod
    def resolve_customer_name(obj: Deal) -> str:
        return obj.customer_name or obj.account.name

    @staticmethod
    def resolve_customer_domain(obj: Deal) -> str:
        return obj.account.domain

    @staticmethod
    def resolve_customer_registration_number(obj: Deal) -> str:
        return obj.account.registration_number

    @staticmethod
    def resolve_product_category(obj: Deal) -> str | None:
        return obj.product_category.code if obj.product_category_id else None

    @staticmethod
    def resolve_stage(obj: Deal) -> str:
        return obj.stage.code

    @staticmethod
    def resolve_probability(obj: Deal) -> Decimal:
        return obj.stage.probability

    @staticmethod
    def resolve_owner(obj: Deal) -> int | None:
        return obj.owner_id


class ConflictOut(Schema):
    id: int
    conflicting_deal: int | None
    conflicting_partner: int | None
    account: int | None
    reason: str = Field(description="registration_number, domain, name or alias")
    score: Decimal
    product_line_match: bool

    @staticmethod
    def resolve_conflicting_deal(obj) -> int | None:
        return obj.conflicting_deal_id

    @staticmethod
    def resolve_conflicting_partner(obj) -> int | None:
        return obj.conflicting_deal.partner_id if obj.conflicting_deal_id else None

    @staticmethod
    def resolve_account(obj) -> int | None:
        return obj.account_id


class DealIn(InputSchema):
    partner: ObjectId = Field(description="the registering partner (portal users: their own)")
    customer_name: str
    customer_domain: str = Field("", description="web domain or an e-mail address at it")
    customer_registration_number: str = Field("", description="with or without dashes")
    title: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    products: str = ""
    product_category: str | None = Field(None, description="software, hardware, services, …")
    amount: Decimal
    currency: str = Field("KRW", description="ISO 4217 code")
    expected_close_date: date | None = None
    notes: str = ""
    owner: ObjectId | None = Field(None, description="staff only: the co-selling owner")


class DealPatch(InputSchema):
    """Only the fields sent are changed."""

    customer_name: str = None
    customer_domain: str = None
    customer_registration_number: str = None
    title: str = None
    contact_name: str = None
    contact_email: str = None
    contact_phone: str = None
    products: str = None
    product_category: str | None = None
    amount: Decimal = None
    currency: str = None
    expected_close_date: date | None = None
    notes: str = None
    owner: ObjectId | None = None
    stage: str = Field(
        None,
        description="staff: move an approved deal to registered, qualified, proposal, "
        "negotiation, won or lost",
    )
    close_reason: str = Field(None, description="why the deal was won or lost")


class DecisionIn(InputSchema):
    reason: str = Field("", description="required to reject or to ask for information")


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, description="the reason or the question for the partner")


class ActivityOut(Schema):
    id: int
    deal: int
    partner: int = Field(description="id of the deal's partner")
    kind: str = Field(description="note, call, meeting, email; stage and decision are logged")
    text: str
    shared: bool = Field(description="false: an internal note (staff only)")
    author: str = Field(description="who wrote it")
    by_partner: bool = Field(description="written by one of the partner's users")
    at: datetime

    @staticmethod
    def resolve_deal(obj) -> int:
        return obj.deal_id

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.deal.partner_id

    @staticmethod
    def resolve_author(obj) -> str:
        return str(obj.user) if obj.user_id else ""

    @staticmethod
    def resolve_by_partner(obj) -> bool:
        return bool(obj.user_id and obj.user.partner_id)


class ActivityIn(InputSchema):
    kind: str = Field("note", description="note, call, meeting or email")
    text: str
    shared: bool = Field(
        False, description="staff only: share the note with the partner (partners' are shared)"
    )


class ActivityPatch(InputSchema):
    shared: bool = Field(description="true: shared with the partner; false: internal")
