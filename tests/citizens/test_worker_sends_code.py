"""A real Celery worker process delivers the verification code queued by registration."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from citizens.models import OutboundMessage, VerificationCode
from tests.citizens.helpers import registration_data, seed_privacy_notice

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker test needs PostgreSQL (a second process must see the data)")
    auth = quote(s["USER"] or "postgres")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_registration_code(client, settings):
    seed_privacy_notice()  # a transactional test's flush removed it
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    env = os.environ | {
        "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    celery = str(Path(sys.executable).with_name("celery"))
    worker = subprocess.Popen(
        [celery, "-A", "portal", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        response = client.post("/cong-dan/dang-ky/", registration_data())
        assert response.status_code == 302
        code = VerificationCode.objects.get()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            code.refresh_from_db()
            if code.sent_at is not None:
                break
            assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
            time.sleep(0.3)
        assert code.sent_at is not None, "the worker did not deliver the code within 30 s"
        message = OutboundMessage.objects.get(verification_code=code)
        assert message.channel == "sms" and code.code not in message.body_redacted
    finally:
        app.conf.task_always_eager = previous
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
