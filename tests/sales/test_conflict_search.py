"""The candidate search behind conflict detection (``prm.sales.search``): the true fuzzy
match is found among many look-alikes, and the number of accounts scored stays capped."""

import pytest
from django.db import connection

from prm.core import access
from prm.sales import conflicts, search
from prm.sales.models import Account, ConflictReason, DealConflict
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db

# Accounts sharing the first letters (and much more) with the customer searched below.
LOOKALIKES = 400


def _lookalikes(count: int = LOOKALIKES) -> None:
    Account.objects.bulk_create(
        [
            Account(name=f"Hanbit Trading {i:04d}", name_key=f"hanbittrading{i:04d}")
            for i in range(count)
        ]
    )


def test_the_database_has_a_trigram_search():
    expected = {"postgresql": "pg_trgm", "sqlite": "fts5"}[connection.vendor]
    assert search.method() == expected


def test_a_fuzzy_match_far_down_the_alphabet_is_found_among_many_similar_prefixes():
    _lookalikes()
    # Created last, and alphabetically after every look-alike.
    target = Account(name="Hanbit Zyxware Systems Co., Ltd.")
    target.save()
    stats = conflicts.SearchStats()
    found = conflicts.matching_accounts(
        conflicts.Customer(name="Hanbit Zyxwares Systems Inc."), stats=stats
    )
    assert target.pk in found
    assert found[target.pk].reason == ConflictReason.NAME
    assert 88 <= found[target.pk].score < 100
    assert stats.scored <= conflicts.MAX_EXACT + conflicts.MAX_SIMILAR


def test_a_typo_in_the_first_two_characters_is_still_found():
    """A two-character prefix search cannot find this one."""
    _lookalikes(100)
    target = Account(name="(주)한빛데이터시스템즈")
    target.save()
    found = conflicts.matching_accounts(conflicts.Customer(name="한빗데이터시스템즈 주식회사"))
    assert target.pk in found


def test_the_number_of_accounts_scored_is_capped_whatever_the_table_size():
    scored = []
    for total in (150, 600):
        _lookalikes(total - access.unrestricted(Account).count())
        stats = conflicts.SearchStats()
        conflicts.matching_accounts(conflicts.Customer(name="Hanbit Trading"), stats=stats)
        scored.append(stats.scored)
        assert stats.method in {"pg_trgm", "fts5"}
    assert scored[0] <= conflicts.MAX_EXACT + conflicts.MAX_SIMILAR
    assert scored[1] == scored[0]  # four times the rows, the same work


def test_aliases_are_found_through_the_index():
    _lookalikes(50)
    target = Account(name="(주)가온누리", aliases="Gaon Nuri Global\nGNG")
    target.save()
    found = conflicts.matching_accounts(conflicts.Customer(name="Gaon Nuri Globals Inc."))
    assert found[target.pk].reason == ConflictReason.ALIAS


def test_the_index_follows_renames_and_deletes(portal_user_a, partner_a, portal_admin_b, partner_b):
    account = Account(name="Polaris Robotics")
    account.save()
    assert account.pk in conflicts.matching_accounts(conflicts.Customer(name="Polaris Robotic"))
    account.name = "Meridian Foods"
    account.save()
    assert account.pk not in conflicts.matching_accounts(conflicts.Customer(name="Polaris Robotic"))
    assert account.pk in conflicts.matching_accounts(conflicts.Customer(name="Meridian Food"))
    pk = account.pk
    access.unrestricted(Account).filter(pk=pk).delete()
    assert conflicts.matching_accounts(conflicts.Customer(name="Meridian Food")) == {}


def test_a_registration_conflicts_with_a_look_alike_among_many(
    portal_user_a, partner_a, portal_admin_b, partner_b
):
    _lookalikes()
    first = register(portal_user_a, partner_a, name="Hanbit Zyxware Systems", domain="")
    second = register(portal_admin_b, partner_b, name="HANBIT ZYXWARE SYSTEM Inc.", domain="")
    conflict = access.unrestricted(DealConflict).get(deal=second, conflicting_deal=first)
    assert conflict.reason == ConflictReason.NAME


def test_the_portable_fallback_still_finds_exact_keys_and_prefixes(monkeypatch):
    monkeypatch.setattr(search, "method", lambda: "prefix")
    _lookalikes(20)
    target = Account(name="Hanbit Trading 0007 Co., Ltd.")
    target.save()
    stats = conflicts.SearchStats()
    found = conflicts.matching_accounts(conflicts.Customer(name="Hanbit Trading 0007"), stats=stats)
    assert target.pk in found and stats.method == "prefix"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_lost_triggers_are_recreated_and_the_index_rebuilt():
    """A later migration that rebuilds sales_account on SQLite drops its triggers."""
    with connection.cursor() as cursor:
        for name in search.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    connection._prm_account_search = None
    account = Account(name="Orion Maritime")
    account.save()  # no trigger: not indexed yet
    assert account.pk in conflicts.matching_accounts(conflicts.Customer(name="Orion Maritim"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["sales_account_trgm_%"],
        )
        assert cursor.fetchone()[0] == 3


@pytest.mark.parametrize(("ratio", "low", "high"), [(88, 0.3, 0.45), (100, 0.85, 0.95)])
def test_the_trigram_threshold_follows_the_name_threshold(ratio, low, high):
    assert low <= search.trigram_threshold(ratio) <= high
    assert search.trigram_threshold(50) == 0.1


def test_max_edits_bounds_every_name_within_the_threshold():
    """No name within the threshold is more insertions and deletions away than max_edits
    says (rapidfuzz's ratio is an Indel distance), so a search for that many is complete."""
    import random

    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    rng = random.Random(4)
    alphabet = "한빛소프트엔지니어링ab"
    for _ in range(3000):
        key = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 14)))
        name = list(key)
        for _edit in range(rng.randint(0, 3)):
            position = rng.randint(0, len(name))
            if rng.random() < 0.5 and name:
                del name[min(position, len(name) - 1)]
            else:
                name.insert(position, rng.choice(alphabet))
        name = "".join(name)
        for threshold in (80, 88, 95):
            if fuzz.ratio(key, name) >= threshold:
                assert Indel.distance(key, name) <= search.max_edits(len(key), threshold)
    assert [search.max_edits(n, 88) for n in (3, 7, 8, 12)] == [0, 1, 2, 3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exact short-key search")
def test_a_short_name_made_of_a_common_word_is_found_by_its_one_edit_variants():
    stems = ["가나", "다라", "마바", "사아", "자차", "카타", "파하", "거너", "더러", "머버"]
    Account.objects.bulk_create(
        [
            Account(name=f"{a}{b}엔지니어링", name_key=f"{a}{b}엔지니어링")
            for a in stems
            for b in stems
        ]
    )
    longer = Account(name="(주)미오엔지니어링즈")  # one character more
    shorter = Account(name="미엔지니어링")  # one character less
    for account in (longer, shorter):
        account.save()
    found = conflicts.matching_accounts(conflicts.Customer(name="미오엔지니어링 주식회사"))
    assert set(found) == {longer.pk, shorter.pk}
    assert search.max_edits(len("미오엔지니어링"), 88) == 1
