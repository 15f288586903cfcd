"""``perform``: the shape of a POST view that runs a service and redirects with a message."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from prm.core.errors import BusinessError
from prm.core.views import perform


@pytest.fixture
def post():
    request = RequestFactory().post("/somewhere/")
    request._messages = CookieStorage(request)
    return request


def shown(request) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in request._messages]


def refuse_with(status: int):
    def call():
        raise BusinessError("Only a draft can be deleted.", status=status)

    return call


def test_a_success_shows_its_message_and_goes_on(post):
    response = perform(post, lambda: None, success="Deleted.", then="/list/", failed="/item/")

    assert response.status_code == 302
    assert response.url == "/list/"
    assert shown(post) == [(messages.SUCCESS, "Deleted.")]


def test_the_success_message_may_name_what_the_service_returned(post):
    response = perform(post, lambda: "Alpha", success=lambda name: f"{name} added.", then="/x/")

    assert response.url == "/x/"
    assert shown(post) == [(messages.SUCCESS, "Alpha added.")]


def test_a_business_error_shows_its_message_and_goes_back(post):
    response = perform(post, refuse_with(409), success="Deleted.", then="/list/", failed="/item/")

    assert response.status_code == 302
    assert response.url == "/item/"
    assert shown(post) == [(messages.ERROR, "Only a draft can be deleted.")]


def test_without_a_failure_target_an_error_goes_where_a_success_would(post):
    response = perform(post, refuse_with(409), success="Deleted.", then="/item/")

    assert response.url == "/item/"
    assert shown(post) == [(messages.ERROR, "Only a draft can be deleted.")]


def test_a_refusal_is_a_403_page_only_when_asked(post):
    with pytest.raises(PermissionDenied):
        perform(post, refuse_with(403), success="Deleted.", then="/item/", refuse=True)

    response = perform(post, refuse_with(403), success="Deleted.", then="/item/")
    assert response.url == "/item/"
    assert shown(post) == [(messages.ERROR, "Only a draft can be deleted.")]
