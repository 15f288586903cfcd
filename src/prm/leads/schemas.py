"""API shapes of leads and their assignments."""

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema
from prm.leads.models import Lead


class LeadOut(Schema):
    id: int
    company_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    region: str
    industry: str
    product_interest: str
    estimated_value: Decimal
    currency: str
    source: str
    status: str
    partner: int | None = Field(description="id of the partner the lead is offered to")
    offered_at: datetime | None
    sla_due: datetime | None = Field(description="the partner answers by then (UTC)")
    external_id: str
    deal: int | None = Field(description="id of the deal registration it became")
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_country(obj: Lead) -> str:
        return obj.country.code or ""

    @staticmethod
    def resolve_partner(obj: Lead) -> int | None:
        return obj.partner_id

    @staticmethod
    def resolve_deal(obj: Lead) -> int | None:
        return obj.deal_id


class AssignmentOut(Schema):
    id: int
    lead: int
    partner: int
    rule: int | None
    rule_name: str
    seed: int
    candidates: list[dict]
    explanation: str
    offered_at: datetime
    sla_due: datetime
    response: str
    responded_at: datetime | None
    reason: str

    @staticmethod
    def resolve_lead(obj) -> int:
        return obj.lead_id

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_rule(obj) -> int | None:
        return obj.rule_id

    @staticmethod
    def resolve_explanation(obj) -> str:
        return obj.explanation_text


class LeadIn(InputSchema):
    company_name: str
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    country: str = Field("KR", description="ISO 3166-1 alpha-2 code")
    region: str = ""
    industry: str = ""
    product_interest: str = ""
    estimated_value: Decimal = Decimal(0)
    currency: str = Field("KRW", description="ISO 4217 code")
    external_id: str = ""
    notes: str = ""
    route: bool = Field(True, description="offer it to a partner by the routing rules now")


class LeadPatch(InputSchema):
    """Only the fields sent are changed."""

    company_name: str = None
    contact_name: str = None
    contact_email: str = None
    contact_phone: str = None
    country: str = None
    region: str = None
    industry: str = None
    product_interest: str = None
    estimated_value: Decimal = None
    currency: str = None
    external_id: str = None
    notes: str = None


class DeclineIn(InputSchema):
    reason: str = Field(description="why the partner passes on the lead")


class DeclinedOut(Schema):
    id: int
    status: str = Field(description="always `declined`: the lead is no longer yours")
