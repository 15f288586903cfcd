"""Candidate search for conflict detection: accounts whose name or alias keys look like a key.

The conflict check scores candidates with rapidfuzz; this module finds them without reading
the whole table, so the number of candidates scored stays capped whatever the table's size.

- PostgreSQL: a short key — one that the threshold allows a single insertion or deletion
  (a substitution is two) — is looked up exactly: the key and its deletions by equality, its
  insertions by an indexed prefix and an indexed reversed suffix (``varchar_pattern_ops``
  indexes on ``name_key`` and ``reverse(name_key)``), so a name made of a common word such
  as ``…엔지니어링`` costs a few index probes. Longer keys: ``pg_trgm`` GIN indexes on
  ``name_key`` and ``alias_keys``; ``name_key % key`` ordered by similarity. Aliases always
  by ``key <% alias_keys`` ordered by word similarity. Each part is limited (migrations
  ``0003_account_trigram_search`` and ``0005_account_key_pattern_indexes``).
- SQLite: an FTS5 table with the ``trigram`` tokenizer (``sales_account_trgm``, external
  content on ``sales_account``, kept in step by triggers). The key's trigrams are read
  rarest first (their document counts come from an ``fts5vocab`` table): enough of them
  that a name within the threshold shares at least one (each edit breaks at most three),
  then more while the rows read stay within a budget; the accounts sharing the most of
  them are the candidates.
- Anything else (or SQLite without FTS5's trigram tokenizer): name keys sharing the first
  characters, limited — the portable fallback, weaker on typos early in the name.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection

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
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_trgm "
    "ON sales_account USING gin (name_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS sales_account_alias_keys_trgm "
    "ON sales_account USING gin (alias_keys gin_trgm_ops)",
    # Prefix searches (LIKE 'abc%') whatever the database's collation.
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_pattern "
    "ON sales_account (name_key varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS sales_account_name_key_reverse "
    "ON sales_account (reverse(name_key) text_pattern_ops)",
)
_PG_TEARDOWN = (
    "DROP INDEX IF EXISTS sales_account_name_key_trgm",
    "DROP INDEX IF EXISTS sales_account_alias_keys_trgm",
    "DROP INDEX IF EXISTS sales_account_name_key_pattern",
    "DROP INDEX IF EXISTS sales_account_name_key_reverse",
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
            for sql in _PG_SETUP:
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
    """A pg_trgm similarity below which no name reaches ``name_threshold`` (rapidfuzz ratio).

    A ratio r leaves about (1 - r) of the characters edited; each edit breaks at most three
    trigrams, so the trigram similarity is at least (1 - 3e) / (1 + 3e). A margin of 0.1 keeps
    borderline names in; the floor keeps the index useful at low thresholds.
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
    if max_edits(len(key), name_threshold) <= 1:
        names, params = _within_one_edit(key)
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


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _within_one_edit(key: str) -> tuple[str, list]:
    """The accounts whose name key is ``key`` with at most one character deleted or
    inserted: the deletions by equality; an insertion after ``key[:i]`` as a name one
    character longer that starts with ``key[:i]`` and ends with ``key[i:]`` (the database
    reads whichever of the two indexes is narrower)."""
    deletions = sorted({key} | {key[:i] + key[i + 1 :] for i in range(len(key))})
    parts, params = ["SELECT id FROM sales_account WHERE name_key = ANY(%s)"], [deletions]
    for i in range(len(key) + 1):
        head, tail = key[:i], key[i:]
        conditions, values = ["char_length(name_key) = %s"], [len(key) + 1]
        if head:
            conditions.append("name_key LIKE %s")
            values.append(_like(head) + "%")
        if tail:
            conditions.append("reverse(name_key) LIKE %s")
            values.append(_like(tail[::-1]) + "%")
        parts.append("SELECT id FROM sales_account WHERE " + " AND ".join(conditions))  # noqa: S608
        params += values
    return " UNION ".join(parts), params


# Rows (trigram postings) the SQLite search reads beyond the trigrams it must read.
POSTINGS_BUDGET = 3000


def _sqlite(key: str, limit: int, name_threshold: float) -> list[int]:
    grams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
    # A name within the threshold differs by at most this many edits; each breaks at most
    # three trigrams, so it shares at least one of any 3 * edits + 1 of the key's trigrams.
    edits = max(1, int((1 - name_threshold / 100) * len(key)))
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
        shared: Counter[int] = Counter()
        for gram in chosen:
            cursor.execute(
                "SELECT rowid FROM sales_account_trgm WHERE sales_account_trgm MATCH %s",
                ['"' + gram.replace('"', '""') + '"'],
            )
            shared.update(row[0] for row in cursor.fetchall())
    return [pk for pk, _count in shared.most_common(limit)]


def _prefix(key: str, limit: int) -> list[int]:
    from prm.sales.models import Account

    return list(
        access.unrestricted(Account)
        .filter(name_key__startswith=key[:PREFIX])
        .values_list("pk", flat=True)[:limit]
    )
