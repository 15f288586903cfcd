from datetime import timedelta

import pytest
from django.utils import timezone

from prm.core import access
from prm.sales.models import Deal, DealStatus
from tests.conftest import api_client
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db


def body(partner, **overrides):
    data = {
        "partner": partner.pk,
        "customer_name": "(주)한빛소프트",
        "customer_domain": "hanbit.co.kr",
        "amount": "1500000.50",
        "currency": "KRW",
        "product_category": "software",
        "expected_close_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def test_partner_registers_lists_and_patches(portal_user_a, partner_a):
    client = api_client(portal_user_a)
    response = client.post("/api/v1/deals", body(partner_a), content_type="application/json")
    assert response.status_code == 201, response.content
    deal = response.json()
    assert deal["partner"] == partner_a.pk
    assert deal["amount"] == "1500000.50"
    assert deal["status"] == "submitted" and deal["stage"] == "registered"
    listing = client.get("/api/v1/deals").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == deal["id"]
    patched = client.patch(
        f"/api/v1/deals/{deal['id']}", {"notes": "CIO met"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["notes"] == "CIO met"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"currency": "ABC"}, "currency"),
        ({"expected_close_date": "2020-01-01"}, "expected_close_date"),
        ({"customer_name": "Alpha Systems"}, "customer_name"),
        ({"product_category": "nope"}, "product_category"),
    ],
)
def test_bad_input_answers_400_and_stores_nothing(portal_user_a, partner_a, overrides, field):
    client = api_client(portal_user_a)
    response = client.post(
        "/api/v1/deals", body(partner_a, **overrides), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not access.unrestricted(Deal).exists()


def test_unknown_fields_are_refused(portal_user_a, partner_a):
    client = api_client(portal_user_a)
    response = client.post(
        "/api/v1/deals", body(partner_a, status="approved"), content_type="application/json"
    )
    assert response.status_code == 422


def test_portal_cannot_register_for_another_partner_or_decide(portal_user_a, partner_b):
    client = api_client(portal_user_a)
    response = client.post("/api/v1/deals", body(partner_b), content_type="application/json")
    assert response.status_code == 404
    deal = register(portal_user_a, portal_user_a.partner)
    response = client.post(f"/api/v1/deals/{deal.pk}/approve", {}, content_type="application/json")
    assert response.status_code == 403
    assert client.get(f"/api/v1/deals/{deal.pk}/conflicts").status_code == 403


def test_staff_decisions_and_concurrency(manager, admin_user, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    client = api_client(manager)
    rejected = client.post(
        f"/api/v1/deals/{deal.pk}/reject", {"reason": ""}, content_type="application/json"
    )
    assert rejected.status_code == 422
    approved = client.post(f"/api/v1/deals/{deal.pk}/approve", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["protection_until"]
    late = api_client(admin_user).post(
        f"/api/v1/deals/{deal.pk}/reject", {"reason": "dup"}, content_type="application/json"
    )
    assert late.status_code == 409 and late.json()["code"] == "already_decided"
    assert access.unrestricted(Deal).get(pk=deal.pk).status == DealStatus.APPROVED
    moved = client.patch(
        f"/api/v1/deals/{deal.pk}",
        {"stage": "won", "close_reason": "Signed"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "won"
    assert moved.json()["won_at"]


def test_conflicts_endpoint_for_staff(manager, portal_user_a, partner_a, owned_b):
    from tests.conftest import make_user

    first = register(portal_user_a, partner_a)
    second = register(make_user("partner_user", owned_b), owned_b, name="한빛소프트 주식회사")
    found = api_client(manager).get(f"/api/v1/deals/{second.pk}/conflicts").json()
    assert found[0]["conflicting_deal"] == first.pk
    assert found[0]["reason"] == "domain" and found[0]["score"] == "100.00"
    # The partner's own view of its deal says "under review", with no trace of the other.
    mine = api_client(make_user("partner_admin", owned_b)).get(f"/api/v1/deals/{second.pk}")
    assert mine.json()["status"] == "under_review"
    assert mine.json()["customer_name"] == "한빛소프트 주식회사"
    assert first.title not in str(mine.json()) and "Alpha" not in str(mine.json())


def test_import_and_export(manager, partner_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prm.imports import services as import_services

    close = (timezone.localdate() + timedelta(days=10)).isoformat()
    csv = (
        "partner,customer_name,customer_domain,amount,currency,expected_close_date\n"
        f"{partner_a.registration_number},(주)한빛소프트,hanbit.co.kr,1000,KRW,{close}\n"
        f"{partner_a.registration_number},Other Co,other.kr,-5,KRW,{close}\n"
    )
    upload = SimpleUploadedFile("deals.csv", csv.encode(), content_type="text/csv")
    run = import_services.import_preview(actor=manager, entity_name="deals", upload=upload)
    assert run.report["errors"]
    assert "negative" in str(run.report["errors"])


def test_import_applies_valid_rows_and_export_lists_visible_deals(
    client, manager, partner_a, portal_admin_b, partner_b
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from prm.imports import services as import_services
    from tests.conftest import login

    close = (timezone.localdate() + timedelta(days=10)).isoformat()
    csv = (
        "파트너,고객사,고객 도메인,금액,통화,예상 계약일,제품군\n"
        f"{partner_a.registration_number},(주)한빛소프트,hanbit.co.kr,1000,KRW,{close},software\n"
    )
    upload = SimpleUploadedFile("deals.csv", csv.encode(), content_type="text/csv")
    run = import_services.import_preview(actor=manager, entity_name="deals", upload=upload)
    assert not run.report["errors"], run.report
    import_services.import_apply(actor=manager, run=run)
    deal = access.unrestricted(Deal).get()
    assert deal.account.domain == "hanbit.co.kr" and deal.product_category.code == "software"
    register(portal_admin_b, partner_b, name="Bravo Customer", domain="bravo-c.kr")
    login(client, portal_admin_b)
    exported = client.get(reverse("imports:export", args=["deals"]) + "?format=csv")
    text = b"".join(exported.streaming_content if exported.streaming else [exported.content])
    text = text.decode("utf-8-sig")
    assert "Bravo Customer" in text and "한빛소프트" not in text
