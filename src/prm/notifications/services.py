"""Tell people what happened: in the app, and by e-mail after the change commits."""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from prm.accounts.models import User
from prm.core import access
from prm.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(
    users: Iterable[User],
    *,
    title,
    body="",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """One notification per active user; ``title`` and ``body`` may be lazy translations
    (or callables taking no argument) and are rendered in each recipient's language."""
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = str(title() if callable(title) else title)
            text = str(body() if callable(body) else body)
        created.append(Notification(user=user, title=subject[:200], body=text, url=url))
    created = access.unrestricted(Notification).bulk_create(created)
    if email:
        for note in created:
            transaction.on_commit(lambda note=note: _send(note))
    return created


def _send(note: Notification) -> None:
    link = f"\n\n{settings.PRM_BASE_URL}{note.url}" if note.url else ""
    try:
        send_mail(note.title, f"{note.body}{link}", None, [note.user.email])
    except (OSError, smtplib.SMTPException):
        # The in-app notification stands; a mail server being down must not fail the change.
        logger.exception("Could not e-mail notification %s", note.pk)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    note = access.get_object(actor, Notification, access.Action.CHANGE, pk=notification.pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def notifications_mark_all_read(*, actor: User) -> int:
    return (
        access.scope(actor, Notification, access.Action.CHANGE)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
