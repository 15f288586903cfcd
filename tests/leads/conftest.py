import pytest

from prm.leads.models import LeadRoutingRule
from tests.conftest import make_partner


@pytest.fixture
def active_partners(db, manager):
    """Three active resellers in Korea (Seoul, Seoul, Busan), the first owned by manager."""
    return [
        make_partner(name="Seoul One", stage="active", region="Seoul", owner=manager),
        make_partner(name="Seoul Two", stage="active", region="Seoul"),
        make_partner(name="Busan Three", stage="active", region="Busan"),
    ]


@pytest.fixture
def korea_rule(db):
    return LeadRoutingRule.objects.create(name="Korea", order=10, countries=["KR"], sla_hours=24)
