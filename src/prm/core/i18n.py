"""The Korean and English message catalogues: extraction, completeness and compilation.

The catalogues live in ``src/prm/locale``. English is the source language, so its catalogue
repeats each message; Korean must translate every one. ``prm i18n-update`` refreshes both
from the code; ``prm i18n-check`` fails when a message is missing, untranslated, fuzzy or
not compiled.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.conf import settings

SOURCE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = SOURCE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = "en"


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def extract(target_root: Path) -> None:
    """Run makemessages over a copy of the source placed in ``target_root``."""
    shutil.copytree(
        SOURCE_DIR,
        target_root,
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "migrations"),
        dirs_exist_ok=True,
    )
    args = ["makemessages", "--no-obsolete", "--no-location", "--no-wrap"]
    for language in LANGUAGES:
        args += ["-l", language]
    subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "prm.cli", *args, "-v", "0"],
        cwd=target_root,
        check=True,
        env={**os.environ, "PRM_LOCALE_DIR": str(target_root / "locale")},
    )


def update() -> dict[str, int]:
    """Refresh the catalogues from the code, keeping existing translations."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "prm"
        extract(root)
        counts = {}
        for language in LANGUAGES:
            fresh = polib.pofile(str(po_path(language, root / "locale")))
            path = po_path(language)
            if path.exists():
                old = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path))}
                for entry in fresh:
                    previous = old.get((entry.msgctxt, entry.msgid))
                    if previous is not None and "fuzzy" not in previous.flags:
                        entry.msgstr = previous.msgstr
                        entry.msgstr_plural = previous.msgstr_plural
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                        entry.msgstr = ""
                        entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if language == SOURCE_LANGUAGE:
                for entry in fresh:
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    else:
                        entry.msgstr = entry.msgid
            fresh.metadata["Language"] = language
            fresh.metadata["Plural-Forms"] = (
                "nplurals=1; plural=0;" if language == "ko" else "nplurals=2; plural=(n != 1);"
            )
            fresh.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh.save(str(path))
            counts[language] = len(fresh.untranslated_entries())
        return counts


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.problems.append(message)


def check() -> Report:
    """What keeps the catalogues from being complete and compiled."""
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "prm"
        extract(root)
        for language in LANGUAGES:
            path = po_path(language)
            if not path.exists():
                report.add(f"{language}: {path} is missing; run `prm i18n-update`")
                continue
            catalogue = polib.pofile(str(path))
            wanted = {
                (e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(language, root / "locale")))
            }
            have = {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}
            for _ctxt, msgid in sorted(wanted - have, key=str):
                report.add(f"{language}: not in the catalogue: {msgid!r}; run `prm i18n-update`")
            for _ctxt, msgid in sorted(have - wanted, key=str):
                report.add(f"{language}: no longer used: {msgid!r}; run `prm i18n-update`")
            for entry in catalogue.untranslated_entries():
                report.add(f"{language}: untranslated: {entry.msgid!r}")
            for entry in catalogue.fuzzy_entries():
                report.add(f"{language}: fuzzy: {entry.msgid!r}")
            mo = path.with_suffix(".mo")
            if not mo.exists():
                report.add(f"{language}: {mo} is not compiled; run `prm compilemessages`")
                continue
            compiled = {
                (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo))
            }
            for entry in catalogue.translated_entries():
                if compiled.get((entry.msgctxt, entry.msgid)) != (
                    entry.msgstr,
                    entry.msgstr_plural,
                ):
                    report.add(
                        f"{language}: compiled catalogue is stale; run `prm compilemessages`"
                    )
                    break
    return report
