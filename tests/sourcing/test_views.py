"""The back-office pages: what a user sees and what a form does."""

import pytest
from django.test import Client
from django.urls import reverse

from prm.core import access
from prm.partners.models import Partner
from prm.sourcing import services
from prm.sourcing.models import Criterion, EvaluationRound, ProjectCandidate, Score, SourcingProject
from tests.conftest import login
from tests.sourcing.conftest import criteria_of


@pytest.fixture
def client_as():
    def make(user):
        return login(Client(), user)

    return make


def test_project_create_list_and_detail(client_as, manager, partner_a):
    client = client_as(manager)
    response = client.post(
        reverse("sourcing:project_create"),
        {"name": "Japan reseller expansion", "goal": "Three resellers in Osaka", "notes": "JETRO"},
    )
    project = access.unrestricted(SourcingProject).get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.owner == manager
    listing = client.get(reverse("sourcing:project_list"), {"q": "Japan"})
    assert "Japan reseller expansion" in listing.text
    detail = client.get(project.get_absolute_url())
    assert "Three resellers in Osaka" in detail.text
    assert "Alpha Systems" in detail.text  # offered as a candidate to add


def test_project_with_backwards_dates_is_refused(client_as, manager):
    response = client_as(manager).post(
        reverse("sourcing:project_create"),
        {"name": "Backwards", "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    )
    assert response.status_code == 200
    assert "cannot precede" in response.text
    assert not access.unrestricted(SourcingProject).exists()


def test_add_candidate_notes_and_sources(client_as, manager, project, partner_a):
    client = client_as(manager)
    client.post(
        reverse("sourcing:candidate_add", args=[project.pk]),
        {"partner": partner_a.pk, "notes": "Strong in Busan"},
    )
    candidate = access.unrestricted(ProjectCandidate).get()
    assert candidate.notes == "Strong in Busan"
    client.post(
        reverse("sourcing:source_add", args=[candidate.pk]),
        {"title": "Annual report", "url": "https://alpha.example/ir"},
    )
    page = client.get(candidate.get_absolute_url())
    assert "Annual report" in page.text and "https://alpha.example/ir" in page.text
    # A source with neither a link nor an excerpt: a message, nothing added.
    response = client.post(
        reverse("sourcing:source_add", args=[candidate.pk]), {"title": "Hearsay"}, follow=True
    )
    assert "Give a link or an excerpt" in response.text
    assert candidate.sources.count() == 1


def test_active_partner_cannot_be_added(client_as, manager, project):
    from tests.conftest import make_partner

    active = make_partner(name="Live Partner", owner=manager, stage="active")
    response = client_as(manager).post(
        reverse("sourcing:candidate_add", args=[project.pk]), {"partner": active.pk}, follow=True
    )
    assert "prospect or candidate" in response.text
    assert not access.unrestricted(ProjectCandidate).exists()


def test_criteria_weights_and_ahp_pages(client_as, manager, template):
    client = client_as(manager)
    page = client.get(template.get_absolute_url())
    assert "Coverage" in page.text and "0.750" in page.text
    c1, c2 = criteria_of(template)
    response = client.post(
        reverse("sourcing:template_weights", args=[template.pk]),
        {f"weight_{c1.pk}": "1", f"weight_{c2.pk}": "0"},
    )
    assert response.status_code == 200
    assert "must be greater than 0" in response.text
    assert [str(c.weight) for c in criteria_of(template)] == ["0.750000", "0.250000"]
    client.post(
        reverse("sourcing:criterion_add", args=[template.pk]),
        {"name": "Quality", "direction": "benefit", "scale_max": "5", "raw_weight": "1"},
    )
    response = client.post(
        reverse("sourcing:template_ahp", args=[template.pk]),
        {"cmp_0_1": "7", "cmp_1_2": "7", "cmp_0_2": "1/7"},
    )
    assert response.status_code == 200
    assert "too inconsistent" in response.text
    assert "Coverage vs Quality" in response.text
    response = client.post(
        reverse("sourcing:template_ahp", args=[template.pk]),
        {"cmp_0_1": "2", "cmp_1_2": "2", "cmp_0_2": "4"},
        follow=True,
    )
    assert "consistency ratio 0.000" in response.text
    assert [c.name for c in criteria_of(template)] == ["Coverage", "Price", "Quality"]
    assert criteria_of(template)[0].weight > criteria_of(template)[1].weight


def test_round_scoring_hides_results_until_submission(
    client_as, manager, manager2, evaluation, candidates
):
    criteria = criteria_of(evaluation.template)
    other = client_as(manager2)
    first = client_as(manager)
    data = {f"score_{cand.pk}_{crit.pk}": "3" for cand in candidates for crit in criteria} | {
        "action": "submit"
    }
    first.post(reverse("sourcing:round_scores", args=[evaluation.pk]), data)
    assert access.unrestricted(Score).filter(evaluator=manager).count() == 6
    page = other.get(evaluation.get_absolute_url())
    assert 'data-testid="results-hidden"' in page.text
    assert 'data-testid="ranking"' not in page.text
    assert 'value="3"' not in page.text  # the first evaluator's scores do not show
    # The owner sees who is missing what.
    owner_page = first.get(evaluation.get_absolute_url())
    assert 'data-testid="progress"' in owner_page.text
    assert 'data-testid="ranking"' in owner_page.text
    # Out of scale: refused, nothing saved.
    bad = {f"score_{candidates[0].pk}_{criteria[0].pk}": "6", "action": "save"}
    response = other.post(reverse("sourcing:round_scores", args=[evaluation.pk]), bad, follow=True)
    assert "must be a whole number from 1 to 5" in response.text
    assert not access.unrestricted(Score).filter(evaluator=manager2).exists()
    data2 = {k: "4" for k in data if k.startswith("score_")} | {"action": "submit"}
    other.post(reverse("sourcing:round_scores", args=[evaluation.pk]), data2)
    page = other.get(evaluation.get_absolute_url())
    assert 'data-testid="ranking-weighted-sum"' in page.text
    assert 'data-testid="ranking-topsis"' in page.text


def test_decision_page_selects_and_moves_the_partner(client_as, manager, candidates, partner_a):
    client = client_as(manager)
    response = client.post(
        reverse("sourcing:candidate_decide", args=[candidates[0].pk]),
        {"decision": "rejected", "reason": ""},
        follow=True,
    )
    assert "Give the reason for the rejection" in response.text
    response = client.post(
        reverse("sourcing:candidate_decide", args=[candidates[0].pk]),
        {"decision": "selected"},
        follow=True,
    )
    assert "Decision recorded" in response.text
    assert Partner._base_manager.get(pk=partner_a.pk).stage == "onboarding"


def test_portal_users_and_strangers_are_kept_out(
    client_as, portal_admin_a, analyst, manager2, evaluation, candidates, project
):
    portal = client_as(portal_admin_a)
    for url in (
        reverse("sourcing:project_list"),
        project.get_absolute_url(),
        candidates[0].get_absolute_url(),
        evaluation.get_absolute_url(),
        f"/api/v1/evaluations/{evaluation.pk}",
    ):
        assert portal.get(url).status_code == 404, url
    # The analyst reads but may not decide; another manager may not change the project.
    assert client_as(analyst).get(project.get_absolute_url()).status_code == 200
    response = client_as(analyst).post(
        reverse("sourcing:candidate_decide", args=[candidates[0].pk]), {"decision": "hold"}
    )
    assert response.status_code == 403
    response = client_as(manager2).post(
        reverse("sourcing:project_edit", args=[project.pk]), {"name": "Hijacked"}
    )
    assert response.status_code == 403
    assert access.unrestricted(SourcingProject).get().name == project.name


def test_round_create_page(client_as, manager, project, template, candidates, manager2):
    client = client_as(manager)
    assert client.get(reverse("sourcing:round_create", args=[project.pk])).status_code == 200
    response = client.post(
        reverse("sourcing:round_create", args=[project.pk]),
        {
            "name": "Shortlist",
            "template": template.pk,
            "candidates": [c.pk for c in candidates[:2]],
            "evaluators": [manager2.pk],
        },
    )
    evaluation = access.unrestricted(EvaluationRound).get()
    assert response["Location"] == evaluation.get_absolute_url()
    assert evaluation.candidates.count() == 2
    assert list(evaluation.evaluators.all()) == [manager2]
    assert access.unrestricted(Criterion).filter(template=template).count() == 2
    assert services  # imported for fixtures


def test_selected_candidate_links_to_contract_negotiation(client_as, manager, candidates):
    client = client_as(manager)
    page = client.get(candidates[2].get_absolute_url())
    assert 'data-testid="start-contract"' not in page.text
    client.post(
        reverse("sourcing:candidate_decide", args=[candidates[2].pk]), {"decision": "selected"}
    )
    page = client.get(candidates[2].get_absolute_url())
    expected = f"{reverse('contracts:create')}?partner={candidates[2].partner_id}"
    assert 'data-testid="start-contract"' in page.text
    assert expected in page.text


def test_decision_must_be_chosen(client_as, manager, candidates, partner_a):
    response = client_as(manager).post(
        reverse("sourcing:candidate_decide", args=[candidates[0].pk]), {"decision": ""}, follow=True
    )
    assert "Choose select, reject or hold" in response.text
    assert Partner._base_manager.get(pk=partner_a.pk).stage == "prospect"


def test_a_template_in_use_can_be_copied(client_as, manager2, evaluation, template):
    client = client_as(manager2)
    response = client.post(reverse("sourcing:template_copy", args=[template.pk]))
    from prm.sourcing.models import EvaluationTemplate

    copy = access.unrestricted(EvaluationTemplate).exclude(pk=template.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert copy.owner == manager2 and copy.name == "Copy of Logistics fit"
    assert [(c.name, c.weight) for c in criteria_of(copy)] == [
        (c.name, c.weight) for c in criteria_of(template)
    ]
    # The copy is free to change; the original stays fixed.
    client.post(
        reverse("sourcing:criterion_add", args=[copy.pk]),
        {"name": "Quality", "direction": "benefit", "scale_max": "5", "raw_weight": "1"},
    )
    assert len(criteria_of(copy)) == 3 and len(criteria_of(template)) == 2


def test_project_sources(client_as, manager, manager2, project):
    from prm.sourcing.models import ProjectSource

    client = client_as(manager)
    client.post(
        reverse("sourcing:project_source_add", args=[project.pk]),
        {"title": "KOTRA logistics survey", "text": "Busan volumes +12%"},
    )
    page = client.get(project.get_absolute_url())
    assert "KOTRA logistics survey" in page.text and "Busan volumes +12%" in page.text
    response = client.post(
        reverse("sourcing:project_source_add", args=[project.pk]), {"title": ""}, follow=True
    )
    assert "This field is required" in response.text
    source = access.unrestricted(ProjectSource).get()
    # Another manager may read but not remove it.
    response = client_as(manager2).post(reverse("sourcing:project_source_delete", args=[source.pk]))
    assert response.status_code == 403
    client.post(reverse("sourcing:project_source_delete", args=[source.pk]))
    assert not access.unrestricted(ProjectSource).exists()
