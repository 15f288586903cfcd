"""Request bodies for API operations, made from their OpenAPI schemas.

A body is meant to succeed for a user who may make the request, so that a refusal shows
the access layer at work and not a validation error. Fields the schema cannot tell how to
fill get a value from :data:`FIELD_VALUES`; a test fails (naming this file) when an admin's
request with the generated body is rejected as invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from prm.accounts.models import User
from prm.partners.models import Partner
from tests.access import routes, samples
from tests.access.routes import Operation
from tests.access.samples import Side

# Fields whose valid values the schema does not say: {field name: value for a side}.
FIELD_VALUES: dict[str, Callable[[Side], Any]] = {
    "types": lambda side: ["reseller"],
    "allow_duplicate": lambda side: True,
}

# Capabilities add theirs in tests/<app>/access_samples.py (FIELD_VALUES). A key
# "<resource>:<field>" (e.g. "observations:metric") applies to the bodies of that API
# resource only and wins over the plain field name.
for _module in samples.app_sample_modules():
    FIELD_VALUES.update(getattr(_module, "FIELD_VALUES", {}))

# Text fields a partial update changes (one is enough to see the change).
TEXT_FIELDS = ("name", "title", "summary", "notes", "description", "subject", "body")


def resource_model(operation: Operation) -> type[models.Model] | None:
    """The model an operation's path is about: ``/api/v1/contacts/{id}`` → Contact."""
    resource = resource_name(operation)
    return routes.model_named(resource) if resource else None


def resource_name(operation: Operation) -> str:
    """The API resource an operation's path is about: ``/api/v1/contacts/{id}`` → contacts."""
    segments = [s for s in operation.template.split("/") if s and not s.startswith("{")]
    return segments[2] if len(segments) > 2 else ""


def _schema(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return components["schemas"][ref.rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _schema(options[0], components) if options else {}
    return schema


def body_content(operation: Operation) -> tuple[str | None, dict]:
    """The media type and schema of an operation's request body."""
    content = (operation.operation or {}).get("requestBody", {}).get("content", {})
    for media_type in ("application/json", "multipart/form-data"):
        if media_type in content:
            return media_type, content[media_type].get("schema", {})
    return None, {}


def body(operation: Operation, components: dict, side: Side) -> Callable[[], dict[str, Any]]:
    """A function giving a fresh request body that names ``side``'s partner and objects."""
    media_type, schema = body_content(operation)
    if media_type is None:
        return dict
    schema = _schema(schema, components)
    model = resource_model(operation)
    resource = resource_name(operation)
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    chosen = [
        name
        for name in properties
        if name in required or name in FIELD_VALUES or f"{resource}:{name}" in FIELD_VALUES
    ]
    if not required:
        chosen += [n for n in TEXT_FIELDS if n in properties][:1]

    def build() -> dict[str, Any]:
        return {
            name: _value(name, _schema(properties[name], components), model, side, resource)
            for name in chosen
        }

    return build


def _value(
    name: str, schema: dict, model: type[models.Model] | None, side: Side, resource: str = ""
) -> Any:
    for key in (f"{resource}:{name}", name):
        if key in FIELD_VALUES:
            return FIELD_VALUES[key](side)
    related = _related_model(model, name)
    if related is Partner:
        return side.partner.pk
    if related is User:
        return side.staff.pk
    if related is not None:
        return side.sample(related).pk
    choices = _choices(model, name)
    if "enum" in schema:
        return schema["enum"][0]
    if choices:
        return choices[0]
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt == "binary":
        return SimpleUploadedFile("upload.pdf", b"%PDF-1.4\n", "application/pdf")
    if fmt == "date-time":
        return timezone.now().isoformat()
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "email":
        return "new-address@example.org"
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return schema.get("default", False)
    if kind == "array":
        return []
    if kind == "object":
        return {}
    # Neutral text: responses echo it, and the side's marker in it would look like a leak.
    return "Changed via the API"[: schema.get("maxLength", 200)]


def _related_model(model: type[models.Model] | None, name: str) -> type[models.Model] | None:
    if model is None:
        return routes.model_named(name) if name == "partner" else None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field.related_model if field.many_to_one or field.one_to_one else None


def _choices(model: type[models.Model] | None, name: str) -> list[Any]:
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return []
    return [value for value, _label in field.choices or []] if field is not None else []
