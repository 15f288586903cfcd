"""Generating statements, approving them, and carrying corrections into the next one."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from prm.commissions import engine, services
from prm.commissions.models import (
    CommissionRule,
    CommissionStatement,
    LineKind,
    StatementLine,
    StatementStatus,
)
from prm.core import access
from prm.core.errors import BusinessError
from prm.notifications.models import Notification
from prm.sales.models import PipelineStage
from tests.commissions.conftest import make_deal, make_rule, seoul

OCT = engine.parse_period("2026-10")
NOV = engine.parse_period("2026-11")


def statements(partner=None):
    rows = access.unrestricted(CommissionStatement).order_by("period_start", "id")
    return list(rows.filter(partner=partner) if partner else rows)


def lines(statement):
    return list(access.unrestricted(StatementLine).filter(statement=statement).order_by("id"))


@pytest.fixture
def oct_statement(partner_a, base_rule):
    make_deal(partner_a, "1000000", seoul(2026, 10, 5, 12))
    make_deal(partner_a, "2345679", seoul(2026, 10, 20, 9))
    services.statements_generate(actor=None, period=OCT)
    return statements(partner_a)[0]


def test_a_percentage_rule_pays_each_won_deal_in_the_period(oct_statement, partner_a):
    rows = lines(oct_statement)
    assert [r.deal_amount for r in rows] == [Decimal("1000000"), Decimal("2345679")]
    # 5% of 2,345,679 = 117,283.95 → 117,284 (KRW has no minor unit, half up)
    assert [r.amount for r in rows] == [Decimal("50000"), Decimal("117284")]
    assert all(r.rule_name == "Base" and r.rate == Decimal(5) for r in rows)
    assert oct_statement.total == Decimal("167284")
    assert oct_statement.status == StatementStatus.DRAFT
    assert oct_statement.period_label == "2026-10"


def test_usd_amounts_round_half_up_to_cents(partner_a):
    make_rule("USD", rate="2.5", currency="USD")
    make_deal(partner_a, "10.10", seoul(2026, 10, 5), currency="USD")  # 0.2525 → 0.25
    make_deal(partner_a, "10.50", seoul(2026, 10, 6), currency="USD")  # 0.2625 → 0.26
    make_deal(partner_a, "0.50", seoul(2026, 10, 7), currency="USD")  # 0.0125 → 0.01
    services.statements_generate(actor=None, period=OCT)
    (statement,) = statements(partner_a)
    assert statement.currency == "USD"
    assert [r.amount for r in lines(statement)] == [
        Decimal("0.25"),
        Decimal("0.26"),
        Decimal("0.01"),
    ]
    assert statement.total == Decimal("0.52")


def test_the_period_follows_the_seoul_calendar(partner_a, base_rule):
    inside_first = make_deal(partner_a, "100", seoul(2026, 10, 1, 0, 0), title="first minute")
    inside_last = make_deal(partner_a, "100", seoul(2026, 10, 31, 23, 59), title="last minute")
    make_deal(partner_a, "100", seoul(2026, 9, 30, 23, 59), title="September")
    make_deal(partner_a, "100", seoul(2026, 11, 1, 0, 0), title="November")
    services.statements_generate(actor=None, period=OCT)
    (statement,) = statements(partner_a)
    assert {r.deal_id for r in lines(statement)} == {inside_first.pk, inside_last.pk}
    # 2026-10-01 00:00 in Seoul is still September in UTC, and the last minute is November.
    assert inside_first.won_at.astimezone(engine.SEOUL).month == 10


def test_deals_not_won_are_not_paid(partner_a, base_rule):
    make_deal(partner_a, "100", None)
    result = services.statements_generate(actor=None, period=OCT)
    assert result.created == [] and statements() == []


def test_tiered_marginal_brackets_over_the_period_total(partner_a):
    make_rule(
        "Volume",
        brackets=[("0", "10000000", "1"), ("10000000", None, "3")],
        mode="marginal",
    )
    make_deal(partner_a, "6000000", seoul(2026, 10, 3))
    make_deal(partner_a, "9000000", seoul(2026, 10, 4))
    services.statements_generate(actor=None, period=OCT)
    (statement,) = statements(partner_a)
    # total 15,000,000: 10,000,000 x 1% + 5,000,000 x 3% = 100,000 + 150,000
    assert statement.total == Decimal("250000")
    rows = lines(statement)
    assert [r.amount for r in rows] == [Decimal("100000"), Decimal("150000")]
    assert all(r.rate == Decimal("1.6667") for r in rows)


def test_tiered_whole_total_brackets(partner_a):
    make_rule(
        "Volume",
        brackets=[("0", "10000000", "1"), ("10000000", None, "3")],
        mode="whole",
    )
    make_deal(partner_a, "6000000", seoul(2026, 10, 3))
    make_deal(partner_a, "9000000", seoul(2026, 10, 4))
    services.statements_generate(actor=None, period=OCT)
    (statement,) = statements(partner_a)
    assert statement.total == Decimal("450000")  # all 15,000,000 at 3%


def test_the_most_specific_rule_decides_each_deal(partner_a, tiers):
    partner_a.tier = tiers["gold"]
    partner_a.save()
    make_rule("Everyone", rate="1")
    make_rule("Resellers", rate="2", partner_type="reseller")
    make_rule("Gold", rate="3", tier=tiers["gold"])
    from prm.sales.models import ProductCategory

    make_rule("Software", rate="4", product_category=ProductCategory.objects.get(code="software"))
    make_rule("Alpha only", rate="9", partner=partner_a, effective_from=seoul(2026, 11, 1).date())
    make_deal(partner_a, "1000", seoul(2026, 10, 3), category="hardware")
    make_deal(partner_a, "1000", seoul(2026, 10, 4), category="software")
    services.statements_generate(actor=None, period=OCT)
    rows = lines(statements(partner_a)[0])
    # Gold (tier) beats Resellers (type) and Everyone; the category rule beats the tier
    # rule; the partner's own rule is not yet in effect in October.
    assert [(r.rule_name, r.amount) for r in rows] == [
        ("Gold", Decimal(30)),
        ("Software", Decimal(40)),
    ]


def test_a_deal_without_a_rule_is_listed_at_zero(partner_a):
    make_deal(partner_a, "1000", seoul(2026, 10, 3))
    services.statements_generate(actor=None, period=OCT)
    (row,) = lines(statements(partner_a)[0])
    assert row.amount == 0 and row.rule_id is None and "No commission rule" in row.note


def test_regenerating_a_draft_rebuilds_it(oct_statement, partner_a):
    make_deal(partner_a, "100000", seoul(2026, 10, 25))
    result = services.statements_generate(actor=None, period=OCT)
    assert [s.pk for s in result.updated] == [oct_statement.pk]
    oct_statement.refresh_from_db()
    assert len(lines(oct_statement)) == 3
    assert oct_statement.total == Decimal("172284")


def test_approval_freezes_the_statement_and_notifies_the_partner(
    oct_statement,
    partner_a,
    manager,
    portal_user_a,
    portal_admin_b,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_approve(actor=manager, statement=oct_statement)
    oct_statement.refresh_from_db()
    assert oct_statement.status == StatementStatus.APPROVED
    assert oct_statement.approved_by == manager
    notes = access.unrestricted(Notification).filter(user=portal_user_a)
    assert [n.title for n in notes] == ["Your commission statement for 2026-10 is ready"]
    assert not access.unrestricted(Notification).filter(user=portal_admin_b).exists()
    assert portal_user_a.email in [m.to[0] for m in mail.outbox]

    # A new deal and a changed rule leave the approved statement alone.
    make_deal(partner_a, "999999", seoul(2026, 10, 26))
    result = services.statements_generate(actor=None, period=OCT)
    assert [s.pk for s in result.frozen] == [oct_statement.pk]
    oct_statement.refresh_from_db()
    assert oct_statement.total == Decimal("167284")
    assert len(lines(oct_statement)) == 2


def test_a_statement_is_approved_once_and_the_second_decision_loses(
    oct_statement, manager, admin_user
):
    services.statement_approve(actor=manager, statement=oct_statement)
    with pytest.raises(BusinessError) as exc:
        services.statement_approve(actor=admin_user, statement=oct_statement)
    assert exc.value.status == 409
    oct_statement.refresh_from_db()
    assert oct_statement.approved_by == manager


def test_paid_only_after_approval(oct_statement, manager):
    with pytest.raises(BusinessError):
        services.statement_mark_paid(actor=manager, statement=oct_statement)
    services.statement_approve(actor=manager, statement=oct_statement)
    services.statement_mark_paid(actor=manager, statement=oct_statement)
    oct_statement.refresh_from_db()
    assert oct_statement.status == StatementStatus.PAID and oct_statement.paid_at


def test_only_the_partners_manager_or_an_admin_approves(oct_statement, analyst, portal_admin_a):
    from prm.accounts.roles import Role
    from tests.conftest import make_user

    other_manager = make_user(Role.PARTNER_MANAGER)
    for user in (analyst, other_manager):
        with pytest.raises(PermissionDenied):
            services.statement_approve(actor=user, statement=oct_statement)
    from django.http import Http404

    with pytest.raises((Http404, PermissionDenied)):
        services.statement_approve(actor=portal_admin_a, statement=oct_statement)
    oct_statement.refresh_from_db()
    assert oct_statement.status == StatementStatus.DRAFT


def test_a_correction_after_approval_becomes_an_adjustment_in_the_next_statement(
    oct_statement, partner_a, manager
):
    services.statement_approve(actor=manager, statement=oct_statement)
    first, second = (r.deal for r in lines(oct_statement))
    first.amount = Decimal("1200000")  # +200,000 → +10,000 commission
    first.save()
    second.stage = PipelineStage.objects.get(code="lost")  # no longer won → reverse 117,284
    second.save()
    make_deal(partner_a, "400000", seoul(2026, 11, 10))

    services.statements_generate(actor=None, period=NOV)
    oct_statement.refresh_from_db()
    assert oct_statement.total == Decimal("167284")  # never a silent change
    nov = statements(partner_a)[1]
    rows = lines(nov)
    adjustments = [r for r in rows if r.kind == LineKind.ADJUSTMENT]
    by_deal = {r.deal_id: r for r in adjustments}
    assert by_deal[first.pk].amount == Decimal("10000")
    assert by_deal[first.pk].deal_amount == Decimal("1200000")
    assert by_deal[first.pk].adjusts_id == oct_statement.pk
    assert by_deal[second.pk].amount == Decimal("-117284")
    assert "no longer won" in by_deal[second.pk].note
    assert nov.total == Decimal("20000") + Decimal("10000") - Decimal("117284")

    # Regenerating November does not add the adjustments twice; once November is approved,
    # December has nothing more to adjust.
    services.statements_generate(actor=None, period=NOV)
    assert len([r for r in lines(statements(partner_a)[1]) if r.kind == "adjustment"]) == 2
    services.statement_approve(actor=manager, statement=nov)
    services.statements_generate(actor=None, period=engine.parse_period("2026-12"))
    assert len(statements(partner_a)) == 2


def test_no_adjustment_for_an_unchanged_deal(oct_statement, partner_a, manager):
    services.statement_approve(actor=manager, statement=oct_statement)
    make_deal(partner_a, "400000", seoul(2026, 11, 10))
    services.statements_generate(actor=None, period=NOV)
    nov = statements(partner_a)[1]
    assert [r.kind for r in lines(nov)] == [LineKind.COMMISSION]


def test_a_deal_is_paid_once_across_statements(oct_statement, partner_a, manager):
    services.statements_generate(actor=None, period=engine.parse_period("2026-Q4"))
    # The quarter finds October's deals already on October's statement.
    assert len(statements(partner_a)) == 1


def test_a_manager_generates_only_for_the_partners_they_own(
    partner_a, partner_b, manager, base_rule
):
    make_deal(partner_a, "1000", seoul(2026, 10, 3))
    make_deal(partner_b, "1000", seoul(2026, 10, 3))
    services.statements_generate(actor=manager, period=OCT)
    assert [s.partner for s in statements()] == [partner_a]


def test_the_command_generates_drafts(partner_a, base_rule):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_deal(partner_a, "1000", seoul(2026, 10, 3))
    out = StringIO()
    call_command("commission_statements", period="2026-10", stdout=out)
    assert "1 created" in out.getvalue()
    assert statements(partner_a)[0].total == Decimal(50)
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("commission_statements", period="October")


def test_the_task_generates_drafts(partner_a, base_rule):
    from prm.commissions.tasks import generate_statements

    make_deal(partner_a, "1000", seoul(2026, 10, 3))
    assert generate_statements.call("2026-10")["created"] == 1


def test_approval_is_in_the_audit_log(oct_statement, manager):
    from django.contrib.contenttypes.models import ContentType

    from prm.audit.models import AuditEntry

    services.statement_approve(actor=manager, statement=oct_statement)
    entries = access.unrestricted(AuditEntry).filter(
        content_type=ContentType.objects.get_for_model(CommissionStatement),
        object_id=str(oct_statement.pk),
    )
    assert any(e.changes.get("status") == ["draft", "approved"] for e in entries)


def test_a_rule_that_paid_a_statement_cannot_be_deleted(oct_statement, base_rule, admin_user):
    with pytest.raises(BusinessError, match="deactivate it instead"):
        services.rule_delete(actor=admin_user, rule=base_rule)
    assert access.unrestricted(CommissionRule).filter(pk=base_rule.pk).exists()
    assert all(line.rule_id == base_rule.pk for line in lines(oct_statement))
