"""Demo data of self-registration and onboarding: pending applications (one waiting for the
applicant's answer) for the partners that applied, and an onboarding journey for every
partner in onboarding, each at a different point (one finished, so time-to-onboard shows)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prm.core import access
from prm.onboarding import services
from prm.onboarding.models import (
    Application,
    ApplicationStatus,
    Journey,
    JourneyStep,
    StepKind,
    StepStatus,
)
from prm.partners.lifecycle import Stage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MESSAGES = (
    "귀사 솔루션의 수도권 재판매를 희망합니다.",
    "We distribute industrial IoT hardware in Vietnam and would like to carry your line.",
    "공공기관 납품 실적이 있으며 기술지원 인력 5명을 보유하고 있습니다.",
)


def seed(ctx) -> str:
    admin = ctx.staff["admin"]
    applied = [c for c in ctx.companies if c.stage == Stage.APPLIED]
    applications = 0
    for index, company in enumerate(applied):
        people = ctx.contacts.get(company.partner.pk, [])
        email = people[0].email if people and people[0].email else f"apply@{company.domain}"
        application = Application(
            partner=company.partner,
            email=email or "apply@example.com",
            language="ko" if company.korean else "en",
            message=ctx.rng.choice(MESSAGES),
        )
        if index == 0:
            application.status = ApplicationStatus.INFO_REQUESTED
            application.info_request = "최근 2년 재무제표를 보내 주세요."
            application.info_requests = 1
        application.save()
        applications += 1

    onboarding = [c for c in ctx.companies if c.stage == Stage.ONBOARDING]
    journeys = steps_done = 0
    now = timezone.now()
    for index, company in enumerate(onboarding):
        partner = company.partner
        if access.unrestricted(Journey).filter(partner=partner).exists():
            continue
        journey = services.journey_start(actor=admin, partner=partner)
        journeys += 1
        days_ago = ctx.rng.randint(5, 60)
        access.unrestricted(Journey).filter(pk=journey.pk).update(
            started_at=now - timedelta(days=days_ago)
        )
        steps = list(access.unrestricted(JourneyStep).filter(journey=journey).order_by("order"))
        for step in steps:
            step.due_on = step.due_on - timedelta(days=days_ago)
        access.unrestricted(JourneyStep).bulk_update(steps, ["due_on"])
        # The first one finishes (it becomes active); the others stop somewhere on the way.
        done = len(steps) if index == 0 else ctx.rng.randint(0, max(len(steps) - 1, 0))
        for step in steps[:done]:
            if step.kind == StepKind.DOCUMENT:
                services.step_complete(
                    actor=admin,
                    step=step,
                    upload=SimpleUploadedFile(
                        f"{step.title[:40]}.pdf", PDF, content_type="application/pdf"
                    ),
                )
            elif step.kind == StepKind.MEETING and ctx.rng.random() < 0.3:
                services.step_skip(actor=admin, step=step, note="화상 미팅으로 대체")
            else:
                services.step_complete(actor=admin, step=step, note="완료")
            steps_done += 1
    # Completed steps are dated in the past like their journeys.
    access.unrestricted(JourneyStep).filter(
        journey__partner__in=[c.partner for c in onboarding], status=StepStatus.DONE
    ).update(completed_at=now - timedelta(days=2))
    return f"{applications} applications, {journeys} onboarding journeys, {steps_done} steps done"
