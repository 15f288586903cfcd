"""Writes on users and API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import ApiToken, User, hash_token
from prm.accounts.roles import PORTAL_ROLES, Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    role: str,
    partner=None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Portal roles need a partner and staff roles must not have one. ``actor=None`` is the
    system (the CLI); otherwise the actor must be allowed to add users to that partner."""
    if role not in Role.values:
        raise BusinessError(
            _("Unknown role %(role)s; use one of: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    if role in PORTAL_ROLES and partner is None:
        raise BusinessError(_("A portal user needs a partner."), field="partner")
    if role not in PORTAL_ROLES and partner is not None:
        raise BusinessError(_("Staff users do not belong to a partner."), field="partner")
    if actor is not None:
        if partner is None or not access.can(actor, partner, Action.VIEW):
            raise BusinessError(_("You may not add users here."), status=403)
        if actor.is_portal_role and (
            actor.role != Role.PARTNER_ADMIN or actor.partner_id != partner.pk
        ):
            raise BusinessError(_("You may not add users here."), status=403)
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise BusinessError(
            _("A user with the e-mail %(email)s already exists.") % {"email": email},
            code="duplicate",
            status=409,
            field="email",
        )
    user = User(email=email, role=role, partner=partner, first_name=first_name, last_name=last_name)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise BusinessError(" ".join(exc.messages), field="password") from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def token_create(
    *,
    actor: User | None,
    user: User,
    name: str = "",
    scope: str = ApiToken.Scope.WRITE,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw token is returned once and only its hash is kept."""
    if not user.is_active:
        raise BusinessError(_("The user is not active."))
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:12],
        token_hash=hash_token(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days or settings.API_TOKEN_DAYS),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _managed_user(actor: User, user: User, action: Action) -> User:
    """The user ``actor`` may act on with ``action``; nobody deactivates or removes
    themselves, so a company never locks its own admin out by mistake."""
    target = access.get_object(actor, User, action, pk=user.pk)
    if target.pk == actor.pk:
        raise BusinessError(_("You cannot do this to your own account."), status=403)
    return target


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """The user can no longer log in or use API tokens; their history stays."""
    user = _managed_user(actor, user, Action.CHANGE)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    user = _managed_user(actor, user, Action.CHANGE)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_remove(*, actor: User, user: User) -> None:
    """Delete the account; the audit log keeps the changes it made, under its e-mail."""
    _managed_user(actor, user, Action.DELETE).delete()
