"""Inviting portal users: the account is created without a password and the person chooses
one through a link e-mailed to them (Django's password-reset tokens, so the link works once
and expires after ``PASSWORD_RESET_TIMEOUT``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from prm.accounts import services
from prm.accounts.models import User
from prm.accounts.roles import PORTAL_ROLES
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError


def set_password_url(user: User, *, site_url: str) -> str:
    """The absolute link where ``user`` chooses a password; ``site_url`` is the scheme and
    host the person will open (``https://prm.example.com``)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def is_pending(user: User) -> bool:
    """Invited and not yet accepted: no password chosen, never logged in."""
    return not user.has_usable_password() and user.last_login is None


def _send(user: User, *, inviter: User, site_url: str) -> None:
    language = user.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "inviter": inviter,
            "partner": user.partner,
            "url": set_password_url(user, site_url=site_url),
            "login_url": site_url.rstrip("/") + reverse("accounts:login"),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


@transaction.atomic
def user_invite(
    *,
    actor: User,
    partner,
    email: str,
    role: str,
    site_url: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A new portal user of ``partner``, without a password, and an invitation e-mail (sent
    once the transaction commits). Only portal roles can be invited; who may add users to
    the partner is decided by ``services.user_create``."""
    if role not in PORTAL_ROLES:
        raise BusinessError(_("Invite partner admins or partner users only."), field="role")
    user = services.user_create(
        actor=actor,
        email=email,
        role=role,
        partner=partner,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    transaction.on_commit(lambda: _send(user, inviter=actor, site_url=site_url))
    return user


@transaction.atomic
def invitation_resend(*, actor: User, user: User, site_url: str) -> User:
    """Send the invitation again, with a fresh link, to a user who has not accepted it."""
    user = access.get_object(actor, User, Action.CHANGE, pk=user.pk)
    if not user.is_active:
        raise BusinessError(_("The user is deactivated; reactivate them first."))
    if not is_pending(user):
        raise BusinessError(
            _("%(email)s has already accepted the invitation.") % {"email": user.email}
        )
    transaction.on_commit(lambda: _send(user, inviter=actor, site_url=site_url))
    return user
