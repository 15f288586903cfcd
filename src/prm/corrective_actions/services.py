"""Writes on corrective action requests.

The life of a request: staff create a draft, send it to the partner, the partner answers
(root cause, containment, corrective and preventive action) with evidence, staff accept it
or return it with a comment (the partner answers again), or cancel it. Each step is dated
on the request and recorded as a :class:`RequestStep`.

Every service takes the acting user first, re-checks access inside its transaction (the
request row locked), and raises ``BusinessError`` for a step the request's status does not
allow; nothing is changed then.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.corrective_actions.models import (
    AWAITING_ANSWER,
    CorrectiveActionRequest,
    Evidence,
    RequestStep,
    Status,
    StepKind,
)
from prm.notifications.services import notify
from prm.partners import services as partner_services
from prm.partners.models import DocumentKind, Partner
from prm.risks.models import Risk

REQUEST_FIELDS = ("title", "description", "severity", "due_on", "external_id", "risk")
ANSWER_FIELDS = ("root_cause", "containment", "corrective_action", "preventive_action")
# Fields staff may still change once the request was sent (not what it asks for).
SENT_EDITABLE = {"due_on", "external_id", "risk"}
# A reminder for an overdue request goes out at most this often.
REMIND_EVERY_DAYS = 7
MAX_TEXT = 10_000


def _now():
    return timezone.now()


def _today() -> date:
    return timezone.localdate()


def _apply(request: CorrectiveActionRequest, data: dict[str, Any]) -> None:
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(request, name, value)


def _require_staff(actor: User) -> None:
    if not actor.is_staff_role:
        raise PermissionDenied


def _locked(actor: User, request: CorrectiveActionRequest, action: Action = Action.CHANGE):
    """The request, locked for the rest of the transaction, if ``actor`` may ``action`` it
    (404 when they may not even see it)."""
    return access.get_object(
        actor,
        access.scope(actor, CorrectiveActionRequest, action).select_for_update(of=("self",)),
        action,
        pk=request.pk,
    )


def _step(request, kind: str, actor: User | None, comment: str = "", answer=None) -> RequestStep:
    step = RequestStep(
        request=request,
        kind=kind,
        at=_now(),
        actor=actor,
        comment=comment,
        answer=answer or {},
    )
    step.save()
    return step


def _check_risk(actor: User, request: CorrectiveActionRequest) -> None:
    """A linked risk is one the actor may see and, when it names a partner, the request's."""
    if not request.risk_id:
        return
    risk = access.scope(actor, Risk).filter(pk=request.risk_id).first()
    if risk is None:
        raise BusinessError(_("Unknown risk."), field="risk")
    if risk.partner_id and risk.partner_id != request.partner_id:
        raise BusinessError(
            _("The risk belongs to another partner than the request."), field="risk"
        )


def _check_due(request: CorrectiveActionRequest, *, sending: bool) -> None:
    if request.due_on is None:
        raise BusinessError(_("Give the date the answer is due."), field="due_on")
    if sending and request.due_on < _today():
        raise BusinessError(_("The answer due date is in the past."), field="due_on")


def _clean_text(value: Any, field: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise BusinessError(_("At most %(count)s characters.") % {"count": MAX_TEXT}, field=field)
    return text


@transaction.atomic
def request_create(
    *, actor: User, partner: Partner, data: dict[str, Any]
) -> CorrectiveActionRequest:
    """A draft request to a partner; the acting staff member is its requester."""
    _require_staff(actor)
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, CorrectiveActionRequest, partner):
        raise PermissionDenied
    request = CorrectiveActionRequest(partner=partner, requested_by=actor)
    _apply(request, data)
    request.title = _clean_text(request.title, "title")
    if not request.title:
        raise BusinessError(_("Give the request a title."), field="title")
    if not (request.description or "").strip():
        raise BusinessError(_("Describe the nonconformity."), field="description")
    _check_due(request, sending=False)
    _check_risk(actor, request)
    request.full_clean()
    request.save()
    _step(request, StepKind.CREATED, actor)
    return request


@transaction.atomic
def request_update(
    *, actor: User, request: CorrectiveActionRequest, data: dict[str, Any]
) -> CorrectiveActionRequest:
    """Change a request. A draft changes freely; once sent, only its due date, external ID
    and risk; a closed request not at all."""
    _require_staff(actor)
    request = _locked(actor, request)
    if request.status in (Status.ACCEPTED, Status.CANCELLED):
        raise BusinessError(
            _("The request is closed (%(status)s); it cannot be changed.")
            % {"status": request.get_status_display()},
            code="closed",
            status=409,
        )
    if request.status != Status.DRAFT:
        frozen = sorted(
            n for n in set(data) - SENT_EDITABLE if getattr(request, n, None) != data[n]
        )
        if frozen:
            raise BusinessError(
                _("The request was sent; only its due date can change now."),
                code="sent",
                status=409,
                field=frozen[0],
            )
    _apply(request, data)
    if "title" in data:
        request.title = _clean_text(request.title, "title")
    _check_due(request, sending=False)
    _check_risk(actor, request)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_delete(*, actor: User, request: CorrectiveActionRequest) -> None:
    """Only a draft is deleted; cancel a request that was sent."""
    _require_staff(actor)
    request = _locked(actor, request, Action.DELETE)
    if request.status != Status.DRAFT:
        raise BusinessError(
            _("Only a draft can be deleted; cancel the request instead."),
            code="not_draft",
            status=409,
        )
    request.delete()


def _partner_users(partner_id: int) -> list[User]:
    return list(access.unrestricted(User).filter(partner_id=partner_id, is_active=True))


@transaction.atomic
def request_send(*, actor: User, request: CorrectiveActionRequest) -> CorrectiveActionRequest:
    """Send a draft to the partner: its users are told (in the app and by e-mail)."""
    _require_staff(actor)
    request = _locked(actor, request)
    if request.status != Status.DRAFT:
        raise BusinessError(
            _("Only a draft can be sent; this request is %(status)s.")
            % {"status": request.get_status_display()},
            code="not_draft",
            status=409,
        )
    _check_due(request, sending=True)
    request.status = Status.SENT
    request.sent_at = _now()
    request.save()
    _step(request, StepKind.SENT, actor)
    values = {"reference": request.reference, "title": request.title, "due": request.due_on}
    notify(
        _partner_users(request.partner_id),
        title=lambda: _("Corrective action requested: %(reference)s %(title)s") % values,
        body=lambda: _("Please answer by %(due)s.") % values,
        url=request.get_portal_url(),
    )
    return request


@transaction.atomic
def request_answer(
    *, actor: User, request: CorrectiveActionRequest, data: dict[str, Any]
) -> CorrectiveActionRequest:
    """The partner's answer: root cause, containment and corrective action are required,
    the preventive action is optional. Only a request awaiting an answer (sent or
    returned) is answered; the requester is told. Staff who may change the request can
    record an answer the partner sent another way (the step names who recorded it)."""
    request = _locked(actor, request)
    if request.status not in AWAITING_ANSWER:
        raise BusinessError(
            _("This request is not awaiting an answer (it is %(status)s).")
            % {"status": request.get_status_display()},
            code="not_awaiting_answer",
            status=409,
        )
    unknown = set(data) - set(ANSWER_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    answer = {name: _clean_text(data.get(name), name) for name in ANSWER_FIELDS}
    for name, message in (
        ("root_cause", _("Give the root cause.")),
        ("containment", _("Say how the problem was contained.")),
        ("corrective_action", _("Give the corrective action.")),
    ):
        if not answer[name]:
            raise BusinessError(message, field=name, code="required")
    now = _now()
    for name, value in answer.items():
        setattr(request, name, value)
    request.status = Status.ANSWERED
    request.answered_at = request.answered_at or now
    request.last_answered_at = now
    request.save()
    _step(request, StepKind.ANSWERED, actor, answer=answer)
    values = {"partner": request.partner.name, "reference": request.reference}
    notify(
        [u for u in [request.requested_by] if u is not None and u.pk != actor.pk],
        title=lambda: _("%(partner)s answered %(reference)s") % values,
        body=answer["corrective_action"],
        url=request.get_absolute_url(),
    )
    return request


def _decidable(actor: User, request: CorrectiveActionRequest) -> CorrectiveActionRequest:
    _require_staff(actor)
    request = _locked(actor, request)
    if request.status != Status.ANSWERED:
        raise BusinessError(
            _("Only an answered request can be accepted or returned; this one is %(status)s.")
            % {"status": request.get_status_display()},
            code="not_answered",
            status=409,
        )
    return request


@transaction.atomic
def request_accept(
    *, actor: User, request: CorrectiveActionRequest, comment: str = ""
) -> CorrectiveActionRequest:
    """Accept the partner's answer: the request is closed. Announces
    ``corrective_action.accepted`` (with the linked risk, if any)."""
    request = _decidable(actor, request)
    comment = _clean_text(comment, "comment")
    request.status = Status.ACCEPTED
    request.accepted_at = _now()
    request.decision_comment = comment
    request.save()
    _step(request, StepKind.ACCEPTED, actor, comment=comment)
    values = {"reference": request.reference, "title": request.title}
    notify(
        _partner_users(request.partner_id),
        title=lambda: _("Your answer to %(reference)s %(title)s was accepted") % values,
        body=comment,
        url=request.get_portal_url(),
    )
    emit(
        "corrective_action.accepted",
        request_id=request.pk,
        partner_id=request.partner_id,
        risk_id=request.risk_id,
    )
    return request


@transaction.atomic
def request_return(
    *, actor: User, request: CorrectiveActionRequest, comment: str
) -> CorrectiveActionRequest:
    """Send the answer back to the partner with a comment saying what is missing; the
    partner answers again."""
    request = _decidable(actor, request)
    comment = _clean_text(comment, "comment")
    if not comment:
        raise BusinessError(
            _("Say why the answer is returned, so the partner knows what to fix."),
            field="comment",
            code="required",
        )
    request.status = Status.RETURNED
    request.returned_at = _now()
    request.return_count += 1
    request.decision_comment = comment
    request.save()
    _step(request, StepKind.RETURNED, actor, comment=comment)
    values = {"reference": request.reference, "title": request.title}
    notify(
        _partner_users(request.partner_id),
        title=lambda: _("Your answer to %(reference)s %(title)s was returned") % values,
        body=comment,
        url=request.get_portal_url(),
    )
    return request


@transaction.atomic
def request_cancel(
    *, actor: User, request: CorrectiveActionRequest, comment: str = ""
) -> CorrectiveActionRequest:
    """Withdraw a request that is not closed yet; the partner is told if it was sent."""
    _require_staff(actor)
    request = _locked(actor, request)
    if request.status in (Status.ACCEPTED, Status.CANCELLED):
        raise BusinessError(
            _("The request is closed (%(status)s); it cannot be cancelled.")
            % {"status": request.get_status_display()},
            code="closed",
            status=409,
        )
    comment = _clean_text(comment, "comment")
    was_sent = request.status != Status.DRAFT
    request.status = Status.CANCELLED
    request.cancelled_at = _now()
    request.decision_comment = comment
    request.save()
    _step(request, StepKind.CANCELLED, actor, comment=comment)
    if was_sent:
        values = {"reference": request.reference, "title": request.title}
        notify(
            _partner_users(request.partner_id),
            title=lambda: _("%(reference)s %(title)s was withdrawn") % values,
            body=comment,
            url=request.get_portal_url(),
        )
    return request


@transaction.atomic
def evidence_add(
    *, actor: User, request: CorrectiveActionRequest, upload, title: str = ""
) -> Evidence:
    """Attach a file to an open request (a partner document: type and size checked).
    The partner uploads while the request awaits its answer; staff while it is open."""
    request = access.get_object(actor, CorrectiveActionRequest, Action.VIEW, pk=request.pk)
    if not access.can_add(actor, Evidence, request.partner):
        raise PermissionDenied
    request = access.unrestricted(CorrectiveActionRequest).select_for_update().get(pk=request.pk)
    allowed = AWAITING_ANSWER if actor.is_portal_role else (*AWAITING_ANSWER, Status.ANSWERED)
    if request.status not in allowed:
        raise BusinessError(
            _("Evidence is added while the request awaits an answer (it is %(status)s).")
            % {"status": request.get_status_display()},
            code="not_awaiting_answer",
            status=409,
            field="file",
        )
    document = partner_services.document_upload(
        actor=actor,
        partner=request.partner,
        upload=upload,
        title=(title or f"{request.reference} {upload.name}")[:200],
        kind=DocumentKind.OTHER,
    )
    evidence = Evidence(request=request, document=document, uploaded_by=actor)
    evidence.save()
    _step(request, StepKind.EVIDENCE, actor, comment=document.filename)
    return evidence


def overdue_requests(today: date | None = None):
    today = today or _today()
    return access.unrestricted(CorrectiveActionRequest).filter(
        status__in=AWAITING_ANSWER, due_on__lt=today
    )


def send_reminders(today: date | None = None) -> int:
    """Remind the partner's users (and the requester) of each overdue request, at most once
    every ``REMIND_EVERY_DAYS`` days. Returns how many requests were reminded."""
    today = today or _today()
    every = getattr(settings, "PRM_CORRECTIVE_REMIND_EVERY_DAYS", REMIND_EVERY_DAYS)
    count = 0
    rows = overdue_requests(today).select_related("partner", "requested_by")
    for request in rows.order_by("due_on", "id"):
        if request.reminded_on and request.reminded_on > today - timedelta(days=every):
            continue
        with transaction.atomic():
            locked = (
                access.unrestricted(CorrectiveActionRequest)
                .select_for_update()
                .filter(pk=request.pk, status__in=AWAITING_ANSWER)
                .first()
            )
            if locked is None:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on", "updated_at"])
            _step(locked, StepKind.REMINDED, None)
            values = {
                "reference": request.reference,
                "title": request.title,
                "days": (today - request.due_on).days,
                "partner": request.partner.name,
            }
            notify(
                _partner_users(request.partner_id),
                title=lambda values=values: (
                    _("Overdue by %(days)s days: corrective action %(reference)s %(title)s")
                    % values
                ),
                url=request.get_portal_url(),
            )
            notify(
                [request.requested_by],
                title=lambda values=values: (
                    _("%(partner)s has not answered %(reference)s (%(days)s days overdue)") % values
                ),
                url=request.get_absolute_url(),
            )
        count += 1
    return count
