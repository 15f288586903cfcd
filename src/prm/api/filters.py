"""List filters in the API come from the same django-filter FilterSets as the list pages.

:func:`query_schema` describes a FilterSet's parameters for the OpenAPI document (so a filter
added to the FilterSet shows up in the API docs by itself); the values themselves are
validated and applied by the FilterSet, which reads ``request.GET``.
"""

from datetime import date, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from ninja import Schema
from pydantic import create_model

from prm.api.schemas import ObjectId


def _annotation(flt: django_filters.Filter) -> Any:
    if isinstance(flt, django_filters.OrderingFilter):
        return str
    if isinstance(flt, django_filters.ModelMultipleChoiceFilter):
        return list[str] if flt.extra.get("to_field_name") else list[ObjectId]
    if isinstance(flt, django_filters.MultipleChoiceFilter):
        return list[str]
    if isinstance(flt, django_filters.ModelChoiceFilter):
        return str if flt.extra.get("to_field_name") else ObjectId
    if isinstance(flt, django_filters.BooleanFilter):
        return bool
    if isinstance(flt, django_filters.IsoDateTimeFilter | django_filters.DateTimeFilter):
        return datetime
    if isinstance(flt, django_filters.DateFilter):
        return date
    return str


def _description(flt: django_filters.Filter) -> str:
    with translation.override("en"):
        text = force_str(flt.label or flt.field_name)
        if isinstance(flt, django_filters.OrderingFilter):
            names = [name for name, _label in flt.param_map.items()]
            fields = ", ".join(f"{n}, -{n}" for n in sorted(names))
            return f"{text}: one of {fields}"
        choices = flt.extra.get("choices")
        if choices and not callable(choices) and len(choices) <= 20:
            return f"{text}: one or more of {', '.join(str(value) for value, _ in choices)}"
    return text


def query_schema(filterset_class: type[django_filters.FilterSet]) -> type[Schema]:
    """A query-parameter schema with one optional parameter per filter of the FilterSet."""
    fields: dict[str, Any] = {
        name: (_annotation(flt) | None, None) for name, flt in filterset_class.base_filters.items()
    }
    schema = create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)
    for name, flt in filterset_class.base_filters.items():
        schema.model_fields[name].description = _description(flt)
    schema.model_rebuild(force=True)
    return schema


def require_valid(filterset: django_filters.FilterSet) -> None:
    """Refuse invalid filter values with a 422 naming each parameter (not an empty list)."""
    if not filterset.is_valid():
        raise ValidationError(
            {
                name: [str(message) for message in messages]
                for name, messages in filterset.errors.items()
            }
        )
