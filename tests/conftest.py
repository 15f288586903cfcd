"""Shared fixtures: two partners (A and B), a user of every role, API clients."""

import itertools

import pytest
from django.core.cache import cache
from django.test import Client

from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.partners.models import Contact, Document, Interaction, Partner, Tier
from tests.browser.support import (  # noqa: F401
    browser,
    migration_rows,
    new_page,
    reference_data,
)

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    # WhiteNoise otherwise scans every static file (node_modules included) each time a test
    # client loads the middleware; looking files up per request is what DEBUG does too.
    settings.WHITENOISE_AUTOREFRESH = True
    # Each test starts with an empty cache: rate limits and cached figures of one test must
    # not leak into the next (the local-memory cache lives as long as the worker).
    cache.clear()


def make_partner(**fields) -> Partner:
    n = next(_counter)
    types = fields.pop("types", ["reseller"])
    fields.setdefault("name", f"Partner {n}")
    fields.setdefault("country", "KR")
    partner = Partner.objects.create(**fields)
    partner.types.set(types)
    return partner


def make_user(role: str, partner: Partner | None = None, **fields) -> User:
    n = next(_counter)
    fields.setdefault("email", f"{role}{n}@example.com")
    return User.objects.create_user(
        password="correct horse battery", role=role, partner=partner, **fields
    )


@pytest.fixture
def tiers():
    return {t.code: t for t in Tier.objects.all()}


@pytest.fixture
def manager(db):
    return make_user(Role.PARTNER_MANAGER)


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN)


@pytest.fixture
def analyst(db):
    return make_user(Role.ANALYST)


@pytest.fixture
def partner_a(db, manager):
    return make_partner(name="Alpha Systems", owner=manager, registration_number="2208162517")


@pytest.fixture
def partner_b(db):
    return make_partner(name="Bravo Logistics", registration_number="1248100998")


@pytest.fixture
def portal_admin_a(partner_a):
    return make_user(Role.PARTNER_ADMIN, partner_a)


@pytest.fixture
def portal_user_a(partner_a):
    return make_user(Role.PARTNER_USER, partner_a)


@pytest.fixture
def portal_admin_b(partner_b):
    return make_user(Role.PARTNER_ADMIN, partner_b)


@pytest.fixture
def populated(partner_a, partner_b, manager):
    """Every partner-owned kind of object, for both partners."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    objects = {}
    for key, partner in (("a", partner_a), ("b", partner_b)):
        contact = Contact.objects.create(
            partner=partner, name=f"Contact {key}", email=f"c@{key}.kr"
        )
        document = Document(
            partner=partner,
            title=f"Doc {key}",
            filename="doc.pdf",
            content_type="application/pdf",
            size=9,
        )
        document.file.save("doc.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        interaction = Interaction.objects.create(
            partner=partner, kind="call", occurred_at=timezone.now(), user=manager, summary="Call"
        )
        objects[key] = {
            "partner": partner,
            "contact": contact,
            "document": document,
            "interaction": interaction,
        }
    return objects


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def api_client(user: User, scope: str = "write") -> Client:
    token = account_services.token_create(actor=user, user=user, scope=scope)[1]
    return Client(headers={"authorization": f"Bearer {token}"})
