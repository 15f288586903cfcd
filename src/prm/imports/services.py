"""Imports from the UI (upload → preview → apply) and from the command line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.imports import engine, registry
from prm.imports.engine import Report
from prm.imports.models import ImportRun
from prm.imports.readers import check_size, read_table
from prm.imports.registry import Entity


def entity_for_import(actor: User, name: str) -> Entity:
    entity = registry.get(name)
    if entity is None:
        raise BusinessError(
            _("%(name)s cannot be imported; choose one of: %(names)s")
            % {"name": name, "names": ", ".join(registry.names())},
            field="entity",
        )
    if not entity.can_import(actor):
        raise PermissionDenied
    return entity


def import_preview(
    *, actor: User, entity_name: str, upload, allow_duplicates: bool = False
) -> ImportRun:
    """Check an uploaded file without writing anything, and keep it for :func:`import_apply`.

    A file that cannot be read at all raises BusinessError and is not kept; a file with row
    errors is kept with its report, so the user sees every error at once.
    """
    entity = entity_for_import(actor, entity_name)
    check_size(upload.size)
    upload.seek(0)
    data = upload.read()
    filename = Path(upload.name or "").name
    table = read_table(data, filename)
    report = engine.run(
        actor=actor,
        entity=entity,
        table=table,
        filename=filename,
        dry_run=True,
        allow_duplicates=allow_duplicates,
    )
    run = ImportRun(
        user=actor,
        entity=entity.name,
        filename=filename[:255],
        allow_duplicates=allow_duplicates,
        status=ImportRun.Status.PREVIEWED if report.ok else ImportRun.Status.REJECTED,
        report=report.as_json(),
    )
    run.file.save(filename, ContentFile(data), save=False)
    run.save()
    return run


def import_apply(*, actor: User, run: ImportRun) -> ImportRun:
    """Apply a previewed file: checked again row by row, then written all or nothing."""
    with transaction.atomic():
        run = access.get_object(
            actor,
            access.scope(actor, ImportRun, Action.CHANGE).select_for_update(of=("self",)),
            Action.CHANGE,
            pk=run.pk,
        )
        if run.status == ImportRun.Status.APPLIED:
            raise BusinessError(_("This file has already been imported."), code="applied")
        entity = entity_for_import(actor, run.entity)
        try:
            with run.file.open("rb") as stored:
                data = stored.read()
        except OSError as exc:
            raise BusinessError(
                _("The uploaded file is no longer available; upload it again."),
                code="file_missing",
            ) from exc
        report = engine.run(
            actor=actor,
            entity=entity,
            table=read_table(data, run.filename),
            filename=run.filename,
            allow_duplicates=run.allow_duplicates,
        )
        run.report = report.as_json()
        if report.applied:
            run.status = ImportRun.Status.APPLIED
            run.applied_at = timezone.now()
        else:
            run.status = ImportRun.Status.REJECTED
        run.save()
    return run


def import_file(
    *,
    actor: User | None,
    entity_name: str,
    path: Path,
    dry_run: bool = False,
    allow_duplicates: bool = False,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> Report:
    """Import a file from disk (the ``prm import`` command); ``actor`` None is the system."""
    entity = registry.get(entity_name)
    if entity is None:
        raise BusinessError(
            _("%(name)s cannot be imported; choose one of: %(names)s")
            % {"name": entity_name, "names": ", ".join(registry.names())}
        )
    if actor is not None and not entity.can_import(actor):
        raise PermissionDenied
    try:
        check_size(path.stat().st_size)
        data = path.read_bytes()
    except OSError as exc:
        raise BusinessError(
            _("The file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc
    return engine.run(
        actor=actor,
        entity=entity,
        table=read_table(data, path.name),
        filename=path.name,
        dry_run=dry_run,
        allow_duplicates=allow_duplicates,
        progress=progress,
    )
