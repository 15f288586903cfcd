"""Two partners, A and B, each with portal users and a sample of every guarded model.

The world is built once per test module inside a transaction that is rolled back when the
module ends; each test runs in a savepoint of its own, so what one test changes the next
does not see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from tests.access import samples
from tests.access.samples import Side
from tests.conftest import make_partner


@dataclass
class World:
    a: Side
    b: Side
    admin: User
    manager: User  # owns A, not B
    analyst: User

    def state(self) -> dict[Any, Any]:
        """Everything a request could change: every stored row and the audit log's size."""
        rows = self.snapshot.take()
        # Signing in is recorded too, and the tests sign users in as they go.
        changes = access.unrestricted(AuditEntry).exclude(action=AuditAction.LOGIN)
        rows["audit entries"] = changes.count()
        return rows

    @functools.cached_property
    def snapshot(self) -> samples.Snapshot:
        return samples.Snapshot(lambda model: model._base_manager.all())

    @functools.cached_property
    def forms(self) -> dict[tuple[int, str], Any]:
        """The forms found for (user, URL), kept for the module: the world they come from
        is the same at the start of every test."""
        return {}

    def portal(self, role: str) -> User:
        return self.a.portal_admin if role == Role.PARTNER_ADMIN else self.a.portal_user


def _staff(email: str, role: str) -> User:
    return User.objects.create_user(email=email, password=None, role=role)


def _side(key: str, partner, staff: User) -> Side:
    marker = samples.MARKERS[key]

    def portal_user(role: str) -> User:
        return User.objects.create_user(
            email=f"{marker.lower()}-{role}@{key}.example",
            password=None,
            role=role,
            partner=partner,
            first_name=marker,
        )

    side = Side(
        key=key,
        partner=partner,
        portal_admin=portal_user(Role.PARTNER_ADMIN),
        portal_user=portal_user(Role.PARTNER_USER),
        staff=staff,
    )
    for model in samples.guarded_models():
        if samples.label(model) in samples.FACTORIES:
            side.sample(model)
    side.sealed = True
    return side


def build_world() -> World:
    manager = _staff("manager-a@staff.example", Role.PARTNER_MANAGER)
    # B belongs to another manager, so that A's manager is a stranger to it.
    manager_b = _staff("manager-b@staff.example", Role.PARTNER_MANAGER)
    partner_a = make_partner(name="Alpha Systems", owner=manager, registration_number="2208162517")
    partner_b = make_partner(
        name="Bravo Logistics", owner=manager_b, registration_number="1248100998"
    )
    return World(
        a=_side("a", partner_a, manager),
        b=_side("b", partner_b, manager_b),
        admin=_staff("admin@staff.example", Role.ADMIN),
        manager=manager,
        analyst=_staff("analyst@staff.example", Role.ANALYST),
    )


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("access-media")
    with (
        override_settings(MEDIA_ROOT=media, LANGUAGE_CODE="en", PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_and_language(settings):
    """The module's world keeps its files in its own media directory (see _module_world)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(_module_world, db) -> World:
    return _module_world


class Clients:
    """Test clients kept for a whole module: a client loads the middleware on its first
    request (WhiteNoise then scans every static file), so new ones per test are slow."""

    def __init__(self) -> None:
        self._pool: list[Client] = []
        self._handed = 0

    def reset(self) -> None:
        for client in self._pool:
            client.cookies.clear()
        self._handed = 0

    def new(self) -> Client:
        if self._handed == len(self._pool):
            self._pool.append(Client())
        client = self._pool[self._handed]
        self._handed += 1
        return client


@pytest.fixture(scope="module")
def _module_clients() -> Clients:
    return Clients()


@pytest.fixture
def clients(_module_clients) -> Clients:
    _module_clients.reset()
    return _module_clients
