"""/healthz and /readyz answer on any Host (the container probe calls 127.0.0.1)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


def test_healthz_answers_a_host_that_is_not_allowed(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.danang.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_other_paths_still_validate_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.danang.gov.vn"]
    assert client.get("/thu-tuc/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_readyz_is_ok_in_test_settings(client, settings):
    settings.ALLOWED_HOSTS = ["dichvucong.danang.gov.vn"]
    response = client.get("/readyz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "migrations": "ok", "cache": "ok", "broker": "eager",
        "worker": "eager"}}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_while_migrations_are_unapplied(client):
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan",
                    return_value=[("dossiers.0099_pending", False)]):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["database"] == "ok"


def test_readyz_is_503_while_the_cache_is_down(client):
    cache = caches["default"]
    # django-redis with IGNORE_EXCEPTIONS answers None to every get while Redis is down.
    with mock.patch.object(type(cache), "get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readyz_is_503_when_no_worker_answers(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from portal.celery import app

    with mock.patch.object(app.control, "ping", return_value=[]), \
            mock.patch("portal.health.BrokerCheck.check_status", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_readyz_names_an_unreachable_broker_without_its_address(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from portal.celery import app

    with mock.patch.object(app, "connection_for_write",
                           side_effect=OSError("redis://secret@10.0.0.5 refused")), \
            mock.patch.object(app.control, "ping", return_value=[{"w@h": {"ok": "pong"}}]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert b"10.0.0.5" not in response.content
