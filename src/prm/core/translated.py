"""Text the system writes for people to read later (why a lead went to a partner, …): written
once in every language of the site, shown in the reader's. Text written in the language of
whoever caused it would reach the next reader in that one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation


def in_every_language(write: Callable[[], str]) -> dict[str, str]:
    """What ``write`` gives in each language of the site, by language code."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(write())
    return texts


def in_reader_language(texts: dict[str, str]) -> str:
    """``texts`` (``in_every_language``) in the active language, else in the site's, else in
    any."""
    if not texts:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, language.split("-")[0], settings.LANGUAGE_CODE):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()))
