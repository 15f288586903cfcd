"""The entities that can be imported and exported, and how each one's columns read and write.

A capability plugs an entity in from its own ``imports.py`` (found when the imports app
loads)::

    registry.register(Entity(name="partners", columns=(...), apply=..., ...))

An :class:`Entity` says which columns a file may have (with their Korean and English
headers), how each cell is parsed, how one parsed row is applied through the capability's
services, and how one object is written back as a row. The framework (``engine``,
``readers``, ``writers``) does the rest: encodings, headers, row errors, transactions,
previews, progress and formula neutralisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet

from prm.accounts.roles import Role

if TYPE_CHECKING:
    from prm.accounts.models import User


class _Keep:
    """A parsed cell that leaves the stored value as it is (a blank cell in a column where
    blank cannot mean "clear", such as the stage)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class RowError(Exception):
    """A row cannot be applied; ``field`` names the column to blame (None: the whole row)."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class Context:
    """What the parsers and the applier of one import run share."""

    actor: User  # the user whose rights apply (a stand-in admin for the system)
    allow_duplicates: bool = False
    cache: dict[str, Any] = field(default_factory=dict)


def text(value: str, ctx: Context) -> str:
    return value


@dataclass(frozen=True)
class Column:
    field: str
    header_en: str
    header_ko: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present and its cells filled
    parse: Callable[[str, Context], Any] = text  # raises ValidationError or RowError
    export_only: bool = False  # written for people to read; ignored on import

    def header(self, language: str | None) -> str:
        return self.header_ko if (language or "").startswith("ko") else self.header_en

    def header_keys(self) -> set[str]:
        return {header_key(n) for n in (self.field, self.header_en, self.header_ko, *self.aliases)}


@dataclass(frozen=True)
class Entity:
    """One importable and exportable kind of object."""

    name: str  # the command-line and URL name: "partners"
    label: Any  # a lazy translated plural name
    model: type[models.Model]
    columns: tuple[Column, ...]
    natural_keys: tuple[str, ...]  # the fields that find an existing row, in order (docs)
    apply: Callable[[Context, dict[str, Any]], Outcome]  # through the capability's services
    export_queryset: Callable[[User | None, Any, Any], tuple[Any, QuerySet]]
    export_row: Callable[[Any], dict[str, Any]]
    import_roles: frozenset[str] = frozenset({Role.ADMIN, Role.PARTNER_MANAGER})
    export_roles: frozenset[str] | None = None  # None: anyone; the access layer limits rows

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    def can_import(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.role in self.import_roles

    def can_export(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return self.export_roles is None or user.role in self.export_roles


_entities: dict[str, Entity] = {}


def register(entity: Entity) -> Entity:
    _entities[entity.name] = entity
    return entity


def get(name: str) -> Entity | None:
    return _entities.get(name)


def entities() -> list[Entity]:
    return list(_entities.values())


def names() -> list[str]:
    return sorted(_entities)


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def header_key(header: str) -> str:
    """Headers compare without case, spaces, underscores or punctuation:
    ``Legal name``, ``legal_name`` and ``LEGAL-NAME`` are one column."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", header or "").casefold())


def split_list(value: str) -> list[str]:
    """``a, b; c`` → ``["a", "b", "c"]``."""
    return [part.strip() for part in re.split(r"[,;\n]", value or "") if part.strip()]


def choice_lookup(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """``{header_key(name): code}`` for every name a code may be written as."""
    table: dict[str, str] = {}
    for code, names_ in pairs:
        for name in (code, *names_):
            key = header_key(str(name))
            if key:
                table.setdefault(key, code)
    return table
