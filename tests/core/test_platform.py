"""The platform itself: health check, production settings, and the CLI commands."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prm.accounts.models import ApiToken, User, hash_token
from prm.core import access


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["status"] == "up"


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    # The browser tests allow async-unsafe calls in their own process only.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "prm.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "EMAIL_URL": "smtp+tls://prm:secret@mail.example.com:587",
    }
    result = subprocess.run(
        [sys.executable, "-m", "prm.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_create_user_for_a_partner_and_a_token(db, partner_a, capsys):
    call_command(
        "create_user",
        email="kim@alpha.kr",
        role="partner_admin",
        partner="Alpha Systems",
        password="a long enough passphrase",
    )
    user = User.objects.get(email="kim@alpha.kr")
    assert user.partner == partner_a
    assert user.check_password("a long enough passphrase")
    capsys.readouterr()
    call_command("token", "create", email="kim@alpha.kr")
    raw = capsys.readouterr().out.strip()
    token = access.unrestricted(ApiToken).get(user=user)
    assert token.token_hash == hash_token(raw)
    assert raw not in token.token_hash
    assert token.is_valid


def test_create_user_refuses_bad_input(db, partner_a):
    with pytest.raises(CommandError, match="needs a partner"):
        call_command("create_user", email="x@y.kr", role="partner_user")
    with pytest.raises(CommandError, match="partner"):
        call_command("create_user", email="x@y.kr", role="partner_user", partner="Nobody")
    with pytest.raises(CommandError):
        call_command("create_user", email="x@y.kr", role="wizard")
    assert not User.objects.filter(email="x@y.kr").exists()


def test_token_revoke_makes_the_token_invalid(db, manager, capsys):
    call_command("token", "create", email=manager.email, days=30)
    raw = capsys.readouterr().out.strip()
    call_command("token", "revoke", raw[:12])
    token = access.unrestricted(ApiToken).get(token_hash=hash_token(raw))
    assert not token.is_valid
    assert token.revoked_at is not None
