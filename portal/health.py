"""Liveness and readiness endpoints that answer whatever Host header the caller sends.

A container's health probe calls ``http://127.0.0.1:8000/healthz``; 127.0.0.1 is not in
``ALLOWED_HOSTS`` in production, so through the normal stack the probe got a 400 (host
validation in CommonMiddleware) or a redirect to https (SecurityMiddleware). This middleware
sits first in ``MIDDLEWARE`` and answers the two paths before any of that runs; they reveal
nothing but "up" and the names of failing checks.

- ``/healthz``: liveness, the process answers. No database, no cache.
- ``/readyz``: readiness: database, cache, broker, a worker answering a ping (``eager`` when
  Celery runs tasks in-process), migrations applied. 503 with the failing checks' names.

The checks are django-health-check's where it has one that fits; the details of a failure go
to the log, not to the response (a database error names hosts and users).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from health_check.backends import HealthCheck
from health_check.cache.backends import CacheBackend
from health_check.contrib.db_heartbeat.backends import DatabaseHeartBeatCheck
from health_check.exceptions import ServiceUnavailable

logger = logging.getLogger("portal.health")

HEALTH_PATHS = ("/healthz", "/readyz")


class MigrationsCheck(HealthCheck):
    """Every migration on disk is applied (a web container started before ``migrate``)."""

    def check_status(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("There are migrations to apply")


class BrokerCheck(HealthCheck):
    """The Celery broker accepts a connection."""

    def check_status(self):
        from portal.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)


class WorkerPingCheck(HealthCheck):
    """At least one Celery worker answers a ping (the first answer ends the wait)."""

    def check_status(self):
        from portal.celery import app

        replies = app.control.ping(timeout=settings.HEALTHCHECK_CELERY_PING_TIMEOUT, limit=1)
        if not replies:
            raise ServiceUnavailable("No Celery worker answered a ping")


def _checks() -> dict[str, HealthCheck | str]:
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    return {
        "database": DatabaseHeartBeatCheck(),
        "migrations": MigrationsCheck(),
        "cache": CacheBackend(cache_key=None),
        # In-process Celery has neither broker nor worker to ask: tasks run in the request.
        "broker": "eager" if eager else BrokerCheck(),
        "worker": "eager" if eager else WorkerPingCheck(),
    }


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in _checks().items():
        if isinstance(check, str):
            results[name] = check
            continue
        try:
            check.run_check()
        except Exception:  # run_check re-raises what is not a HealthCheckException
            logger.exception("readiness check %s raised", name)
            results[name] = "unavailable"
            continue
        if check.errors:
            logger.warning("readiness check %s failed: %s", name, check.pretty_status())
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return all(v in ("ok", "eager") for v in results.values()), results


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    ready, results = readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": results}
    if not ready:
        body["failing"] = sorted(k for k, v in results.items() if v not in ("ok", "eager"))
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: the probes skip host validation, the https redirect and sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path_info == "/healthz":
                return healthz(request)
            if request.path_info == "/readyz":
                return readyz(request)
        return self.get_response(request)
