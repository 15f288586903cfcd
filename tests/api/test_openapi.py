"""The OpenAPI document and the interactive docs, served without any CDN."""

import re

import pytest

from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/partners": {"get", "post"},
    "/api/v1/partners/{partner_id}": {"get", "patch", "delete"},
    "/api/v1/contacts": {"get", "post"},
    "/api/v1/contacts/{contact_id}": {"get", "patch", "delete"},
    "/api/v1/documents": {"get", "post"},
    "/api/v1/documents/{document_id}": {"get", "patch", "delete"},
    "/api/v1/documents/{document_id}/download": {"get"},
    "/api/v1/interactions": {"get", "post"},
    "/api/v1/interactions/{interaction_id}": {"get", "patch", "delete"},
}


def test_openapi_document_lists_every_resource_and_method(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path, methods in EXPECTED.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    assert "BearerAuth" in str(schema["components"]["securitySchemes"]) or any(
        scheme.get("scheme") == "bearer"
        for scheme in schema["components"]["securitySchemes"].values()
    )


def test_openapi_documents_the_list_filters_and_pagination(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/partners"]["get"]["parameters"]}
    assert {"q", "stage", "type", "tier", "country", "owner", "parent", "tag", "sort"} <= params
    assert {"page", "page_size"} <= params
    contacts = {p["name"] for p in schema["paths"]["/api/v1/contacts"]["get"]["parameters"]}
    assert "partner" in contacts


def test_openapi_documents_the_partner_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    partner = schema["components"]["schemas"]["PartnerOut"]["properties"]
    assert {
        "id",
        "name",
        "legal_name",
        "registration_number",
        "types",
        "tier",
        "stage",
        "country",
        "region",
        "industry",
        "website",
        "domain",
        "owner",
        "parent",
        "tags",
        "notes",
        "created_at",
        "updated_at",
    } <= set(partner)
    upload = schema["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith("/static/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
    assert "/api/v1/openapi.json" in html
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html


def test_unknown_paths_and_methods_answer_json(admin_user, partner_a):
    api = api_for(admin_user)
    missing = api.get("/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    wrong_method = api.client.put(
        f"/api/v1/partners/{partner_a.pk}", {}, content_type="application/json"
    )
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "method_not_allowed"
    assert "PATCH" in wrong_method["Allow"]
