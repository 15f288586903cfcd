"""Answers and timeouts: accept, decline, lapse, re-route, and what is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import subscribe
from prm.leads import services
from prm.leads.models import AssignmentResponse, Lead, LeadAssignment, LeadSource, LeadStatus
from prm.notifications.models import Notification
from tests.conftest import make_user


def _lead(actor, **fields):
    fields.setdefault("company_name", "Hanbit Soft")
    return services.lead_create(actor=actor, data=fields)


def _portal(partner):
    return make_user(Role.PARTNER_USER, partner)


def _assignments(lead):
    return list(access.unrestricted(LeadAssignment).filter(lead=lead).order_by("offered_at", "id"))


def _reload(lead):
    return access.unrestricted(Lead).get(pk=lead.pk)


def test_a_new_lead_is_offered_with_the_rules_answer_time(admin_user, active_partners, korea_rule):
    before = timezone.now()
    lead = _lead(admin_user)
    assert lead.status == LeadStatus.OFFERED
    assert lead.source == LeadSource.CREATED
    (assignment,) = _assignments(lead)
    assert assignment.response == AssignmentResponse.PENDING
    assert assignment.rule == korea_rule
    assert timedelta(hours=24) <= assignment.sla_due - before < timedelta(hours=24, minutes=1)
    assert lead.sla_due == assignment.sla_due


def test_the_partner_is_notified_and_the_event_emitted(
    admin_user, active_partners, korea_rule, django_capture_on_commit_callbacks, mailoutbox
):
    users = {p.pk: _portal(p) for p in active_partners}
    seen = []
    subscribe("lead.assigned")(lambda **payload: seen.append(payload))
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(admin_user)
    user = users[lead.partner_id]
    note = access.unrestricted(Notification).get(user=user)
    assert "Hanbit Soft" in note.title
    assert note.url == f"/leads/portal/{lead.pk}/"
    assert not access.unrestricted(Notification).exclude(user=user).exists()
    assert {"lead_id": lead.pk, "partner_id": lead.partner_id} in seen
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_accepting_in_time(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    user = _portal(lead.partner)
    services.lead_accept(actor=user, lead=lead)
    lead = _reload(lead)
    assert lead.status == LeadStatus.ACCEPTED
    (assignment,) = _assignments(lead)
    assert assignment.response == AssignmentResponse.ACCEPTED
    assert assignment.responded_by == user
    with pytest.raises(BusinessError) as exc:
        services.lead_accept(actor=user, lead=lead)
    assert exc.value.code == "not_offered"


def test_accepting_after_the_answer_time_is_refused_and_changes_nothing(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    access.unrestricted(Lead).filter(pk=lead.pk).update(
        sla_due=timezone.now() - timedelta(minutes=1)
    )
    user = _portal(lead.partner)
    with pytest.raises(BusinessError) as exc:
        services.lead_accept(actor=user, lead=lead)
    assert exc.value.code == "sla_expired"
    assert "time to answer" in str(exc.value.message)
    assert _reload(lead).status == LeadStatus.OFFERED
    assert _assignments(lead)[0].response == AssignmentResponse.PENDING


def test_a_declined_lead_goes_to_the_next_partner_and_never_back(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    first = lead.partner
    services.lead_decline(actor=_portal(first), lead=lead, reason="No capacity this quarter")
    lead = _reload(lead)
    assert lead.status == LeadStatus.OFFERED
    second = lead.partner
    assert second not in (None, first)
    services.lead_decline(actor=_portal(second), lead=lead, reason="Not our market")
    lead = _reload(lead)
    third = lead.partner
    assert third not in (None, first, second)
    services.lead_decline(actor=_portal(third), lead=lead, reason="Too small")
    lead = _reload(lead)
    # Everyone passed: nobody gets it, not even after a manual re-route.
    assert lead.status == LeadStatus.UNASSIGNED and lead.partner is None
    assert services.lead_route(actor=admin_user, lead=lead) is None
    responses = [(a.partner_id, a.response, a.reason) for a in _assignments(lead)]
    assert responses == [
        (first.pk, "declined", "No capacity this quarter"),
        (second.pk, "declined", "Not our market"),
        (third.pk, "declined", "Too small"),
    ]


def test_a_partner_that_declined_is_never_drawn_again_whatever_the_seed(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    declined = lead.partner
    services.lead_decline(actor=_portal(declined), lead=lead, reason="No")
    for seed in range(30):
        assignment = services.lead_route(actor=admin_user, lead=_reload(lead), seed=seed)
        assert assignment.partner_id != declined.pk


def test_declining_needs_a_reason(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    with pytest.raises(BusinessError) as exc:
        services.lead_decline(actor=_portal(lead.partner), lead=lead, reason="   ")
    assert exc.value.field == "reason"
    assert _reload(lead).partner == lead.partner
    assert _assignments(lead)[0].response == AssignmentResponse.PENDING


def test_an_unanswered_offer_lapses_and_the_lead_goes_to_the_next_partner(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    first = lead.partner
    other = _lead(admin_user, company_name="Still in time")
    access.unrestricted(Lead).filter(pk=lead.pk).update(
        sla_due=timezone.now() - timedelta(seconds=1)
    )
    call_command("lead_sla")
    lead = _reload(lead)
    assert lead.status == LeadStatus.OFFERED
    assert lead.partner not in (None, first)
    assert [a.response for a in _assignments(lead)] == ["expired", "pending"]
    assert _reload(other).status == LeadStatus.OFFERED
    assert len(_assignments(other)) == 1
    assert services.leads_expire_overdue() == 0


def test_the_task_runs_the_same_sweep(admin_user, active_partners, korea_rule):
    from prm.leads.tasks import expire_overdue_offers

    lead = _lead(admin_user)
    access.unrestricted(Lead).filter(pk=lead.pk).update(
        sla_due=timezone.now() - timedelta(seconds=1)
    )
    assert expire_overdue_offers.call() == 1


def test_a_manual_reroute_withdraws_the_pending_offer(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    services.lead_route(actor=admin_user, lead=lead)
    first, second = _assignments(lead)
    assert first.response == AssignmentResponse.WITHDRAWN
    assert second.response == AssignmentResponse.PENDING
    assert _reload(lead).partner_id == second.partner_id


def test_an_accepted_lead_is_not_routed_again(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    services.lead_accept(actor=_portal(lead.partner), lead=lead)
    with pytest.raises(BusinessError) as exc:
        services.lead_route(actor=admin_user, lead=lead)
    assert exc.value.status == 409


def test_another_partner_cannot_answer(admin_user, active_partners, korea_rule, portal_admin_b):
    lead = _lead(admin_user)
    with pytest.raises(Http404):
        services.lead_accept(actor=portal_admin_b, lead=lead)
    with pytest.raises(Http404):
        services.lead_decline(actor=portal_admin_b, lead=lead, reason="mine now")
    assert _reload(lead).status == LeadStatus.OFFERED


def test_the_analyst_and_portal_users_create_and_route_nothing(
    analyst, portal_admin_a, admin_user, active_partners, korea_rule
):
    for user in (analyst, portal_admin_a):
        with pytest.raises(PermissionDenied):
            services.lead_create(actor=user, data={"company_name": "X"})
    lead = _lead(admin_user)
    with pytest.raises(PermissionDenied):
        services.lead_route(actor=analyst, lead=lead)
    with pytest.raises(PermissionDenied):
        services.lead_accept(actor=analyst, lead=lead)


def test_a_manager_manages_unassigned_leads_and_those_of_own_partners(
    manager, admin_user, active_partners
):
    lead = services.lead_create(actor=manager, data={"company_name": "Unrouted"})
    assert lead.status == LeadStatus.UNASSIGNED
    services.lead_update(actor=manager, lead=lead, data={"notes": "Called twice"})
    assert _reload(lead).notes == "Called twice"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"company_name": "X", "estimated_value": Decimal("-1")}, "estimated_value"),
        ({"company_name": "X", "currency": "XYZ"}, "currency"),
        ({"company_name": "X", "country": "ZZ"}, "country"),
        ({"company_name": "X", "contact_email": "not-an-address"}, "contact_email"),
        ({"company_name": ""}, "company_name"),
        ({"company_name": "X", "estimated_value": Decimal("1e20")}, "estimated_value"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(admin_user, data, field):
    with pytest.raises(ValidationError) as exc:
        services.lead_create(actor=admin_user, data=data)
    assert field in exc.value.message_dict
    assert not access.unrestricted(Lead).exists()


def test_unknown_fields_are_refused(admin_user):
    with pytest.raises(BusinessError) as exc:
        services.lead_create(actor=admin_user, data={"company_name": "X", "status": "accepted"})
    assert exc.value.code == "unknown_field"


# Conversion into a deal registration -----------------------------------------------------


def test_an_accepted_lead_becomes_the_partners_deal_registration(
    admin_user, active_partners, korea_rule
):
    from prm.sales.models import Deal

    lead = _lead(
        admin_user,
        contact_name="Kim",
        contact_email="kim@hanbit.example",
        product_interest="ERP",
        estimated_value=Decimal("25000000"),
    )
    user = make_user(Role.PARTNER_ADMIN, lead.partner)
    services.lead_accept(actor=user, lead=lead)
    converted, deal = services.lead_convert(actor=user, lead=lead)
    assert converted.status == LeadStatus.CONVERTED
    assert converted.deal_id == deal.pk
    stored = access.unrestricted(Deal).get(pk=deal.pk)
    assert stored.partner_id == lead.partner_id
    assert stored.account.name == "Hanbit Soft"
    assert (stored.amount, stored.currency, stored.products) == (Decimal("25000000"), "KRW", "ERP")
    assert stored.contact_email == "kim@hanbit.example"
    with pytest.raises(BusinessError) as exc:
        services.lead_convert(actor=user, lead=lead)
    assert exc.value.code == "not_accepted"


def test_converting_an_offered_lead_accepts_it_in_the_same_step(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    converted, _deal = services.lead_convert(actor=_portal(lead.partner), lead=lead)
    assert converted.status == LeadStatus.CONVERTED
    assert _assignments(lead)[0].response == AssignmentResponse.ACCEPTED


def test_a_refused_registration_changes_nothing(admin_user, active_partners, korea_rule):
    from prm.sales.models import Deal

    lead = _lead(admin_user)
    # A lead for the partner's own company cannot become its deal.
    access.unrestricted(Lead).filter(pk=lead.pk).update(company_name=lead.partner.name)
    with pytest.raises(BusinessError) as exc:
        services.lead_convert(actor=_portal(lead.partner), lead=_reload(lead))
    assert exc.value.code == "own_company"
    assert _reload(lead).status == LeadStatus.OFFERED
    assert _assignments(lead)[0].response == AssignmentResponse.PENDING
    assert not access.unrestricted(Deal).exists()


def test_converting_after_the_answer_time_is_refused(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    access.unrestricted(Lead).filter(pk=lead.pk).update(
        sla_due=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(BusinessError) as exc:
        services.lead_convert(actor=_portal(lead.partner), lead=lead)
    assert exc.value.code == "sla_expired"
