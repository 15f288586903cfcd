"""API shapes of corrective action requests."""

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.corrective_actions.models import CorrectiveActionRequest, Evidence, Severity


def _days(value) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 2)


class EvidenceOut(Schema):
    id: int
    document: int = Field(
        description="partner document id; download at /partners/documents/{id}/download/"
    )
    title: str
    filename: str
    content_type: str
    size: int
    uploaded_by: int | None
    created_at: datetime

    @staticmethod
    def resolve_document(obj: Evidence) -> int:
        return obj.document_id

    @staticmethod
    def resolve_title(obj: Evidence) -> str:
        return obj.document.title

    @staticmethod
    def resolve_filename(obj: Evidence) -> str:
        return obj.document.filename

    @staticmethod
    def resolve_content_type(obj: Evidence) -> str:
        return obj.document.content_type

    @staticmethod
    def resolve_size(obj: Evidence) -> int:
        return obj.document.size

    @staticmethod
    def resolve_uploaded_by(obj: Evidence) -> int | None:
        return obj.uploaded_by_id


class RequestOut(Schema):
    id: int
    reference: str = Field(description="CAR-00042")
    partner: int
    risk: int | None = Field(description="id of the linked risk (staff only; null for partners)")
    title: str
    description: str = Field(description="the nonconformity")
    severity: str = Field(description="minor, major or critical")
    status: str = Field(description="draft, sent, answered, returned, accepted or cancelled")
    due_on: date
    overdue: bool = Field(description="awaiting the partner's answer past its due date")
    requested_by: int | None = Field(description="user id")
    external_id: str
    root_cause: str
    containment: str
    corrective_action: str
    preventive_action: str
    decision_comment: str
    sent_at: datetime | None
    answered_at: datetime | None = Field(description="the first answer")
    last_answered_at: datetime | None
    returned_at: datetime | None = Field(description="the last return")
    return_count: int
    accepted_at: datetime | None
    cancelled_at: datetime | None
    days_to_answer: float | None = Field(description="from sending to the first answer")
    days_to_close: float | None = Field(description="from sending to acceptance")
    evidence: list[EvidenceOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_reference(obj: CorrectiveActionRequest) -> str:
        return obj.reference

    @staticmethod
    def resolve_partner(obj: CorrectiveActionRequest) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_risk(obj: CorrectiveActionRequest, context) -> int | None:
        user = getattr(context.get("request"), "user", None)
        if user is None or not getattr(user, "is_staff_role", False):
            return None
        return obj.risk_id

    @staticmethod
    def resolve_overdue(obj: CorrectiveActionRequest) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_requested_by(obj: CorrectiveActionRequest) -> int | None:
        return obj.requested_by_id

    @staticmethod
    def resolve_days_to_answer(obj: CorrectiveActionRequest) -> float | None:
        return _days(obj.time_to_answer)

    @staticmethod
    def resolve_days_to_close(obj: CorrectiveActionRequest) -> float | None:
        return _days(obj.time_to_close)

    @staticmethod
    def resolve_evidence(obj: CorrectiveActionRequest) -> list:
        return list(obj.evidence.all())


TEXT = 10_000


class RequestIn(InputSchema):
    partner: ObjectId
    risk: ObjectId | None = None
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=TEXT)
    severity: Severity = Severity.MAJOR
    due_on: date
    external_id: str = Field("", max_length=64)
    send: bool = Field(False, description="send it to the partner at once")


class RequestPatch(InputSchema):
    risk: ObjectId | None = None
    title: str = Field(None, min_length=1, max_length=200)
    description: str = Field(None, min_length=1, max_length=TEXT)
    severity: Severity = None
    due_on: date = None
    external_id: str = Field(None, max_length=64)


class AnswerIn(InputSchema):
    root_cause: str = Field(max_length=TEXT)
    containment: str = Field(max_length=TEXT)
    corrective_action: str = Field(max_length=TEXT)
    preventive_action: str = Field("", max_length=TEXT)


class DecisionIn(InputSchema):
    comment: str = Field("", max_length=TEXT)


class EvidenceUpload(InputSchema):
    """The form fields sent along with the evidence file (multipart/form-data)."""

    title: str = Field("", max_length=200)
