"""Every guarded model, discovered: partner A's users never reach partner B's rows."""

import pytest

from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action, PartnerPolicy, StaffReadPolicy
from prm.core.errors import UnscopedQueryError
from tests.access import samples

PARTNER_MODELS = samples.partner_models()
GUARDED_MODELS = samples.guarded_models()
OTHER_MODELS = [m for m in GUARDED_MODELS if m not in PARTNER_MODELS]
PORTAL_ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_USER]


def _ids(models):
    return [samples.label(m) for m in models]


def test_every_model_has_an_access_policy_or_a_reason_not_to():
    missing = sorted(
        samples.label(m)
        for m in samples.prm_models()
        if samples.policy(m) is None and samples.label(m) not in samples.UNRESTRICTED_MODELS
    )
    assert not missing, (
        f"{missing} have no access_policy: give them one (prm.core.access) or add them, "
        "with the reason, to UNRESTRICTED_MODELS in tests/access/samples.py"
    )


def test_the_allow_lists_name_only_existing_models():
    labels = {samples.label(m) for m in samples.prm_models()}
    stale = (set(samples.UNRESTRICTED_MODELS) | set(samples.UNSCOPED_MANAGERS)) - labels
    assert not stale


def test_every_guarded_model_has_a_sample_factory():
    labels = set(_ids(GUARDED_MODELS))
    missing = sorted(labels - set(samples.FACTORIES))
    # Factories of other models (reference data other samples point to) are allowed.
    stale = sorted(set(samples.FACTORIES) - set(_ids(samples.prm_models())))
    assert not missing, (
        f"{missing} need a line in FACTORIES (tests/access/samples.py); "
        "`generic` fills required fields by their type"
    )
    assert not stale, f"{stale} are in FACTORIES but are no model of a prm app"


@pytest.mark.parametrize("model", GUARDED_MODELS, ids=_ids(GUARDED_MODELS))
def test_samples_belong_to_their_side(model, world):
    for side in (world.a, world.b):
        obj = side.sample(model)
        assert samples.belongs_to(obj, side), f"{samples.label(model)} sample of {side.key}"
    assert world.a.sample(model).pk != world.b.sample(model).pk


@pytest.mark.parametrize("model", GUARDED_MODELS, ids=_ids(GUARDED_MODELS))
def test_the_default_manager_refuses_unscoped_reads_and_writes(model, world):
    if samples.label(model) in samples.UNSCOPED_MANAGERS:
        pytest.skip(samples.UNSCOPED_MANAGERS[samples.label(model)])
    obj = world.b.sample(model)
    rows = model._default_manager
    with pytest.raises(UnscopedQueryError):
        list(rows.all())
    with pytest.raises(UnscopedQueryError):
        rows.get(pk=obj.pk)
    with pytest.raises(UnscopedQueryError):
        rows.filter(pk=obj.pk).first()
    with pytest.raises(UnscopedQueryError):
        rows.filter(pk=obj.pk).delete()
    field = next(f for f in model._meta.concrete_fields if not f.primary_key)
    with pytest.raises(UnscopedQueryError):
        rows.filter(pk=obj.pk).update(**{field.name: getattr(obj, field.attname)})
    assert model._base_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("model", PARTNER_MODELS, ids=_ids(PARTNER_MODELS))
def test_portal_users_scope_never_holds_another_partners_rows(model, role, world):
    user = world.portal(role)
    theirs = set(samples.owned_rows(model, world.b).values_list("pk", flat=True))
    assert theirs, "partner B has no sample to hide"
    for action in Action:
        visible = set(access.scope(user, model, action).values_list("pk", flat=True))
        assert not visible & theirs, f"{role} of A can {action} B's {samples.label(model)}"
        for pk in theirs:
            assert not access.can(user, model._base_manager.get(pk=pk), action)
    if isinstance(samples.policy(model), PartnerPolicy):
        assert not access.can_add(user, model, world.b.partner)


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("model", PARTNER_MODELS, ids=_ids(PARTNER_MODELS))
def test_portal_users_get_404_for_another_partners_rows(model, role, world):
    from django.http import Http404

    user = world.portal(role)
    obj = world.b.sample(model)
    for action in Action:
        with pytest.raises(Http404):
            access.get_object(user, model, action, pk=obj.pk)


@pytest.mark.parametrize("model", PARTNER_MODELS, ids=_ids(PARTNER_MODELS))
def test_portal_users_see_their_own_rows_where_the_policy_allows(model, world):
    """The other half of isolation: the samples are reachable, so the tests above can fail."""
    rule = samples.policy(model)
    for role in PORTAL_ROLES:
        user = world.portal(role)
        mine = world.a.sample(model)
        allowed = rule.portal_user
        if role == Role.PARTNER_ADMIN and rule.portal_admin is not None:
            allowed = rule.portal_admin
        visible = access.scope(user, model, Action.VIEW).filter(pk=mine.pk).exists()
        assert visible == (Action.VIEW in allowed and not rule.staff_only)


@pytest.mark.parametrize("model", GUARDED_MODELS, ids=_ids(GUARDED_MODELS))
def test_the_analyst_changes_nothing(model, world):
    for action in (Action.ADD, Action.CHANGE, Action.DELETE):
        assert not access.scope(world.analyst, model, action).exists()
    if isinstance(samples.policy(model), PartnerPolicy):
        assert not access.can_add(world.analyst, model, world.a.partner)


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("model", OTHER_MODELS, ids=_ids(OTHER_MODELS))
def test_portal_users_never_reach_other_users_or_staff_records(model, role, world):
    """User-owned rows (API tokens, saved filters) and staff-only records (the audit log)."""
    user = world.portal(role)
    theirs = set(samples.owned_rows(model, world.b).values_list("pk", flat=True))
    assert theirs, f"partner B has no {samples.label(model)} to hide"
    for action in Action:
        visible = access.scope(user, model, action)
        if isinstance(samples.policy(model), StaffReadPolicy):
            assert not visible.exists()
        assert not set(visible.values_list("pk", flat=True)) & theirs
