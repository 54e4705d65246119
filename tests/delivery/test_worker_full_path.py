"""The full path through a real Celery worker process on Redis and PostgreSQL: payment
applied, result routed by post, delivery callback returns the result, PDFs rendered."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from delivery.constants import DocumentKind, ShipmentStatus
from delivery.models import GeneratedDocument, Shipment
from delivery.postal.sandbox import SandboxPostalProvider
from dossiers.constants import Action, DossierState
from dossiers.models import Dossier, DossierTransition
from dossiers.services import dossier_receive
from tests.citizens.test_worker_sends_code import _database_url

from .helpers import finish, submitted_dossier
from .test_dossier_delivery_flow import pay_through_sandbox

ROOT = Path(__file__).resolve().parents[2]


def wait_for(check, what: str, worker, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
        time.sleep(0.2)
    raise AssertionError(f"the worker did not {what} within {timeout} s")


@pytest.fixture
def worker(settings):
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    env = os.environ | {"DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL,
                        "DJANGO_SETTINGS_MODULE": "portal.settings",
                        "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    celery = str(Path(sys.executable).with_name("celery"))
    process = subprocess.Popen(
        [celery, "-A", "portal", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield process
    app.conf.task_always_eager = previous
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_full_path_through_a_real_worker(worker, client, citizen, clerk, processor, leader,
                                         paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units, postal=True)
    client.force_login(citizen)
    pay_through_sandbox(client, dossier)
    wait_for(lambda: DossierTransition.objects.filter(dossier=dossier, action=Action.PAY)
             .exists(), "record the payment", worker)
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    dossier = finish(dossier, clerk, processor, leader)
    wait_for(lambda: Shipment.objects.filter(dossier_id=dossier.pk).exists(),
             "book the shipment", worker)
    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    body, headers = SandboxPostalProvider().build_callback(
        tracking_number=shipment.tracking_number, status=ShipmentStatus.DELIVERED,
        occurred_at=timezone.now())
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    assert client.post("/callbacks/postal/sandbox/status", body,
                       content_type="application/json", **headers).status_code == 200
    wait_for(lambda: Dossier.objects.get(pk=dossier.pk).state == DossierState.RETURNED,
             "return the result", worker)
    wanted = {DocumentKind.PAYMENT_RECEIPT, DocumentKind.RECEIPT, DocumentKind.POSTAL_LABEL}
    wait_for(lambda: wanted <= set(GeneratedDocument.objects.filter(dossier_id=dossier.pk)
                                   .values_list("kind", flat=True)), "render the PDFs", worker)
