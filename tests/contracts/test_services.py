"""Contract lifecycle through the services: create, negotiate, sign, renew, terminate."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prm.contracts import services
from prm.contracts.models import Contract, NegotiationRound, RoundComment
from prm.contracts.status import Status
from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import subscribe
from tests.contracts.factories import contract_type, make_contract, pdf

pytestmark = pytest.mark.django_db


def data(**overrides):
    values = {
        "type": contract_type("nda"),
        "title": "NDA",
        "value": 0,
        "currency": "KRW",
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 12, 31),
        "notice_days": 30,
    }
    values.update(overrides)
    return values


def count() -> int:
    return access.unrestricted(Contract).count()


def test_create_owner_defaults_to_manager(manager, partner_a):
    contract = services.contract_create(actor=manager, partner=partner_a, data=data())
    assert contract.owner == manager
    assert contract.status_on(date(2026, 2, 1)) == Status.DRAFT


def test_end_before_start_is_refused_and_nothing_saved(manager, partner_a):
    with pytest.raises(ValidationError) as exc:
        services.contract_create(
            actor=manager,
            partner=partner_a,
            data=data(start_date=date(2026, 5, 1), end_date=date(2026, 4, 30)),
        )
    assert "The end date must not precede the start date." in exc.value.message_dict["end_date"]
    assert count() == 0


def test_manager_cannot_add_to_a_partner_he_does_not_own(manager, partner_b):
    with pytest.raises(PermissionDenied):
        services.contract_create(actor=manager, partner=partner_b, data=data())
    assert count() == 0


def test_negotiation_two_rounds_comments_accept_and_sign(
    manager, partner_a, portal_user_a, django_capture_on_commit_callbacks, mailoutbox
):
    signed = []
    subscribe("contract.signed")(lambda **ids: signed.append(ids))
    contract = make_contract(partner_a, owner=manager)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.round_add(actor=manager, contract=contract, upload=pdf(), summary="v1")
    assert contract.status_on(date(2026, 2, 1)) == Status.NEGOTIATING
    assert [m.to for m in mailoutbox] == [[portal_user_a.email]]
    services.comment_add(actor=portal_user_a, round=first, body="Clause 4 is too strict")
    second = services.round_add(actor=manager, contract=contract, upload=pdf("v2.pdf"))
    assert second.number == 2
    with pytest.raises(BusinessError, match="superseded"):
        services.comment_add(actor=portal_user_a, round=first, body="late")
    with pytest.raises(BusinessError, match="Accept a version"):
        services.contract_sign(
            actor=manager, contract=contract, signed_on=date(2025, 12, 1), signatories=["A"]
        )
    services.round_accept(actor=manager, round=second)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_sign(
            actor=manager,
            contract=contract,
            signed_on=date(2025, 12, 1),
            signatories=["Kim Minsu, CEO, Alpha", " ", "Lee, Head of Partners, us"],
        )
    contract.refresh_from_db()
    assert contract.signatories == ["Kim Minsu, CEO, Alpha", "Lee, Head of Partners, us"]
    assert contract.status_on(date(2025, 12, 31)) == Status.SIGNED
    assert signed == [{"contract_id": contract.pk, "partner_id": partner_a.pk}]
    with pytest.raises(BusinessError, match="negotiation is closed"):
        services.round_add(actor=manager, contract=contract, upload=pdf("v3.pdf"))
    assert access.unrestricted(RoundComment).count() == 1


def test_forbidden_upload_type_changes_nothing(manager, partner_a):
    contract = make_contract(partner_a)
    upload = SimpleUploadedFile("macro.exe", b"MZ\x90\x00", content_type="application/x-msdos")
    with pytest.raises(BusinessError, match=r"Files of type \.exe are not accepted"):
        services.round_add(actor=manager, contract=contract, upload=upload)
    fake = SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(BusinessError, match="does not match"):
        services.round_add(actor=manager, contract=contract, upload=fake)
    assert access.unrestricted(NegotiationRound).count() == 0


def test_portal_user_cannot_add_rounds_or_sign(portal_admin_a, partner_a):
    contract = make_contract(partner_a)
    with pytest.raises(PermissionDenied):
        services.round_add(actor=portal_admin_a, contract=contract, upload=pdf())
    with pytest.raises(PermissionDenied):
        services.contract_sign(
            actor=portal_admin_a, contract=contract, signed_on=date(2026, 1, 1), signatories=["x"]
        )


def test_renewal_chain(manager, partner_a):
    first = make_contract(
        partner_a,
        start_date=date(2024, 2, 29),
        end_date=date(2025, 2, 28),
        signed_on=date(2024, 2, 1),
        renewal_term_months=12,
    )
    services.term_add(actor=manager, contract=first, data={"description": "99.9% uptime"})
    second = services.contract_renew(actor=manager, contract=first)
    assert (second.start_date, second.end_date) == (date(2025, 3, 1), date(2026, 2, 28))
    assert second.predecessor == first
    assert [t.description for t in second.terms.all()] == ["99.9% uptime"]
    assert second.status_on(date(2025, 3, 1)) == Status.DRAFT
    first = Contract._base_manager.get(pk=first.pk)
    assert first.status_on(date(2025, 3, 1)) == Status.RENEWED
    with pytest.raises(BusinessError, match="already renewed"):
        services.contract_renew(actor=manager, contract=first)
    with pytest.raises(BusinessError, match="Only a signed contract"):
        services.contract_renew(actor=manager, contract=second)
    second.signed_on = date(2025, 2, 1)
    second.save()
    third = services.contract_renew(actor=manager, contract=second)
    assert third.predecessor == second and third.start_date == date(2026, 3, 1)


def test_renewal_of_terminated_contract_is_refused(manager, partner_a):
    contract = make_contract(partner_a, signed_on=date(2025, 12, 1))
    services.contract_terminate(actor=manager, contract=contract, reason="Partner exited")
    before = count()
    with pytest.raises(BusinessError) as exc:
        services.contract_renew(actor=manager, contract=contract)
    assert str(exc.value.message) == "A terminated contract cannot be renewed."
    assert exc.value.status == 409
    assert count() == before


def test_terminate_records_reason_and_date(manager, partner_a):
    contract = make_contract(partner_a, signed_on=date(2025, 12, 1))
    with pytest.raises(BusinessError, match="reason"):
        services.contract_terminate(actor=manager, contract=contract, reason="  ")
    services.contract_terminate(
        actor=manager, contract=contract, reason="Breach of SLA", terminated_on=date(2026, 6, 1)
    )
    contract.refresh_from_db()
    assert contract.termination_reason == "Breach of SLA"
    assert contract.status_on(date(2026, 6, 1)) == Status.TERMINATED
    with pytest.raises(BusinessError, match="already terminated"):
        services.contract_terminate(actor=manager, contract=contract, reason="again")


def test_only_drafts_are_deleted(manager, partner_a):
    draft = make_contract(partner_a)
    services.contract_delete(actor=manager, contract=draft)
    assert count() == 0
    signed = make_contract(partner_a, signed_on=date(2025, 12, 1))
    with pytest.raises(BusinessError, match="Only a draft"):
        services.contract_delete(actor=manager, contract=signed)
    assert count() == 1


def test_signed_contract_keeps_its_dates(manager, partner_a):
    contract = make_contract(partner_a, signed_on=date(2025, 12, 1))
    with pytest.raises(BusinessError, match="signed with"):
        services.contract_update(
            actor=manager, contract=contract, data={"end_date": date(2030, 1, 1)}
        )
    services.contract_update(actor=manager, contract=contract, data={"notes": "ok"})


def test_signing_date_in_future_refused(manager, partner_a):
    contract = make_contract(partner_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(BusinessError, match="future"):
        services.contract_sign(
            actor=manager, contract=contract, signed_on=tomorrow, signatories=["A"]
        )
    contract.refresh_from_db()
    assert contract.signed_on is None
