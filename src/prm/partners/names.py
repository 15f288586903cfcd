"""Company-name normalisation for duplicate and conflict detection.

``(주)한빛소프트``, ``㈜ 한빛소프트`` and ``한빛소프트 주식회사`` share one key, and so do
``Hanbit Soft Co., Ltd.`` and ``Hanbit Soft Inc.``: legal forms, spacing, punctuation and
case are removed before comparing.
"""

import re
import unicodedata

from rapidfuzz import fuzz, process

# Korean legal forms, written out and abbreviated in parentheses.
_KOREAN_FORMS = (
    "주식회사",
    "유한책임회사",
    "유한회사",
    "합자회사",
    "합명회사",
    "사단법인",
    "재단법인",
    "협동조합",
    "(주)",
    "(유)",
    "(합)",
    "(사)",
    "(재)",
    "주)",
)
# English and other Latin-script legal forms, matched as whole words at the end or start.
_LATIN_FORMS = (
    "co ltd",
    "company limited",
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "srl",
    "bv",
    "nv",
    "kk",
    "pte",
    "pty",
    "oy",
    "ab",
    "as",
)
_LATIN_RE = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in _LATIN_FORMS) + r")\b")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

SIMILARITY_THRESHOLD = 88


def name_key(name: str) -> str:
    """The comparable core of a company name."""
    text = unicodedata.normalize("NFKC", name or "").lower()  # ㈜ → (주)
    for form in _KOREAN_FORMS:
        text = text.replace(form, " ")
    text = text.replace(".", " ").replace(",", " ")
    text = _LATIN_RE.sub(" ", text)
    return _NON_WORD.sub("", text)


def similarity(a: str, b: str) -> float:
    """0 to 100 similarity of two names after normalisation."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.ratio(key_a, key_b))


def similar_keys(key: str, choices: dict, threshold: float = SIMILARITY_THRESHOLD) -> list:
    """The choices (``{id: key}``) whose key scores at least ``threshold``, best first."""
    if not key:
        return []
    matches = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=threshold, limit=20)
    return [(choice_id, score) for _key, score, choice_id in matches]
