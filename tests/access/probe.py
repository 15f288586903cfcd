"""Sending requests the way a browser or an API client would, and judging the answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from prm.accounts import services as account_services
from tests.access.samples import Side

HTML_METHODS = ("get", "post", "put", "patch", "delete")
WRITE_METHODS = ("post", "put", "patch", "delete")
# Answers that say nothing about the object: the route is closed to this user whatever
# the id, so they are accepted when a missing id gets exactly the same answer.
ROLE_REFUSALS = {301, 302, 303, 400, 401, 403}


def token_headers(user, scope: str = "write") -> dict[str, str]:
    """Headers with a new API token of ``user``."""
    raw = account_services.token_create(actor=None, user=user, scope=scope)[1]
    return {"authorization": f"Bearer {raw}"}


def leak_tokens(side: Side) -> list[str]:
    """Text that only ``side``'s data contains (compared case-insensitively)."""
    partner = side.partner
    tokens = [partner.name, side.marker]
    if partner.registration_number:
        tokens += [partner.registration_number, partner.registration_number_display]
    return [t.lower() for t in tokens if t]


def leaks(content: bytes, side: Side) -> list[str]:
    text = content.decode("utf-8", errors="replace").lower()
    return [t for t in leak_tokens(side) if t in text]


def send(
    client: Client,
    method: str,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    htmx: bool = False,
    headers: dict[str, str] | None = None,
):
    """A form-encoded request, as a browser (or htmx, with ``HX-Request``) sends it."""
    headers = dict(headers or {})
    if htmx:
        headers["HX-Request"] = "true"
    data = data or {}
    if method == "get":
        return client.get(url, headers=headers)
    if method == "post":
        return client.post(url, data, headers=headers)
    plain = {k: v for k, v in data.items() if not hasattr(v, "read")}
    return client.generic(
        method.upper(),
        url,
        urlencode(plain, doseq=True),
        "application/x-www-form-urlencoded",
        headers=headers,
    )


class Browser:
    """A test client signed in as one user, signing in again after any redirect (which may
    have been a sign-out or a password change)."""

    def __init__(self, client: Client, user) -> None:
        self.client = client
        self.user = user
        self._signed_in = False

    def send(self, method: str, url: str, data: dict[str, Any] | None = None, **options):
        if not self._signed_in:
            self.client.force_login(self.user)
            self._signed_in = True
        response = send(self.client, method, url, data, **options)
        if 300 <= response.status_code < 400:
            self._signed_in = False
        return response


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def answer(response) -> tuple[int, str]:
    return response.status_code, response.headers.get("Location", "")


def hidden(response, missing_response) -> bool:
    """Whether ``response`` tells no more than the answer for an id that does not exist."""
    status = response.status_code
    if status in {404, 405}:
        return True
    return status in ROLE_REFUSALS and answer(response) == answer(missing_response)


class Rollback(Exception):
    pass


def trial(world, client: Client, user, call: Callable[[Client], Any]) -> tuple[Any, bool]:
    """What ``call`` answers for ``user`` and whether it changed anything; then undone."""
    outcome: dict[str, Any] = {}
    try:
        with transaction.atomic():
            client.force_login(user)
            before = world.state()
            outcome["response"] = call(client)
            outcome["changed"] = world.state() != before
            raise Rollback
    except Rollback:
        pass
    client.logout()
    return outcome["response"], outcome["changed"]


# -- HTML forms ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # name -> accept


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "form":
            method = attrs.get("method", "get").lower()
            action = attrs.get("action", "")
            for verb in WRITE_METHODS:
                if f"hx-{verb}" in attrs:
                    method, action = verb, attrs[f"hx-{verb}"]
            self._form = Form(action=action, method=method)
            self.forms.append(self._form)
        elif self._form is None or "name" not in attrs:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "select":
            self._select = (attrs["name"], "multiple" in attrs)
            self._options = []
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen:
                chosen = [v for v, _selected in self._options if v][:1]
            self._form.fields[name] = chosen if multiple else chosen[:1]
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            text = "".join(self._text).strip()
            self._form.fields[self._textarea] = [f"{text} (changed)" if text else "Changed"]
            self._textarea = None

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def _input(self, attrs: dict[str, str]) -> None:
        assert self._form is not None
        kind = attrs.get("type", "text").lower()
        name, value = attrs["name"], attrs.get("value", "")
        if kind in {"submit", "button", "reset", "image"}:
            return
        if kind == "file":
            self._form.files[name] = attrs.get("accept", "")
        elif kind in {"checkbox", "radio"}:
            if "checked" in attrs or (kind == "radio" and name not in self._form.fields):
                self._form.fields.setdefault(name, [])
                if kind == "radio":
                    self._form.fields[name] = [value or "on"]
                else:
                    self._form.fields[name].append(value or "on")
        elif kind == "hidden":
            self._form.fields.setdefault(name, []).append(value)
        else:
            self._form.fields[name] = [_changed_input(kind, value)]


def _changed_input(kind: str, value: str) -> str:
    today = timezone.localdate()
    if value and kind in {"text", "search", ""}:
        return f"{value} (changed)"
    if value:
        return value
    return {
        "email": "changed@a.example",
        "url": "https://changed.example",
        "number": "1",
        "tel": "02-123-4567",
        "date": today.isoformat(),
        "datetime-local": f"{today.isoformat()}T09:00",
        "time": "09:00",
        "password": "Changed-passw0rd-9!",
    }.get(kind, "Changed by the access tests")


def forms_for(content: bytes, url: str) -> list[Form]:
    """The forms of a page that send data back to ``url`` itself."""
    parser = _FormParser()
    parser.feed(content.decode("utf-8", errors="replace"))
    path = urlsplit(url).path
    return [
        f
        for f in parser.forms
        if f.method in WRITE_METHODS and urlsplit(f.action).path in {"", path}
    ]


def upload(accept: str) -> SimpleUploadedFile:
    if "csv" in accept or "spreadsheet" in accept or "xls" in accept:
        return SimpleUploadedFile("sample.csv", b"name\nChanged\n", content_type="text/csv")
    return SimpleUploadedFile("sample.pdf", b"%PDF-1.4\n", content_type="application/pdf")


def form_payload(forms: list[Form], target: models.Model | None, partner_id: int | None):
    """A function giving fresh POST data: the page's own forms, filled in and changed.

    Without a form on the page (a POST-only route), the target object's own fields are
    sent back changed, with a confirmation, which is what delete and action buttons send.
    """

    data: dict[str, Any] = {}
    files: dict[str, str] = {}
    if forms:
        for form in forms:
            data.update({k: v if len(v) != 1 else v[0] for k, v in form.fields.items()})
            files.update(form.files)
    elif target is not None:
        data = _object_payload(target)
    else:
        data = {"name": "Changed by the access tests", "title": "Changed", "confirm": "yes"}
    if partner_id is not None:
        for key in ("partner", "partner_id"):
            data[key] = str(partner_id)

    def build() -> dict[str, Any]:
        # Uploads are read by the request, so each request gets new ones.
        return {**data, **{name: upload(accept) for name, accept in files.items()}}

    return build


def _object_payload(target: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"confirm": "yes"}
    for name, value in model_to_dict(target).items():
        if value is None or hasattr(value, "read") or hasattr(value, "url"):
            continue
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, str):
            data[name] = f"{value} (changed)" if value else "Changed"
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            data[name] = str(value)
    return data
