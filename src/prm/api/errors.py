"""Every error of the API as JSON ``{"detail": ..., "code": ..., "field": ...}``, in one place.

Business rules (``BusinessError``), model validation, request validation, the access layer's
404/403 and authentication failures all end here, translated to the caller's language.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from prm.core.errors import BusinessError

# Where ninja puts a request value, and the parameter names wrapping schema fields.
SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})
WRAPPERS = frozenset({"payload", "filters", "pagination"})

# Pydantic's messages are English only; the common ones get ours.
MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "string_type": gettext_lazy("Enter text."),
    "list_type": gettext_lazy("Enter a list."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "date_type": gettext_lazy("Enter a valid date (YYYY-MM-DD)."),
    "datetime_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "datetime_type": gettext_lazy("Enter a valid date and time (ISO 8601)."),
    "model_attributes_type": gettext_lazy("Send a JSON object."),
    "model_type": gettext_lazy("Send a JSON object."),
    "dict_type": gettext_lazy("Send a JSON object."),
    "null_character": gettext_lazy("Null characters are not allowed."),
    "unicode": gettext_lazy("The text is not valid Unicode."),
}
LIMITS = {
    "greater_than_equal": gettext_lazy("Enter a number of at least %(limit)s."),
    "less_than_equal": gettext_lazy("Enter a number of at most %(limit)s."),
    "string_too_long": gettext_lazy("Enter at most %(limit)s characters."),
    "too_long": gettext_lazy("Enter at most %(limit)s items."),
}
LIMIT_KEYS = ("ge", "le", "max_length")

# Messages ninja raises itself, in English.
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("The request body is not valid JSON."),
    "CSRF check Failed": gettext_lazy(
        "The CSRF check failed: reload the page, or send an API token instead of the cookie."
    ),
}


def field_name(loc: Iterable[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if parts and parts[0] in WRAPPERS:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def message_of(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    if field == "__all__" and kind in {"missing", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object in the request body.")
    if kind in MESSAGES:
        return str(MESSAGES[kind])
    if kind in LIMITS:
        context = error.get("ctx") or {}
        limit = next((context[k] for k in LIMIT_KEYS if k in context), "")
        return str(LIMITS[kind]) % {"limit": limit}
    if kind in {"enum", "literal_error"}:
        expected = (error.get("ctx") or {}).get("expected", "")
        return _("Choose one of: %(choices)s") % {"choices": expected}
    return str(error.get("msg", "")) or _("This value is not valid.")


def invalid_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The 422 answer: the first problem in ``detail``, every problem under ``errors``."""
    errors = {name: messages for name, messages in errors.items() if messages} or {
        "__all__": [_("The request is not valid.")]
    }
    field, messages = next(iter(errors.items()))
    if field == "__all__":
        detail = messages[0]
    else:
        detail = _("%(field)s: %(message)s") % {"field": field, "message": messages[0]}
    body: dict[str, Any] = {"detail": detail, "code": "invalid", "errors": errors}
    if field != "__all__":
        body["field"] = field
    return body


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api``."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(BusinessError)
    def business_error(request, exc: BusinessError):
        return respond(request, exc.as_json(), exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, {"detail": _("Not found."), "code": "not_found"}, 404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(
            request,
            {"detail": _("You do not have permission to do this."), "code": "forbidden"},
            403,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = respond(
            request,
            {
                "detail": _("Missing, invalid, expired or revoked API token."),
                "code": "unauthenticated",
            },
            401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = field_name(error.get("loc", ()))
            errors.setdefault(field, []).append(message_of(error, field))
        return respond(request, invalid_body(errors), 422)

    @api.exception_handler(DjangoValidationError)
    def model_invalid(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                name: [str(m) for m in messages] for name, messages in exc.message_dict.items()
            }
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        return respond(request, invalid_body(errors), 422)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = str(exc)
        detail = NINJA_MESSAGES.get(message.split(" (", 1)[0], message)
        return respond(request, {"detail": str(detail)}, exc.status_code)


def json_method_not_allowed(view: Callable) -> Callable:
    """Turn ninja's plain-text 405 into the API's JSON error (keeping the Allow header)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {
                    "detail": _("%(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                    "code": "method_not_allowed",
                },
                status=405,
            )
            response["Allow"] = allowed
        return response

    return wrapper


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return JsonResponse(
        {"detail": _("There is no such API endpoint."), "code": "not_found"}, status=404
    )


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


def unknown_path_pattern() -> URLPattern:
    """The last pattern under /api/v1/: anything else answers a JSON 404."""
    return re_path(r"^.*$", _unknown_path, name="unknown")
