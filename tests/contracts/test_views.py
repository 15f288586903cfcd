"""Back-office pages, the portal and the API of contracts and compliance documents."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from prm.contracts import services
from prm.contracts.models import Contract, NegotiationRound, RoundComment
from prm.core import access
from tests.conftest import api_client, login
from tests.contracts.factories import make_contract, pdf, requirement

pytestmark = pytest.mark.django_db


def test_list_detail_and_deadline_widget(client, manager, partner_a):
    end = timezone.localdate() + timedelta(days=20)
    contract = make_contract(
        partner_a,
        owner=manager,
        signed_on=date(2020, 1, 1),
        start_date=date(2020, 1, 1),
        end_date=end,
    )
    login(client, manager)
    page = client.get(reverse("contracts:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert contract.title in text
    widget = text[text.index('data-testid="contract-deadlines"') :]
    assert "in 20 days" in widget and "in 20 days" in widget[: widget.index("</ul>")]
    detail = client.get(contract.get_absolute_url())
    assert detail.status_code == 200
    assert "Alpha Systems" in detail.content.decode()


def test_status_filter(client, manager, partner_a):
    make_contract(partner_a, title="A draft")
    make_contract(
        partner_a, title="Signed one", signed_on=date(2020, 1, 1), end_date=date(2099, 1, 1)
    )
    login(client, manager)
    text = client.get(reverse("contracts:list"), {"status": "draft"}).content.decode()
    assert "A draft" in text and "Signed one" not in text
    bad = client.get(reverse("contracts:list"), {"status": "nonsense"})
    assert bad.status_code == 200 and "Some filters could not be applied" in bad.content.decode()


def test_create_with_end_before_start_shows_error(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("contracts:create"),
        {
            "partner": partner_a.pk,
            "type": "reseller",
            "title": "Bad dates",
            "value": "1000.50",
            "currency": "KRW",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "notice_days": 30,
        },
    )
    assert response.status_code == 200
    assert "The end date must not precede the start date." in response.content.decode()
    assert access.unrestricted(Contract).count() == 0


def test_round_upload_of_forbidden_type_in_the_page(client, manager, partner_a):
    contract = make_contract(partner_a)
    login(client, manager)
    upload = SimpleUploadedFile("evil.exe", b"MZ\x90\x00")
    response = client.post(
        reverse("contracts:round_add", args=[contract.pk]), {"file": upload, "summary": "x"}
    )
    assert response.status_code == 400
    assert "Files of type .exe are not accepted" in response.content.decode()
    assert access.unrestricted(NegotiationRound).count() == 0


def test_renew_terminated_in_the_page(client, manager, partner_a):
    contract = make_contract(
        partner_a,
        signed_on=date(2025, 1, 1),
        terminated_on=date(2025, 6, 1),
        termination_reason="exit",
    )
    login(client, manager)
    response = client.post(reverse("contracts:renew", args=[contract.pk]), follow=True)
    assert "A terminated contract cannot be renewed." in response.content.decode()
    assert access.unrestricted(Contract).count() == 1


def test_portal_sees_own_contracts_comments_and_downloads(
    client, manager, partner_a, partner_b, portal_user_a
):
    mine = make_contract(partner_a, title="Alpha reseller")
    theirs = make_contract(partner_b, title="Bravo secret")
    round_ = services.round_add(actor=manager, contract=mine, upload=pdf())
    other_round = NegotiationRound.objects.create(
        contract=theirs,
        number=1,
        file="x.pdf",
        filename="x.pdf",
        content_type="application/pdf",
        size=1,
    )
    login(client, portal_user_a)
    listing = client.get(reverse("contracts:portal_list")).content.decode()
    assert "Alpha reseller" in listing and "Bravo secret" not in listing
    assert client.get(reverse("contracts:portal_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("contracts:portal_detail", args=[theirs.pk])).status_code == 404
    download = client.get(reverse("contracts:round_download", args=[round_.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("contracts:round_download", args=[other_round.pk])).status_code == 404
    response = client.post(
        reverse("contracts:portal_comment", args=[round_.pk]), {"body": "We accept clause 3"}
    )
    assert response.status_code == 302
    assert access.unrestricted(RoundComment).get().author == portal_user_a
    assert (
        client.post(
            reverse("contracts:portal_comment", args=[other_round.pk]), {"body": "x"}
        ).status_code
        == 404
    )
    # The back office is not theirs.
    assert client.get(reverse("contracts:detail", args=[mine.pk])).status_code == 404


def test_portal_compliance_checklist_and_upload(client, partner_a, portal_admin_a):
    req = requirement(name_en="Insurance", name_ko="보험증권", expires=True)
    login(client, portal_admin_a)
    page = client.get(reverse("contracts:portal_compliance")).content.decode()
    assert "Insurance" in page and "Missing" in page
    bad = client.post(
        reverse("contracts:portal_compliance_upload"),
        {
            "requirement": req.pk,
            "file": SimpleUploadedFile("a.exe", b"MZ"),
            "expires_on": "2099-01-01",
        },
    )
    assert bad.status_code == 400 and "not accepted" in bad.content.decode()
    ok = client.post(
        reverse("contracts:portal_compliance_upload"),
        {"requirement": req.pk, "file": pdf(), "expires_on": "2099-01-01"},
    )
    assert ok.status_code == 302
    page = client.get(reverse("contracts:portal_compliance")).content.decode()
    assert "Complete" in page


def test_compliance_list_filter_by_status(client, manager, partner_a, partner_b):
    registration = requirement()
    login(client, manager)
    services.compliance_submit(
        actor=manager, partner=partner_a, requirement=registration, upload=pdf()
    )
    missing = client.get(
        reverse("contracts:compliance_list"), {"status": "missing"}
    ).content.decode()
    assert "Bravo Logistics" in missing and "Alpha Systems" not in missing
    complete = client.get(
        reverse("contracts:compliance_list"), {"status": "complete"}
    ).content.decode()
    assert "Alpha Systems" in complete and "Bravo Logistics" not in complete
    page = client.get(reverse("contracts:compliance_partner", args=[partner_b.pk]))
    assert page.status_code == 200 and "Missing" in page.content.decode()


def test_api_crud_and_filters(manager, partner_a, partner_b, portal_user_a):
    api = api_client(manager)
    body = {
        "partner": partner_a.pk,
        "type": "sla",
        "title": "SLA 2026",
        "value": "12000000.00",
        "currency": "KRW",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "terms": [{"description": "Response within 4h", "metric": "response time", "target": "4h"}],
    }
    created = api.post("/api/v1/contracts", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["partner"] == partner_a.pk
    assert data["terms"][0]["target"] == "4h"
    bad = dict(body, end_date="2025-01-01")
    response = api.post("/api/v1/contracts", json.dumps(bad), content_type="application/json")
    assert response.status_code in (400, 422)
    assert "end date" in response.json()["detail"].lower() or "end_date" in json.dumps(
        response.json()
    )
    unknown = dict(body, bogus=1)
    assert (
        api.post(
            "/api/v1/contracts", json.dumps(unknown), content_type="application/json"
        ).status_code
        == 422
    )
    other = dict(body, partner=partner_b.pk)
    assert (
        api.post(
            "/api/v1/contracts", json.dumps(other), content_type="application/json"
        ).status_code
        == 403
    )
    cid = data["id"]
    patched = api.patch(
        f"/api/v1/contracts/{cid}",
        json.dumps({"title": "SLA 2026 v2"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["title"] == "SLA 2026 v2"
    listing = api.get("/api/v1/contracts", {"status": "draft", "partner": partner_a.pk}).json()
    assert listing["count"] == 1
    assert api.get("/api/v1/contracts", {"status": "active"}).json()["count"] == 0
    assert api.get("/api/v1/contracts", {"status": "bogus"}).status_code == 422
    portal = api_client(portal_user_a)
    assert portal.get(f"/api/v1/contracts/{cid}").status_code == 200
    assert portal.delete(f"/api/v1/contracts/{cid}").status_code in (403, 404)
    assert api.delete(f"/api/v1/contracts/{cid}").status_code == 204
    assert access.unrestricted(Contract).count() == 0
