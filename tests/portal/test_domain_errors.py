"""One error type: every app's refusals are DomainErrors, the API answers each with the error
envelope and its status, the web views show its message; and the wiring that replaced the
import cycles (what runs after a transition, after a rating)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers.signals import dossier_transitioned
from portal.exceptions import DomainError
from portal.web import DomainErrorMiddleware
from ratings.signals import rating_submitted
from tests.dossiers.conftest import (  # noqa: F401 - fixtures
    _sms,
    citizen,
    citizen_client,
    draft,
    procedure,
    submitted,
    units,
)

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "citizens", "delivery", "dossiers", "procedures", "ratings", "reports",
        "units", "portal"]


def test_every_exception_of_every_app_is_a_domain_error():
    seen = []
    for app in APPS:
        if not (ROOT / app / "exceptions.py").exists():
            continue
        module = importlib.import_module(f"{app}.exceptions")
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == module.__name__):
                assert issubclass(value, DomainError), f"{app}.exceptions.{name}"
                seen.append(name)
    assert {"ConcurrentUpdate", "NotPermitted", "RatingLocked", "InvalidOTP",
            "ProcedureOutOfScope", "IdempotencyConflict", "RateLimited"} <= set(seen)


@pytest.mark.django_db
def test_the_api_answers_a_refusal_with_the_envelope_and_its_status(citizen, submitted):  # noqa: F811
    api = APIClient()
    api.force_authenticate(citizen)
    url = f"/api/v1/dossiers/{submitted.code}/transitions/"
    stale = api.post(url, {"action": "withdraw", "note": "x", "version": submitted.version + 7},
                     format="json")
    assert stale.status_code == 409, stale.content
    assert stale.json()["error"]["code"] == "conflict"
    assert set(stale.json()["error"]) == {"code", "message", "details"}
    refused = api.post(url, {"action": "approve", "note": "x"}, format="json")
    assert refused.status_code in (403, 409), refused.content
    assert refused.json()["error"]["code"] in ("forbidden", "transition_not_allowed")
    assert refused.json()["error"]["message"]


@pytest.mark.django_db
def test_a_web_view_shows_the_refusal_as_a_message(citizen_client, submitted):  # noqa: F811
    # A supplement to a dossier nobody asked to supplement: the service refuses
    # (TransitionNotAllowed, a DomainError) and the page says why, with nothing written.
    url = reverse("dossiers:supplement", args=[submitted.code])
    before = submitted.transitions.count()
    refused = citizen_client.post(url, {"note": "bổ sung"}, follow=True)
    assert refused.status_code == 200
    texts = [str(m) for m in get_messages(refused.wsgi_request)] or [
        str(m) for m in refused.context["messages"]]
    assert texts and "Không thể" in texts[-1] and "Đã gửi" not in texts[-1]
    assert submitted.transitions.count() == before


def _request(method: str, path: str):
    request = getattr(RequestFactory(), method)(path)
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    return request


def test_the_middleware_turns_an_unhandled_refusal_into_a_message_not_a_500():
    middleware = DomainErrorMiddleware(lambda r: None)
    error = DomainError("Không được phép.", code="forbidden", http_status=403)
    posted = _request("post", "/ho-so/x/rut/")
    response = middleware.process_exception(posted, error)
    assert response.status_code == 302 and response["Location"] == "/ho-so/x/rut/"
    assert [str(m) for m in get_messages(posted)] == ["Không được phép."]
    api = middleware.process_exception(_request("post", "/api/v1/x/"), error)
    assert api.status_code == 403
    assert api.content.decode().startswith('{"error": {"code": "forbidden"')
    assert middleware.process_exception(posted, ValueError("bug")) is None


def test_what_runs_after_a_transition_is_the_listed_receivers():
    connected = {f"{r.__module__}.{r.__qualname__}"
                 for r in dossier_transitioned._live_receivers(None)[0]}
    assert connected == set(settings.DOSSIER_AFTER_TRANSITION)


def test_reports_listens_to_ratings_instead_of_being_called():
    assert [f"{r.__module__}.{r.__qualname__}" for r in rating_submitted._live_receivers(None)[0]
            ] == ["reports.receivers.on_rating_submitted"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_former_import_cycles_stay_broken():
    for path in (ROOT / "ratings").rglob("*.py"):
        assert not any(n.startswith("reports") for n in _imports(path)), path
    assert not any(n in (".tasks", "delivery.tasks") for n in
                   _imports(ROOT / "delivery" / "services.py"))
