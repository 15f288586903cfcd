"""`prm seed-demo` gives corrective action requests in every status with dated steps."""

from io import StringIO

import pytest
from django.core.management import call_command

from prm.core import access
from prm.corrective_actions.models import CorrectiveActionRequest, RequestStep


@pytest.mark.django_db
def test_the_demo_has_requests_in_every_status():
    out = StringIO()
    call_command("seed_demo", "--partners", "60", stdout=out, stderr=StringIO())
    assert "corrective actions:" in out.getvalue()
    rows = list(access.unrestricted(CorrectiveActionRequest).all())
    assert {r.status for r in rows} == {
        "draft",
        "sent",
        "answered",
        "returned",
        "accepted",
        "cancelled",
    }
    for car in rows:
        if car.status == "accepted":
            assert car.sent_at <= car.answered_at <= car.accepted_at
        kinds = list(
            access.unrestricted(RequestStep).filter(request=car).values_list("kind", flat=True)
        )
        assert kinds[0] == "created"
