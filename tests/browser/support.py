"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server.

The fixtures are registered once, in tests/conftest.py: Playwright's sync API allows one
instance per process, so no other module may define or import them again."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PRM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run scripts/install-system-packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def reference_data(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations put in (partner types, tiers, stages, …), captured before any
    transactional test flushed them."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def migration_rows(reference_data):
    """The migrations' rows, put back when a transactional test's flush emptied them.

    A transactional test runs outside a rolled-back transaction, and the flush after each one
    empties every table; serialized_rollback should restore the migrations' rows, but on
    PostgreSQL it does not once an ordinary database test has run in the same process.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from prm.partners.models import PartnerType

    if not PartnerType.objects.exists():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(reference_data)
        ContentType.objects.clear_cache()


@pytest.fixture
def new_page(browser, live_server, migration_rows):
    """A page in a fresh context whose browser asks for ``language`` (ko-KR or en-US)."""
    contexts = []

    def make(language: str):
        context = browser.new_context(locale=language, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
