"""Reads of the audit log, scoped to the acting user, and its field-level changes made
readable (field labels, choice labels, names of related objects)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, localize
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.audit.filters import AuditFilter
from prm.audit.models import AuditEntry
from prm.core import access

# Keys of merge records that are not model fields.
SPECIAL_LABELS = {
    "merged": gettext_lazy("Merged"),
    "moved": gettext_lazy("Moved to the survivor"),
    "filled": gettext_lazy("Filled from the duplicate"),
}


EMPTY = "—"


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    before: str
    after: str


def audit_list(*, user: User, params=None, request=None) -> tuple[AuditFilter, QuerySet]:
    base = access.scope(user, AuditEntry).select_related("actor", "impersonator", "content_type")
    filterset = AuditFilter(params, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs


def partner_history(*, user: User, partner_id: int) -> QuerySet:
    """Everything recorded about one partner and what belongs to it (contacts, documents,
    interactions, users), newest first; it survives a merge into another partner."""
    return (
        access.scope(user, AuditEntry)
        .filter(partner_id=partner_id)
        .select_related("actor", "impersonator", "content_type")
    )


def with_change_rows(entries: Iterable[AuditEntry], *, user: User) -> list[AuditEntry]:
    """The entries, each with ``object_type`` (the model's name), ``partner_name`` and
    ``change_rows``: one :class:`ChangeRow` per changed field.

    Related objects are looked up once per model for the whole page, through the access
    layer: a name the user may not see stays an id.
    """
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for field, (before, after) in _pairs(entry):
            related = _related_model(model, field)
            if related is not None:
                for value in (before, after):
                    for item in value if isinstance(value, list) else [value]:
                        if item not in (None, ""):
                            wanted[related].add(str(item))
    names = {model: _names(user, model, keys) for model, keys in wanted.items()}
    partner_model = apps.get_model("partners", "Partner")
    partner_ids = {str(e.partner_id) for e in entries if e.partner_id is not None}
    partners = _names(user, partner_model, partner_ids) if partner_ids else {}
    for entry in entries:
        model = entry.content_type.model_class()
        entry.partner_name = partners.get(str(entry.partner_id), "")
        rows = []
        for field, (before, after) in _pairs(entry):
            model_field = _field(model, field)
            if model_field is not None and not model_field.editable:
                continue  # internal (a search key): not something anyone changed
            related = _related_model(model, field)
            label = SPECIAL_LABELS.get(field) or (
                capfirst(model_field.verbose_name) if model_field else field
            )
            lookup = names.get(related, {}) if related else {}
            row = ChangeRow(
                field=field,
                label=str(label),
                before=_show(before, model_field, lookup),
                after=_show(after, model_field, lookup),
            )
            # Blank on both sides says nothing; a masked secret (a password) that changed
            # reads the same before and after and is still worth a row.
            if not (row.before == row.after == EMPTY):
                rows.append(row)
        entry.change_rows = rows
        entry.object_type = (
            capfirst(model._meta.verbose_name) if model else entry.content_type.model
        )
    return entries


def _pairs(entry: AuditEntry) -> list[tuple[str, tuple[Any, Any]]]:
    pairs = []
    for field, value in (entry.changes or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            pairs.append((field, (value[0], value[1])))
        else:
            pairs.append((field, (None, value)))
    return pairs


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or (
            field.name == name and (field.concrete or field.many_to_many)
        ):
            return field
    return None


def _related_model(model, name: str) -> type[models.Model] | None:
    field = _field(model, name)
    if field is None or not (field.many_to_one or field.many_to_many or field.one_to_one):
        return None
    return field.related_model


def _names(user: User, model: type[models.Model], keys: set[str]) -> dict[str, str]:
    if hasattr(model, "access_policy"):
        rows = access.scope(user, model)
    else:
        rows = model._default_manager.all()
    pk_field = model._meta.pk
    valid = []
    for key in keys:
        try:
            valid.append(pk_field.to_python(key))
        except (ValidationError, ValueError, TypeError):
            continue  # not an id of this model: shown as recorded
    return {str(pk): str(obj) for pk, obj in rows.in_bulk(valid).items()}


def _show(value: Any, field: models.Field | None, names: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(_show(item, field, names) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(item, None, {})}" for key, item in value.items())
    if names and str(value) in names:
        return names[str(value)]
    if field is not None and getattr(field, "flatchoices", None) and not field.is_relation:
        label = dict(field.flatchoices).get(value)
        if label is not None:
            return str(label)
    if field is not None and field.is_relation:
        return f"#{value}"
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(value, str) and isinstance(field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float | int):
        return localize(value)
    if not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value
