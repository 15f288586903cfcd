"""Starting and ending 'view as partner' sessions, audited."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit import recording
from prm.audit.models import AuditAction
from prm.core import access
from prm.core.errors import BusinessError

SESSION_KEY = "prm_impersonate_user_id"
ALLOWED_ROLES = frozenset({Role.ADMIN, Role.PARTNER_MANAGER})


def target_for(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    user_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not user_id or user is None or not user.is_authenticated:
        return None
    if user.role not in ALLOWED_ROLES:
        request.session.pop(SESSION_KEY, None)
        return None
    return (
        access.scope(user, User)
        .filter(pk=user_id, role__in=[Role.PARTNER_ADMIN, Role.PARTNER_USER], is_active=True)
        .select_related("partner")
        .first()
    )


def impersonation_start(*, actor: User, request: HttpRequest, target_id: int) -> User:
    """Staff (admins, partner managers) may view the portal as an active portal user."""
    if actor.role not in ALLOWED_ROLES:
        raise BusinessError(_("Your role may not view as a partner."), status=403)
    target = access.get_object(
        actor, User, pk=target_id, role__in=[Role.PARTNER_ADMIN, Role.PARTNER_USER], is_active=True
    )
    request.session[SESSION_KEY] = target.pk
    recording.record(target, AuditAction.IMPERSONATE, note=f"started by {actor.email}")
    return target


def impersonation_stop(*, request: HttpRequest) -> None:
    target_id = request.session.pop(SESSION_KEY, None)
    actor = getattr(request, "impersonator", None)
    if target_id and actor is not None:
        target = access.unrestricted(User).filter(pk=target_id).first()
        if target is not None:
            recording.record(target, AuditAction.IMPERSONATE, note=f"ended by {actor.email}")
