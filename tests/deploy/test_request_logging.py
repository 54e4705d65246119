"""One log line per request and per task, sharing a request id; no personal data."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from portal import logging as portal_logging

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "portal.request"]


def test_one_line_per_request_with_its_fields(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = client.get("/thu-tuc/?q=048095001234", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"
    [record] = _request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/thu-tuc/", 200)
    assert record.request_id == "abcdef0123456789"
    assert record.duration_ms >= 0 and record.user_id is None
    # The query string (search terms, codes) is never logged.
    assert "048095001234" not in record.getMessage()


def test_a_forged_request_id_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = client.get("/thu-tuc/", HTTP_X_REQUEST_ID="x\nforged log line")
    assert len(response["X-Request-ID"]) == 32
    assert _request_records(caplog)[0].request_id == response["X-Request-ID"]


def test_the_signed_in_user_is_logged_by_id(client, caplog, django_user_model):
    user = django_user_model.objects.create_user(username="c1", password="x")
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="portal.request")
    client.get("/ho-so/")
    assert _request_records(caplog)[0].user_id == user.pk


def test_the_request_id_travels_in_the_task_headers_and_back():
    token = portal_logging.request_id_var.set("req-0000000001")
    headers: dict = {}
    try:
        portal_logging.on_before_task_publish(headers=headers, body={})
    finally:
        portal_logging.request_id_var.reset(token)
    assert headers == {"request_id": "req-0000000001"}
    # In the worker: the header becomes the context of the task's log lines.
    task = SimpleNamespace(name="dossiers.tasks.notify_citizen",
                           request=SimpleNamespace(request_id="req-0000000001"))
    portal_logging.on_task_prerun(task_id="t1", task=task)
    assert portal_logging.request_id_var.get() == "req-0000000001"
    portal_logging.on_task_postrun(task_id="t1", task=task, state="SUCCESS")
    assert portal_logging.request_id_var.get() is None


def test_a_task_logs_one_line_with_the_request_id(caplog):
    from portal.celery import app

    @app.task(name="tests.deploy.noop")
    def noop():
        logging.getLogger("tests").info("inside")

    caplog.set_level(logging.INFO)
    token = portal_logging.request_id_var.set("req-0000000002")
    try:
        noop.delay()
    finally:
        portal_logging.request_id_var.reset(token)
    [line] = [r for r in caplog.records if r.name == "portal.task"]
    assert (line.task, line.state, line.request_id) == ("tests.deploy.noop", "SUCCESS",
                                                        "req-0000000002")
    assert line.duration_ms >= 0


def test_json_lines_carry_the_request_id():
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "GET / 200", (),
                               None)
    portal_logging.RequestIdFilter().filter(record)
    import json

    line = json.loads(formatter.format(record))
    assert line["level"] == "INFO" and line["logger"] == "portal.request"
    assert line["request_id"] == "-"


@pytest.mark.parametrize("text", [
    "CCCD 048095001234 refused", "phone 0905000001", "+84905000001", "0905 000 001",
    "090-500-0001",
])
def test_sentry_events_lose_cccd_and_phone_numbers(text):
    event = {"message": text, "exception": {"values": [{"value": text}]},
             "breadcrumbs": {"values": [{"message": text}]}, "extra": {"n": [text]},
             "level": "error", "timestamp": 1700000000}
    scrubbed = portal_logging.scrub_event(event, {})
    flat = repr(scrubbed)
    for digits in ("048095001234", "0905000001", "905000001", "0905 000 001", "090-500-0001"):
        assert digits not in flat
    assert portal_logging.REDACTED in scrubbed["message"]
    assert scrubbed["level"] == "error" and scrubbed["timestamp"] == 1700000000
