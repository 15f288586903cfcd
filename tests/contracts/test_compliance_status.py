"""The stored compliance status: kept fresh by submissions, requirements, partner types and
the daily job; shown on the partner's page; filtered in the partner list, its API and its
export through the one PartnerFilter."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prm.contracts import alerts, compliance, services
from prm.contracts.models import ComplianceStatus, ComplianceSubmission, PartnerCompliance
from prm.core import access
from prm.partners import services as partner_services
from tests.conftest import api_client, login, make_partner
from tests.contracts.factories import pdf, requirement

pytestmark = pytest.mark.django_db


def stored(partner) -> PartnerCompliance:
    return access.unrestricted(PartnerCompliance).get(partner=partner)


def test_status_follows_requirements_submissions_and_types(manager, partner_a):
    assert stored(partner_a).status == ComplianceStatus.COMPLETE  # nothing required yet
    registration = requirement()
    row = stored(partner_a)
    assert (row.status, row.required, row.missing) == ("missing", 1, 0 + 1)
    services.compliance_submit(
        actor=manager, partner=partner_a, requirement=registration, upload=pdf()
    )
    assert stored(partner_a).status == ComplianceStatus.COMPLETE
    # A new type brings its own requirements.
    requirement("supplier", name_en="ISO 9001 certificate", name_ko="ISO 9001 인증서")
    partner_services.partner_update(
        actor=manager, partner=partner_a, data={}, types=["reseller", "supplier"]
    )
    row = stored(partner_a)
    assert (row.status, row.required, row.missing) == ("missing", 2, 1)


def test_daily_job_moves_documents_to_expiring_then_expired(manager, partner_a):
    insurance = requirement(name_en="Insurance", name_ko="보험증권", expires=True, warning_days=30)
    today = timezone.localdate()
    services.compliance_submit(
        actor=manager,
        partner=partner_a,
        requirement=insurance,
        upload=pdf(),
        expires_on=today + timedelta(days=60),
    )
    assert stored(partner_a).status == ComplianceStatus.COMPLETE
    alerts.run_all(today + timedelta(days=40))
    row = stored(partner_a)
    assert (row.status, row.expiring) == ("expiring", 1)
    alerts.run_all(today + timedelta(days=61))
    row = stored(partner_a)
    assert (row.status, row.expired, row.computed_on) == (
        "expired",
        1,
        today + timedelta(days=61),
    )


def test_deleting_the_document_makes_it_missing_again(
    manager, partner_a, django_capture_on_commit_callbacks
):
    registration = requirement()
    submission = services.compliance_submit(
        actor=manager, partner=partner_a, requirement=registration, upload=pdf()
    )
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.document_delete(actor=manager, document=submission.document)
    assert stored(partner_a).status == ComplianceStatus.MISSING


def _names(response) -> list[str]:
    return [p["name"] for p in response.json()["items"]]


def test_partner_list_page_api_and_export_filter_on_compliance(
    client, manager, partner_a, partner_b
):
    insurance = requirement(name_en="Insurance", name_ko="보험증권", expires=True)
    today = timezone.localdate()
    services.compliance_submit(
        actor=manager,
        partner=partner_a,
        requirement=insurance,
        upload=pdf(),
        expires_on=today + timedelta(days=10),
    )
    carol = make_partner(name="Carol Trading", types=["supplier"])  # nothing required
    alerts.run_all(today)

    login(client, manager)
    page = client.get(reverse("partners:list"), {"compliance": "expiring"}).content.decode()
    assert "Alpha Systems" in page and "Bravo Logistics" not in page
    assert 'name="compliance" value="expiring"' in page  # the filter is in the panel

    api = api_client(manager)
    assert _names(api.get("/api/v1/partners", {"compliance": "missing"})) == ["Bravo Logistics"]
    assert _names(api.get("/api/v1/partners", {"compliance": "complete"})) == [carol.name]
    both = api.get("/api/v1/partners", {"compliance": ["missing", "expiring"]})
    assert _names(both) == ["Alpha Systems", "Bravo Logistics"]
    assert api.get("/api/v1/partners", {"compliance": "bogus"}).status_code == 422

    export = client.get(
        reverse("imports:export", args=["partners"]), {"compliance": "missing", "format": "csv"}
    )
    text = b"".join(export.streaming_content if export.streaming else [export.content]).decode(
        "utf-8-sig"
    )
    assert "Bravo Logistics" in text and "Alpha Systems" not in text


def test_compliance_filter_query_count_does_not_grow(client, manager, partner_a, partner_b):
    requirement()
    login(client, manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("partners:list"), {"compliance": "missing"}).status_code == 200
            )
        return len(queries)

    few = count()
    for n in range(8):
        make_partner(name=f"More {n}")
    assert count() == few


def test_partner_page_shows_compliance_with_link(client, manager, partner_a):
    requirement()
    requirement(name_en="Insurance", name_ko="보험증권", expires=True)
    login(client, manager)
    page = client.get(partner_a.get_absolute_url()).content.decode()
    card = page[page.index('data-testid="compliance-summary"') :]
    card = card[: card.index("</div></div>")]
    assert "Missing" in card
    assert "0 of 2 required documents in order" in card
    assert "Insurance" in card
    assert reverse("contracts:compliance_partner", args=[partner_a.pk]) in card


def test_portal_users_see_only_their_own_stored_status(partner_a, partner_b, portal_admin_a):
    requirement()
    rows = access.scope(portal_admin_a, PartnerCompliance)
    assert [r.partner_id for r in rows] == [partner_a.pk]


def test_refresh_of_every_partner_in_fixed_queries(partner_a, partner_b):
    requirement()
    for n in range(5):
        make_partner(name=f"Extra {n}")
    access.unrestricted(PartnerCompliance).delete()
    with CaptureQueriesContext(connection) as queries:
        written = compliance.refresh(None)
    assert written == 7
    assert len(queries) <= 10
    assert access.unrestricted(PartnerCompliance).filter(status="missing").count() == 7


def test_compliance_documents_export_lists_each_submission_with_its_status(
    client, admin_user, manager, portal_admin_b, partner_a, partner_b
):
    insurance = requirement(name_en="Insurance", name_ko="보험증권", expires=True)
    today = timezone.localdate()
    for partner in (partner_a, partner_b):
        services.compliance_submit(
            actor=admin_user,
            partner=partner,
            requirement=insurance,
            upload=pdf(),
            expires_on=today + timedelta(days=400),
        )
    # Time passes: Alpha's insurance ran out yesterday.
    access.unrestricted(ComplianceSubmission).filter(partner=partner_a).update(
        expires_on=today - timedelta(days=1)
    )

    def export(user) -> list[str]:
        login(client, user)
        response = client.get(
            reverse("imports:export", args=["compliance-documents"]), {"format": "csv"}
        )
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return content.decode("utf-8-sig").splitlines()

    staff_rows = export(manager)
    assert len(staff_rows) == 3  # the header and one row per submission
    alpha = next(row for row in staff_rows if "Alpha Systems" in row)
    assert "Insurance" in alpha and "Expired" in alpha
    assert (today - timedelta(days=1)).isoformat() in alpha
    bravo = next(row for row in staff_rows if "Bravo Logistics" in row)
    assert "Complete" in bravo

    portal_rows = export(portal_admin_b)
    assert len(portal_rows) == 2 and "Bravo Logistics" in portal_rows[1]
