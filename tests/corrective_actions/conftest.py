import pytest
from django.core import mail

from prm.risks.models import Risk, RiskCategory


@pytest.fixture
def risk_a(partner_a, manager):
    return Risk.objects.create(
        partner=partner_a,
        category=RiskCategory.objects.order_by("pk").first(),
        title="Quality escapes at Alpha",
        description="Field returns doubled this quarter.",
        owner=manager,
    )


@pytest.fixture
def outbox():
    mail.outbox = []
    return mail.outbox
