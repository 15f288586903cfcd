"""The rules of discovery and selection, through the services."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404

from prm.audit.models import AuditEntry
from prm.core import access
from prm.core.errors import BusinessError
from prm.notifications.models import Notification
from prm.partners.models import Partner
from prm.sourcing import selectors, services
from prm.sourcing.models import (
    CandidateSource,
    Criterion,
    Decision,
    EvaluationTemplate,
    ProjectCandidate,
    Score,
    Submission,
    WeightMethod,
)
from tests.conftest import make_partner
from tests.sourcing.conftest import criteria_of, full_scores


def _stage(partner):
    return Partner._base_manager.get(pk=partner.pk).stage


# Candidates --------------------------------------------------------------------------


def test_only_prospects_and_candidates_join_a_long_list(manager, project, partner_a):
    active = make_partner(name="Active Co", owner=manager, stage="active")
    with pytest.raises(BusinessError, match="Only prospects and candidates"):
        services.candidate_add(actor=manager, project=project, partner=active)
    candidate = services.candidate_add(actor=manager, project=project, partner=partner_a)
    assert candidate.partner == partner_a
    with pytest.raises(BusinessError, match="already a candidate"):
        services.candidate_add(actor=manager, project=project, partner=partner_a)
    assert access.unrestricted(ProjectCandidate).count() == 1


def test_managers_add_only_partners_they_own(manager, project, partner_b):
    with pytest.raises(BusinessError) as exc:
        services.candidate_add(actor=manager, project=project, partner=partner_b)
    assert exc.value.status == 403
    assert not access.unrestricted(ProjectCandidate).exists()


def test_sources_need_a_link_or_an_excerpt(manager, candidates):
    with pytest.raises(BusinessError, match="link or an excerpt"):
        services.source_add(actor=manager, candidate=candidates[0], data={"title": "Rumour"})
    source = services.source_add(
        actor=manager,
        candidate=candidates[0],
        data={"title": "KOTRA report", "url": "https://example.com/kotra"},
    )
    assert access.unrestricted(CandidateSource).get() == source


def test_analyst_reads_but_changes_nothing(analyst, project, candidates):
    assert access.scope(analyst, ProjectCandidate).count() == 3
    with pytest.raises(PermissionDenied):
        services.candidate_update(actor=analyst, candidate=candidates[0], notes="x")
    with pytest.raises(PermissionDenied):
        services.project_create(actor=analyst, data={"name": "Mine"})


def test_portal_users_see_nothing(portal_admin_a, project, candidates, template):
    for model in (ProjectCandidate, EvaluationTemplate, Criterion):
        assert not access.scope(portal_admin_a, model).exists()
    with pytest.raises(Http404):
        access.get_object(portal_admin_a, ProjectCandidate, pk=candidates[0].pk)


def test_project_dates_must_be_in_order(manager):
    import datetime

    with pytest.raises(BusinessError, match="cannot precede"):
        services.project_create(
            actor=manager,
            data={
                "name": "Backwards",
                "starts_on": datetime.date(2027, 5, 1),
                "ends_on": datetime.date(2027, 4, 1),
            },
        )


# Weights -----------------------------------------------------------------------------


def test_direct_weights_are_normalised(manager, template):
    weights = [c.weight for c in criteria_of(template)]
    assert weights == [Decimal("0.75"), Decimal("0.25")]
    c1, c2 = criteria_of(template)
    services.template_set_weights(
        actor=manager, template=template, weights={c1.pk: "2", c2.pk: "2"}
    )
    assert [c.weight for c in criteria_of(template)] == [Decimal("0.5"), Decimal("0.5")]


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "NaN", "Infinity"])
def test_zero_negative_or_bad_weights_are_refused_and_nothing_changes(manager, template, bad):
    c1, c2 = criteria_of(template)
    with pytest.raises(BusinessError) as exc:
        services.template_set_weights(
            actor=manager, template=template, weights={c1.pk: "5", c2.pk: bad}
        )
    assert "Price" in str(exc.value.message)
    assert [c.raw_weight for c in criteria_of(template)] == [Decimal(3), Decimal(1)]
    assert [c.weight for c in criteria_of(template)] == [Decimal("0.75"), Decimal("0.25")]


def test_a_criterion_with_zero_weight_is_refused(manager, template):
    with pytest.raises(BusinessError, match="greater than 0"):
        services.criterion_add(
            actor=manager, template=template, data={"name": "Nothing", "raw_weight": 0}
        )
    assert len(criteria_of(template)) == 2


def test_ahp_weights_with_consistency_ratio(manager, template):
    services.criterion_add(actor=manager, template=template, data={"name": "Quality"})
    outcome = services.template_set_ahp(
        actor=manager, template=template, upper={(0, 1): "2", (0, 2): "4", (1, 2): "2"}
    )
    assert outcome.result.cr == pytest.approx(0)
    template = access.unrestricted(EvaluationTemplate).get(pk=template.pk)
    assert template.weight_method == WeightMethod.AHP
    assert template.consistency_ratio == 0
    assert template.ahp_matrix[0] == ["1", "2", "4"]
    assert template.ahp_matrix[2] == ["1/4", "1/2", "1"]
    weights = [float(c.weight) for c in criteria_of(template)]
    assert weights == pytest.approx([4 / 7, 2 / 7, 1 / 7], abs=1e-5)


def test_inconsistent_ahp_matrix_is_refused_naming_the_worst_comparison(manager, template):
    services.criterion_add(actor=manager, template=template, data={"name": "Quality"})
    with pytest.raises(BusinessError) as exc:
        services.template_set_ahp(
            actor=manager, template=template, upper={(0, 1): "7", (1, 2): "7", (0, 2): "1/7"}
        )
    assert exc.value.code == "inconsistent"
    message = str(exc.value.message)
    assert "consistency ratio" in message and "0.10" in message
    assert "Coverage vs Quality: you said 1/7" in message
    template = access.unrestricted(EvaluationTemplate).get(pk=template.pk)
    assert template.weight_method == WeightMethod.DIRECT
    assert template.ahp_matrix == []
    assert [c.weight for c in criteria_of(template)] == [
        Decimal("0.6"),
        Decimal("0.2"),
        Decimal("0.2"),
    ]


def test_ahp_value_off_the_scale_is_refused(manager, template):
    with pytest.raises(BusinessError, match="Saaty"):
        services.template_set_ahp(actor=manager, template=template, upper={(0, 1): "11"})


def test_templates_in_use_are_frozen(manager, template, evaluation):
    with pytest.raises(BusinessError, match="used by an evaluation round"):
        services.criterion_add(actor=manager, template=template, data={"name": "Late"})


# Rounds, scores and independence -----------------------------------------------------


def test_evaluators_are_told(evaluation, manager2):
    note = access.unrestricted(Notification).get(user=manager2)
    assert "Round 1" in note.title
    assert note.url == evaluation.get_absolute_url()


def test_score_outside_the_scale_is_refused_and_nothing_saved(manager, evaluation):
    entries = full_scores(evaluation, {(0, 0): 4, (0, 1): 11})
    with pytest.raises(BusinessError, match="from 1 to 10") as exc:
        services.scores_save(actor=manager, evaluation=evaluation, entries=entries)
    assert exc.value.code == "out_of_scale"
    assert not access.unrestricted(Score).exists()
    for bad in (0, 6, "3.5", "x", True):
        with pytest.raises(BusinessError, match="from 1 to 5"):
            services.scores_save(
                actor=manager,
                evaluation=evaluation,
                entries=full_scores(evaluation, {(0, 0): bad}),
            )
    assert not access.unrestricted(Score).exists()


def test_only_evaluators_score(analyst, manager, evaluation):
    from tests.conftest import make_user

    stranger = make_user("partner_manager")
    for user in (analyst, stranger):
        with pytest.raises(BusinessError) as exc:
            services.scores_save(
                actor=user, evaluation=evaluation, entries=full_scores(evaluation, {(0, 0): 3})
            )
        assert exc.value.status == 403
    assert not access.unrestricted(Score).exists()


def test_an_admin_who_scores_joins_the_round_under_the_same_rules(admin_user, evaluation):
    services.scores_save(
        actor=admin_user, evaluation=evaluation, entries=full_scores(evaluation, {(0, 0): 3})
    )
    assert evaluation.evaluators.filter(pk=admin_user.pk).exists()
    seen = selectors.visibility(admin_user, evaluation)
    assert seen.is_evaluator and not seen.sees_results


def _all(evaluation, coverage, price):
    return full_scores(
        evaluation,
        {**{(i, 0): v for i, v in enumerate(coverage)}, **{(i, 1): v for i, v in enumerate(price)}},
    )


def test_evaluators_do_not_see_others_until_they_submit(manager, manager2, evaluation):
    services.scores_save(
        actor=manager,
        evaluation=evaluation,
        entries=_all(evaluation, [5, 3, 1], [2, 5, 9]),
        submit=True,
    )
    # The second evaluator has not submitted: no ranking, none of the first's scores.
    seen = selectors.visibility(manager2, evaluation)
    assert seen.is_evaluator and not seen.sees_results
    assert selectors.own_scores(manager2, evaluation) == {}
    services.scores_save(
        actor=manager2, evaluation=evaluation, entries=_all(evaluation, [4, None, None], [3, 4, 8])
    )
    assert not selectors.visibility(manager2, evaluation).sees_results
    with pytest.raises(BusinessError, match="2 missing"):
        services.scores_save(actor=manager2, evaluation=evaluation, entries=[], submit=True)
    assert not access.unrestricted(Submission).filter(evaluator=manager2).exists()
    services.scores_save(
        actor=manager2,
        evaluation=evaluation,
        entries=_all(evaluation, [4, 2, 2], [3, 4, 8]),
        submit=True,
    )
    assert selectors.visibility(manager2, evaluation).sees_results
    # Submitted scores are final.
    with pytest.raises(BusinessError, match="no longer change"):
        services.scores_save(
            actor=manager2, evaluation=evaluation, entries=_all(evaluation, [1, 1, 1], [1, 1, 1])
        )


def test_progress_shows_missing_scores(manager, manager2, evaluation):
    services.scores_save(
        actor=manager, evaluation=evaluation, entries=_all(evaluation, [5, 3, None], [2, 5, 9])
    )
    rows = {p.evaluator.pk: p for p in selectors.progress(evaluation)}
    assert (rows[manager.pk].given, rows[manager.pk].missing) == (5, 1)
    assert (rows[manager2.pk].given, rows[manager2.pk].missing) == (0, 6)
    assert not rows[manager.pk].submitted


def test_ranking_by_weighted_sum_and_topsis(manager, manager2, evaluation):
    # Coverage (weight 0.75, 1-5, benefit); Price (weight 0.25, 1-10, cost).
    services.scores_save(
        actor=manager,
        evaluation=evaluation,
        entries=_all(evaluation, [5, 3, 1], [2, 5, 9]),
        submit=True,
    )
    services.scores_save(
        actor=manager2,
        evaluation=evaluation,
        entries=_all(evaluation, [5, 1, 1], [4, 5, 9]),
        submit=True,
    )
    ranking = selectors.ranking(evaluation)
    assert ranking.evaluators == 2
    names = [row.candidate.partner.name for row in ranking.by_weighted_sum]
    assert names == ["Alpha Systems", "Cargo Korea", "Delta Freight"]
    assert [row.candidate.partner.name for row in ranking.by_topsis] == names
    alpha = ranking.by_weighted_sum[0]
    assert alpha.means == [5, 3]
    # 0.75 * (5-1)/4 + 0.25 * (1 - (3-1)/9)
    assert alpha.weighted_sum.contributions == pytest.approx([0.75, 0.25 * 7 / 9])
    assert alpha.weighted_sum.score == pytest.approx(0.75 + 0.25 * 7 / 9)
    delta = ranking.by_topsis[-1]
    assert delta.topsis.score == pytest.approx(0.0)
    assert alpha.topsis.score == pytest.approx(1.0)


# Decisions ---------------------------------------------------------------------------


def test_selecting_a_prospect_moves_it_through_candidate_to_onboarding(
    manager, candidates, partner_a
):
    assert partner_a.stage == "prospect"
    candidate = services.candidate_decide(
        actor=manager, candidate=candidates[0], decision=Decision.SELECTED
    )
    assert candidate.decision == Decision.SELECTED
    assert candidate.decided_by == manager and candidate.decided_at
    assert _stage(partner_a) == "onboarding"
    partner_type = ContentType.objects.get_for_model(Partner)
    stage_changes = [
        e.changes["stage"]
        for e in access.unrestricted(AuditEntry)
        .filter(content_type=partner_type, object_id=str(partner_a.pk))
        .order_by("pk")
        if "stage" in e.changes
    ]
    assert stage_changes[-2:] == [["prospect", "candidate"], ["candidate", "onboarding"]]
    with pytest.raises(BusinessError, match="selected already"):
        services.candidate_decide(actor=manager, candidate=candidate, decision=Decision.ON_HOLD)


def test_decision_is_audited(manager, candidates):
    services.candidate_decide(
        actor=manager, candidate=candidates[1], decision=Decision.REJECTED, reason="Too small"
    )
    entry = (
        access.unrestricted(AuditEntry)
        .filter(
            content_type=ContentType.objects.get_for_model(ProjectCandidate),
            object_id=str(candidates[1].pk),
        )
        .order_by("-pk")
        .first()
    )
    assert entry is not None
    assert entry.changes["decision"] == ["pending", "rejected"]
    assert entry.changes["decision_reason"] == ["", "Too small"]


def test_rejection_needs_a_reason(manager, candidates, partner_a):
    with pytest.raises(BusinessError, match="reason"):
        services.candidate_decide(actor=manager, candidate=candidates[0], decision="rejected")
    candidate = access.unrestricted(ProjectCandidate).get(pk=candidates[0].pk)
    assert candidate.decision == Decision.PENDING
    assert _stage(partner_a) == "prospect"


def test_hold_changes_no_stage(manager, candidates, partner_a):
    services.candidate_decide(actor=manager, candidate=candidates[0], decision="hold")
    assert _stage(partner_a) == "prospect"


def test_selection_of_a_partner_that_moved_on_is_refused(manager, candidates, partner_a):
    Partner._base_manager.filter(pk=partner_a.pk).update(stage="offboarded")
    with pytest.raises(BusinessError, match="cannot be selected"):
        services.candidate_decide(actor=manager, candidate=candidates[0], decision="selected")
    assert access.unrestricted(ProjectCandidate).get(pk=candidates[0].pk).decision == "pending"


def test_selection_is_announced(manager, candidates, django_capture_on_commit_callbacks):
    from prm.core import events

    seen = []
    events.subscribe("sourcing.candidate_decided")(lambda **kw: seen.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        services.candidate_decide(actor=manager, candidate=candidates[2], decision="selected")
    assert {"partner_id": candidates[2].partner_id, "decision": "selected"}.items() <= seen[
        -1
    ].items()
    assert mail.outbox is not None


def test_a_cleared_score_is_removed_from_the_draft(manager, evaluation):
    services.scores_save(
        actor=manager, evaluation=evaluation, entries=full_scores(evaluation, {(0, 0): 4})
    )
    assert access.unrestricted(Score).count() == 1
    services.scores_save(
        actor=manager, evaluation=evaluation, entries=full_scores(evaluation, {(0, 0): ""})
    )
    assert not access.unrestricted(Score).exists()


def test_managers_keep_what_they_own(manager, manager2, project):
    with pytest.raises(BusinessError, match="hand it over"):
        services.project_update(actor=manager, project=project, data={"owner": manager2})
    assert access.unrestricted(type(project)).get(pk=project.pk).owner == manager
