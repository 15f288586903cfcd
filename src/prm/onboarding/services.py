"""Writes of self-registration and onboarding.

Applications come from people who are not signed in, so ``application_submit`` takes no
actor; everything after it (decisions, journeys, steps) takes the acting user first,
re-checks access inside its transaction, and leaves side effects (e-mail, events) to run
after commit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from prm.accounts import invitations
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.onboarding.models import (
    Application,
    ApplicationStatus,
    AutoApprovalRule,
    Journey,
    JourneyStep,
    JourneyTemplate,
    StepKind,
    StepOwner,
    StepStatus,
)
from prm.partners import lifecycle
from prm.partners import services as partner_services
from prm.partners.documents import check_upload
from prm.partners.lifecycle import Stage
from prm.partners.models import Contact, Document, DocumentKind, Partner, PartnerType
from prm.partners.validators import normalize_brn

ANSWER_SALT = "prm.onboarding.answer"
ANSWER_MAX_AGE = 30 * 86400


@dataclass(frozen=True)
class ContactData:
    name: str
    email: str
    phone: str = ""
    title: str = ""


# Applications --------------------------------------------------------------------------


def registered_partner(registration_number: str) -> Partner | None:
    """The partner (registered or applying) that already has this registration number."""
    try:
        brn = normalize_brn(registration_number)
    except ValidationError:
        return None
    if not brn:
        return None
    return access.unrestricted(Partner).filter(registration_number=brn).first()


def _site_url(site_url: str | None) -> str:
    return (site_url or settings.PRM_BASE_URL).rstrip("/")


def answer_token(application: Application) -> str:
    """A signed link token naming the application and which request it answers: a newer
    request (or a decision) makes older links useless."""
    return signing.dumps([application.pk, application.info_requests], salt=ANSWER_SALT)


def application_from_token(token: str) -> Application:
    """The application a link names, while it still waits for that answer."""
    try:
        pk, number = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BusinessError(
            _("This link is not valid or has expired."), code="bad_link", status=404
        ) from exc
    application = access.unrestricted(Application).select_related("partner").filter(pk=pk).first()
    if (
        application is None
        or application.status != ApplicationStatus.INFO_REQUESTED
        or application.info_requests != number
    ):
        raise BusinessError(
            _("This link has already been used or is no longer needed."),
            code="bad_link",
            status=404,
        )
    return application


def _mail(application: Application, template: str, context: dict[str, Any]) -> None:
    with translation.override(application.language or settings.LANGUAGE_CODE):
        context = {"application": application, "partner": application.partner, **context}
        subject = render_to_string(f"onboarding/email/{template}_subject.txt", context)
        body = render_to_string(f"onboarding/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [application.email])


def _reviewers() -> list[User]:
    return list(User.objects.filter(role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True))


@transaction.atomic
def application_submit(
    *,
    company: dict[str, Any],
    types: list[str],
    contacts: list[ContactData],
    documents: list[tuple[Any, str]] = (),
    message: str = "",
    ip: str | None = None,
    language: str = "ko",
    site_url: str | None = None,
) -> Application:
    """A new application from the public form: the partner in stage "applied" with its
    contacts and documents. A registration number already registered (by a partner or a
    pending application) is refused; other look-alikes are kept for the reviewers."""
    if not contacts:
        raise BusinessError(_("Give at least one contact."), field="contacts")
    if not types:
        raise BusinessError(_("Choose at least one partner type."), field="types")
    if registered_partner(company.get("registration_number", "")):
        raise BusinessError(
            _("A partner with this business registration number is already registered."),
            code="duplicate",
            status=409,
            field="registration_number",
        )
    checked = [
        (upload, kind, check_upload(upload, max_mb=settings.PRM_MAX_UPLOAD_MB))
        for upload, kind in documents
    ]
    partner = Partner(stage=Stage.APPLIED)
    for name in (
        "name",
        "legal_name",
        "registration_number",
        "country",
        "region",
        "industry",
        "website",
    ):
        if name in company:
            setattr(partner, name, company[name])
    partner.domain = contacts[0].email.rsplit("@", 1)[-1] if "@" in contacts[0].email else ""
    partner.full_clean(exclude=["types", "tags"], validate_constraints=False)
    duplicates = partner_services.partner_duplicates(
        name=partner.name,
        legal_name=partner.legal_name,
        registration_number=partner.registration_number,
        domain=partner.domain,
    )
    partner.validate_constraints()
    partner.save()
    known = set(PartnerType.objects.filter(code__in=types).values_list("code", flat=True))
    if known != set(types):
        raise BusinessError(
            _("Unknown partner type(s): %(types)s")
            % {"types": ", ".join(sorted(set(types) - known))},
            field="types",
        )
    partner.types.set(sorted(known))
    for data in contacts:
        contact = Contact(
            partner=partner,
            name=data.name,
            email=data.email,
            phone=data.phone,
            title=data.title,
            roles=["primary"] if data is contacts[0] else [],
        )
        contact.full_clean()
        contact.save()
    for upload, kind, content_type in checked:
        document = Document(
            partner=partner,
            title=upload.name[:200],
            kind=kind,
            filename=upload.name[:255],
            content_type=content_type,
            size=upload.size,
        )
        document.file = upload
        document.full_clean(exclude=["file"])
        document.save()
    application = Application(
        partner=partner,
        email=contacts[0].email,
        language=language[:8],
        message=message,
        duplicate_ids=[d.partner_id for d in duplicates],
        submitted_ip=ip,
    )
    application.full_clean()
    application.save()
    transaction.on_commit(lambda: _mail(application, "received", {}))
    url = reverse("onboarding:application", args=[application.pk])
    notify(
        _reviewers(),
        title=lambda: _("New partner application: %(name)s") % {"name": partner.name},
        url=url,
        email=False,
    )
    rule = matching_rule(application)
    if rule is not None:
        try:
            with transaction.atomic():
                application_approve(
                    actor=rule.created_by, application=application, site_url=site_url, rule=rule
                )
        except (BusinessError, PermissionDenied, ValidationError):
            # The rule could not be applied (e.g. the contact already has an account):
            # a person reviews it instead.
            application.refresh_from_db()
    return application


def matching_rule(application: Application) -> AutoApprovalRule | None:
    partner = application.partner
    types = set(partner.types.values_list("code", flat=True))
    rules = AutoApprovalRule.objects.filter(
        active=True, partner_type__in=types, created_by__is_active=True, created_by__role="admin"
    )
    for rule in rules.order_by("pk"):
        if rule.country and rule.country != partner.country:
            continue
        if rule.require_registration_number and not partner.registration_number:
            continue
        if application.duplicate_ids:
            continue  # a look-alike always goes to a person
        return rule
    return None


def may_decide(actor: User, application: Application) -> bool:
    """Admins decide on every application; partner managers on those of partners nobody
    owns yet and of partners they own."""
    role = access.role_of(actor)
    owner_id = application.partner.owner_id
    return role == Role.ADMIN or (role == Role.PARTNER_MANAGER and owner_id in (None, actor.pk))


def _decidable(actor: User, application: Application) -> Application:
    """The application, locked, if ``actor`` may decide on it: admins always, partner
    managers when nobody owns the partner yet or they do."""
    application = access.get_object(
        actor,
        access.scope(actor, Application).select_related("partner").select_for_update(of=("self",)),
        pk=application.pk,
    )
    if may_decide(actor, application):
        if not application.is_open:
            raise BusinessError(
                _("This application has already been decided."), code="decided", status=409
            )
        return application
    raise PermissionDenied


@transaction.atomic
def application_approve(
    *,
    actor: User,
    application: Application,
    site_url: str | None = None,
    rule: AutoApprovalRule | None = None,
) -> Application:
    """Approve: the partner moves to onboarding (owned by the approver when nobody owned
    it), its first contact is invited to the portal, and its journey starts."""
    application = _decidable(actor, application)
    partner = application.partner
    if partner.owner_id is None:
        partner.owner = actor
        partner.save(update_fields=["owner", "updated_at"])
    if partner.stage != Stage.APPLIED and lifecycle.can_move(partner.stage, Stage.APPLIED):
        # An application means the partner applied, whatever staff had recorded before.
        partner = partner_services.partner_change_stage(
            actor=actor, partner=partner, stage=Stage.APPLIED
        )
    partner_services.partner_change_stage(actor=actor, partner=partner, stage=Stage.ONBOARDING)
    contact = (
        access.unrestricted(Contact)
        .filter(partner=partner)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    # The first contact is invited; the applicant's own address when no contact has one.
    email = contact.email if contact else application.email
    name = contact.name if contact else ""
    if not User.objects.filter(email__iexact=email, partner=partner).exists():
        _invite(actor, partner, email, name, application, site_url)
    if contact is not None:
        contact.portal_access = True
        contact.save(update_fields=["portal_access", "updated_at"])
    application.status = ApplicationStatus.APPROVED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.auto_approved = rule is not None
    application.save()
    if not access.unrestricted(Journey).filter(partner=partner).exists():
        journey_start(actor=actor, partner=partner)
    emit("application.approved", application_id=application.pk, partner_id=partner.pk)
    return application


def _invite(actor, partner, email, name, application, site_url) -> None:
    first, _sep, last = name.partition(" ")
    user = invitations.user_invite(
        actor=actor,
        partner=partner,
        email=email,
        role=Role.PARTNER_ADMIN,
        site_url=_site_url(site_url),
        first_name=first[:150],
        last_name=last[:150],
    )
    user.language = application.language
    user.save(update_fields=["language"])


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str) -> Application:
    """Reject with a reason, which is e-mailed to the applicant; the partner is offboarded."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Give the reason for the rejection."), field="reason")
    application = _decidable(actor, application)
    partner = application.partner
    if partner.owner_id is None:
        partner.owner = actor
        partner.save(update_fields=["owner", "updated_at"])
    partner_services.partner_change_stage(actor=actor, partner=partner, stage=Stage.OFFBOARDED)
    application.status = ApplicationStatus.REJECTED
    application.decision_reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save()
    transaction.on_commit(lambda: _mail(application, "rejected", {"reason": reason}))
    return application


@transaction.atomic
def application_request_info(
    *, actor: User, application: Application, question: str, site_url: str | None = None
) -> Application:
    """Ask the applicant for more: they answer through a signed link, without logging in."""
    question = (question or "").strip()
    if not question:
        raise BusinessError(_("Say what information you need."), field="question")
    application = _decidable(actor, application)
    application.status = ApplicationStatus.INFO_REQUESTED
    application.info_request = question
    application.info_requests += 1
    application.save()
    url = _site_url(site_url) + reverse("onboarding:answer", args=[answer_token(application)])
    transaction.on_commit(
        lambda: _mail(application, "info_request", {"question": question, "url": url})
    )
    return application


@transaction.atomic
def application_answer(*, token: str, answer: str) -> Application:
    """The applicant's answer through the link: the application goes back to the queue."""
    answer = (answer or "").strip()
    if not answer:
        raise BusinessError(_("Write your answer."), field="answer")
    application = application_from_token(token)
    application = (
        access.unrestricted(Application).select_for_update(of=("self",)).get(pk=application.pk)
    )
    application.info_response = answer
    application.info_answered_at = timezone.now()
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    partner = application.partner
    reviewers = [partner.owner] if partner.owner_id else _reviewers()
    notify(
        reviewers,
        title=lambda: _("%(name)s answered your question") % {"name": partner.name},
        body=answer,
        url=reverse("onboarding:application", args=[application.pk]),
    )
    return application


# Journeys ------------------------------------------------------------------------------


def template_for(partner: Partner) -> JourneyTemplate | None:
    """The template of the partner's first type (in type order) that has one."""
    codes = sorted(partner.types.values_list("code", flat=True))
    templates = {
        t.partner_type_id: t for t in JourneyTemplate.objects.filter(partner_type__in=codes)
    }
    for code in codes:
        if code in templates:
            return templates[code]
    return None


@transaction.atomic
def journey_start(*, actor: User, partner: Partner) -> Journey:
    """The partner's journey, its steps copied from the template of its type, due dates
    counted from today. One journey per partner; the partner must be onboarding."""
    partner = access.get_object(actor, Partner, Action.CHANGE, pk=partner.pk)
    if partner.stage != Stage.ONBOARDING:
        raise BusinessError(_("Only partners in onboarding have an onboarding journey."))
    if access.unrestricted(Journey).filter(partner=partner).exists():
        raise BusinessError(_("This partner's onboarding journey has already started."))
    template = template_for(partner)
    journey = Journey(partner=partner, template=template, started_at=timezone.now())
    journey.full_clean()
    journey.save()
    start = timezone.localdate()
    steps = []
    for step in template.steps.all() if template else []:
        steps.append(
            JourneyStep(
                journey=journey,
                order=step.order,
                title=step.title,
                description=step.description,
                kind=step.kind,
                owner=step.owner,
                document_kind=step.document_kind,
                due_on=start + datetime.timedelta(days=step.due_days),
            )
        )
    for step in steps:
        step.full_clean(exclude=["journey"])
        step.save()
    return journey


STEP_FIELDS = ("title", "description", "kind", "owner", "document_kind", "due_on")


@transaction.atomic
def step_add(*, actor: User, journey: Journey, data: dict[str, Any]) -> JourneyStep:
    """Staff add a step to a running journey; it goes last."""
    if not actor.is_staff_role:
        raise PermissionDenied
    journey = access.get_object(actor, Journey, Action.CHANGE, pk=journey.pk)
    if journey.completed_at:
        raise BusinessError(_("The journey is complete."))
    unknown = set(data) - set(STEP_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    last = journey.steps.order_by("-order").values_list("order", flat=True).first() or 0
    step = JourneyStep(journey=journey, order=last + 1, **data)
    step.full_clean()
    step.save()
    return step


def _changeable_step(actor: User, step: JourneyStep) -> JourneyStep:
    step = access.get_object(
        actor,
        access.scope(actor, JourneyStep, Action.CHANGE)
        .select_related("journey__partner")
        .select_for_update(of=("self",)),
        Action.CHANGE,
        pk=step.pk,
    )
    if step.journey.completed_at:
        raise BusinessError(_("The journey is complete."))
    if step.status != StepStatus.OPEN:
        raise BusinessError(_("This step is no longer open."), code="closed", status=409)
    return step


@transaction.atomic
def step_complete(
    *,
    actor: User,
    step: JourneyStep,
    upload=None,
    note: str = "",
    document: Document | None = None,
    site_url: str | None = None,
) -> JourneyStep:
    """Mark a step done. Partners complete only their own steps; a document step needs
    its document (an upload, or one of the partner's documents)."""
    step = _changeable_step(actor, step)
    partner = step.journey.partner
    if actor.is_portal_role and step.owner != StepOwner.PARTNER:
        raise BusinessError(_("This step is done by our staff."), status=403)
    if actor.is_portal_role and step.kind == StepKind.CONTRACT:
        raise BusinessError(
            _("This step is done when the contract is signed."), code="contract", status=403
        )
    if step.kind == StepKind.DOCUMENT:
        if upload is not None:
            document = partner_services.document_upload(
                actor=actor,
                partner=partner,
                upload=upload,
                title=step.title,
                kind=step.document_kind or DocumentKind.OTHER,
            )
        elif document is not None:
            document = access.scope(actor, Document).filter(pk=document.pk, partner=partner).first()
            if document is None:
                raise BusinessError(_("Unknown document."), field="document")
        else:
            raise BusinessError(_("Upload the document to complete this step."), field="file")
        step.document = document
    step.status = StepStatus.DONE
    step.completed_at = timezone.now()
    step.completed_by = actor
    step.note = (note or "").strip()
    step.save()
    _finish_if_done(actor, step.journey)
    return step


@transaction.atomic
def step_skip(*, actor: User, step: JourneyStep, note: str = "") -> JourneyStep:
    """Staff skip a step that does not apply to this partner."""
    if not actor.is_staff_role:
        raise PermissionDenied
    step = _changeable_step(actor, step)
    step.status = StepStatus.SKIPPED
    step.completed_at = timezone.now()
    step.completed_by = actor
    step.note = (note or "").strip()
    step.save()
    _finish_if_done(actor, step.journey)
    return step


def contract_signed(*, contract_id: int, partner_id: int) -> int:
    """The partner signed a contract: its open "sign a contract" steps are done. Returns
    how many steps that completed."""
    with transaction.atomic():
        steps = list(
            access.unrestricted(JourneyStep)
            .select_related("journey")
            .select_for_update(of=("self",))
            .filter(
                journey__partner_id=partner_id,
                journey__completed_at__isnull=True,
                kind=StepKind.CONTRACT,
                status=StepStatus.OPEN,
            )
        )
        for step in steps:
            step.status = StepStatus.DONE
            step.completed_at = timezone.now()
            step.signed_contract_id = contract_id
            step.save()
        if steps:
            _finish_if_done(None, steps[0].journey)
    return len(steps)


def _finish_if_done(actor: User | None, journey: Journey) -> None:
    """The last open step closed: the journey completes and the partner becomes active."""
    if access.unrestricted(JourneyStep).filter(journey=journey, status=StepStatus.OPEN).exists():
        return
    journey.completed_at = timezone.now()
    journey.save(update_fields=["completed_at", "updated_at"])
    partner = (
        access.unrestricted(Partner).select_for_update(of=("self",)).get(pk=journey.partner_id)
    )
    if partner.stage == Stage.ONBOARDING:
        if actor is not None and actor.is_staff_role and access.can(actor, partner, Action.CHANGE):
            partner_services.partner_change_stage(actor=actor, partner=partner, stage=Stage.ACTIVE)
        elif lifecycle.can_move(partner.stage, Stage.ACTIVE):
            # The partner finished its own last step: the system moves it on.
            partner.stage = Stage.ACTIVE
            partner.save(update_fields=["stage", "updated_at"])
    emit("onboarding.completed", journey_id=journey.pk, partner_id=journey.partner_id)
    if partner.owner_id:
        notify(
            [partner.owner],
            title=lambda: _("%(name)s completed onboarding") % {"name": partner.name},
            url=reverse("onboarding:journey", args=[journey.pk]),
        )


# Reminders -----------------------------------------------------------------------------


def send_overdue_reminders(*, today: datetime.date | None = None) -> int:
    """One reminder per overdue open step: partner steps to the partner's active users,
    staff steps to the partner's owner. A step is reminded once."""
    today = today or timezone.localdate()
    steps = (
        access.unrestricted(JourneyStep)
        .select_related("journey__partner__owner")
        .filter(
            status=StepStatus.OPEN,
            due_on__lt=today,
            reminded_at__isnull=True,
            journey__completed_at__isnull=True,
        )
    )
    sent = 0
    for step in steps:
        with transaction.atomic():
            partner = step.journey.partner
            if step.owner == StepOwner.PARTNER:
                users = access.unrestricted(User).filter(partner=partner, is_active=True)
                url = reverse("onboarding:checklist")
            else:
                users = [partner.owner] if partner.owner_id else []
                url = reverse("onboarding:journey", args=[step.journey_id])
            notify(
                users,
                title=lambda step=step: (
                    _("Onboarding step overdue: %(title)s") % {"title": step.title}
                ),
                body=lambda step=step, partner=partner: (
                    _("%(partner)s: the step was due on %(date)s.")
                    % {"partner": partner.name, "date": step.due_on.isoformat()}
                ),
                url=url,
            )
            access.unrestricted(JourneyStep).filter(pk=step.pk).update(reminded_at=timezone.now())
            sent += 1
    return sent
