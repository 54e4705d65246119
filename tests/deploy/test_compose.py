"""docker-compose.yml, read: Docker does not run here, so the stack's shape is checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "router", "beat")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|_KEY|DSN|TOKEN", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _mounts(service) -> dict[str, str]:
    """target path -> named volume (bind mounts excluded)."""
    mounts = {}
    for item in service.get("volumes") or []:
        source, target = item.split(":")[:2]
        if not source.startswith((".", "/")):
            mounts[target] = source
    return mounts


def test_every_path_that_holds_data_is_a_named_volume(compose, services):
    named = set(compose["volumes"])
    expected = {
        "postgres": "/var/lib/postgresql/data",
        "broker": "/data",
        "static": "/srv/static",
    }
    for name, path in expected.items():
        assert _mounts(services[name]).get(path) in named, (name, path)
    env = services["web"]["environment"]
    # Private files (dossiers/storage.py: uploads, generated PDFs) and MEDIA_ROOT in web and in
    # every worker: a PDF rendered by a worker is downloaded through web.
    for name in ("web", "worker", "router"):
        mounts = _mounts(services[name])
        assert mounts.get(env["DOSSIER_PRIVATE_ROOT"]) == "private", name
        assert mounts.get(env["MEDIA_ROOT"]) == "media", name
    # nginx serves static files and sends the access-checked files, read-only.
    nginx = {item.split(":")[1]: item for item in services["nginx"]["volumes"]}
    for path in ("/srv/static", env["DOSSIER_PRIVATE_ROOT"], env["MEDIA_ROOT"]):
        assert nginx[path].endswith(":ro"), path


def test_health_checks_on_every_long_running_service(services):
    for name in ("web", "worker", "router", "postgres", "broker", "cache", "nginx"):
        check = services[name].get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["nginx"]["healthcheck"]["test"])
    for name, node in (("worker", "celery@"), ("router", "router@")):
        assert f"inspect ping -d {node}$$HOSTNAME" in services[name]["healthcheck"]["test"][1]


def test_migrations_run_once_before_the_app_starts(services):
    migrate = services["migrate"]
    assert migrate["command"][-3:] == ["manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully", name
        assert "migrate" not in " ".join(services[name].get("command") or []), name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def _interpolations(value: str) -> list[tuple[str, str, str]]:
    return re.findall(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}", value)


def test_no_secret_has_a_default(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    for name, operator, _rest in _interpolations(text):
        if SECRET_NAME.search(name):
            assert operator in (":?", "?"), f"{name} has a default or may be empty"
    env = compose["x-app-env"]
    for name, value in env.items():
        if SECRET_NAME.search(name) and value is not None:
            assert all(op == ":?" for _n, op, _r in _interpolations(value)), name
            assert _interpolations(value), f"{name} is written into the file"
    for name in ("EMAIL_URL", "SMS_BACKEND", "DJANGO_ALLOWED_HOSTS"):
        assert ":?" in env[name], name
    assert ":?" in compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]


def test_nginx_is_the_one_proxy_in_front_of_gunicorn(services):
    assert "ports" not in services["web"]
    assert services["nginx"]["ports"]
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["nginx"]["environment"]["PORTAL_UPSTREAM"] == "web:8000"
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DJANGO_NUM_PROXIES"] == "1"
        assert env["PRIVATE_FILES_X_ACCEL"] == "1"
        assert env["DJANGO_DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")


def test_nginx_body_limit_fits_the_upload_limits(services):
    env = services["web"]["environment"]
    size = services["nginx"]["environment"]["NGINX_CLIENT_MAX_BODY_SIZE"]
    assert size.endswith("m")
    limit = int(size[:-1]) * 1024 * 1024
    total, per_file = int(env["DOSSIER_MAX_TOTAL_BYTES"]), int(env["DOSSIER_MAX_FILE_BYTES"])
    # Every file of a filing fits in one request, with room for the form; not far beyond.
    assert total < limit <= total * 1.25
    assert per_file <= total


def test_broker_and_cache_are_separate_redis_instances(services):
    broker = " ".join(services["broker"]["command"])
    cache = " ".join(services["cache"]["command"])
    assert "--maxmemory-policy noeviction" in broker
    assert "--appendonly yes" in broker
    assert "--maxmemory-policy allkeys-lru" in cache and "--maxmemory " in cache
    env = services["worker"]["environment"]
    assert env["CELERY_BROKER_URL"].startswith("redis://broker:")
    assert env["CACHE_URL"].startswith("redis://cache:")
    assert "REDIS_URL" not in env


def test_every_celery_queue_is_served(services):
    served = {}
    for service in services.values():
        command = service.get("command") or []
        if "worker" in command and "-Q" in command:
            for queue in command[command.index("-Q") + 1].split(","):
                served[queue] = command
    assert {q.name for q in settings.CELERY_TASK_QUEUES} <= set(served)
    from delivery.tasks import ROUTE_BATCH_SIZE

    prefetch = [a for a in served["routing"] if a.startswith("--prefetch-multiplier=")]
    assert int(prefetch[0].split("=")[1]) >= ROUTE_BATCH_SIZE
    assert "beat" in services["beat"]["command"]
