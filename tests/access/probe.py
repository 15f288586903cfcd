"""Sending requests the way a browser or an API client would, and judging the answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from prm.accounts import services as account_services
from tests.access.samples import Side

# What pages receive: forms post, htmx also deletes. (Django reads no form data from PUT or
# PATCH, so pages do not take them; the API's operations are probed with their own.)
HTML_METHODS = ("get", "post", "delete")
WRITE_METHODS = ("post", "delete")
FORM_METHODS = ("post", "put", "patch", "delete")  # what a form or htmx element may send
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

TEXT_KINDS = {"text", "search", "email", "url", "number", "tel", "password", "date", "time"}
TEXT_KINDS |= {"datetime-local", "month", "week", "color", "range"}
# Fields a filled-in form changes, so that sending it is a write one can see.
CHANGED_FIELDS = ("name", "title", "summary", "notes", "subject", "description", "body")
FILLER = "Changed by the access tests"


@dataclass
class Control:
    name: str
    kind: str  # an input type, "select" or "textarea"
    value: str = ""
    required: bool = False
    checked: bool = False
    max_length: int | None = None
    accept: str = ""
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def data(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What a person filling in the form would send: its values, every required field
        filled, one text field changed; and its file fields (name → accepted types)."""
        data: dict[str, Any] = {}
        files: dict[str, str] = {}
        boxes: dict[str, list[Control]] = {}
        for c in self.controls:
            if c.kind == "file":
                files[c.name] = c.accept
            elif c.kind in {"checkbox", "radio"}:
                boxes.setdefault(c.name, []).append(c)
            elif c.kind == "select":
                data[c.name] = _chosen(c)
            elif c.kind in TEXT_KINDS or c.kind in {"textarea", "hidden"}:
                data.setdefault(c.name, []).append(c.value or _filled(c))
        for name, group in boxes.items():
            checked = [c.value or "on" for c in group if c.checked]
            if not checked and (len(group) > 1 or group[0].kind == "radio"):
                checked = [group[0].value or "on"]  # a choice among several needs one
            if checked:
                data[name] = checked
        data = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in data.items()}
        for c in self.controls:
            if c.name in CHANGED_FIELDS and isinstance(data.get(c.name), str) and data[c.name]:
                data[c.name] = _limited(f"{data[c.name]} (changed)", c.max_length)
                break
        return data, files


def _chosen(control: Control) -> list[str]:
    values = [v for v, selected in control.options if selected and v]
    if not values and not control.multiple:
        # Forms do not always mark a required choice; any real choice is a valid one.
        values = [v for v, _selected in control.options if v][:1]
    return values or [""]


def _limited(text: str, max_length: int | None) -> str:
    return text[-max_length:] if max_length else text


def _filled(control: Control) -> str:
    """A valid value for an empty field, when it is required."""
    if not control.required:
        return ""
    today = timezone.localdate()
    by_kind = {
        "email": "changed@a.example",
        "url": "https://changed.example",
        "number": "1",
        "tel": "02-123-4567",
        "date": today.isoformat(),
        "datetime-local": f"{today.isoformat()}T09:00",
        "time": "09:00",
        "password": "Changed-passw0rd-9!",
    }
    return by_kind.get(control.kind) or _limited(FILLER, control.max_length)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._open: Control | None = None  # the select or textarea being read

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            method, action = attrs.get("method", "get").lower(), attrs.get("action", "")
            for verb in FORM_METHODS:
                if f"hx-{verb}" in attrs:
                    method, action = verb, attrs[f"hx-{verb}"]
            self._form = Form(action=action, method=method)
            self.forms.append(self._form)
        elif tag == "option" and self._open is not None:
            self._open.options.append((attrs.get("value", ""), "selected" in attrs))
        elif self._form is not None and "name" in attrs and tag in {"input", "select", "textarea"}:
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            if kind in {"submit", "button", "reset", "image"}:
                return
            length = attrs.get("maxlength", "")
            control = Control(
                name=attrs["name"],
                kind=kind,
                value=attrs.get("value", ""),
                required="required" in attrs,
                checked="checked" in attrs,
                max_length=int(length) if length.isdigit() else None,
                accept=attrs.get("accept", ""),
                multiple="multiple" in attrs,
            )
            self._form.controls.append(control)
            if tag in {"select", "textarea"}:
                self._open = control

    def handle_data(self, data: str) -> None:
        if self._open is not None and self._open.kind == "textarea":
            self._open.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag in {"select", "textarea"} and self._open is not None:
            self._open.value = self._open.value.strip()
            self._open = None

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)


def forms_for(content: bytes, url: str) -> list[Form]:
    """The forms of a page that send data to ``url``."""
    parser = _FormParser()
    parser.feed(content.decode("utf-8", errors="replace"))
    path = urlsplit(url).path
    return [
        f
        for f in parser.forms
        if f.method in FORM_METHODS and urlsplit(f.action).path in {"", path}
    ]


def find_forms(client: Client, url: str) -> list[Form]:
    """The forms that send data to ``url``: on its own page or, for a route that only takes
    POST (an upload, a delete button), on the page above it (``/partners/7/`` for
    ``/partners/7/stage/``)."""
    path = urlsplit(url).path
    pages = [path]
    parts = [p for p in path.split("/") if p]
    for depth in range(len(parts) - 1, max(len(parts) - 3, 0), -1):
        pages.append("/" + "/".join(parts[:depth]) + "/")
    for page_url in pages:
        page = client.get(page_url)
        if page.status_code != 200 or getattr(page, "streaming", False):
            continue
        found = [
            f
            for f in forms_for(page.content, url)
            if page_url == path or urlsplit(f.action).path == path
        ]
        if found:
            return found
    return []


def upload(accept: str) -> SimpleUploadedFile:
    if "csv" in accept or "spreadsheet" in accept or "xls" in accept:
        content = f"name,types\n{FILLER},reseller\n".encode()
        return SimpleUploadedFile("upload.csv", content, content_type="text/csv")
    return SimpleUploadedFile("upload.pdf", b"%PDF-1.4\n", content_type="application/pdf")


def form_payload(forms: list[Form], target: models.Model | None, partner_id: int | None):
    """A function giving fresh POST data: the page's own forms, filled in and changed.

    Without a form on the page (a POST-only route), the target object's own fields are
    sent back changed, with a confirmation, which is what delete and action buttons send.
    """

    data: dict[str, Any] = {}
    files: dict[str, str] = {}
    if forms:
        for form in forms:
            values, uploads = form.data()
            data.update(values)
            files.update(uploads)
    elif target is not None:
        data = _object_payload(target)
    else:
        # What small action forms tend to send (a name, a saved query, a confirmation).
        data = {"name": FILLER, "title": FILLER, "query": "q=changed", "confirm": "yes"}
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
        # A file is never sent back as text. Test for FieldFile itself: an empty one raises
        # ValueError (not AttributeError) on ``.read`` and ``.url``, so hasattr() would crash.
        if value is None or isinstance(value, FieldFile) or hasattr(value, "read"):
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
