"""The candidate search behind conflict detection (``prm.sales.search``): the true fuzzy
match is found among many look-alikes, and the number of accounts scored stays capped."""

from itertools import pairwise

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


# Keys of 8 to 10 characters: at 88 a name within the threshold is at most two insertions or
# deletions away (a substitution is both), and each ends in a word thousands of names share.
MID_KEYS = ("수부제약엔지니어링", "빛선테크엔지니어", "daneworks", "tomologist")


def _within_the_threshold(key: str, rng, tries: int, most: int = 2) -> set[str]:
    """Names one to ``most`` random insertions, deletions or substitutions away from ``key``
    that rapidfuzz rates at 88 or more (of ``tries`` drawn)."""
    from rapidfuzz import fuzz

    alphabet = sorted(set(key)) + (["q", "z"] if key.isascii() else ["뷁", "똠"])
    names: set[str] = set()
    for _try in range(tries):
        name = list(key)
        for _edit in range(rng.randint(1, most)):
            kind, position = rng.choice("ids"), rng.randrange(len(name))
            if kind == "i":
                name.insert(rng.randint(0, len(name)), rng.choice(alphabet))
            elif kind == "d":
                del name[position]
            else:
                name[position] = rng.choice(alphabet)
        candidate = "".join(name)
        if candidate != key and fuzz.ratio(key, candidate) >= 88:
            names.add(candidate)
    return names


def _accounts(keys) -> dict[str, int]:
    created = Account.objects.bulk_create([Account(name=k, name_key=k) for k in keys])
    return {account.name_key: account.pk for account in created}


def _common_word_lookalikes(key: str, count: int, rng) -> list[str]:
    """Names ending in the key's last word with another stem: outside the threshold."""
    from rapidfuzz import fuzz

    stems = "가나다라마바사아자차카타파하" if not key.isascii() else "bcdfghjklmnprstvwxyz"
    tail = key[-5:]
    names: set[str] = set()
    while len(names) < count:
        name = "".join(rng.choice(stems) for _ in range(len(key) - len(tail))) + tail
        if fuzz.ratio(key, name) < 88:
            names.add(name)
    return sorted(names)


def test_the_key_patterns_admit_exactly_the_names_within_the_threshold():
    """Every name within the threshold fits one of the patterns the exact search looks up,
    and whatever fills a pattern's wildcards is within the threshold: the search finds every
    true match and reads nothing else."""
    import random
    import re

    from rapidfuzz import fuzz

    rng = random.Random(8)
    for key in ("미오엔지니어링", "abcdefg", *MID_KEYS):
        patterns = [
            re.compile(".".join(re.escape(piece) for piece in pieces))
            for pieces in search.name_patterns(key, 88)
        ]
        for name in _within_the_threshold(key, rng, 300):
            assert any(p.fullmatch(name) for p in patterns), (key, name)
        for pieces in search.name_patterns(key, 88):
            filled = "".join(p + rng.choice("#@") for p in pieces)[:-1]
            assert fuzz.ratio(key, filled) >= 88, (key, pieces)


def test_allowed_edits_follow_rapidfuzz_at_the_borderline():
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    key = "tomologistic"  # 12 characters: 88.0 exactly for three insertions
    allowed = search.allowed_edits(len(key), 88)
    for name in ("tomologisticxyz", "tomologisticxyzw", "tomologis", "tomologi"):
        within = fuzz.ratio(key, name) >= 88
        assert within == (Indel.distance(key, name) <= allowed.get(len(name), -1))
    assert allowed[len(key) + 3] == 3 and len(key) + 4 not in allowed


@pytest.mark.parametrize("key", MID_KEYS)
def test_every_name_within_two_edits_of_a_mid_length_key_is_found(key):
    import random

    assert search.max_edits(len(key), 88) == 2
    rng = random.Random(len(key))
    true_matches = _within_the_threshold(key, rng, 80)
    ids = _accounts([*true_matches, *_common_word_lookalikes(key, 200, rng)])
    found = conflicts.matching_accounts(conflicts.Customer(name=key))
    assert {ids[name] for name in true_matches} <= set(found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exact searches")
@pytest.mark.parametrize(
    ("key", "name"),
    [
        # One character dropped and another added elsewhere: 88.9 by rapidfuzz, but only a
        # third of the trigrams shared (the exact search of keys within two edits).
        ("빛선테크엔지니어링", "빛선테크엔니어똠링"),
        # Three edits spread inside a 13-character key (the search by ends).
        ("tomologistics", "tmoloogistcs"),
        # Four characters added along a 17-character key (the search by ends).
        ("lusataelectronics", "lu#sata#elec#tron#ics"),
    ],
)
def test_a_match_the_trigram_threshold_would_miss_is_found(key, name):
    """A name within the threshold that shares too few trigrams for the trigram search."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [key, name])
        assert cursor.fetchone()[0] < search.trigram_threshold(88)
    ids = _accounts([name])
    found = conflicts.matching_accounts(conflicts.Customer(name=key))
    assert set(found) == {ids[name]}


def _same_work_however_many(key: str, ids: dict, lookalikes: list[str], sizes) -> None:
    """Add look-alikes up to each of ``sizes``: the search stays one query that finds exactly
    the accounts ``ids`` and scores as many whatever the number of look-alikes."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    scored, added = [], 0
    for total in sizes:
        _accounts(lookalikes[added:total])
        added = total
        stats = conflicts.SearchStats()
        with CaptureQueriesContext(connections["default"]) as queries:
            candidates, _how = search.similar_account_ids(key, limit=100, name_threshold=88)
        found = conflicts.matching_accounts(conflicts.Customer(name=key), stats=stats)
        assert set(candidates) == set(ids.values()) == set(found)
        assert len(queries) == 1
        scored.append(stats.scored)
    assert scored == [len(ids)] * len(sizes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exact search")
def test_look_alikes_sharing_the_common_word_are_not_read_however_many():
    """The exact search reads only the names within the threshold, in one query whose index
    look-ups depend on the key alone: ten times the look-alikes, the same work."""
    import random

    key = "수부제약엔지니어링"
    rng = random.Random(2)
    ids = _accounts(_within_the_threshold(key, rng, 40))
    _same_work_however_many(key, ids, _common_word_lookalikes(key, 2000, rng), (200, 2000))
    assert len(search.exact_probes(key, 88)) <= 40


# Keys of 11 to 29 characters: at 88 a name within the threshold is three to seven insertions
# or deletions away; most end in a word thousands of names share.
LONG_KEYS = (
    "tomologistics",
    "hanbitzyxwares",
    "수부제약정보엔지니어링",
    "한빛모빌리티인터내셔널",
    "lusataelectronics",
    "한빛모빌리티인터내셔널헬스케어",
    "navilabselectronics",
    "figaelectronicsnetworks",
    "navinasolutionselectronics",
)


def _spread(key: str, edits: int) -> str:
    """The key with ``edits`` characters added at even intervals: every part of the key's
    split takes some."""
    step = len(key) / (edits + 1)
    cuts = [0, *(round(step * (i + 1)) for i in range(edits)), len(key)]
    return "#".join(key[a:b] for a, b in pairwise(cuts))


def _at_the_limits(key: str) -> set[str]:
    """For each part of the key's split, a name with one edit more than allowed in every
    other part and the rest of the key's edits in that one (characters added; at the outer
    edge of an end, past the characters its look-ups may skip): only that part's look-ups
    can find it."""
    parts = search.split(key, 88)
    texts = [parts.left, parts.middle, parts.right]
    taken = [parts.left_edits, parts.middle_edits, parts.right_edits]
    names = set()
    for part in (i for i, text in enumerate(texts) if text):
        added = [edits + 1 if i != part and texts[i] else 0 for i, edits in enumerate(taken)]
        added[part] = search.max_edits(len(key), 88) - sum(added)
        if added[part] >= 0:
            left, middle, right = added
            names.add("#" * left + texts[0] + _spread(texts[1], middle) + texts[2] + "#" * right)
    return names


def _found_by_ends(key: str, name: str) -> bool:
    """Whether a look-up of the search by ends reads ``name`` (before the Levenshtein
    filter)."""
    import re

    if len(name) not in search.allowed_edits(len(key), 88):
        return False
    if any(probe.finds(name) for probe in search.end_probes(key, 88)):
        return True
    middles = [p.replace("%", ".*").replace("_", ".") for p in search.middle_patterns(key, 88)]
    return any(re.fullmatch(middle, name) for middle in middles)


@pytest.mark.parametrize("key", LONG_KEYS)
def test_every_name_within_the_threshold_of_a_long_key_is_read_by_an_end_or_the_middle(key):
    """The search by ends looks up names starting with a shape of the key's left part, ending
    with a shape of its right part, or (keys of six edits and more) containing a shape of
    its middle: every name within the threshold is one of them."""
    import random

    from rapidfuzz import fuzz

    edits = search.max_edits(len(key), 88)
    assert 3 <= edits <= search.ENDS_EDITS
    rng = random.Random(len(key))
    limits = _at_the_limits(key)
    assert all(fuzz.ratio(key, name) >= 88 for name in limits)
    names = _within_the_threshold(key, rng, 800, most=edits) | {_spread(key, edits), *limits}
    assert len(names) > 100
    for name in names:
        assert _found_by_ends(key, name), (key, name)


def test_the_parts_of_a_long_key_take_more_edits_together_than_the_key_allows():
    """A name with more edits than each part takes is more than the key allows away."""
    for key in LONG_KEYS:
        parts = search.split(key, 88)
        assert parts.left + parts.middle + parts.right == key
        taken = [parts.left_edits, parts.middle_edits, parts.right_edits]
        assert sum(edits + 1 for edits in taken) > search.max_edits(len(key), 88)
        assert min(len(parts.left), len(parts.right)) - search.END_EDITS >= 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search by ends")
@pytest.mark.parametrize("key", LONG_KEYS)
def test_every_name_within_the_threshold_of_a_long_key_is_found(key):
    import random

    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    edits = search.max_edits(len(key), 88)
    rng = random.Random(len(key))
    # At most 60: the conflict check scores the 100 most similar candidates.
    drawn = sorted(_within_the_threshold(key, rng, 300, most=edits))
    true_matches = set(rng.sample(drawn, min(60, len(drawn))))
    # As many characters added as the threshold allows, spread over every part of the key.
    spread = _spread(key, edits)
    assert Indel.distance(key, spread) == edits and fuzz.ratio(key, spread) >= 88
    true_matches |= {spread, *_at_the_limits(key)}
    ids = _accounts([*true_matches, *_common_word_lookalikes(key, 300, rng)])
    candidates, how = search.similar_account_ids(key, limit=500, name_threshold=88)
    assert how == "pg_trgm"
    assert {ids[name] for name in true_matches} <= set(candidates)
    found = conflicts.matching_accounts(conflicts.Customer(name=key))
    assert {ids[name] for name in true_matches} <= set(found)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search by ends")
@pytest.mark.parametrize("key", ["수부제약정보엔지니어링", "figaelectronicsnetworks"])
def test_the_search_by_ends_does_the_same_work_whatever_the_look_alikes(key):
    import random

    rng = random.Random(3)
    ids = _accounts(_within_the_threshold(key, rng, 60, most=search.max_edits(len(key), 88)))
    _same_work_however_many(key, ids, _common_word_lookalikes(key, 1500, rng), (150, 1500))
    assert len(search.end_probes(key, 88)) <= 40
