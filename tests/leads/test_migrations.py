"""Explanations written before they were kept in every language stay readable."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("leads", "0001_initial")]
AFTER = [("leads", "0002_assignment_explanation_in_every_language")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_explanation_in_one_language_is_kept_for_every_reader():
    from prm.core.translated import in_reader_language

    executor = MigrationExecutor(connection)
    # Every other app as it is now: only this migration is undone.
    before = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "leads"]
    before += BEFORE
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Partner = apps.get_model("partners", "Partner")
    Lead = apps.get_model("leads", "Lead")
    Assignment = apps.get_model("leads", "LeadAssignment")
    partner = Partner.objects.create(name="Old Partner", name_key="oldpartner")
    lead = Lead.objects.create(company_name="Old Lead", country="KR")
    now = "2026-01-01T00:00:00Z"
    Assignment.objects.create(
        lead=lead,
        partner=partner,
        explanation="Rule “All Korea” matched.",
        offered_at=now,
        sla_due=now,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    stored = apps.get_model("leads", "LeadAssignment").objects.get().explanation
    assert stored == {settings.LANGUAGE_CODE: "Rule “All Korea” matched."}
    assert in_reader_language(stored) == "Rule “All Korea” matched."
