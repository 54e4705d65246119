"""The OpenAPI schema documents, on every operation, a summary, its app's tag and the error
answers it can give, all in the API's one error shape (portal/api/schema.py); and the API's
real error answers match that shape."""

from __future__ import annotations

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.factories import make_procedure, make_unit_tree

pytestmark = pytest.mark.django_db
WRITES = {"post", "put", "patch", "delete"}
APPS = {"accounts", "citizens", "procedures", "dossiers", "delivery", "ratings", "reports",
        "units"}
# Operations that are not throttled, and why.
UNTHROTTLED = {
    # Signing a device out needs the token itself; only signing in (POST) is rate-limited.
    ("delete", "/api/v1/auth/token/"),
}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    return document


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in WRITES | {"get", "head", "options"}:
                yield method, path, operation


def error_ref(operation, status):
    answer = operation["responses"].get(status)
    assert answer is not None, status
    assert answer.get("description")
    return answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_the_error_component_is_the_envelope(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "details"]


def test_every_operation_has_a_summary_an_app_tag_and_the_throttled_answer(schema):
    ops = list(operations(schema))
    assert len(ops) >= 25
    declared = {tag["name"] for tag in schema["tags"]}
    for method, path, operation in ops:
        label = f"{method.upper()} {path}"
        assert operation.get("summary", "").strip(), label
        assert len(operation["tags"]) == 1 and operation["tags"][0] in APPS, label
        assert operation["tags"][0] in declared, label
        if (method, path) in UNTHROTTLED:
            assert "429" not in operation["responses"], label
            continue
        assert error_ref(operation, "429") == ERROR_REF, label
        assert "Retry-After" in operation["responses"]["429"]["headers"], label
    assert {(m, p) for m, p, _ in ops} >= UNTHROTTLED


def test_every_write_documents_400_and_409_and_named_objects_404(schema):
    for method, path, operation in operations(schema):
        label = f"{method.upper()} {path}"
        if method in WRITES:
            assert error_ref(operation, "409") == ERROR_REF, label
            ref = error_ref(operation, "400")
            # The import's 400 lists configuration errors; its body is its own component.
            assert ref == ERROR_REF or path.endswith("/import/"), label
        if "{" in path:
            assert error_ref(operation, "404") == ERROR_REF, label


def test_401_and_403_only_where_a_user_is_needed(schema):
    paths = schema["paths"]
    for method, path in [("get", "/api/v1/dossiers/"), ("post", "/api/v1/dossiers/"),
                         ("get", "/api/v1/me/"), ("post", "/api/v1/dossiers/{ref}/submit/")]:
        assert error_ref(paths[path][method], "401") == ERROR_REF, path
        assert error_ref(paths[path][method], "403") == ERROR_REF, path
    for method, path in [("get", "/api/v1/procedures/"), ("get", "/api/v1/track/{code}/")]:
        assert "401" not in paths[path][method]["responses"], path
        assert "403" not in paths[path][method]["responses"], path


def test_real_error_answers_match_the_documented_envelope(client, schema, settings):
    error = schema["components"]["schemas"]["Error"]
    make_unit_tree()
    make_procedure()
    answers = [
        client.get("/api/v1/procedures/khong-co/"),                      # 404
        client.post("/api/v1/dossiers/", {}, content_type="application/json"),  # 403
        client.get("/api/v1/track/KHONG-CO/"),                           # 404
    ]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/min"}}
    client.get("/api/v1/procedures/")
    throttled = client.get("/api/v1/procedures/")
    assert throttled.status_code == 429 and throttled["Retry-After"]
    answers.append(throttled)
    assert {a.status_code for a in answers} >= {403, 404, 429}
    for answer in answers:
        assert answer.status_code >= 400
        jsonschema.validate(answer.json(), error)
