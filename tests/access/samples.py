"""Which models the access layer guards, and how to make a sample of each for a partner.

Adding a model to a ``prm.*`` app? Either give it an ``access_policy`` and one line in
:data:`FACTORIES` (``"app.Model": generic`` is enough when every required field can be
filled by its type), or put it on :data:`UNRESTRICTED_MODELS` with the reason anyone may
read it. The meta-tests in ``test_models.py`` fail until you do.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import importlib
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.utils import timezone

from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.models import AuditEntry
from prm.audit.recording import SKIPPED_FIELDS as SKIPPED
from prm.audit.recording import partner_id_of
from prm.core import access
from prm.core.access import OwnerPolicy, PartnerPolicy, Policy, StaffReadPolicy
from prm.imports import services as import_services
from prm.partners.models import Partner

# Models of prm.* apps without an access policy: readable by everyone who is signed in,
# changed only by admins (Django admin) or by the system. Each entry says why that is safe.
UNRESTRICTED_MODELS: dict[str, str] = {
    "partners.PartnerType": "the fixed list of partner types (reference data)",
    "partners.Tier": "the program's tiers; a partner sees its own tier's name (reference data)",
    "partners.Tag": "staff's labels, each shared by many partners, so owned by no partner",
    "partners.PortalSettings": "one row of configuration, edited by admins in Django admin",
}

# Models with an access policy whose default manager may serve rows without the access
# layer, each with the reason.
UNSCOPED_MANAGERS: dict[str, str] = {
    "accounts.User": "Django's authentication reads users by id and e-mail before anyone "
    "is signed in, so the user manager cannot insist on an acting user",
}

# Text that marks the samples of each side: partner B's must never reach partner A's users.
MARKERS = {"a": "AlphaSample", "b": "BravoSecret"}

_serial = itertools.count(1)


@functools.cache
def prm_models() -> list[type[models.Model]]:
    """Every concrete model of the project's own apps."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("prm.")
        and not model._meta.abstract
        and not model._meta.proxy
    ]


def policy(model: type[models.Model]) -> Policy | None:
    return getattr(model, "access_policy", None)


@functools.cache
def guarded_models() -> list[type[models.Model]]:
    return [m for m in prm_models() if policy(m) is not None]


@functools.cache
def partner_models() -> list[type[models.Model]]:
    return [m for m in prm_models() if isinstance(policy(m), PartnerPolicy)]


def label(model: type[models.Model]) -> str:
    return model._meta.label


@dataclass
class Side:
    """One partner with its portal users and a sample of every guarded model."""

    key: str
    partner: Partner
    portal_admin: User
    portal_user: User
    staff: User  # the partner manager who owns the partner
    objects: dict[str, models.Model] = field(default_factory=dict)
    # Set once the module's world is built: a sample made later would outlive the test
    # (and the savepoint) that made it.
    sealed: bool = False

    @property
    def marker(self) -> str:
        return MARKERS[self.key]

    def sample(self, model: type[models.Model]) -> models.Model:
        """This side's sample of ``model``, made on first use."""
        key = label(model)
        if key not in self.objects:
            factory = FACTORIES.get(key)
            if factory is None or self.sealed:
                raise LookupError(f"{key} has no sample factory in tests/access/samples.py")
            self.objects[key] = factory(model, self)
        return self.objects[key]

    def text(self, model: type[models.Model], max_length: int | None = None) -> str:
        value = f"{self.marker} {model._meta.model_name} {next(_serial)}"
        if max_length and len(value) > max_length:
            value = f"{self.marker}{next(_serial)}"[:max_length]
        return value

    def rows(self) -> dict[tuple[str, Any], dict[str, Any]]:
        """Every stored row that belongs to this side, by (model, pk): its fields' values.

        Compared before and after a request, it shows any row of this side added, changed,
        deleted or moved to another side.
        """
        return self.snapshot.take()

    @functools.cached_property
    def snapshot(self) -> Snapshot:
        return Snapshot(lambda model: owned_rows(model, self))


class Snapshot:
    """The values of the rows ``rows_of`` gives for every guarded model but the audit log,
    keyed by (model, pk).

    The tests take thousands of these, so each model's query is compiled to SQL once (the
    world it reads stays the same for a whole module) and then only executed.
    """

    def __init__(self, rows_of: Callable[[type[models.Model]], models.QuerySet]) -> None:
        self.rows_of = rows_of
        self._queries: list[tuple[str, list[str], str, Any]] | None = None

    def _compile(self) -> list[tuple[str, list[str], str, Any]]:
        queries = []
        for model in guarded_models():
            if isinstance(policy(model), StaffReadPolicy):
                continue  # records about changes, counted separately
            names = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED]
            sql, params = self.rows_of(model).values_list("pk", *names).query.sql_with_params()
            queries.append((label(model), names, sql, params))
        return queries

    def take(self) -> dict[Any, Any]:
        if self._queries is None:
            self._queries = self._compile()
        state: dict[tuple[str, Any], dict[str, Any]] = {}
        with connection.cursor() as cursor:
            for key, names, sql, params in self._queries:
                cursor.execute(sql, params)
                for pk, *values in cursor.fetchall():
                    state[(key, pk)] = dict(zip(names, values, strict=True))
        return state


def differences(before: dict[Any, Any], after: dict[Any, Any]) -> dict[Any, Any]:
    """What changed between two states, for failure messages."""
    keys = set(before) | set(after)
    return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


def owned_rows(model: type[models.Model], side: Side) -> models.QuerySet:
    """The rows of ``model`` that belong to ``side``, read past the access layer."""
    rule = policy(model)
    rows = model._base_manager.all()
    if label(model) in OWNED_ROWS:
        return OWNED_ROWS[label(model)](side)
    if isinstance(rule, PartnerPolicy):
        path = f"{rule.partner_path}__pk" if rule.partner_path else "pk"
        return rows.filter(**{path: side.partner.pk})
    if isinstance(rule, OwnerPolicy):
        users = [side.portal_admin.pk, side.portal_user.pk, side.staff.pk]
        return rows.filter(**{f"{rule.user_path}__pk__in": users})
    if isinstance(rule, StaffReadPolicy) and model is AuditEntry:
        return rows.filter(partner_id=side.partner.pk)
    raise LookupError(
        f"Do not know which {label(model)} rows belong to a partner: add it to OWNED_ROWS "
        "(tests/<app>/access_samples.py)"
    )


# -- factories ----------------------------------------------------------------------------


def generic(model: type[models.Model], side: Side) -> models.Model:
    """A row of ``model`` belonging to ``side``, its required fields filled by their type.

    The row is tied to the side along the model's policy: ``partner_path`` to the side's
    partner for partner-owned models, ``user_path`` to the side's partner manager for
    user-owned ones.
    """
    rule = policy(model)
    values: dict[str, Any] = {}
    if isinstance(rule, PartnerPolicy):
        values.update(_along(model, rule.partner_path, side.partner, "partner_path", side))
    elif isinstance(rule, OwnerPolicy):
        values.update(_along(model, rule.user_path, side.staff, "user_path", side))
    _fill_required(model, side, values)
    obj = model(**values)
    obj.save()
    return obj


def _along(
    model: type[models.Model], path: str, owner: models.Model, attribute: str, side: Side
) -> dict[str, Any]:
    """The first field of ``path`` set so that following the path leads to ``owner``
    (``deal__partner``: a deal of the side's partner; its own sample when it has one)."""
    head, _sep, rest = path.partition("__")
    if not rest:
        return {head: owner}
    related = model._meta.get_field(head).related_model
    if getattr(policy(related), attribute, None) == rest and label(related) in FACTORIES:
        return {head: side.sample(related)}
    values = _along(related, rest, owner, attribute, side)
    _fill_required(related, side, values)
    parent = related(**values)
    parent.save()
    return {head: parent}


def _fill_required(model: type[models.Model], side: Side, values: dict[str, Any]) -> None:
    for f in model._meta.concrete_fields:
        if f.name in values or f.primary_key or f.auto_created:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.has_default() or f.null or (f.blank and not f.is_relation):
            continue
        values[f.name] = _value_for(model, f, side)


def _value_for(model: type[models.Model], f: models.Field, side: Side) -> Any:
    if f.is_relation:
        return _related_value(f.related_model, side)
    if f.choices:
        return f.choices[0][0]
    n = next(_serial)
    kinds: list[tuple[type, Callable[[], Any]]] = [
        (models.EmailField, lambda: f"{side.marker.lower()}{n}@{side.key}.example"),
        (models.URLField, lambda: f"https://{side.key}.example/{n}"),
        (models.SlugField, lambda: f"{side.marker.lower()}-{n}"[: f.max_length]),
        (models.GenericIPAddressField, lambda: "127.0.0.1"),
        (models.FileField, lambda: ContentFile(b"%PDF-1.4\n", name="sample.pdf")),
        (models.CharField, lambda: side.text(model, f.max_length)),
        (models.TextField, lambda: side.text(model)),
        (models.BooleanField, lambda: False),
        (models.DecimalField, lambda: decimal.Decimal(1)),
        (models.FloatField, lambda: 1.0),
        (models.IntegerField, lambda: n),
        (models.DateTimeField, timezone.now),
        (models.DateField, timezone.localdate),
        (models.TimeField, lambda: datetime.time(9, 0)),
        (models.DurationField, lambda: datetime.timedelta(hours=1)),
        (models.UUIDField, uuid.uuid4),
        (models.JSONField, dict),
    ]
    for kind, make in kinds:
        if isinstance(f, kind):
            return make()
    raise LookupError(f"{label(model)}.{f.name}: register a factory (cannot fill {f!r})")


def _related_value(related: type[models.Model], side: Side) -> models.Model:
    if related is Partner:
        return side.partner
    if related is User:
        return side.staff
    if label(related) in FACTORIES:
        return side.sample(related)
    existing = related._base_manager.order_by("pk").first()
    if existing is not None:
        return existing
    values: dict[str, Any] = {}
    _fill_required(related, side, values)
    obj = related(**values)
    obj.save()
    return obj


def own_partner(model: type[models.Model], side: Side) -> models.Model:
    return side.partner


def portal_user(model: type[models.Model], side: Side) -> models.Model:
    # A third user of the partner, so that removing or changing it leaves the side's
    # acting users alone.
    return User.objects.create_user(
        email=f"{side.marker.lower()}{next(_serial)}@{side.key}.example",
        password=None,
        role=Role.PARTNER_USER,
        partner=side.partner,
        first_name=side.marker,
    )


def document(model: type[models.Model], side: Side) -> models.Model:
    obj = model(
        partner=side.partner,
        title=side.text(model),
        filename=f"{side.marker}.pdf",
        content_type="application/pdf",
        size=9,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    obj.file.save("sample.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    obj.save()
    return obj


def import_run(model: type[models.Model], side: Side) -> models.Model:
    """A previewed contacts import of the side's partner manager, one row for its partner."""
    csv = f"partner,name\n{side.partner.registration_number},{side.marker} imported\n"
    upload = SimpleUploadedFile("contacts.csv", csv.encode(), content_type="text/csv")
    return import_services.import_preview(actor=side.staff, entity_name="contacts", upload=upload)


def audit_entry(model: type[models.Model], side: Side) -> models.Model:
    return access.unrestricted(AuditEntry).filter(partner_id=side.partner.pk).latest("pk")


def api_token(model: type[models.Model], side: Side) -> models.Model:
    return account_services.token_create(actor=None, user=side.portal_admin, name=side.marker)[0]


# Every model with an access policy, and how to make a sample of it for a side.
FACTORIES: dict[str, Callable[[type[models.Model], Side], models.Model]] = {
    "partners.Partner": own_partner,
    "partners.Contact": generic,
    "partners.Document": document,
    "partners.Interaction": generic,
    "partners.SavedFilter": generic,
    "accounts.User": portal_user,
    "accounts.ApiToken": api_token,
    "audit.AuditEntry": audit_entry,
    "imports.ImportRun": import_run,
}


def app_sample_modules() -> list[Any]:
    """Each capability keeps its samples beside its own tests: ``tests/<app>/access_samples.py``
    may define ``FACTORIES``, ``UNRESTRICTED_MODELS`` and ``OWNED_ROWS`` (read here) and
    ``PARAM_MODELS`` and ``PARAM_VALUES`` (read by ``routes.py``)."""
    tests_dir = Path(__file__).resolve().parents[1]
    return [
        importlib.import_module(f"tests.{path.parent.name}.access_samples")
        for path in sorted(tests_dir.glob("*/access_samples.py"))
    ]


# Rows that belong to a side, for models whose policy is not one of prm.core.access's:
# {"app.Model": function of the side giving a queryset}.
OWNED_ROWS: dict[str, Callable[[Side], models.QuerySet]] = {}

for _module in app_sample_modules():
    FACTORIES.update(getattr(_module, "FACTORIES", {}))
    UNRESTRICTED_MODELS.update(getattr(_module, "UNRESTRICTED_MODELS", {}))
    OWNED_ROWS.update(getattr(_module, "OWNED_ROWS", {}))


def belongs_to(obj: models.Model, side: Side) -> bool:
    """Whether ``obj`` is one of ``side``'s rows, by the model's own policy."""
    rule = policy(type(obj))
    if isinstance(rule, PartnerPolicy):
        return partner_id_of(obj) == side.partner.pk
    return owned_rows(type(obj), side).filter(pk=obj.pk).exists()
