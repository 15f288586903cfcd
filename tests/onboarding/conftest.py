"""Helpers for the onboarding tests: a filled-in application and a reseller template."""

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.onboarding.forms import started_token
from prm.onboarding.models import JourneyTemplate, StepKind, StepOwner, TemplateStep

PDF = b"%PDF-1.4\n%test\n"


def pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def application_data(**overrides) -> dict:
    """What a person fills in on /portal/apply, shown a minute ago."""
    data = {
        "name": "Gamma Trading",
        "legal_name": "(주)감마트레이딩",
        "registration_number": "211-86-15427",
        "types": ["reseller"],
        "country": "KR",
        "region": "Seoul",
        "industry": "IT distribution",
        "website": "https://gamma.example",
        "message": "We resell software to SMEs.",
        "consent": "on",
        "homepage": "",
        "started": started_token(time.time() - 60),
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "1",
        "contacts-MAX_NUM_FORMS": "5",
        "contacts-0-name": "Kim Minji",
        "contacts-0-title": "CEO",
        "contacts-0-email": "minji@gamma.example",
        "contacts-0-phone": "010-1234-5678",
        "contacts-1-name": "",
        "contacts-1-title": "",
        "contacts-1-email": "",
        "contacts-1-phone": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reseller_template(db):
    # Replaces the default template the migrations install.
    template, _created = JourneyTemplate.objects.update_or_create(
        partner_type_id="reseller", defaults={"name": "Reseller onboarding"}
    )
    template.steps.all().delete()
    TemplateStep.objects.create(
        template=template,
        order=1,
        title="Bank account confirmation",
        kind=StepKind.DOCUMENT,
        owner=StepOwner.PARTNER,
        document_kind="financial",
        due_days=7,
    )
    TemplateStep.objects.create(
        template=template,
        order=2,
        title="Read the partner handbook",
        kind=StepKind.TASK,
        owner=StepOwner.PARTNER,
        due_days=10,
    )
    TemplateStep.objects.create(
        template=template,
        order=3,
        title="Kick-off meeting",
        kind=StepKind.MEETING,
        owner=StepOwner.STAFF,
        due_days=14,
    )
    return template
