"""Running one file through an entity: map headers, parse and apply every row, report.

A run is one transaction. Each row is applied in its own savepoint, so a failing row is
reported and the next one still checked; at the end the whole transaction is rolled back
when any row failed or when it is a dry run. A dry run is therefore exactly as strict as
the real thing: the services run, and only the commit is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.core.errors import BusinessError
from prm.imports.readers import Table
from prm.imports.registry import KEEP, Context, Entity, Outcome, RowError, header_key
from prm.imports.writers import unneutralise

PREVIEW_ROWS = 20


@dataclass
class Issue:
    row: int  # as the spreadsheet numbers it (the header is row 1 in most files)
    column: str  # the header as written in the file; "" for the whole row
    message: str


@dataclass
class Report:
    entity: str
    filename: str
    dry_run: bool
    columns: list[dict[str, str]] = field(default_factory=list)  # {"header", "field"}
    unknown_columns: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)  # {"row", "values", "outcome"}
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({issue.row for issue in self.errors})

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        data = dict(data)
        data["errors"] = [Issue(**issue) for issue in data.get("errors", [])]
        return cls(**data)


def system_actor() -> User:
    """Who the services see when the system imports (the CLI without ``--as``): an unsaved
    admin. The audit log records no user for it, only the import channel."""
    return User(email="system@prm.invalid", role=Role.ADMIN, is_active=True)


def map_columns(entity: Entity, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """``{position: field}`` of the recognised columns, and the unknown headers.

    A missing required column, or two columns meaning the same field, refuse the file.
    """
    by_key = {key: column for column in entity.columns for key in column.header_keys()}
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown = []
    for position, header in enumerate(headers):
        if not header.strip():
            continue
        column = by_key.get(header_key(header))
        if column is None:
            unknown.append(header)
            continue
        if column.field in seen:
            raise BusinessError(
                _("The columns %(first)s and %(second)s mean the same thing; keep one of them.")
                % {"first": seen[column.field], "second": header},
                code="duplicate_column",
                field="file",
            )
        seen[column.field] = header
        if not column.export_only:
            positions[position] = column.field
    missing = [c for c in entity.columns if c.required and c.field not in seen]
    if missing:
        raise BusinessError(
            _("Required column(s) missing: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(f"{c.header_ko} / {c.header_en}" for c in missing)},
            code="missing_column",
            field="file",
        )
    return positions, unknown


def _messages(exc: Exception) -> list[tuple[str | None, str]]:
    """(field, message) pairs for whatever a parser or service raised."""
    if isinstance(exc, RowError):
        return [(exc.field, str(exc.message))]
    if isinstance(exc, BusinessError):
        return [(exc.field, str(exc.message))]
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                (None if name == "__all__" else name, message)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        return [(None, message) for message in exc.messages]
    if isinstance(exc, PermissionDenied):
        return [(None, _("You may not make this change."))]
    if isinstance(exc, Http404):
        return [(None, _("The record to change was not found."))]
    if isinstance(exc, IntegrityError):
        return [(None, _("The row conflicts with data already stored."))]
    if isinstance(exc, DataError):
        return [(None, _("A value in this row cannot be stored."))]
    raise exc


ROW_EXCEPTIONS = (
    RowError,
    BusinessError,
    ValidationError,
    PermissionDenied,
    Http404,
    IntegrityError,
    DataError,
)


def run(
    *,
    actor: User | None,
    entity: Entity,
    table: Table,
    filename: str = "",
    dry_run: bool = False,
    allow_duplicates: bool = False,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> Report:
    """Import ``table`` as ``entity`` rows on behalf of ``actor`` (None: the system).

    All or nothing: when any row fails, or on a dry run, nothing is written (nor audited).
    """
    positions, unknown = map_columns(entity, table.headers)
    headers = {name: table.headers[pos] for pos, name in positions.items()}
    report = Report(
        entity=entity.name,
        filename=filename,
        dry_run=dry_run,
        columns=[{"header": table.headers[pos], "field": name} for pos, name in positions.items()],
        unknown_columns=unknown,
    )
    if unknown:
        report.warnings.append(
            _("These columns are not known and were ignored: %(columns)s")
            % {"columns": ", ".join(unknown)}
        )
    ctx = Context(actor=actor or system_actor(), allow_duplicates=allow_duplicates)
    rows: Iterable = table.rows
    if progress is not None:
        rows = progress(table.rows, len(table.rows))
    with acting(actor, Channel.IMPORT), transaction.atomic():
        for number, cells in rows:
            if not any(cells):
                continue
            report.rows += 1
            values = {name: unneutralise(_cell(cells, pos)) for pos, name in positions.items()}
            outcome, issues = _import_row(entity, ctx, values)
            for name, message in issues:
                column = headers.get(name, "") if name else ""
                report.errors.append(Issue(number, column, message))
            if outcome is not None:
                setattr(report, outcome.value, getattr(report, outcome.value) + 1)
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(
                    {
                        "row": number,
                        "values": [values[name] for name in positions.values()],
                        "outcome": outcome.value if outcome else "error",
                    }
                )
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _cell(cells: list[str], position: int) -> str:
    return cells[position] if position < len(cells) else ""


def _import_row(
    entity: Entity, ctx: Context, values: dict[str, str]
) -> tuple[Outcome | None, list[tuple[str | None, str]]]:
    # One savepoint per row: a failing row leaves the transaction usable for the next one
    # (PostgreSQL refuses every statement after an error outside a savepoint).
    try:
        with transaction.atomic():
            data, issues = _parse_row(entity, ctx, values)
            if issues:
                return None, issues
            return entity.apply(ctx, data), []
    except ROW_EXCEPTIONS as exc:
        return None, _messages(exc)


def _parse_row(
    entity: Entity, ctx: Context, values: dict[str, str]
) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
    data: dict[str, Any] = {}
    issues: list[tuple[str | None, str]] = []
    for name, raw in values.items():
        column = entity.column(name)
        if not raw and column.required:
            issues.append((name, _("This value is required.")))
            continue
        try:
            value = column.parse(raw, ctx)
        except ROW_EXCEPTIONS as exc:
            issues.extend((field_ or name, message) for field_, message in _messages(exc))
            continue
        if value is not KEEP:
            data[name] = value
    return data, issues
