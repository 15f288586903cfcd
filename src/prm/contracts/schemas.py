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
