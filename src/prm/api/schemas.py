"""Building blocks shared by every capability's API schemas."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

# Ids are 64-bit database keys; larger numbers are refused before they reach the database.
MAX_ID = 2**63 - 1

ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def check_text(value: Any) -> Any:
    """Refuse text no database stores: NUL characters and lone surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("null_character", "Null characters are not allowed.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise PydanticCustomError("unicode", "The text is not valid Unicode.") from exc
    elif isinstance(value, list):
        for item in value:
            check_text(item)
    return value


class InputSchema(Schema):
    """A request body: unknown fields are refused (422 naming the field), text is checked."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return check_text(value)


class ErrorOut(Schema):
    """Every error: a message for people, a code for programs, the field when there is one."""

    detail: str
    code: str | None = None
    field: str | None = None
    errors: dict[str, list[str]] | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The documented error answers of an operation."""
    return dict.fromkeys(statuses, ErrorOut)


def refuse_unknown_form_fields(
    request: HttpRequest, schema: type[Schema], files: tuple[str, ...] = ()
) -> None:
    """Multipart requests are held to the same rule as JSON bodies: no unknown fields."""
    known = set(schema.model_fields) | set(files) | {"csrfmiddlewaretoken"}
    unknown = sorted((set(request.POST) | set(request.FILES)) - known)
    if unknown:
        raise ValidationError(
            [{"loc": ("form", name), "type": "extra_forbidden", "msg": ""} for name in unknown]
        )
