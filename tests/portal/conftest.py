import pytest

from prm.partners.models import PortalSettings


@pytest.fixture
def editable(db):
    """Set the company fields partner admins may edit."""

    def choose(*fields: str) -> PortalSettings:
        row = PortalSettings.load()
        row.editable_fields = list(fields)
        row.save()
        return row

    return choose
