"""API test helpers: a bearer-token client per user that sends and reads JSON."""

from typing import Any

import pytest
from django.test import Client

from tests.conftest import api_client

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Api:
    """``api.get("/partners")``, ``api.post("/partners", {...})``: JSON in, response out."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, path: str, params: dict[str, Any] | None = None, **extra):
        return self.client.get(API + path, params or {}, **extra)

    def post(self, path: str, body: Any = None, **extra):
        return self.client.post(API + path, body, content_type="application/json", **extra)

    def upload(self, path: str, data: dict[str, Any], **extra):
        return self.client.post(API + path, data, **extra)

    def patch(self, path: str, body: Any = None, **extra):
        return self.client.patch(API + path, body, content_type="application/json", **extra)

    def delete(self, path: str, **extra):
        return self.client.delete(API + path, **extra)


def api_for(user, scope: str = "write") -> Api:
    return Api(api_client(user, scope=scope))


@pytest.fixture
def as_admin(admin_user) -> Api:
    return api_for(admin_user)


@pytest.fixture
def as_manager(manager) -> Api:
    return api_for(manager)


@pytest.fixture
def as_analyst(analyst) -> Api:
    return api_for(analyst)


@pytest.fixture
def as_portal_admin_a(portal_admin_a) -> Api:
    return api_for(portal_admin_a)


@pytest.fixture
def as_portal_user_a(portal_user_a) -> Api:
    return api_for(portal_user_a)
