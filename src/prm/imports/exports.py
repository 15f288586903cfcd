"""Exports: the rows an entity's export queryset yields, as CSV or XLSX.

The queryset comes from the entity (for a user: the capability's selector, so the access
layer and the list filters apply); the headers are the ones the importer reads back, in
the user's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from prm.imports import writers
from prm.imports.registry import Entity

CHUNK = 500


def headers(entity: Entity, language: str | None = None) -> list[str]:
    language = language or get_language()
    return [column.header(language) for column in entity.columns]


def rows(entity: Entity, queryset: QuerySet) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=CHUNK):
        values = entity.export_row(obj)
        yield [values.get(column.field, "") for column in entity.columns]


def filename(entity: Entity, fmt: str) -> str:
    return f"{entity.name}-{timezone.localdate():%Y%m%d}.{fmt}"


def render(entity: Entity, queryset: QuerySet, fmt: str, language: str | None = None) -> bytes:
    head = headers(entity, language)
    if fmt == "xlsx":
        return writers.xlsx_bytes(head, rows(entity, queryset), title=entity.name)
    return writers.csv_bytes(head, rows(entity, queryset))
