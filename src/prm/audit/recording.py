"""Records every change to an audited model, whichever way it was made.

Single saves and deletes come through Django's model signals, many-to-many changes through
``m2m_changed``, and bulk writes through ``prm.core.signals``. Each row carries the actor
and channel of ``prm.audit.context``, so the UI, the API, imports, the CLI and jobs are
recorded alike, inside the transaction of the change itself.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from prm.audit import context
from prm.audit.models import AuditAction, AuditEntry
from prm.core.signals import bulk_created, bulk_updated

SKIPPED_FIELDS = frozenset({"created_at", "updated_at", "last_login", "last_used_at"})
MASKED_FIELDS = frozenset({"password", "token_hash"})
MASK = "••••••"


JSON_NATIVE = (str, int, float, bool, Decimal, date, datetime, time, list, dict, type(None))


def _plain(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, JSON_NATIVE):
        return value
    return str(value)  # countries, UUIDs and other value objects


def _audited_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname not in SKIPPED_FIELDS and not f.primary_key
    ]


def snapshot(obj: models.Model) -> dict[str, Any]:
    # Deferred fields (.only()/.defer()) are left out: reading them would load each one.
    deferred = obj.get_deferred_fields()
    return {
        f.attname: _plain(getattr(obj, f.attname, None))
        for f in _audited_fields(type(obj))
        if f.attname not in deferred
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for name, new in after.items():
        if name in SKIPPED_FIELDS:
            continue
        old = before.get(name)
        if old != new:
            changes[name] = [MASK, MASK] if name in MASKED_FIELDS else [old, new]
    return changes


def partner_id_of(obj: models.Model) -> int | None:
    """The id of the partner an object belongs to, following its access policy's path."""
    policy = getattr(type(obj), "access_policy", None)
    path = getattr(policy, "partner_path", None)
    if path is None:
        return None
    if path == "":
        return obj.pk
    target: Any = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def _entry(obj: models.Model, action: str, changes: dict, note: str = "") -> AuditEntry:
    actor = context.current()
    user = actor.user
    return AuditEntry(
        actor=user,
        actor_label=getattr(user, "email", "") or "",
        impersonator=actor.impersonator,
        channel=actor.channel,
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        partner_id=partner_id_of(obj),
        changes=changes,
        note=note,
    )


def record(obj: models.Model, action: str, changes: dict | None = None, note: str = "") -> None:
    """Record an action that is not a plain save or delete (a merge, an impersonation)."""
    _entry(obj, action, changes or {}, note).save()


def _created(obj: models.Model) -> dict[str, list[Any]]:
    """The fields of a new row, less those the model keeps out of creation entries
    (``audit_skip_on_create``: a large value the row itself holds from the start; a later
    change of it is still recorded before and after)."""
    skipped = getattr(type(obj), "audit_skip_on_create", ())
    after = {k: v for k, v in snapshot(obj).items() if k not in skipped}
    return {k: v for k, v in _diff({}, after).items() if v[1] not in ("", None, [], {})}


def _on_init(sender, instance, **kwargs):
    instance._audit_snapshot = snapshot(instance) if instance.pk else {}


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_snapshot", {})
    instance._audit_snapshot = after
    if created:
        _entry(instance, AuditAction.CREATE, _created(instance)).save()
        return
    changes = _diff(before, after)
    if changes:
        _entry(instance, AuditAction.UPDATE, changes).save()


def _on_delete(sender, instance, **kwargs):
    before = getattr(instance, "_audit_snapshot", None) or snapshot(instance)
    changes = {name: [MASK if name in MASKED_FIELDS else v, None] for name, v in before.items()}
    _entry(instance, AuditAction.DELETE, changes).save()


def _on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not getattr(type(instance), "audited", False):
        return
    field = next(f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender)
    manager = getattr(instance, field.name)
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        instance._audit_m2m_before = sorted(str(pk) for pk in manager.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        before = getattr(instance, "_audit_m2m_before", [])
        after = sorted(str(pk) for pk in manager.values_list("pk", flat=True))
        if before != after:
            _entry(instance, AuditAction.UPDATE, {field.name: [before, after]}).save()


def _on_bulk_update(sender, changes, **kwargs):
    model = sender
    objs = {obj.pk: obj for obj in model._base_manager.filter(pk__in=[c[0] for c in changes])}
    entries = []
    for pk, before, after in changes:
        diff = _diff(before, after)
        if diff and pk in objs:
            entries.append(_entry(objs[pk], AuditAction.UPDATE, diff))
    AuditEntry.objects.bulk_create(entries)


def _on_bulk_create(sender, objects, **kwargs):
    entries = [_entry(obj, AuditAction.CREATE, _created(obj)) for obj in objects if obj.pk]
    AuditEntry.objects.bulk_create(entries)


def connect(model: type[models.Model]) -> None:
    uid = f"audit-{model._meta.label}"
    post_init.connect(_on_init, sender=model, dispatch_uid=uid)
    post_save.connect(_on_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
    bulk_updated.connect(_on_bulk_update, sender=model, dispatch_uid=uid)
    bulk_created.connect(_on_bulk_create, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(_on_m2m, sender=field.remote_field.through, dispatch_uid=uid)


def record_login(sender, request, user, **kwargs):
    """Log-ins are part of the trail: who signed in, and when."""
    with context.acting(user, context.Channel.UI):
        record(user, AuditAction.LOGIN)
