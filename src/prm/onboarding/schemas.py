"""API shapes of applications and onboarding journeys."""

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.onboarding.models import Application, Journey, JourneyStep


class ApplicationOut(Schema):
    id: int
    partner: int = Field(description="id of the partner created in stage applied")
    partner_name: str
    registration_number: str
    types: list[str]
    country: str
    status: str = Field(description="submitted, info_requested, approved or rejected")
    email: str
    message: str
    duplicates: list[int] = Field(description="ids of partners that look like this company")
    info_request: str
    info_response: str
    decision_reason: str
    decided_by: int | None
    decided_at: datetime | None
    auto_approved: bool
    created_at: datetime

    @staticmethod
    def resolve_partner(obj: Application) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: Application) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_registration_number(obj: Application) -> str:
        return obj.partner.registration_number

    @staticmethod
    def resolve_types(obj: Application) -> list[str]:
        return sorted(t.code for t in obj.partner.types.all())

    @staticmethod
    def resolve_country(obj: Application) -> str:
        return obj.partner.country.code or ""

    @staticmethod
    def resolve_duplicates(obj: Application) -> list[int]:
        return list(obj.duplicate_ids)

    @staticmethod
    def resolve_decided_by(obj: Application) -> int | None:
        return obj.decided_by_id


class ApplicationDecisionIn(InputSchema):
    decision: Literal["approve", "reject", "request_info"]
    reason: str = Field(
        "", max_length=4000, description="the rejection reason or the question to the applicant"
    )


class JourneyStepOut(Schema):
    id: int
    order: int
    title: str
    description: str
    kind: str = Field(description="document, contract, meeting or task")
    owner: str = Field(description="staff or partner: who completes the step")
    document_kind: str
    due_on: date | None
    status: str = Field(description="open, done or skipped")
    completed_at: datetime | None
    completed_by: int | None
    document: int | None
    signed_contract_id: int | None = Field(
        description="for contract steps: the contract whose signing completed the step"
    )
    note: str

    @staticmethod
    def resolve_completed_by(obj: JourneyStep) -> int | None:
        return obj.completed_by_id

    @staticmethod
    def resolve_document(obj: JourneyStep) -> int | None:
        return obj.document_id


class JourneyOut(Schema):
    id: int
    partner: int
    template: int | None
    started_at: datetime
    completed_at: datetime | None
    days_to_onboard: float | None
    steps: list[JourneyStepOut]

    @staticmethod
    def resolve_partner(obj: Journey) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_template(obj: Journey) -> int | None:
        return obj.template_id

    @staticmethod
    def resolve_steps(obj: Journey) -> list[JourneyStep]:
        return list(obj.steps.all())


class JourneyStepIn(InputSchema):
    title: str = Field(max_length=200)
    kind: Literal["document", "contract", "meeting", "task"]
    owner: Literal["staff", "partner"] = "partner"
    document_kind: str = ""
    due_on: date | None = None
    description: str = ""


class JourneyStepCompleteIn(InputSchema):
    note: str = Field("", max_length=2000)
    document: ObjectId | None = Field(
        None, description="for document steps: id of a document of the partner (POST /documents)"
    )


class JourneyStepSkipIn(InputSchema):
    note: str = Field("", max_length=2000)


class TimeToOnboardOut(Schema):
    type: str
    count: int
    median_days: float
