"""Action items through the import/export framework, and the reminders command."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from prm.core import access
from prm.imports import services as import_services
from prm.reviews.models import ActionItem, ItemStatus, OwnerSide
from tests.conftest import login
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def run(actor, text: str):
    upload = SimpleUploadedFile("items.csv", text.encode("utf-8"), content_type="text/csv")
    preview = import_services.import_preview(actor=actor, entity_name="action-items", upload=upload)
    if preview.status != "previewed":
        return preview
    return import_services.import_apply(actor=actor, run=preview)


def test_import_with_korean_headers_then_reimport_changes_nothing(manager, partner_a):
    review = f.review(partner_a)
    text = (
        "파트너,정기 리뷰,후속 조치,담당 측,기한,상태,외부 ID\n"
        f"220-81-62517,{review.pk},견적서 송부,파트너,2026-12-01,진행 중,AI-1\n"
        f"2208162517,,내부 검토,당사,2026-12-15,done,AI-2\n"
    )
    result = run(manager, text)
    assert result.status == "applied", result.report
    items = {i.external_id: i for i in access.unrestricted(ActionItem).all()}
    assert items["AI-1"].review == review and items["AI-1"].owner_side == OwnerSide.PARTNER
    assert items["AI-2"].status == ItemStatus.DONE and items["AI-2"].done_by == manager
    again = run(manager, text)
    assert again.status == "applied"
    assert (again.report["created"], again.report["unchanged"]) == (0, 2)
    assert access.unrestricted(ActionItem).count() == 2


def test_import_row_errors_name_the_row_and_change_nothing(manager, partner_a, partner_b):
    other = f.review(partner_b)
    text = (
        "partner,review,title,due\n"
        "2208162517,,Fine one,2026-12-01\n"
        f"2208162517,{other.pk},Wrong review,2026-12-01\n"
        "2208162517,,Bad date,31/12/2026\n"
    )
    result = run(manager, text)
    assert result.status == "rejected"
    report = str(result.report)
    assert "31/12/2026 is not a date" in report
    assert "another partner" in report
    assert {issue["row"] for issue in result.report["errors"]} == {3, 4}
    assert not access.unrestricted(ActionItem).exists()


def test_export_honours_filters_and_access(client, manager, partner_a, partner_b, portal_user_a):
    f.item(partner_a, title="Alpha item", due_on=f.day("2020-01-01"))
    f.item(partner_a, title="Alpha later", due_on=f.day("2099-01-01"))
    f.item(partner_b, title="Bravo item")
    login(client, manager)
    response = client.get(
        reverse("imports:export", args=["action-items"]), {"format": "csv", "overdue": "true"}
    )
    text = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    assert "Alpha item" in text and "Alpha later" not in text and "Bravo item" not in text
    client.force_login(portal_user_a)
    response = client.get(reverse("imports:export", args=["action-items"]), {"format": "csv"})
    text = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    assert "Bravo item" not in text


def test_review_reminders_command(partner_a, portal_admin_a):
    f.item(partner_a, owner_side=OwnerSide.PARTNER, due_on=f.day("2026-01-05"))
    out = io.StringIO()
    call_command("review_reminders", "--date", "2026-02-01", stdout=out)
    assert "1 reminded, 1 notifications" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("review_reminders", "--date", "tomorrow")
