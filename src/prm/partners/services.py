"""Writes on partners and what belongs to them: contacts, documents, interactions.

Every service takes the acting user first, re-checks access inside its transaction, validates
with the model's own rules (``full_clean``) before writing, and leaves the audit log to
``prm.audit`` (which records the actor and channel of the current context).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.audit import recording
from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.partners import lifecycle
from prm.partners.documents import check_upload
from prm.partners.models import (
    Contact,
    Document,
    Interaction,
    Partner,
    PartnerType,
    PortalSettings,
    SavedFilter,
    Tag,
)
from prm.partners.names import name_key, similar_keys
from prm.partners.validators import normalize_brn, normalize_domain

PARTNER_FIELDS = (
    "name",
    "legal_name",
    "registration_number",
    "external_id",
    "tier",
    "stage",
    "country",
    "region",
    "industry",
    "website",
    "domain",
    "owner",
    "parent",
    "notes",
)


@dataclass(frozen=True)
class Duplicate:
    partner_id: int
    reason: str  # "registration_number", "domain" or "name"
    score: float


def partner_duplicates(
    *,
    name: str = "",
    legal_name: str = "",
    registration_number: str = "",
    domain: str = "",
    exclude_pk: int | None = None,
    name_keys: dict[int, str] | None = None,
) -> list[Duplicate]:
    """Existing partners that look like the same company: the same registration number,
    the same e-mail domain, or a name that is the same or similar once legal forms,
    spacing, punctuation and case are removed. Best match first."""
    found: dict[int, Duplicate] = {}
    partners = access.unrestricted(Partner)
    if exclude_pk:
        partners = partners.exclude(pk=exclude_pk)
    try:
        brn = normalize_brn(registration_number)
    except ValidationError:
        brn = ""
    if brn:
        for pk in partners.filter(registration_number=brn).values_list("pk", flat=True):
            found[pk] = Duplicate(pk, "registration_number", 100.0)
    try:
        domain = normalize_domain(domain)
    except ValidationError:
        domain = ""
    if domain:
        for pk in partners.filter(domain=domain).values_list("pk", flat=True):
            found.setdefault(pk, Duplicate(pk, "domain", 100.0))
    keys = {k for k in (name_key(name), name_key(legal_name)) if k}
    if keys:
        exact = partners.filter(name_key__in=keys).values_list("pk", flat=True)
        for pk in exact:
            found.setdefault(pk, Duplicate(pk, "name", 100.0))
        # An import checking many rows passes the keys it loaded once (``name_keys``).
        if name_keys is None:
            choices = dict(partners.values_list("pk", "name_key"))
        else:
            choices = {pk: key for pk, key in name_keys.items() if pk != exclude_pk}
        for key in keys:
            for pk, score in similar_keys(key, choices):
                found.setdefault(pk, Duplicate(pk, "name", round(score, 1)))
    return sorted(found.values(), key=lambda d: (-d.score, d.partner_id))


def _require_partner_add(actor: User) -> None:
    role = access.role_of(actor)
    if role is None or access.policy_of(Partner).filter(actor, role, Action.ADD) is None:
        raise PermissionDenied


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _set_types(partner: Partner, types: list[str] | None) -> None:
    if types is None:
        return
    known = set(PartnerType.objects.values_list("code", flat=True))
    unknown = sorted(set(types) - known)
    if unknown:
        raise BusinessError(
            _("Unknown partner type(s): %(types)s") % {"types": ", ".join(unknown)},
            field="types",
        )
    if not types:
        raise BusinessError(_("Choose at least one partner type."), field="types")
    partner.types.set(sorted(set(types)))


def _set_tags(partner: Partner, tags: list[str] | None) -> None:
    if tags is None:
        return
    names = sorted({t.strip()[:50] for t in tags if t and t.strip()})
    objs = [Tag.objects.get_or_create(name=n)[0] for n in names]
    partner.tags.set(objs)


def _check_relations(actor: User, partner: Partner) -> None:
    if (
        partner.owner_id
        and not User.objects.filter(
            pk=partner.owner_id, role__in=["admin", "partner_manager"], is_active=True
        ).exists()
    ):
        raise BusinessError(
            _("The owner must be an active partner manager or admin."), field="owner"
        )
    if partner.parent_id:
        if not access.scope(actor, Partner).filter(pk=partner.parent_id).exists():
            raise BusinessError(_("Unknown parent partner."), field="parent")
        ancestor, seen = partner.parent, {partner.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise BusinessError(_("A partner cannot be its own ancestor."), field="parent")
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


@transaction.atomic
def partner_create(
    *,
    actor: User,
    data: dict[str, Any],
    types: list[str],
    tags: list[str] | None = None,
    allow_duplicate: bool = False,
) -> Partner:
    """A new partner. Refused (409) when it looks like an existing one, unless the caller
    confirms with ``allow_duplicate``. A partner manager becomes the owner by default."""
    _require_partner_add(actor)
    partner = Partner()
    _apply(partner, data, PARTNER_FIELDS)
    if partner.owner_id is None and actor.role == "partner_manager":
        partner.owner = actor
    if partner.stage != lifecycle.Stage.PROSPECT and partner.stage not in lifecycle.Stage.values:
        raise BusinessError(_("Unknown stage."), field="stage")
    # Constraints last: a second registration number is a duplicate (409), not a form error.
    partner.full_clean(exclude=["types", "tags"], validate_constraints=False)
    _check_relations(actor, partner)
    if actor.role == "partner_manager" and partner.owner_id != actor.pk:
        raise BusinessError(
            _("Partner managers create partners they own."), field="owner", status=403
        )
    if not allow_duplicate:
        duplicates = partner_duplicates(
            name=partner.name,
            legal_name=partner.legal_name,
            registration_number=partner.registration_number,
            domain=partner.domain,
        )
        if duplicates:
            raise BusinessError(
                _("This partner looks like one that already exists."),
                code="duplicate",
                status=409,
                details={"duplicates": [d.partner_id for d in duplicates]},
            )
    partner.validate_constraints()
    partner.save()
    _set_types(partner, types)
    _set_tags(partner, tags)
    return partner


@transaction.atomic
def partner_update(
    *,
    actor: User,
    partner: Partner,
    data: dict[str, Any],
    types: list[str] | None = None,
    tags: list[str] | None = None,
) -> Partner:
    """Change a partner. Portal users may change only the fields staff opened to them;
    the stage moves only along the allowed lifecycle transitions."""
    partner = access.get_object(
        actor,
        access.scope(actor, Partner, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=partner.pk,
    )
    if actor.is_portal_role:
        allowed = tuple(PortalSettings.load().editable_fields)
        if types is not None or tags is not None:
            raise BusinessError(_("Partners cannot change their types or tags."), status=403)
    else:
        allowed = PARTNER_FIELDS
    old_stage = partner.stage
    _apply(partner, data, allowed)
    if not lifecycle.can_move(old_stage, partner.stage):
        raise BusinessError(
            _("A partner cannot move from %(old)s to %(new)s.")
            % {
                "old": lifecycle.Stage(old_stage).label,
                "new": dict(lifecycle.Stage.choices).get(partner.stage, partner.stage),
            },
            code="stage_transition",
            field="stage",
        )
    partner.full_clean(exclude=["types", "tags"])
    _check_relations(actor, partner)
    if actor.role == "partner_manager" and partner.owner_id != actor.pk:
        raise BusinessError(
            _("Hand a partner over to another owner through an admin."), field="owner", status=403
        )
    partner.save()
    _set_types(partner, types)
    _set_tags(partner, tags)
    return partner


def partner_change_stage(*, actor: User, partner: Partner, stage: str) -> Partner:
    return partner_update(actor=actor, partner=partner, data={"stage": stage})


@transaction.atomic
def partner_delete(*, actor: User, partner: Partner) -> None:
    partner = access.get_object(actor, Partner, Action.DELETE, pk=partner.pk)
    try:
        partner.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise BusinessError(
            _("%(partner)s cannot be deleted while it has %(records)s; offboard it instead.")
            % {"partner": partner.name, "records": ", ".join(kinds)},
            code="protected",
            status=409,
        ) from exc


@transaction.atomic
def _move_related(duplicate: Partner, survivor: Partner) -> dict[str, int]:
    """Point every row that refers to ``duplicate`` at ``survivor``, whatever capability
    it belongs to (contacts, documents, deals, contracts, statements, child partners, …).

    Found through the model's relations, so a new capability's rows move without a change
    here. A one-to-one row moves only when the survivor has none of its own.
    """
    moved: dict[str, int] = {}
    for relation in Partner._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        model, name = relation.related_model, relation.field.name
        rows = access.unrestricted(model._default_manager.filter(**{name: duplicate}))
        if model is Partner:
            rows = rows.exclude(pk=survivor.pk)
        if relation.one_to_one and model._default_manager.filter(**{name: survivor}).exists():
            continue
        try:
            with transaction.atomic():
                count = rows.update(**{name: survivor})
        except IntegrityError as exc:
            raise BusinessError(
                _(
                    "These partners cannot be merged: both have %(records)s for the same period "
                    "or key. Resolve those first."
                )
                % {"records": model._meta.verbose_name_plural},
                code="merge_conflict",
                status=409,
            ) from exc
        if count:
            moved[str(model._meta.verbose_name_plural)] = count
    return moved


def partner_merge(*, actor: User, survivor: Partner, duplicate: Partner) -> Partner:
    """Fold ``duplicate`` into ``survivor``: every row that refers to it (contacts,
    documents, interactions, users, child partners, deals, contracts, …) and its history
    move over; blank fields of the survivor are filled from it;
    types and tags are united; then the duplicate is deleted. Recorded as one merge."""
    if survivor.pk == duplicate.pk:
        raise BusinessError(_("A partner cannot be merged with itself."))
    changeable = access.scope(actor, Partner, Action.CHANGE).select_for_update(of=("self",))
    survivor = access.get_object(actor, changeable, Action.CHANGE, pk=survivor.pk)
    duplicate = access.get_object(actor, changeable, Action.DELETE, pk=duplicate.pk)
    moved = _move_related(duplicate, survivor)
    filled = []
    for name in (
        "legal_name",
        "registration_number",
        "external_id",
        "region",
        "industry",
        "website",
        "domain",
        "notes",
        "tier",
        "owner",
        "parent",
    ):
        if not getattr(survivor, name) and getattr(duplicate, name):
            if name in ("registration_number", "external_id"):
                continue  # unique: filled after the duplicate is gone
            filled.append(name)
            setattr(survivor, name, getattr(duplicate, name))
    if survivor.parent_id == duplicate.pk:
        survivor.parent = None
    unique_values = {
        name: getattr(duplicate, name)
        for name in ("registration_number", "external_id")
        if not getattr(survivor, name) and getattr(duplicate, name)
    }
    types = sorted(
        {
            *survivor.types.values_list("code", flat=True),
            *duplicate.types.values_list("code", flat=True),
        }
    )
    tags = sorted(
        {
            *survivor.tags.values_list("name", flat=True),
            *duplicate.tags.values_list("name", flat=True),
        }
    )
    duplicate_label, duplicate_pk = f"{duplicate.name} (#{duplicate.pk})", duplicate.pk
    duplicate.delete()
    # The duplicate's history, its deletion included, now belongs to the survivor.
    access.unrestricted(AuditEntry).filter(partner_id=duplicate_pk).update(partner_id=survivor.pk)
    for name, value in unique_values.items():
        setattr(survivor, name, value)
        filled.append(name)
    survivor.save()
    survivor.types.set(types)
    _set_tags(survivor, tags)
    recording.record(
        survivor,
        AuditAction.MERGE,
        {
            "merged": [duplicate_label, survivor.name],
            "moved": [None, moved],
            "filled": [None, filled],
        },
        note=f"merged {duplicate_label}",
    )
    return survivor


# Contacts ----------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "title", "email", "phone", "roles", "portal_access", "external_id")


@transaction.atomic
def contact_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> Contact:
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Contact, partner):
        raise PermissionDenied
    contact = Contact(partner=partner)
    _apply(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, data: dict[str, Any]) -> Contact:
    contact = access.get_object(
        actor,
        access.scope(actor, Contact, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=contact.pk,
    )
    _apply(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    access.get_object(actor, Contact, Action.DELETE, pk=contact.pk).delete()


# Documents ---------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    actor: User,
    partner: Partner,
    upload,
    title: str = "",
    kind: str = "other",
    expires_on=None,
) -> Document:
    """Store an uploaded file for a partner after checking its size and type."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Document, partner):
        raise PermissionDenied
    content_type = check_upload(upload, max_mb=settings.PRM_MAX_UPLOAD_MB)
    document = Document(
        partner=partner,
        title=(title or upload.name)[:200],
        kind=kind,
        filename=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        expires_on=expires_on,
        uploaded_by=actor,
    )
    document.file = upload
    document.full_clean(exclude=["file"])
    document.save()
    return document


@transaction.atomic
def document_update(*, actor: User, document: Document, data: dict[str, Any]) -> Document:
    document = access.get_object(actor, Document, Action.CHANGE, pk=document.pk)
    _apply(document, data, ("title", "kind", "expires_on"))
    document.full_clean(exclude=["file"])
    document.save()
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    document = access.get_object(actor, Document, Action.DELETE, pk=document.pk)
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# Interactions ------------------------------------------------------------------------

INTERACTION_FIELDS = ("kind", "occurred_at", "contact", "summary", "user")


@transaction.atomic
def interaction_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> Interaction:
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Interaction, partner):
        raise PermissionDenied
    interaction = Interaction(partner=partner, user=actor)
    _apply(interaction, data, INTERACTION_FIELDS)
    if interaction.contact_id and interaction.contact.partner_id != partner.pk:
        raise BusinessError(_("The contact belongs to another partner."), field="contact")
    interaction.full_clean()
    interaction.save()
    return interaction


@transaction.atomic
def interaction_update(
    *, actor: User, interaction: Interaction, data: dict[str, Any]
) -> Interaction:
    interaction = access.get_object(actor, Interaction, Action.CHANGE, pk=interaction.pk)
    _apply(interaction, data, INTERACTION_FIELDS)
    if interaction.contact_id and interaction.contact.partner_id != interaction.partner_id:
        raise BusinessError(_("The contact belongs to another partner."), field="contact")
    interaction.full_clean()
    interaction.save()
    return interaction


@transaction.atomic
def interaction_delete(*, actor: User, interaction: Interaction) -> None:
    access.get_object(actor, Interaction, Action.DELETE, pk=interaction.pk).delete()


# Saved filters -----------------------------------------------------------------------


@transaction.atomic
def saved_filter_save(*, actor: User, list_name: str, name: str, query: str) -> SavedFilter:
    """Keep a list's query string under a name; saving under a name already used for that
    list replaces its query. Analysts read and do not save (the saved filter's policy)."""
    role = access.role_of(actor)
    if role is None or access.policy_of(SavedFilter).filter(actor, role, Action.ADD) is None:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise BusinessError(_("Give the filter a name."), field="name")
    saved = (
        access.scope(actor, SavedFilter, Action.CHANGE)
        .filter(list_name=list_name, name=name)
        .first()
    )
    if saved is None:
        saved = SavedFilter(user=actor, list_name=list_name, name=name)
    saved.query = query
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: User, saved_filter: SavedFilter) -> None:
    access.get_object(actor, SavedFilter, Action.DELETE, pk=saved_filter.pk).delete()
