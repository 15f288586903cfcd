"""Routing: which partners are eligible, the weighted draw, its fairness and its replay."""

from collections import Counter

import pytest

from prm.core import access
from prm.leads import routing, services
from prm.leads.models import Lead, LeadAssignment, LeadRoutingRule, LeadStatus
from tests.conftest import make_partner

SIMULATED = 10_000


def _lead(actor, **fields):
    fields.setdefault("company_name", "Hanbit Soft")
    fields.setdefault("country", "KR")
    return services.lead_create(actor=actor, data=fields)


# The pure draw ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weights",
    [
        {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0},
        {11: 5.0, 12: 3.0, 13: 2.0},
        {21: 0.5, 22: 9.5},
        {31: 1.0, 32: 2.0, 33: 3.0, 34: 4.0, 35: 10.0},
    ],
)
def test_each_partners_share_is_within_two_points_of_its_weight(weights):
    total = sum(weights.values())
    pairs = list(weights.items())
    drawn = Counter(routing.pick(pairs, seed) for seed in range(SIMULATED))
    for partner_id, weight in weights.items():
        share = drawn[partner_id] / SIMULATED
        assert abs(share - weight / total) <= 0.02, (partner_id, share, weight / total)


def test_a_seed_always_draws_the_same_partner_whatever_the_candidate_order():
    pairs = [(7, 1.0), (3, 2.0), (9, 0.5)]
    for seed in (0, 1, 42, 2**61):
        first = routing.pick(pairs, seed)
        assert routing.pick(list(reversed(pairs)), seed) == first
        assert routing.pick(pairs, seed) == first


def test_a_partner_with_weight_zero_is_never_drawn():
    drawn = {routing.pick([(1, 0.0), (2, 1.0)], seed) for seed in range(500)}
    assert drawn == {2}


def test_nobody_to_draw_from():
    assert routing.pick([], 5) is None


# Fairness with the configured weights, through the rule and the database ----------------


def test_configured_weights_give_the_shares_over_ten_thousand_simulated_leads(
    admin_user, active_partners, korea_rule
):
    one, two, three = active_partners
    korea_rule.weights = {str(one.pk): 6, str(two.pk): 3}
    korea_rule.default_weight = 1  # three gets the default
    korea_rule.save()
    lead = Lead(company_name="Simulated", country="KR")
    lead_plan = routing.plan(lead)
    assert lead_plan.rule == korea_rule
    pairs = [(c.partner_id, c.weight) for c in lead_plan.candidates]
    assert dict(pairs) == {one.pk: 6.0, two.pk: 3.0, three.pk: 1.0}
    drawn = Counter(routing.pick(pairs, routing.new_seed()) for _ in range(SIMULATED))
    for partner, expected in ((one, 0.6), (two, 0.3), (three, 0.1)):
        assert abs(drawn[partner.pk] / SIMULATED - expected) <= 0.02


# Replay ----------------------------------------------------------------------------------


def test_the_recorded_seed_replays_the_same_choice(admin_user, active_partners, korea_rule):
    for _ in range(5):
        lead = _lead(admin_user)
        assignment = access.unrestricted(LeadAssignment).get(lead=lead)
        assert assignment.seed
        assert routing.replay(assignment) == assignment.partner_id == lead.partner_id
        assert {c["partner"] for c in assignment.candidates} == {p.pk for p in active_partners}


def test_routing_again_with_the_same_seed_gives_the_same_partner(
    admin_user, active_partners, korea_rule
):
    first = _lead(admin_user)
    seed = access.unrestricted(LeadAssignment).get(lead=first).seed
    second = services.lead_create(
        actor=admin_user, data={"company_name": "Other", "country": "KR"}, route=False
    )
    assignment = services.lead_route(actor=admin_user, lead=second, seed=seed)
    assert assignment.partner_id == first.partner_id


# Who is eligible ------------------------------------------------------------------------


def test_the_explanation_says_why_that_partner(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user)
    assignment = access.unrestricted(LeadAssignment).get(lead=lead)
    assert "Korea" in assignment.explanation_text
    assert lead.partner.name in assignment.explanation_text.splitlines()[-1]
    for partner in active_partners:
        assert partner.name in assignment.explanation_text


def test_the_explanation_reads_in_the_readers_language_whoever_routed_the_lead(
    admin_user, active_partners, korea_rule
):
    from django.utils import translation

    with translation.override("ko"):
        lead = _lead(admin_user)
    assignment = access.unrestricted(LeadAssignment).get(lead=lead)
    with translation.override("en"):
        assert "was drawn by weighted random choice" in assignment.explanation_text
    with translation.override("ko"):
        assert "가중 무작위 추첨으로" in assignment.explanation_text
        assert "weighted random choice" not in assignment.explanation_text


def test_only_active_partners_of_the_rules_market_are_eligible(admin_user, active_partners):
    make_partner(name="Prospect", stage="prospect", region="Seoul")
    make_partner(name="Tokyo", stage="active", country="JP")
    LeadRoutingRule.objects.create(name="Seoul", order=1, regions=["seoul"])
    lead = _lead(admin_user, region="Seoul")
    names = {c["name"] for c in access.unrestricted(LeadAssignment).get(lead=lead).candidates}
    assert names == {"Seoul One", "Seoul Two"}


def test_a_lead_no_rule_covers_stays_unassigned(admin_user, active_partners, korea_rule):
    lead = _lead(admin_user, country="JP")
    assert lead.status == LeadStatus.UNASSIGNED
    assert lead.partner is None
    assert not access.unrestricted(LeadAssignment).filter(lead=lead).exists()


def test_partner_type_and_tier_conditions(admin_user, active_partners, tiers):
    gold = make_partner(name="Gold Dist", stage="active", types=["distributor"], tier=tiers["gold"])
    make_partner(name="Silver Dist", stage="active", types=["distributor"], tier=tiers["silver"])
    rule = LeadRoutingRule.objects.create(name="Gold distributors", order=1)
    rule.partner_types.set(["distributor"])
    rule.min_tier_rank = tiers["gold"].rank
    rule.save()
    lead = _lead(admin_user)
    assert lead.partner == gold


def test_a_partner_at_capacity_is_skipped_and_the_next_rule_decides(admin_user, active_partners):
    one, _two, three = active_partners
    LeadRoutingRule.objects.create(name="Busan only", order=1, regions=["Busan"], capacity=1)
    LeadRoutingRule.objects.create(
        name="Fallback", order=2, weights={str(one.pk): 1}, default_weight=0
    )
    first = _lead(admin_user, region="Busan")
    assert first.partner == three
    second = _lead(admin_user, region="Busan")
    assert second.partner == one  # Busan Three is full; the fallback gives weight only to one
    explanation = access.unrestricted(LeadAssignment).get(lead=second).explanation_text
    assert "Busan only" in explanation and "Fallback" in explanation


def test_inactive_rules_are_ignored(admin_user, active_partners, korea_rule):
    korea_rule.active = False
    korea_rule.save()
    assert _lead(admin_user).status == LeadStatus.UNASSIGNED


def test_a_long_candidate_list_is_summarised_but_stored_whole(admin_user, korea_rule):
    for n in range(14):
        make_partner(name=f"Many {n:02d}", stage="active")
    lead = _lead(admin_user)
    assignment = access.unrestricted(LeadAssignment).get(lead=lead)
    assert len(assignment.candidates) == 14
    assert (
        "and 4 more" in assignment.explanation_text or "and 3 more" in assignment.explanation_text
    )
    assert lead.partner.name in assignment.explanation_text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"countries": "KR"}, "countries"),
        ({"countries": [1, 2]}, "countries"),
        ({"regions": {"a": 1}}, "regions"),
        ({"weights": {"x": 1}}, "weights"),
        ({"weights": {"5": -1}}, "weights"),
        ({"weights": [1]}, "weights"),
    ],
)
def test_a_rule_with_bad_conditions_is_refused(db, fields, field):
    from django.core.exceptions import ValidationError

    rule = LeadRoutingRule(name="Bad", **fields)
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert field in exc.value.message_dict


def test_countries_are_stored_as_upper_case_codes(db):
    rule = LeadRoutingRule(name="Good", countries=[" kr ", "jp", ""])
    rule.full_clean()
    assert rule.countries == ["KR", "JP"]


# Lead priority of the tier ----------------------------------------------------------------


@pytest.fixture
def priorities(tiers):
    """Tier benefits as an admin sets them: gold before silver before registered."""
    from prm.tiers.models import TierBenefit

    for code, priority in (("registered", 0), ("silver", 1), ("gold", 2)):
        TierBenefit.objects.create(tier=tiers[code], lead_priority=priority)
    return tiers


def test_priority_beats_weight_in_the_pure_draw():
    candidates = [
        routing.Candidate(1, "Gold", 1.0, priority=2),
        routing.Candidate(2, "Silver big", 99.0, priority=1),
        routing.Candidate(3, "Silver small", 5.0, priority=1),
    ]
    drawn_from = routing.contenders(candidates)
    assert [c.partner_id for c in drawn_from] == [1]
    pairs = [(c.partner_id, c.weight) for c in drawn_from]
    assert {routing.pick(pairs, seed) for seed in range(1000)} == {1}


def test_a_high_priority_partner_of_weight_zero_holds_nobody_back():
    candidates = [
        routing.Candidate(1, "Gold, weight 0", 0.0, priority=2),
        routing.Candidate(2, "Silver", 1.0, priority=1),
        routing.Candidate(3, "Registered", 1.0, priority=0),
    ]
    assert [c.partner_id for c in routing.contenders(candidates)] == [2]


def test_the_weights_still_share_the_lead_within_the_highest_priority(
    admin_user, priorities, korea_rule
):
    gold_one = make_partner(name="Gold One", stage="active", tier=priorities["gold"])
    gold_two = make_partner(name="Gold Two", stage="active", tier=priorities["gold"])
    silver = make_partner(name="Silver", stage="active", tier=priorities["silver"])
    korea_rule.weights = {str(gold_one.pk): 3, str(gold_two.pk): 1, str(silver.pk): 50}
    korea_rule.save()
    lead_plan = routing.plan(Lead(company_name="Simulated", country="KR"))
    pairs = [(c.partner_id, c.weight) for c in routing.contenders(lead_plan.candidates)]
    drawn = Counter(routing.pick(pairs, routing.new_seed()) for _ in range(SIMULATED))
    assert drawn[silver.pk] == 0
    for partner, expected in ((gold_one, 0.75), (gold_two, 0.25)):
        assert abs(drawn[partner.pk] / SIMULATED - expected) <= 0.02


def test_the_partner_of_the_highest_priority_gets_the_lead_whatever_the_weights(
    admin_user, priorities, korea_rule
):
    gold = make_partner(name="Gold Reseller", stage="active", tier=priorities["gold"])
    silvers = [
        make_partner(name=f"Silver Reseller {n}", stage="active", tier=priorities["silver"])
        for n in range(3)
    ]
    korea_rule.weights = {str(gold.pk): 1, **{str(s.pk): 100 for s in silvers}}
    korea_rule.save()
    for _ in range(5):
        lead = _lead(admin_user)
        assert lead.partner == gold
        assignment = access.unrestricted(LeadAssignment).get(lead=lead)
        assert routing.replay(assignment) == gold.pk
        # Every eligible partner is stored with its priority, so staff see who was passed over.
        stored = {c["partner"]: c["priority"] for c in assignment.candidates}
        assert stored == {gold.pk: 2, **{s.pk: 1 for s in silvers}}
    lines = assignment.explanation_text.splitlines()
    assert (
        "only the partner of lead priority 2 took part in the draw." in assignment.explanation_text
    )
    assert "3 eligible partners of a lower lead priority were passed over." in lines
    assert "* Gold Reseller: lead priority 2, weight 1, chance 100.0%" in lines
    assert "* Silver Reseller 0: lead priority 1, weight 100, chance 0.0%" in lines
    assert lines[-1] == "Gold Reseller was drawn by weighted random choice (chance 100.0%)."


def test_the_rules_tier_condition_applies_before_the_priority(admin_user, priorities):
    """An admin may give a lower tier a higher priority; a partner below the rule's minimum
    tier is still not eligible, and the priority orders only the eligible ones."""
    from prm.tiers.models import TierBenefit

    TierBenefit.objects.filter(tier=priorities["registered"]).update(lead_priority=9)
    make_partner(name="Registered", stage="active", tier=priorities["registered"])
    gold = make_partner(name="Gold", stage="active", tier=priorities["gold"])
    make_partner(name="Silver", stage="active", tier=priorities["silver"])
    LeadRoutingRule.objects.create(
        name="Silver and up", order=1, min_tier_rank=priorities["silver"].rank
    )
    lead = _lead(admin_user)
    assert lead.partner == gold
    names = {c["name"] for c in access.unrestricted(LeadAssignment).get(lead=lead).candidates}
    assert names == {"Gold", "Silver"}


def test_the_next_priority_gets_the_lead_when_the_higher_one_is_full_or_declined(
    admin_user, priorities
):
    from prm.accounts.roles import Role
    from tests.conftest import make_user

    gold = make_partner(name="Gold", stage="active", tier=priorities["gold"])
    silver = make_partner(name="Silver", stage="active", tier=priorities["silver"])
    LeadRoutingRule.objects.create(name="Korea, one lead each", order=1, capacity=1)
    first = _lead(admin_user)
    assert first.partner == gold
    second = _lead(admin_user)
    assert second.partner == silver  # Gold is at capacity: it is not eligible
    services.lead_decline(
        actor=make_user(Role.PARTNER_ADMIN, gold), lead=first, reason="Not our market"
    )
    first = access.unrestricted(Lead).get(pk=first.pk)
    assert first.partner is None  # Silver is full too; Gold declined it and never gets it back


def test_a_partner_without_a_tier_benefit_has_priority_zero(admin_user, priorities, korea_rule):
    platinum = make_partner(
        name="Platinum, no benefit", stage="active", tier=priorities["platinum"]
    )
    untiered = make_partner(name="No tier", stage="active")
    silver = make_partner(name="Silver", stage="active", tier=priorities["silver"])
    by_partner = {c.partner_id: c.priority for c in routing.plan(Lead(country="KR")).candidates}
    assert by_partner == {platinum.pk: 0, untiered.pk: 0, silver.pk: 1}
    assert _lead(admin_user).partner == silver


def test_an_offer_recorded_without_priorities_replays_as_before(
    admin_user, active_partners, korea_rule
):
    lead = _lead(admin_user)
    assignment = access.unrestricted(LeadAssignment).get(lead=lead)
    for candidate in assignment.candidates:
        del candidate["priority"]
    assert routing.replay(assignment) == lead.partner_id
