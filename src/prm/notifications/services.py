"""Tell people what happened: in the app, and by e-mail after the change commits."""

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from prm.accounts.models import User
from prm.core import access
from prm.notifications.models import Notification

logger = logging.getLogger(__name__)


Text = str | Callable[[], str]


@dataclass(frozen=True)
class Message:
    """What to tell some users: ``title`` and ``body`` may be lazy translations (or
    callables taking no argument), rendered in each recipient's language."""

    users: Iterable[User | None]
    title: Text
    body: Text = ""
    url: str = ""


def notify(
    users: Iterable[User | None],
    *,
    title: Text,
    body: Text = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """One notification per active user."""
    return notify_all([Message(users, title, body, url)], email=email)


def notify_all(messages: Iterable[Message], *, email: bool = True) -> list[Notification]:
    """The notifications of many messages, written in one insert (a computation may tell
    thousands of partners at once)."""
    created = []
    for message in messages:
        for user in {u.pk: u for u in message.users if u is not None and u.is_active}.values():
            language = user.language or settings.LANGUAGE_CODE
            with translation.override(language):
                subject = str(_text(message.title))
                text = str(_text(message.body))
            created.append(Notification(user=user, title=subject[:200], body=text, url=message.url))
    if not created:
        return []
    created = access.unrestricted(Notification).bulk_create(created)
    if email:
        for note in created:
            transaction.on_commit(lambda note=note: _send(note))
    return created


def _text(value: Text):
    return value() if callable(value) else value


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
