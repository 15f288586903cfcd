"""Every URL route and API operation, and which object each of its parameters names.

Routes come from Django's URL resolver (the back office, the portal, accounts, imports,
audit) and API operations from the OpenAPI document, both read when the tests are
collected, so a new view or endpoint is tested without anyone writing a test for it.

A parameter named ``<model>_id``, ``<model>_pk`` or ``<model>``, or a ``pk``/``id`` that
follows a path segment naming a model (``contacts/<int:pk>/``), is mapped to that model.
Anything else needs an entry in :data:`PARAM_MODELS` or :data:`PARAM_VALUES`; the
meta-tests fail for a parameter that is in neither.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from prm.api.root import api
from prm.imports import registry as import_registry
from tests.access import samples

# Routes the generated tests leave alone, each with the reason.
SKIPPED_NAMESPACES = {
    "admin": "Django admin: only the admin role may enter (test_routes checks that)",
    "api": "API operations are read from the OpenAPI document instead",
}
SKIPPED_ROUTES = {
    "set_language": "switches the UI language in the session; touches no data",
    "accounts:login": "signing in; a POST with a wrong password counts towards the lock-out",
}

# API URLs that are not operations of the OpenAPI document, each with the reason.
API_UNDOCUMENTED = {
    "openapi-json": "the OpenAPI document itself",
    "openapi-view": "the interactive documentation page",
    "api-root": "an index of the resources, the same for everyone",
    "unknown": "answers 404 in JSON for any path that is not an endpoint",
}

# Parameters that name an object but are not named after its model:
# {(route name or "METHOD /api/path", parameter): "app.Model"}.
PARAM_MODELS: dict[tuple[str, str], str] = {
    ("partners:merge_confirm", "duplicate_id"): "partners.Partner",
    ("accounts:token_revoke", "token_id"): "accounts.ApiToken",
}

# Parameters that do not name a stored object: the values to try them with.
PARAM_VALUES: dict[str, Callable[[], list[str]]] = {
    "uidb64": lambda: ["MA"],
    "token": lambda: ["set-password"],
    "entity": lambda: import_registry.names(),
}

for _module in samples.app_sample_modules():
    PARAM_MODELS.update(getattr(_module, "PARAM_MODELS", {}))
    PARAM_VALUES.update(getattr(_module, "PARAM_VALUES", {}))

ID_NAMES = {"pk", "id"}
MISSING_ID = 2_000_000_000
_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_API_PARAM = re.compile(r"{(?P<name>\w+)}")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>")


def _norm(word: str) -> str:
    return word.replace("-", "").replace("_", "").lower()


def _singulars(word: str) -> list[str]:
    word = _norm(word)
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    return forms


def _names_of(model: type[models.Model]) -> set[str]:
    with translation.override("en"):
        return {model._meta.model_name, _norm(str(model._meta.verbose_name))}


def model_named(word: str, app_hint: str | None = None) -> type[models.Model] | None:
    """The guarded model a word names (``contacts``, ``contact_id``, ``mdf-requests``), by
    its class name or its English verbose name."""
    for form in _singulars(word):
        found = [m for m in samples.guarded_models() if form in _names_of(m)]
        if len(found) > 1 and app_hint:
            found = [m for m in found if m._meta.app_label == app_hint] or found
        if len(found) == 1:
            return found[0]
    return None


@dataclass(frozen=True)
class Param:
    name: str
    model: type[models.Model] | None  # the object it names, or None for a plain value
    values: tuple[str, ...] = ()  # for plain values


@dataclass(frozen=True)
class Route:
    """One URL pattern with the template to build its URLs from."""

    name: str  # "namespace:name", or the pattern when it has no name
    template: str  # "/partners/{partner_pk}/contacts/{pk}/"
    params: tuple[Param, ...]
    unmapped: tuple[str, ...]  # parameters nobody said how to fill

    @property
    def namespace(self) -> str:
        return self.name.partition(":")[0] if ":" in self.name else ""

    @property
    def is_portal(self) -> bool:
        """A page of the partner portal (its own app's, or a capability's ``portal_*``)."""
        url_name = self.name.rpartition(":")[2]
        return (
            self.namespace == "portal"
            or url_name.startswith("portal")
            or "/portal/" in self.template
        )

    @property
    def object_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.model is not None)

    def url(self, values: dict[str, Any]) -> str:
        return self.template.format(**{k: str(v) for k, v in values.items()})

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Operation(Route):
    """One API operation: a path and a method."""

    method: str = "get"
    operation: dict | None = None

    @property
    def is_write(self) -> bool:
        return self.method in {"post", "put", "patch", "delete"}

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.template}"


def _map_param(route_name: str, name: str, before: str, app_hint: str | None) -> Param | None:
    explicit = PARAM_MODELS.get((route_name, name))
    if explicit:
        return Param(name, apps.get_model(explicit))
    if name in PARAM_VALUES:
        return Param(name, None, tuple(PARAM_VALUES[name]()))
    model = None
    if name not in ID_NAMES:
        model = model_named(re.sub(r"_(id|pk)$", "", name), app_hint)
    if model is None and (name in ID_NAMES or re.search(r"_(id|pk)$", name)) and before:
        model = model_named(before, app_hint)
    return Param(name, model) if model is not None else None


def _segment_before(route: str, start: int) -> str:
    segments = [s for s in route[:start].split("/") if s and not s.startswith(("<", "{"))]
    return segments[-1] if segments else ""


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = namespace
            if entry.namespace:
                child_ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), child_ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.name


def html_routes() -> list[Route]:
    """Every Django URL pattern outside the skipped namespaces, with mapped parameters."""
    routes = []
    for pattern, namespace, url_name in _walk(get_resolver()):
        top = namespace.split(":")[0]
        name = f"{namespace}:{url_name}" if namespace and url_name else (url_name or pattern)
        if top in SKIPPED_NAMESPACES or name in SKIPPED_ROUTES:
            continue
        if pattern.startswith("^") or _REGEX_PARAM.search(pattern):
            # Regular-expression routes (none of ours) cannot be filled from a template.
            routes.append(Route(name, pattern, (), (pattern,)))
            continue
        params, unmapped = [], []
        for match in _PARAM.finditer(pattern):
            param = _map_param(
                name,
                match["name"],
                _segment_before(pattern, match.start()),
                top or None,
            )
            (params.append(param) if param else unmapped.append(match["name"]))
        template = "/" + _PARAM.sub(lambda m: "{" + m["name"] + "}", pattern)
        routes.extend(_expanded(Route(name, template, tuple(params), tuple(unmapped))))
    return routes


def _expanded(route: Route) -> list[Route]:
    """One route per value of its plain parameters (``export/<entity>/`` per entity)."""
    result = [route]
    for param in route.params:
        if param.model is not None or len(param.values) < 2:
            continue
        result = [
            replace(
                r,
                name=f"{r.name}[{param.name}={value}]",
                params=tuple(
                    Param(p.name, None, (value,)) if p.name == param.name else p for p in r.params
                ),
            )
            for r in result
            for value in param.values
        ]
    return result


def api_url_templates() -> set[str]:
    """The API's URL patterns as Django resolves them, written as OpenAPI paths."""
    templates = set()
    for pattern, namespace, url_name in _walk(get_resolver()):
        if namespace.split(":")[0] == "api" and url_name not in API_UNDOCUMENTED:
            templates.add("/" + _PARAM.sub(lambda m: "{" + m["name"] + "}", pattern))
    return templates


@functools.cache
def _openapi() -> dict:
    return api.get_openapi_schema()


def api_operations() -> list[Operation]:
    """Every operation of the OpenAPI document, with mapped path parameters."""
    operations = []
    for path, methods in _openapi()["paths"].items():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            key = f"{method.upper()} {path}"
            params, unmapped = [], []
            for match in _API_PARAM.finditer(path):
                param = _map_param(key, match["name"], _segment_before(path, match.start()), None)
                (params.append(param) if param else unmapped.append(match["name"]))
            operations.append(
                Operation(
                    key, path, tuple(params), tuple(unmapped), method=method, operation=operation
                )
            )
    return operations


def openapi_components() -> dict:
    return _openapi().get("components", {})


def fillings(route: Route, attacker, victim) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Ways to fill ``route`` so that it names at least one of ``victim``'s objects.

    Each comes with the same values where the victim's ids are replaced by ids that do
    not exist. With several object parameters, each is also tried alone as the victim's,
    the others being the attacker's own (``partners/<mine>/contacts/<theirs>/``).
    """
    names = [p.name for p in route.object_params]
    combos = [set(names)] + ([{n} for n in names] if len(names) > 1 else [])
    result = []
    for victims in combos:
        values: dict[str, Any] = {}
        missing: dict[str, Any] = {}
        for p in route.params:
            if p.model is None:
                values[p.name] = missing[p.name] = p.values[0]
                continue
            side = victim if p.name in victims else attacker
            values[p.name] = side.sample(p.model).pk
            missing[p.name] = MISSING_ID if p.name in victims else values[p.name]
        result.append((values, missing))
    return result


def distinct_values(route: Route, side, other) -> dict[str, Any]:
    """``route`` filled with ``side``'s objects, except that a second parameter naming the
    same model gets ``other``'s (``merge/<pk>/<duplicate_id>/`` needs two partners)."""
    values: dict[str, Any] = {}
    used: set[type[models.Model]] = set()
    for p in route.params:
        if p.model is None:
            values[p.name] = p.values[0]
            continue
        values[p.name] = (other if p.model in used else side).sample(p.model).pk
        used.add(p.model)
    return values


def own_values(route: Route, side) -> dict[str, Any]:
    """``route`` filled with ``side``'s own objects."""
    return {p.name: side.sample(p.model).pk if p.model else p.values[0] for p in route.params}


def target(route: Route, side) -> models.Model | None:
    """The object a route acts on: the one its last object parameter names."""
    params = route.object_params
    return side.sample(params[-1].model) if params else None
