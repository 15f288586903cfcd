"""The access layer: the one place that decides who may see and change what.

Every access-controlled model names its :class:`Policy` in ``access_policy``. Views, API
handlers, form choice lists, exports and searches obtain querysets through :func:`scope`
(or objects through :func:`get_object`), never from the default manager directly: the
default manager of such a model refuses to return rows until the queryset has been
scoped (see :class:`prm.core.models.AccessQuerySet`).

Portal users asking for what they may not see get 404, never 403: :func:`get_object`
raises ``Http404`` for "missing" and "forbidden" alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from prm.accounts.roles import PORTAL_ROLES, Role

if TYPE_CHECKING:
    from prm.accounts.models import User


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


ALL_ACTIONS = frozenset(Action)
WRITE_ACTIONS = frozenset({Action.ADD, Action.CHANGE, Action.DELETE})


def role_of(user: Any) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role(user.role) if user.role else None


class Policy:
    """Decides which rows of one model a user may act on."""

    def filter(self, user: User, role: Role, action: Action) -> Q | None:
        """A Q of the rows allowed, ``Q()`` for all of them, ``None`` for none."""
        raise NotImplementedError

    def scope(self, user: Any, queryset: QuerySet, action: Action) -> QuerySet:
        role = role_of(user)
        condition = None if role is None else self.filter(user, role, action)
        if condition is None:
            return queryset.none()
        return queryset.filter(condition) if condition else queryset


@dataclass(frozen=True)
class PartnerPolicy(Policy):
    """Rows that belong to one partner, reached through ``partner_path``.

    Admins do everything; analysts read everything; partner managers read everything and
    change the rows of the partners they own; portal users act on their own partner's rows
    only, and only with the actions listed for their role.
    """

    partner_path: str = "partner"
    portal_user: frozenset[Action] = frozenset({Action.VIEW})
    portal_admin: frozenset[Action] | None = None  # defaults to portal_user
    staff_only: bool = False

    def _lookup(self, suffix: str) -> str:
        return f"{self.partner_path}__{suffix}" if self.partner_path else suffix

    def filter(self, user: User, role: Role, action: Action) -> Q | None:
        if role == Role.ADMIN:
            return Q()
        if role == Role.ANALYST:
            return Q() if action == Action.VIEW else None
        if role == Role.PARTNER_MANAGER:
            return Q() if action == Action.VIEW else Q(**{self._lookup("owner"): user})
        if role in PORTAL_ROLES and not self.staff_only and user.partner_id:
            allowed = self.portal_user
            if role == Role.PARTNER_ADMIN and self.portal_admin is not None:
                allowed = self.portal_admin
            if action in allowed:
                return Q(**{self._lookup("pk"): user.partner_id})
        return None


@dataclass(frozen=True)
class OwnerPolicy(Policy):
    """Rows that belong to one user (saved filters, API tokens): only that user, and admins."""

    user_path: str = "user"
    admin_sees_all: bool = True

    def filter(self, user: User, role: Role, action: Action) -> Q | None:
        if role == Role.ADMIN and self.admin_sees_all:
            return Q()
        if role == Role.ANALYST and action != Action.VIEW:
            # Analysts change nothing, not even their own saved items.
            return None
        return Q(**{self.user_path: user})


@dataclass(frozen=True)
class StaffReadPolicy(Policy):
    """Records staff may read and nobody changes through the UI or API (the audit log)."""

    actions: frozenset[Action] = field(default_factory=lambda: frozenset({Action.VIEW}))

    def filter(self, user: User, role: Role, action: Action) -> Q | None:
        if role in PORTAL_ROLES or action not in self.actions:
            return None
        return Q()


def policy_of(model: type[models.Model]) -> Policy:
    policy = getattr(model, "access_policy", None)
    if policy is None:
        raise LookupError(f"{model.__name__} has no access_policy")
    return policy


def scope(
    user: Any, model_or_queryset: type[models.Model] | QuerySet, action: Action = Action.VIEW
) -> QuerySet:
    """The rows of a model (or of a queryset) that ``user`` may act on with ``action``."""
    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    scoped = policy_of(queryset.model).scope(user, queryset, Action(action))
    return _mark_checked(scoped)


def get_object(
    user: Any,
    model_or_queryset: type[models.Model] | QuerySet,
    action: Action = Action.VIEW,
    **lookup: Any,
) -> Any:
    """One object ``user`` may act on.

    Http404 when it is missing or the user may not even see it (existence is not leaked);
    PermissionDenied when the user sees it but may not perform ``action`` on it.
    """
    try:
        return scope(user, model_or_queryset, action).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        model = getattr(model_or_queryset, "model", model_or_queryset)
        if action != Action.VIEW and scope(user, model, Action.VIEW).filter(**lookup).exists():
            raise PermissionDenied from exc
        raise Http404 from exc


def can(user: Any, obj: models.Model, action: Action) -> bool:
    """Whether ``user`` may act on ``obj``; re-checks against the database."""
    if obj.pk is None:
        return False
    return scope(user, type(obj), action).filter(pk=obj.pk).exists()


def can_add(user: Any, model: type[models.Model], partner: models.Model) -> bool:
    """Whether ``user`` may add a ``model`` row belonging to ``partner``.

    A new row has no id to look up yet, so the policy's rule is applied to the partner.
    """
    role = role_of(user)
    policy = policy_of(model)
    if role is None or not isinstance(policy, PartnerPolicy):
        return False
    rule = replace(policy, partner_path="").filter(user, role, Action.ADD)
    if rule is None:
        return False
    return type(partner)._base_manager.filter(rule, pk=partner.pk).exists()


def unrestricted(model_or_queryset: type[models.Model] | QuerySet) -> QuerySet:
    """Every row, for the system itself (jobs, imports after their own checks, migrations)."""
    if isinstance(model_or_queryset, QuerySet):
        return _mark_checked(model_or_queryset)
    return _mark_checked(model_or_queryset._default_manager.all())


def _mark_checked(queryset: QuerySet) -> QuerySet:
    if hasattr(queryset, "_access_checked"):
        queryset._access_checked = True
    return queryset
