"""`prm seed-demo` loads held QBRs with notes and action items, and joint business plans."""

from io import StringIO

from django.core.management import call_command

from prm.core import access
from prm.reviews.models import ActionItem, BusinessPlan, Review, ReviewStatus


def test_the_reviews_demo(db):
    out = StringIO()
    call_command("seed_demo", "--partners", "60", stdout=out, stderr=StringIO())
    held = list(access.unrestricted(Review).filter(status=ReviewStatus.HELD))
    assert held and all(r.shared_notes and r.meeting_date for r in held)
    assert access.unrestricted(ActionItem).filter(review__in=held).count() >= 2 * len(held)
    assert {"company", "partner"} <= set(
        access.unrestricted(ActionItem).values_list("owner_side", flat=True)
    )
    plans = list(access.unrestricted(BusinessPlan).prefetch_related("goals"))
    assert plans and all(p.goals.exists() for p in plans)
    assert "reviews:" in out.getvalue() or "reviews" in out.getvalue()
