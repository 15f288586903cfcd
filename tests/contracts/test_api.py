"""/api/v1/contracts: negotiation rounds, comments, acceptance, signing, renewal,
termination, and the compliance checklist and submissions."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prm.contracts.models import (
    ComplianceSubmission,
    Contract,
    NegotiationRound,
    RoundComment,
)
from prm.core import access
from tests.conftest import api_client
from tests.contracts.factories import make_contract, pdf, requirement

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _rounds(contract) -> int:
    return access.unrestricted(NegotiationRound).filter(contract=contract).count()


def test_negotiation_over_two_rounds_then_sign(manager, partner_a, portal_user_a):
    contract = make_contract(partner_a, owner=manager)
    staff = api_client(manager)
    portal = api_client(portal_user_a)
    url = f"/api/v1/contracts/{contract.pk}/rounds"

    first = staff.post(url, {"file": pdf("v1.pdf"), "summary": "First draft"})
    assert first.status_code == 201, first.content
    round1 = first.json()
    assert (round1["number"], round1["summary"], round1["filename"]) == (1, "First draft", "v1.pdf")
    assert round1["partner"] == partner_a.pk

    # The partner comments through its own token; staff answer.
    comment = _post(portal, f"/api/v1/contracts/rounds/{round1['id']}/comments", {"body": "§4?"})
    assert comment.status_code == 201 and comment.json()["from_partner"] is True
    assert (
        _post(staff, f"/api/v1/contracts/rounds/{round1['id']}/comments", {"body": "OK"}).json()[
            "from_partner"
        ]
        is False
    )

    round2 = staff.post(url, {"file": pdf("v2.pdf"), "summary": "§4 changed"}).json()
    assert round2["number"] == 2
    # Round 1 was superseded: no more comments, no acceptance.
    late = _post(portal, f"/api/v1/contracts/rounds/{round1['id']}/comments", {"body": "late"})
    assert late.status_code == 400
    assert _post(staff, f"/api/v1/contracts/rounds/{round1['id']}/accept").status_code == 400
    # The partner may not accept (it reads the round, but changes nothing).
    assert _post(portal, f"/api/v1/contracts/rounds/{round2['id']}/accept").status_code == 403

    listing = portal.get(url).json()
    assert [r["number"] for r in listing] == [1, 2]
    assert [c["body"] for c in listing[0]["comments"]] == ["§4?", "OK"]
    assert api_client(manager).get(url).json()[1]["accepted_at"] is None

    accepted = _post(staff, f"/api/v1/contracts/rounds/{round2['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["accepted_at"]

    today = timezone.localdate()
    signed = _post(
        staff,
        f"/api/v1/contracts/{contract.pk}/sign",
        {"signed_on": today.isoformat(), "signatories": ["김민수 대표", "Jane Roe, CEO"]},
    )
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["signed_on"] == today.isoformat()
    assert body["signatories"] == ["김민수 대표", "Jane Roe, CEO"]
    # Negotiation is closed now.
    assert staff.post(url, {"file": pdf("v3.pdf")}).status_code == 400
    assert _rounds(contract) == 2


def test_round_upload_refuses_a_forbidden_type_and_unknown_fields(manager, partner_a):
    contract = make_contract(partner_a, owner=manager)
    staff = api_client(manager)
    url = f"/api/v1/contracts/{contract.pk}/rounds"
    exe = SimpleUploadedFile("contract.exe", b"MZ\x90\x00binary", content_type="application/pdf")
    response = staff.post(url, {"file": exe})
    assert response.status_code == 400
    assert "not accepted" in response.json()["detail"]
    assert staff.post(url, {"file": pdf(), "colour": "red"}).status_code == 422
    assert staff.post(url, {"summary": "no file"}).status_code == 422
    assert _rounds(contract) == 0


def test_sign_needs_an_accepted_version_and_signatories(manager, partner_a):
    contract = make_contract(partner_a, owner=manager)
    staff = api_client(manager)
    staff.post(f"/api/v1/contracts/{contract.pk}/rounds", {"file": pdf()})
    today = timezone.localdate().isoformat()
    url = f"/api/v1/contracts/{contract.pk}/sign"
    refused = _post(staff, url, {"signed_on": today, "signatories": ["A"]})
    assert refused.status_code == 400 and "Accept a version" in refused.json()["detail"]
    assert _post(staff, url, {"signed_on": today, "signatories": []}).status_code == 422
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bare = make_contract(partner_a, owner=manager, title="No rounds")
    later = _post(
        staff, f"/api/v1/contracts/{bare.pk}/sign", {"signed_on": future, "signatories": ["A"]}
    )
    assert later.status_code == 400 and later.json()["field"] == "signed_on"
    contract.refresh_from_db()
    bare.refresh_from_db()
    assert contract.signed_on is None and bare.signed_on is None


def test_renew_creates_a_linked_successor_once(manager, partner_a):
    contract = make_contract(
        partner_a,
        owner=manager,
        signed_on=date(2026, 1, 1),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        renewal_term_months=12,
    )
    staff = api_client(manager)
    url = f"/api/v1/contracts/{contract.pk}/renew"
    response = _post(staff, url, {"title": "Reseller agreement 2027"})
    assert response.status_code == 201, response.content
    successor = response.json()
    assert successor["predecessor"] == contract.pk
    assert (successor["start_date"], successor["end_date"]) == ("2027-01-01", "2027-12-31")
    assert successor["title"] == "Reseller agreement 2027"
    assert successor["status"] == "draft"
    again = _post(staff, url)
    assert again.status_code == 409
    assert access.unrestricted(Contract).filter(predecessor=contract).count() == 1


def test_renewal_of_a_terminated_contract_is_refused(manager, partner_a):
    contract = make_contract(partner_a, owner=manager, signed_on=date(2026, 1, 1))
    staff = api_client(manager)
    missing_reason = _post(staff, f"/api/v1/contracts/{contract.pk}/terminate", {"reason": ""})
    assert missing_reason.status_code == 422
    terminated = _post(
        staff,
        f"/api/v1/contracts/{contract.pk}/terminate",
        {"reason": "Breach of §7", "terminated_on": "2026-06-30"},
    )
    assert terminated.status_code == 200
    assert terminated.json()["terminated_on"] == "2026-06-30"
    assert terminated.json()["termination_reason"] == "Breach of §7"
    renewal = _post(staff, f"/api/v1/contracts/{contract.pk}/renew")
    assert renewal.status_code == 409
    assert "terminated contract cannot be renewed" in renewal.json()["detail"]
    assert access.unrestricted(Contract).filter(partner=partner_a).count() == 1


def test_end_before_start_is_refused_by_the_api(manager, partner_a):
    staff = api_client(manager)
    body = {
        "partner": partner_a.pk,
        "type": "nda",
        "title": "Backwards",
        "start_date": "2026-05-01",
        "end_date": "2026-04-30",
    }
    response = _post(staff, "/api/v1/contracts", body)
    assert response.status_code == 422
    assert response.json()["errors"]["end_date"] == [
        "The end date must not precede the start date."
    ]
    assert not access.unrestricted(Contract).filter(title="Backwards").exists()


def test_portal_users_never_reach_another_partners_contract(
    manager, partner_a, partner_b, portal_admin_a
):
    theirs = make_contract(partner_b, title="Bravo secret")
    round_ = NegotiationRound.objects.create(
        contract=theirs, number=1, filename="x.pdf", content_type="application/pdf", size=1
    )
    portal = api_client(portal_admin_a)
    assert portal.get(f"/api/v1/contracts/{theirs.pk}/rounds").status_code == 404
    assert portal.post(f"/api/v1/contracts/{theirs.pk}/rounds", {"file": pdf()}).status_code in (
        403,
        404,
    )
    assert (
        _post(portal, f"/api/v1/contracts/rounds/{round_.pk}/comments", {"body": "hi"}).status_code
        == 404
    )
    for action, body in (
        ("sign", {"signed_on": "2026-01-01", "signatories": ["X"]}),
        ("renew", {}),
        ("terminate", {"reason": "x"}),
    ):
        assert _post(portal, f"/api/v1/contracts/{theirs.pk}/{action}", body).status_code == 404
    assert not access.unrestricted(RoundComment).exists()


def test_compliance_checklist_and_submission(manager, partner_a, partner_b, portal_admin_a):
    insurance = requirement(name_en="Insurance", name_ko="보험증권", expires=True)
    registration = requirement()
    staff = api_client(manager)
    response = staff.get("/api/v1/contracts/compliance", {"partner": partner_a.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "missing"
    assert {i["name"]: i["status"] for i in body["items"]} == {
        "Business registration certificate": "missing",
        "Insurance": "missing",
    }
    assert staff.get("/api/v1/contracts/compliance").status_code == 400

    portal = api_client(portal_admin_a)
    # Expiring documents need their expiry date; nothing is stored without it.
    undated = portal.post(
        "/api/v1/contracts/compliance/submissions",
        {"partner": partner_a.pk, "requirement": insurance.pk, "file": pdf()},
    )
    assert undated.status_code == 400 and undated.json()["field"] == "expires_on"
    exe = SimpleUploadedFile("policy.exe", b"MZ\x90\x00", content_type="application/pdf")
    forbidden = portal.post(
        "/api/v1/contracts/compliance/submissions",
        {
            "partner": partner_a.pk,
            "requirement": insurance.pk,
            "file": exe,
            "expires_on": "2099-01-01",
        },
    )
    assert forbidden.status_code == 400
    assert not access.unrestricted(ComplianceSubmission).exists()

    created = portal.post(
        "/api/v1/contracts/compliance/submissions",
        {
            "partner": partner_a.pk,
            "requirement": insurance.pk,
            "file": pdf("policy.pdf"),
            "expires_on": "2099-01-01",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["partner"] == partner_a.pk
    assert created.json()["filename"] == "policy.pdf"
    staff.post(
        "/api/v1/contracts/compliance/submissions",
        {"partner": partner_a.pk, "requirement": registration.pk, "file": pdf()},
    )
    own = portal.get("/api/v1/contracts/compliance").json()
    assert own["partner"] == partner_a.pk and own["status"] == "complete"
    # The partner list's filter sees the new status at once.
    listed = staff.get("/api/v1/partners", {"compliance": "complete"}).json()
    assert [p["name"] for p in listed["items"]] == ["Alpha Systems"]

    # Partner B's checklist and uploads are out of A's reach (404, nothing stored).
    assert portal.get("/api/v1/contracts/compliance", {"partner": partner_b.pk}).status_code == 404
    other = portal.post(
        "/api/v1/contracts/compliance/submissions",
        {"partner": partner_b.pk, "requirement": registration.pk, "file": pdf()},
    )
    assert other.status_code == 404
    assert not access.unrestricted(ComplianceSubmission).filter(partner=partner_b).exists()
