"""Who is acting, and through which channel: set once per request, command or job.

Audit rows read it when recording a change. Context variables keep concurrent requests
(threads or async tasks) apart.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    UI = "ui", _("Web")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    CLI = "cli", _("Command line")
    JOB = "job", _("Background job")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Actor:
    user: Any = None
    channel: str = Channel.SYSTEM
    impersonator: Any = None


_current: ContextVar[Actor] = ContextVar("prm_audit_actor", default=Actor())  # noqa: B039


def current() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting(user: Any = None, channel: str = Channel.SYSTEM, impersonator: Any = None):
    """Attribute every change made inside the block to ``user`` through ``channel``."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    token = _current.set(Actor(user=user, channel=channel, impersonator=impersonator))
    try:
        yield
    finally:
        _current.reset(token)


def bind(user: Any, channel: str, impersonator: Any = None) -> None:
    """Attribute the rest of the current context (one API request) to ``user``.

    The enclosing ``acting`` block of the request middleware restores the previous actor.
    """
    _current.set(Actor(user=user, channel=channel, impersonator=impersonator))
