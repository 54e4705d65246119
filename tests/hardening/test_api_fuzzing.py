"""Schemathesis generates requests for every operation of the OpenAPI schema: whatever it sends,
the API never answers 5xx, and every error it returns has the structured shape."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from accounts.services import api_token_issue
from tests.factories import make_procedure, make_unit_tree

pytestmark = pytest.mark.django_db
STATUSES: list[int] = []


def assert_structured(response, label: str) -> None:
    STATUSES.append(response.status_code)
    assert response.status_code < 500, (label, response.status_code, response.text[:500])
    content_type = response.headers.get("content-type") or response.headers.get("Content-Type")
    if isinstance(content_type, list):
        content_type = content_type[0]
    if response.status_code >= 400 and (content_type or "").startswith("application/json"):
        body = json.loads(response.text)
        assert isinstance(body, dict) and set(body) == {"error"}, (label, body)
        assert {"code", "message"} <= set(body["error"]), (label, body)


def fuzz(headers: dict[str, str], examples: int) -> list[str]:
    from portal.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"

        def make_run(strategy, label):
            @given(case=strategy)
            @hypothesis_settings(max_examples=examples, deadline=None, database=None,
                                 suppress_health_check=list(HealthCheck))
            def run(case):
                assert_structured(case.call(headers=headers),
                                  f"{label} body={case.body!r} query={case.query!r}"[:800])

            return run

        make_run(operation.as_strategy(), label)()
        checked.append(label)
    return checked


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the request
    signals from closing the database connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _limits_out_of_the_way(settings):
    """A few hundred generated requests a minute from one address: the default API limits
    (tests/hardening/test_api_throttling.py) would answer most of them 429 before any view."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "100000/min",
        "user": "100000/min"}}


@pytest.fixture
def data(db, django_user_model):
    make_unit_tree()
    make_procedure()
    user = django_user_model.objects.create_user("fuzz-citizen", password="Fuzz-pass-2026")
    return {"token": api_token_issue(user=user)[1]}


def test_anonymous_requests(data):
    checked = fuzz({}, examples=10)
    assert "GET /api/v1/procedures/{code}/" in checked
    assert len(checked) >= 20


def test_authenticated_citizen_requests(data):
    fuzz({"Authorization": f"Token {data['token']}"}, examples=10)


def test_fuzzing_really_reached_the_api(data):
    STATUSES.clear()
    fuzz({}, examples=3)
    assert len(STATUSES) >= 60
    assert any(200 <= status < 300 for status in STATUSES)
    assert any(400 <= status < 500 for status in STATUSES)
