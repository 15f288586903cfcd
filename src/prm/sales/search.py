"""Candidate search for conflict detection: accounts whose name or alias keys look like a key.

The conflict check scores candidates with rapidfuzz; this module finds them without reading
the whole table, so the number of candidates scored stays capped whatever the table's size.

- PostgreSQL: a key that the threshold allows at most two insertions or deletions (a
  substitution is both; up to 10 characters at 88) is looked up exactly. ``name_patterns``
  lists every shape of a name within the threshold — the key with some characters deleted and
  single-character wildcards inserted, per length — and each shape is read through the
  narrowest index: names of that length starting with its first literal characters, or ending
  with its last ones (B-tree indexes on the key's length with the key and with its reverse,
  which also hold the key, so the patterns are matched in the index), or, when a wildcard sits
  near both ends, containing its middle (the trigram index). A key ending in a common word
  such as ``…엔지니어링`` costs a few dozen probes that read names of the right length
  sharing several of its characters, not every name with that word; they depend on the key
  alone.
  A key allowing three to seven (11-29 characters at 88) is looked up by its ends
  (``end_probes``): split in halves, a name within the threshold either starts with a shape
  of the left half within two edits or ends with a shape of the right half within the rest
  but one (for six and seven edits: thirds, or contains a shape of the middle, through the
  trigram index). Each shape is read by a literal piece beginning within two characters of
  its end, through B-tree indexes on the key's length and the key (or its reverse) past its
  first zero, one or two characters, which hold the key: every look-up is filtered by
  Levenshtein distance (``fuzzystrmatch``) in the index alone.
  Longer keys: ``pg_trgm`` GIN indexes on ``name_key`` and ``alias_keys``; ``name_key % key``
  ordered by similarity. Aliases always by ``key <% alias_keys`` ordered by word similarity.
  Each part is limited (migrations ``0003_account_trigram_search``,
  ``0006_account_key_length_indexes``, ``0007_account_key_levenshtein`` and
  ``0008_account_key_skip_indexes``).
- SQLite: an FTS5 table with the ``trigram`` tokenizer (``sales_account_trgm``, external
  content on ``sales_account``, kept in step by triggers). The key's trigrams are read
  rarest first (their document counts come from an ``fts5vocab`` table): enough of them
  that a name within the threshold shares at least one (each edit breaks at most three),
  then more while the rows read stay within a budget; the accounts sharing the most of
  them, rarer trigrams weighing more, are the candidates.
- Anything else (or SQLite without FTS5's trigram tokenizer): name keys sharing the first
  characters, limited — the portable fallback, weaker on typos early in the name.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from itertools import combinations, combinations_with_replacement, pairwise

from django.db import connection
from rapidfuzz import fuzz

from prm.core import access

FTS_TABLE = "sales_account_trgm"
VOCAB_TABLE = "sales_account_trgm_vocab"
TRIGGERS = ("sales_account_trgm_ai", "sales_account_trgm_ad", "sales_account_trgm_au")
PREFIX = 2

_SQLITE_SETUP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS sales_account_trgm USING fts5(name_key, alias_keys, "
    "content='sales_account', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS sales_account_trgm_ai AFTER INSERT ON sales_account BEGIN "
    "INSERT INTO sales_account_trgm(rowid, name_key, alias_keys) "
    "VALUES (new.id, new.name_key, new.alias_keys); END",
    "CREATE TRIGGER IF NOT EXISTS sales_account_trgm_ad AFTER DELETE ON sales_account BEGIN "
    "INSERT INTO sales_account_trgm(sales_account_trgm, rowid, name_key, alias_keys) "
    "VALUES ('delete', old.id, old.name_key, old.alias_keys); END",
    "CREATE TRIGGER IF NOT EXISTS sales_account_trgm_au AFTER UPDATE OF name_key, alias_keys "
    "ON sales_account BEGIN "
    "INSERT INTO sales_account_trgm(sales_account_trgm, rowid, name_key, alias_keys) "
    "VALUES ('delete', old.id, old.name_key, old.alias_keys); "
    "INSERT INTO sales_account_trgm(rowid, name_key, alias_keys) "
    "VALUES (new.id, new.name_key, new.alias_keys); END",
    "CREATE VIRTUAL TABLE IF NOT EXISTS sales_account_trgm_vocab "
    "USING fts5vocab(sales_account_trgm, 'row')",
    "INSERT INTO sales_account_trgm(sales_account_trgm) VALUES ('rebuild')",
)
_SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS sales_account_trgm_ai",
    "DROP TRIGGER IF EXISTS sales_account_trgm_ad",
    "DROP TRIGGER IF EXISTS sales_account_trgm_au",
    "DROP TABLE IF EXISTS sales_account_trgm_vocab",
    "DROP TABLE IF EXISTS sales_account_trgm",
)
_PG_SETUP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_trgm "
    "ON sales_account USING gin (name_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS sales_account_alias_keys_trgm "
    "ON sales_account USING gin (alias_keys gin_trgm_ops)",
    # Names of one length by prefix and by suffix (LIKE 'abc%' whatever the collation); the
    # key is in both, so the patterns are matched in the index without reading the table.
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_length "
    "ON sales_account (char_length(name_key), name_key varchar_pattern_ops) INCLUDE (id)",
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_length_reverse "
    "ON sales_account (char_length(name_key), reverse(name_key) text_pattern_ops) "
    "INCLUDE (id, name_key)",
    # The same past the first (or last) one or two characters: the search by ends finds a
    # name whose first characters are edited by the literal characters that follow.
    *(
        f"CREATE INDEX IF NOT EXISTS sales_account_name_key_length_{name}{skip} "
        f"ON sales_account (char_length(name_key), substr({text}, {skip + 1}) "
        "text_pattern_ops) INCLUDE (id, name_key)"
        for name, text in (("skip", "name_key"), ("reverse_skip", "reverse(name_key)"))
        for skip in (1, 2)
    ),
)
# Superseded by the length-first indexes (migration sales.0006).
_PG_OBSOLETE = (
    "DROP INDEX IF EXISTS sales_account_name_key_pattern",
    "DROP INDEX IF EXISTS sales_account_name_key_reverse",
)
_PG_TEARDOWN = (
    "DROP INDEX IF EXISTS sales_account_name_key_trgm",
    "DROP INDEX IF EXISTS sales_account_alias_keys_trgm",
    "DROP INDEX IF EXISTS sales_account_name_key_length",
    "DROP INDEX IF EXISTS sales_account_name_key_length_reverse",
    *(
        f"DROP INDEX IF EXISTS sales_account_name_key_length_{name}{skip}"
        for name in ("skip", "reverse_skip")
        for skip in (1, 2)
    ),
    *_PG_OBSOLETE,
)


def sqlite_has_trigram(cursor) -> bool:
    """Whether this SQLite build has FTS5 and its trigram tokenizer (SQLite 3.34+)."""
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.prm_trgm_probe USING fts5(x, tokenize='trigram')")
        cursor.execute("DROP TABLE temp.prm_trgm_probe")
    except Exception:  # any failure means "not available"
        return False
    return True


def install(schema_editor=None) -> None:
    """Create the trigram index for the current database (idempotent; migrations call it)."""
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in (*_PG_SETUP, *_PG_OBSOLETE):
                cursor.execute(sql)
        elif conn.vendor == "sqlite" and sqlite_has_trigram(cursor):
            for sql in _SQLITE_SETUP:
                cursor.execute(sql)


def uninstall(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor else connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in _PG_TEARDOWN:
                cursor.execute(sql)
        elif conn.vendor == "sqlite":
            for sql in _SQLITE_TEARDOWN:
                cursor.execute(sql)


def _sqlite_ready() -> bool:
    """The FTS table and its triggers exist (recreated and rebuilt if a table rebuild by a
    later migration dropped the triggers). Checked once per connection and database."""
    marker = ("sqlite-trgm", connection.settings_dict["NAME"])
    state = getattr(connection, "_prm_account_search", None)
    if state is not None and state[0] == marker:
        return state[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s)",
            [FTS_TABLE, VOCAB_TABLE, *TRIGGERS],
        )
        found = {row[0] for row in cursor.fetchall()}
        ready = FTS_TABLE in found
        if ready and found != {FTS_TABLE, VOCAB_TABLE, *TRIGGERS}:
            install()
    connection._prm_account_search = (marker, ready)
    return ready


def method() -> str:
    """Which candidate search this database uses: "pg_trgm", "fts5" or "prefix"."""
    if connection.vendor == "postgresql":
        return "pg_trgm"
    if connection.vendor == "sqlite" and _sqlite_ready():
        return "fts5"
    return "prefix"


def trigram_threshold(name_threshold: float) -> float:
    """A pg_trgm similarity below which few names reach ``name_threshold`` (rapidfuzz ratio).

    A ratio r leaves about (1 - r) of the characters edited; each edit breaks at most three
    trigrams, so the trigram similarity is at least (1 - 3e) / (1 + 3e). A margin of 0.1 keeps
    borderline names in; the floor keeps the index useful at low thresholds. It is not a
    bound: at 88, edits spread inside a key leave 0.33 (9-10 characters, looked up exactly
    instead) or 0.29 (12 and more) of the trigrams shared.
    """
    edited = 1 - name_threshold / 100
    bound = (1 - 3 * edited) / (1 + 3 * edited)
    return round(max(0.1, bound - 0.1), 2)


def max_edits(length: int, name_threshold: float) -> int:
    """The most insertions and deletions (a substitution counts two) that can leave a name
    within ``name_threshold`` of a key of ``length`` characters.

    rapidfuzz's ratio is 1 - d / (n + m) for d insertions and deletions between names of n
    and m characters; m is at most n + d, so d <= 2 t n / (1 - t) with t = 1 - ratio.
    """
    allowed = 1 - name_threshold / 100
    if allowed >= 1:
        return length
    return int(2 * allowed * length / (1 - allowed) + 1e-9)


def similar_account_ids(key: str, *, limit: int, name_threshold: float) -> tuple[list[int], str]:
    """Ids of at most ``limit`` accounts whose name key or an alias key resembles ``key``,
    most similar first, and the method used."""
    how = method()
    if not key:
        return [], how
    if how == "pg_trgm":
        return _postgres(key, limit, name_threshold), how
    if how == "fts5" and len(key) >= 3:
        return _sqlite(key, limit, name_threshold), how
    return _prefix(key, limit), "prefix"


_TRIGRAM_NAMES = (
    "SELECT id FROM sales_account WHERE name_key %% %s ORDER BY similarity(name_key, %s) DESC, id"
)


def _postgres(key: str, limit: int, name_threshold: float) -> list[int]:
    threshold = trigram_threshold(name_threshold)
    edits = max_edits(len(key), name_threshold)
    if edits <= EXACT_EDITS:
        names, params = _exact(key, name_threshold)
    elif edits <= ENDS_EDITS:
        names, params = _ends(key, name_threshold)
    else:
        names, params = _TRIGRAM_NAMES, [key, key]
    # One round trip: the thresholds the ``%`` and ``<%`` operators read are set for this
    # transaction only (the statements of one call form one implicit transaction).
    sql = (  # fixed fragments only; every value is a parameter
        "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "  # noqa: S608
        "set_config('pg_trgm.word_similarity_threshold', %s, true); "
        f"({names} LIMIT %s) "
        "UNION "
        "(SELECT id FROM sales_account WHERE alias_keys <> '' AND %s <%% alias_keys "
        " ORDER BY word_similarity(%s, alias_keys) DESC, id LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [str(threshold), str(max(threshold, 0.5)), *params, limit, key, key, limit]
        )
        cursor.nextset()
        return [row[0] for row in cursor.fetchall()]


# --- exact look-up of keys the threshold allows at most EXACT_EDITS insertions and deletions ---

# Keys within this many insertions and deletions of every name the threshold admits are looked
# up exactly; longer ones by trigrams.
EXACT_EDITS = 2
# Literal characters a probe reads by. Three of a prefix are selective (the distinctive part
# of a name comes first) and few enough that the shapes of many deletions share one probe; a
# suffix is often a common word, so it takes more; a piece inside takes four (two trigrams).
PREFIX_ANCHOR = 3
SUFFIX_ANCHOR = 6
INNER_ANCHOR = 4


@functools.cache
def allowed_edits(length: int, name_threshold: float) -> dict[int, int]:
    """For each length a name within ``name_threshold`` of a key of ``length`` characters can
    have, the most insertions and deletions it can differ by. rapidfuzz itself rates a pair of
    strings of those lengths that far apart, so the borderline is exactly the conflict check's."""
    edits: dict[int, int] = {}
    most = max_edits(length, name_threshold) + 1
    for other in range(max(1, length - most), length + most + 1):
        for distance in range(abs(length - other), most + 1, 2):
            deleted = (distance + length - other) // 2
            inserted = distance - deleted
            sample = "a" * (length - deleted) + "b" * inserted
            if fuzz.ratio("a" * length, sample) >= name_threshold:
                edits[other] = distance
    return edits


def name_patterns(key: str, name_threshold: float) -> set[tuple[str, ...]]:
    """Every shape of a name within ``name_threshold`` of ``key``: the key with ``k``
    characters deleted and ``l`` single-character wildcards inserted, as the literal pieces
    between the wildcards (a substitution is a deletion and an insertion at one place, and so
    is keeping a character; so per length only the largest distance allowed is needed)."""
    shapes: set[tuple[str, ...]] = set()
    for other, distance in allowed_edits(len(key), name_threshold).items():
        deleted = (distance + len(key) - other) // 2
        inserted = distance - deleted
        for gone in combinations(range(len(key)), deleted):
            kept = "".join(c for i, c in enumerate(key) if i not in gone)
            for slots in combinations_with_replacement(range(len(kept) + 1), inserted):
                bounds = (0, *slots, len(kept))
                shapes.add(tuple(kept[a:b] for a, b in pairwise(bounds)))
    return shapes


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Probe:
    """One index look-up of the exact search: names of ``length`` characters starting
    ("prefix") or ending ("suffix") with ``anchor`` (B-tree indexes on the key's length and
    the key or its reverse), names containing it ("inner", the trigram index), or keys equal
    to one of the shapes ("equal")."""

    kind: str
    anchor: str = ""
    length: int = 0


_PROBE_SQL = {
    "equal": "SELECT id, name_key FROM sales_account WHERE name_key = ANY(%s)",
    "prefix": "SELECT id, name_key FROM sales_account WHERE char_length(name_key) = %s "
    "AND name_key LIKE %s AND name_key LIKE ANY(%s)",
    "suffix": "SELECT id, name_key FROM sales_account WHERE char_length(name_key) = %s "
    "AND reverse(name_key) LIKE %s AND name_key LIKE ANY(%s)",
    "inner": "SELECT id, name_key FROM sales_account WHERE name_key LIKE %s "
    "AND name_key LIKE ANY(%s)",
}


def _probe_for(pieces: tuple[str, ...]) -> Probe:
    """The narrowest index look-up that finds the names of one shape. Names put their
    distinctive part first and common words (``…엔지니어링``, ``…logistics``) last, so a
    prefix of a few characters is preferred, then a suffix, then a piece inside."""
    if len(pieces) == 1:
        return Probe("equal")
    length = sum(map(len, pieces)) + len(pieces) - 1
    head, tail = pieces[0], pieces[-1]
    inner = max(pieces[1:-1], key=len, default="")
    if len(head) >= PREFIX_ANCHOR:
        return Probe("prefix", head[:PREFIX_ANCHOR], length)
    if len(tail) >= PREFIX_ANCHOR and len(tail) >= len(inner):
        return Probe("suffix", tail[-SUFFIX_ANCHOR:], length)
    if len(inner) >= PREFIX_ANCHOR:
        return Probe("inner", inner[:INNER_ANCHOR])
    if len(head) >= len(tail):
        return Probe("prefix", head, length)
    return Probe("suffix", tail, length)


def exact_probes(key: str, name_threshold: float) -> dict[Probe, list[tuple[str, ...]]]:
    """The index look-ups that find every name within ``name_threshold`` of ``key``, each
    with the shapes (``name_patterns``) of the names it finds."""
    probes: dict[Probe, list[tuple[str, ...]]] = {}
    for pieces in sorted(name_patterns(key, name_threshold)):
        probes.setdefault(_probe_for(pieces), []).append(pieces)
    return probes


def _exact(key: str, name_threshold: float) -> tuple[str, list]:
    parts, params = [], []
    for probe, shapes in exact_probes(key, name_threshold).items():
        parts.append(_PROBE_SQL[probe.kind])
        if probe.kind == "equal":
            params.append([pieces[0] for pieces in shapes])
            continue
        if probe.kind == "prefix":
            params += [probe.length, _like(probe.anchor) + "%"]
        elif probe.kind == "suffix":
            params += [probe.length, _like(probe.anchor[::-1]) + "%"]
        else:
            params.append("%" + _like(probe.anchor) + "%")
        params.append(["_".join(_like(piece) for piece in pieces) for pieces in shapes])
    found = " UNION ".join(parts)  # fixed fragments only; every value is a parameter
    sql = f"SELECT id FROM ({found}) AS found ORDER BY similarity(name_key, %s) DESC, id"  # noqa: S608
    return sql, [*params, key]


# --- keys the threshold allows three to seven insertions and deletions, looked up by ends ---

# Keys the threshold allows more than EXACT_EDITS and at most this many insertions and
# deletions are looked up by their ends (and middle); longer ones by trigrams.
ENDS_EDITS = 7
# The most edits either end of the key takes in the names looked up by that end. A shape
# within two edits starts with at most two wildcards, so the indexes on the key without its
# first (or last) one or two characters find it by literal characters.
END_EDITS = 2
END_ANCHOR = {"start": PREFIX_ANCHOR, "end": SUFFIX_ANCHOR}


def left_shapes(left: str, edits: int) -> set[tuple[str, ...]]:
    """The shapes of every start of a name within ``edits`` insertions and deletions of
    ``left`` and followed by more characters, as the literal pieces between single-character
    wildcards. Keeping or substituting a character is a deletion and an insertion at one
    place, and a wildcard at the end is what follows, so only ``edits`` edits in all are
    needed; trailing wildcards are dropped (the name goes on anyway)."""
    shapes: set[tuple[str, ...]] = set()
    for deleted in range(min(edits, len(left)) + 1):
        for gone in combinations(range(len(left)), deleted):
            kept = "".join(c for i, c in enumerate(left) if i not in gone)
            for slots in combinations_with_replacement(range(len(kept) + 1), edits - deleted):
                bounds = (0, *slots, len(kept))
                pieces = [kept[a:b] for a, b in pairwise(bounds)]
                while len(pieces) > 1 and not pieces[-1]:
                    pieces.pop()
                shapes.add(tuple(pieces))
    return shapes


@dataclass(frozen=True)
class EndProbe:
    """One index look-up of the search by ends: names of an allowed length whose key, read
    from its ``end`` ("start", or "end" backwards) past ``skip`` characters, begins with
    ``anchor`` (a B-tree index on the key's length and that text)."""

    end: str
    skip: int
    anchor: str

    def finds(self, name: str) -> bool:
        """Whether this look-up reads ``name`` (when its length is allowed)."""
        text = name if self.end == "start" else name[::-1]
        return text[self.skip :].startswith(self.anchor)


def _end_probe(pieces: tuple[str, ...], end: str) -> EndProbe:
    """The look-up that finds the names starting with a shape (for the end: the reversed
    names, with the reversed shape): by its longest literal piece, up to the end's anchor,
    that begins within ``END_EDITS`` characters."""
    width = END_ANCHOR[end]
    runs, offset = [], 0  # (anchor width, offset, piece) of each piece near the end
    for piece in pieces:
        if piece and offset <= END_EDITS:
            runs.append((min(len(piece), width), offset, piece))
        offset += len(piece) + 1
    _width, skip, piece = max(runs, key=lambda run: (run[0], -run[1]))
    return EndProbe(end, skip, piece[:width])


@dataclass(frozen=True)
class Split:
    """The key in a left part, a middle and a right part, with the edits each takes: a name
    with more in every part is more than the key's edits away. A key in halves has an empty
    middle, which takes -1 edits (no look-up)."""

    left: str
    middle: str
    right: str
    left_edits: int
    middle_edits: int
    right_edits: int


def split(key: str, name_threshold: float) -> Split:
    """Halves when each end's ``END_EDITS`` cover the edits; else thirds, the middle taking
    the rest of the edits."""
    edits = max_edits(len(key), name_threshold)
    if edits - 1 <= 2 * END_EDITS:
        half, left = len(key) // 2, min(END_EDITS, edits - 1)
        return Split(key[:half], "", key[half:], left, -1, edits - 1 - left)
    third = len(key) // 3
    return Split(
        key[:third],
        key[third:-third],
        key[-third:],
        END_EDITS,
        edits - 2 * END_EDITS - 2,
        END_EDITS,
    )


def end_probes(key: str, name_threshold: float) -> set[EndProbe]:
    """The index look-ups of the names starting with a shape of the key's left part, or
    ending with a shape of its right part, within their edits (``split``). A look-up whose
    anchor extends another's (same end, same skip) is left out: the other finds its names."""
    parts = split(key, name_threshold)
    probes = {
        _end_probe(pieces, end)
        for end, text, edits in (
            ("start", parts.left, parts.left_edits),
            ("end", parts.right[::-1], parts.right_edits),
        )
        for pieces in left_shapes(text, edits)
    }
    return {
        probe
        for probe in probes
        if not any(
            other != probe
            and (other.end, other.skip) == (probe.end, probe.skip)
            and probe.anchor.startswith(other.anchor)
            for other in probes
        )
    }


def middle_patterns(key: str, name_threshold: float) -> list[str]:
    """``LIKE`` patterns of the names containing a shape of the key's middle within its edits
    (``split``; none when the key is in halves), looked up through the trigram index."""
    parts = split(key, name_threshold)
    if parts.middle_edits < 0:
        return []
    patterns = set()
    for pieces in left_shapes(parts.middle, parts.middle_edits):
        # Leading wildcards dropped too: the name goes on on both sides.
        start = next(i for i, piece in enumerate(pieces) if piece)
        patterns.add("%" + "_".join(_like(piece) for piece in pieces[start:]) + "%")
    return sorted(patterns)


def _successor(text: str) -> str:
    """The least string above every string starting with ``text`` in code point order (the
    byte order of UTF-8, which the pattern operators compare). Name keys hold word
    characters only, far from the surrogates and the last code point."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def _end_text(probe: EndProbe) -> str:
    """The indexed expression a look-up reads (``install``'s length indexes)."""
    text = "name_key" if probe.end == "start" else "reverse(name_key)"
    return f"substr({text}, {probe.skip + 1})" if probe.skip else text


# A range rather than LIKE 'anchor%': the trigram index cannot serve it, so the planner reads
# the B-tree, whose entries hold the key for the Levenshtein filter.
_END_SQL = (
    "SELECT id, name_key FROM sales_account WHERE char_length(name_key) = ANY(%s) "
    "AND {text} ~>=~ %s AND {text} ~<~ %s "
    "AND levenshtein_less_equal(name_key, %s, 1, 1, 2, %s) <= %s"
)
# The length is no index condition here: the trigram index alone reads fewer rows.
_MIDDLE_SQL = (
    "SELECT id, name_key FROM sales_account WHERE name_key LIKE ANY(%s) "
    "AND char_length(name_key) + 0 = ANY(%s) "
    "AND levenshtein_less_equal(name_key, %s, 1, 1, 2, %s) <= %s"
)


def _ends(key: str, name_threshold: float) -> tuple[str, list]:
    lengths = sorted(allowed_edits(len(key), name_threshold))
    edits = max_edits(len(key), name_threshold)
    within = [key, edits, edits]
    parts, params = [], []
    for probe in sorted(end_probes(key, name_threshold), key=repr):
        parts.append(_END_SQL.format(text=_end_text(probe)))
        params += [lengths, probe.anchor, _successor(probe.anchor), *within]
    if middle := middle_patterns(key, name_threshold):
        parts.append(_MIDDLE_SQL)
        params += [middle, lengths, *within]
    found = " UNION ".join(parts)  # fixed fragments only; every value is a parameter
    sql = f"SELECT id FROM ({found}) AS found ORDER BY similarity(name_key, %s) DESC, id"  # noqa: S608
    return sql, [*params, key]


# Rows (trigram postings) the SQLite search reads beyond the trigrams it must read.
POSTINGS_BUDGET = 3000


def _sqlite(key: str, limit: int, name_threshold: float) -> list[int]:
    grams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
    # A name within the threshold is at most this many insertions and deletions away; each
    # breaks at most three trigrams, so it shares at least one of any 3 * edits + 1 of them.
    edits = max(1, max_edits(len(key), name_threshold))
    needed = min(len(grams), 3 * edits + 1)
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(grams))  # only placeholders are joined in
        cursor.execute(
            f"SELECT term, doc FROM sales_account_trgm_vocab WHERE term IN ({placeholders})",  # noqa: S608
            grams,
        )
        docs = dict(cursor.fetchall())
        chosen, read = [], 0
        for gram in sorted(grams, key=lambda g: (docs.get(g, 0), g)):
            count = docs.get(gram, 0)
            if count == 0:
                continue
            if len(chosen) >= needed and read + count > POSTINGS_BUDGET:
                break
            chosen.append(gram)
            read += count
        # A rare trigram says more than a common one: a name sharing two of the key's rare
        # trigrams ranks above many sharing three of a common word's.
        shared: Counter[int] = Counter()
        for gram in chosen:
            cursor.execute(
                "SELECT rowid FROM sales_account_trgm WHERE sales_account_trgm MATCH %s",
                ['"' + gram.replace('"', '""') + '"'],
            )
            for (pk,) in cursor.fetchall():
                shared[pk] += 1 / docs[gram]
    return [pk for pk, _weight in shared.most_common(limit)]


def _prefix(key: str, limit: int) -> list[int]:
    from prm.sales.models import Account

    return list(
        access.unrestricted(Account)
        .filter(name_key__startswith=key[:PREFIX])
        .values_list("pk", flat=True)[:limit]
    )
