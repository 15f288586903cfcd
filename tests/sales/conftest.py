from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from prm.sales import services


def register(actor, partner, name="(주)한빛소프트", domain="hanbit.co.kr", **data):
    data.setdefault("amount", Decimal("1000000"))
    data.setdefault("currency", "KRW")
    data.setdefault("expected_close_date", timezone.localdate() + timedelta(days=30))
    return services.deal_register(
        actor=actor,
        partner=partner,
        customer={
            "customer_name": name,
            "customer_domain": domain,
            "customer_registration_number": data.pop("brn", ""),
        },
        data=data,
    )


@pytest.fixture
def owned_b(partner_b, manager):
    """Partner B, also owned by the manager, so the manager decides both partners' deals."""
    partner_b.owner = manager
    partner_b.save()
    return partner_b
