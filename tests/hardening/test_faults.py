"""Fault tests: a broker that dies during a filing burst, a worker killed mid-routing, the
database connection dropped in the middle of a submission, and payment and postal callbacks
that arrive twice or out of order. Every test ends by counting what the database holds:
nothing lost, nothing doubled.

The broker tests start their own ``redis-server`` on a free port (never the shared one) and
real ``celery worker --pool=solo`` processes against the PostgreSQL test database."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from rest_framework.test import APIClient

from delivery.constants import DocumentKind, PaymentStatus, ShipmentStatus
from delivery.models import GeneratedDocument, Payment, PickupAppointment, Shipment
from delivery.postal.sandbox import SandboxPostalProvider
from delivery.tasks import sweep_documents, sweep_unrouted
from dossiers.constants import CITIZEN_VISIBLE_ACTIONS, Action, DossierState
from dossiers.models import Dossier, DossierAttachment, DossierNotice, DossierTransition
from dossiers.services import dossier_receive, dossier_record_payment
from dossiers.tasks import sweep_notices
from tests.citizens.test_worker_sends_code import _database_url
from tests.delivery.conftest import (  # noqa: F401 - fixtures
    FEE,
    _sandbox,
    _sms,
    citizen,
    clerk,
    leader,
    paid_procedure,
    processor,
    units,
)
from tests.delivery.helpers import finish, submitted_dossier
from tests.delivery.test_payment_gateway_callbacks import gateway_answer
from tests.dossiers.conftest import pdf, procedure  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
SMS_LINE = re.compile(r"\[SMS → [^\]]*\] (.*)$", re.MULTILINE)


# --- helpers: a private redis-server and worker processes ----------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen | None, *, kill: bool = False, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


class PrivateRedis:
    """A throw-away ``redis-server`` (no persistence) on a free port of its own."""

    def __init__(self, directory: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary, self.directory = binary, directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.directory / f"redis-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "redis-server exited on start"
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.5).ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("the private redis-server did not start within 10 s")

    def kill(self) -> None:
        """SIGKILL: everything queued in it is gone (no persistence), as in a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        _stop(self.process, kill=True)


class Workers:
    """Real ``celery worker --pool=solo`` processes on the private broker; each one logs to a
    file (the console SMS backend writes the messages it sends there)."""

    def __init__(self, directory: Path, redis_url: str, settings):
        self.directory = directory
        self.env = os.environ | {
            "DATABASE_URL": _database_url(), "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "portal.settings", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SMS_BACKEND": "citizens.sms.ConsoleSmsBackend", "PAYMENT_GATEWAY": "sandbox",
            "POSTAL_PROVIDER": "sandbox", "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1",
        }
        if settings.DOSSIER_PRIVATE_ROOT:
            self.env["DOSSIER_PRIVATE_ROOT"] = str(settings.DOSSIER_PRIVATE_ROOT)
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        n = len(self.processes) + 1
        log = open(self.directory / f"worker-{n}.log", "wb")  # noqa: SIM115
        celery = str(Path(sys.executable).with_name("celery"))
        process = subprocess.Popen(
            [celery, "-A", "portal", "worker", "--pool=solo", "-n", f"fault{n}@%h",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")
                         for p in sorted(self.directory.glob("worker-*.log")))

    def sms_bodies(self) -> list[str]:
        return SMS_LINE.findall(self.logs())

    def assert_alive(self, process: subprocess.Popen) -> None:
        assert process.poll() is None, f"the worker died:\n{self.logs()[-4000:]}"

    def stop_all(self) -> None:
        for process in self.processes:
            _stop(process)


def _reset_producer_pool(app) -> None:
    """Publishing goes through cached connection pools keyed by the broker URL in use."""
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def private_broker(settings, directory: Path):
    """Starts a private redis-server, points this process's Celery app at it (not eager) and
    gives worker management; everything is stopped and restored in ``finally``."""
    from portal.celery import app

    redis = PrivateRedis(directory)
    workers = None
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    try:
        redis.start()
        settings.CELERY_BROKER_URL = redis.url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        app.conf.broker_url = redis.url
        app.conf.task_always_eager = False
        _reset_producer_pool(app)
        workers = Workers(directory, redis.url, settings)
        yield redis, workers
    finally:
        if workers is not None:
            workers.stop_all()
        redis.stop()
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_producer_pool(app)


def wait_until(check, what: str, *, timeout: float, workers: Workers | None = None,
               alive=(), every=None, every_seconds: float = 5.0) -> None:
    """Polls ``check`` (bounded); ``every`` runs now and then, as a beat schedule would."""
    deadline = time.monotonic() + timeout
    next_every = time.monotonic()
    while time.monotonic() < deadline:
        if every is not None and time.monotonic() >= next_every:
            every()
            next_every = time.monotonic() + every_seconds
        if check():
            return
        for process in alive:
            workers.assert_alive(process)
        time.sleep(0.1)
    tail = workers.logs()[-3000:] if workers else ""
    raise AssertionError(f"did not {what} within {timeout} s\n{tail}")


def pending_notice_ids() -> list[int]:
    """Citizen-visible transitions whose notice is not sent: what the database says is owed."""
    return list(DossierTransition.objects.filter(action__in=CITIZEN_VISIBLE_ACTIONS)
                .exclude(notice__sent_at__isnull=False).values_list("pk", flat=True))


def run_sweeps() -> None:
    """What beat runs every few minutes, run now."""
    sweep_unrouted()
    sweep_documents()
    sweep_notices(older_than_seconds=0)


def assert_notices_sent_exactly_once(expected: int) -> None:
    visible = DossierTransition.objects.filter(action__in=CITIZEN_VISIBLE_ACTIONS)
    assert visible.count() == expected
    assert DossierNotice.objects.count() == expected  # one row per transition (unique)
    assert DossierNotice.objects.filter(sent_at__isnull=False).count() == expected


# --- 1. Redis killed during a filing burst ------------------------------------------------

N = 20


def _file_through_the_api(api: APIClient, procedure, units, *, submit=True):  # noqa: F811
    response = api.post("/api/v1/dossiers/", {
        "procedure": procedure.code, "place": units["ward"].code,
        "data": {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-01"},
    }, format="json")
    assert response.status_code == 201, response.content
    ref = response.json()["ref"]
    for key in ("to-khai", "giay-chung-sinh"):
        r = api.post(f"/api/v1/dossiers/{ref}/attachments/",
                     {"document_key": key, "file": pdf()}, format="multipart")
        assert r.status_code == 201, r.content
    return ref


def _submit(api: APIClient, ref: str) -> str:
    started = time.monotonic()
    response = api.post(f"/api/v1/dossiers/{ref}/submit/")
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 10, "a broker outage held the request"
    code = response.json()["code"]
    assert code
    return code


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_redis_killed_during_a_filing_burst_loses_no_notification(
        settings, tmp_path, citizen, procedure, units):  # noqa: F811
    _database_url()  # skips on SQLite
    api = APIClient()
    api.force_login(citizen)
    half = N // 2
    with private_broker(settings, tmp_path) as (redis, workers):
        first = workers.start()
        codes = [_submit(api, _file_through_the_api(api, procedure, units))
                 for _ in range(half)]
        wait_until(lambda: DossierNotice.objects.filter(sent_at__isnull=False).count() == half,
                   "send the first half's notices", timeout=30, workers=workers,
                   alive=[first])
        # Halfway, in the middle of filing one dossier (created and attached, not submitted).
        ref = _file_through_the_api(api, procedure, units)
        redis.kill()
        codes.append(_submit(api, ref))
        codes += [_submit(api, _file_through_the_api(api, procedure, units))
                  for _ in range(N - half - 1)]

        # Every request succeeded and every dossier is committed with its code...
        assert len(set(codes)) == N
        assert Dossier.objects.filter(state=DossierState.SUBMITTED, code__in=codes).count() == N
        # ...but the second half's notices could not be sent.
        late = DossierTransition.objects.filter(action=Action.SUBMIT,
                                                dossier__code__in=codes[half:])
        assert late.count() == N - half
        assert not DossierNotice.objects.filter(transition__in=late,
                                                sent_at__isnull=False).exists()

        redis.start()  # same port, empty: whatever was queued in it is gone
        second = workers.start()
        wait_until(lambda: DossierNotice.objects.filter(sent_at__isnull=False).count() == N,
                   "send every notice after the broker came back", timeout=60,
                   workers=workers, alive=[second], every=run_sweeps)
        time.sleep(1)  # a late duplicate delivery would show up in the counts below
        sms = workers.sms_bodies()

    # Nothing lost, nothing doubled.
    assert Dossier.objects.count() == N
    assert DossierTransition.objects.filter(action=Action.CREATE).count() == N
    assert DossierTransition.objects.filter(action=Action.SUBMIT).count() == N
    assert DossierTransition.objects.count() == 2 * N
    assert DossierAttachment.objects.count() == 2 * N
    assert_notices_sent_exactly_once(N)
    per_code = Counter(code for body in sms for code in codes if code in body)
    assert per_code == Counter(codes), "each citizen gets exactly one SMS per notice"
    assert not Payment.objects.exists() and not Shipment.objects.exists()
    assert not PickupAppointment.objects.exists()


# --- 2. A worker killed in the middle of routing and PDF rendering ------------------------

M = 30


def _result_ready(procedure, citizen, units, clerk, processor, leader, *, postal):  # noqa: F811
    dossier = submitted_dossier(procedure, citizen, units, postal=postal)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref=f"T-{dossier.pk}")
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    return finish(dossier, clerk, processor, leader)


def _routed() -> int:
    return PickupAppointment.objects.count() + Shipment.objects.count()


def _all_routed_and_rendered(postal_ids, pickup_ids) -> bool:
    return (PickupAppointment.objects.filter(dossier_id__in=pickup_ids).count() == len(pickup_ids)
            and Shipment.objects.filter(dossier_id__in=postal_ids).count() == len(postal_ids)
            and GeneratedDocument.objects.filter(kind=DocumentKind.PICKUP_SLIP).count()
            == len(pickup_ids)
            and GeneratedDocument.objects.filter(kind=DocumentKind.POSTAL_LABEL).count()
            == len(postal_ids)
            and GeneratedDocument.objects.filter(kind=DocumentKind.RECEIPT).count() == M
            and not pending_notice_ids())


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_routing_and_rendering_loses_and_doubles_nothing(
        settings, tmp_path, citizen, clerk, processor, leader, paid_procedure, units):  # noqa: F811
    _database_url()
    with private_broker(settings, tmp_path) as (_redis, workers):
        # No worker yet: routing, receipts and notices queue up in the broker.
        dossiers = [_result_ready(paid_procedure, citizen, units, clerk, processor, leader,
                                  postal=bool(i % 2)) for i in range(M)]
        postal_ids = [d.pk for d in dossiers if d.delivery_method == "postal"]
        pickup_ids = [d.pk for d in dossiers if d.delivery_method == "pickup"]
        assert _routed() == 0

        first = workers.start()
        wait_until(lambda: _routed() >= 3, "route a few results", timeout=60,
                   workers=workers, alive=[first])
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        routed_at_kill = _routed()
        assert routed_at_kill < M, "the worker finished before it could be killed"

        second = workers.start()
        wait_until(lambda: _all_routed_and_rendered(postal_ids, pickup_ids),
                   "route, render and notify everything after the kill", timeout=180,
                   workers=workers, alive=[second], every=run_sweeps)
        time.sleep(1)  # let any duplicate still queued run: it must change nothing
        assert _all_routed_and_rendered(postal_ids, pickup_ids)
        sms = workers.sms_bodies()

    # Nothing lost, nothing doubled, per dossier.
    assert Dossier.objects.filter(state=DossierState.RESULT_READY).count() == M
    for dossier_id in pickup_ids:
        assert PickupAppointment.objects.filter(dossier_id=dossier_id).count() == 1
        assert not Shipment.objects.filter(dossier_id=dossier_id).exists()
        assert DossierTransition.objects.filter(
            dossier_id=dossier_id, action=Action.SCHEDULE_PICKUP).count() == 1
        assert GeneratedDocument.objects.filter(
            dossier_id=dossier_id, kind=DocumentKind.PICKUP_SLIP).count() == 1
    for dossier_id in postal_ids:
        assert Shipment.objects.filter(dossier_id=dossier_id).count() == 1
        assert not PickupAppointment.objects.filter(dossier_id=dossier_id).exists()
        assert DossierTransition.objects.filter(dossier_id=dossier_id,
                                                action=Action.SHIP).count() == 1
        assert GeneratedDocument.objects.filter(
            dossier_id=dossier_id, kind=DocumentKind.POSTAL_LABEL).count() == 1
    assert not DossierTransition.objects.filter(action=Action.SHIP,
                                                dossier_id__in=pickup_ids).exists()
    per_action = Counter(DossierTransition.objects.values_list("action", flat=True))
    for action in (Action.CREATE, Action.SUBMIT, Action.PAY, Action.RECEIVE, Action.APPROVE,
                   Action.MARK_RESULT_READY):
        assert per_action[action] == M, action
    assert per_action[Action.FORWARD] == 2 * M
    assert per_action[Action.SCHEDULE_PICKUP] == len(pickup_ids)
    assert per_action[Action.SHIP] == len(postal_ids)
    assert sum(per_action.values()) == 9 * M
    assert GeneratedDocument.objects.filter(kind=DocumentKind.RECEIPT).count() == M
    visible = sum(n for action, n in per_action.items() if action in CITIZEN_VISIBLE_ACTIONS)
    assert_notices_sent_exactly_once(visible)
    # SMS: every notice went out; at most the one in flight at the kill went out twice
    # (sending and recording it are not atomic with a provider: at-least-once).
    bodies = Counter(sms)
    notices = list(DossierNotice.objects.values_list("body", flat=True))
    assert all(bodies[body] >= 1 for body in notices)
    assert sum(bodies.values()) - len(set(sms)) <= 1 + len(notices) - len(set(notices))


# --- 3. The database connection dropped in the middle of a submission ---------------------


def _terminate_own_backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def _raise_operational_error():
    raise OperationalError("server closed the connection unexpectedly")


def _snapshot(ref_pk: int):
    dossier = Dossier.objects.get(pk=ref_pk)
    return (dossier.state, dossier.code, dossier.version, dossier.submitted_at,
            sorted(DossierAttachment.objects.filter(dossier_id=ref_pk)
                   .values_list("document_key", "sha256")),
            list(DossierTransition.objects.filter(dossier_id=ref_pk)
                 .values_list("action", flat=True)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["pg_terminate_backend", "operational_error"])
def test_connection_lost_mid_submission_is_a_clean_api_error_and_writes_nothing(
        fault, citizen, procedure, units):  # noqa: F811
    if fault == "pg_terminate_backend" and connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL")
    api = APIClient()
    api.force_login(citizen)
    api.raise_request_exception = False
    ref = _file_through_the_api(api, procedure, units)
    pk = Dossier.objects.get(uuid=ref).pk
    before = _snapshot(pk)

    from dossiers.services import core

    original = core.record
    fail = _terminate_own_backend if fault == "pg_terminate_backend" else _raise_operational_error

    def record_then_fail(*args, **kwargs):
        entry = original(*args, **kwargs)  # the state, code and transition are written...
        fail()  # ...then the connection goes away before the commit
        return entry

    with mock.patch.object(core, "record", side_effect=record_then_fail):
        response = api.post(f"/api/v1/dossiers/{ref}/submit/")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error",
                                         "message": "Lỗi máy chủ, vui lòng thử lại sau.",
                                         "details": None}}
    assert _snapshot(pk) == before  # atomic: nothing half-written
    assert not DossierNotice.objects.exists()

    again = api.post(f"/api/v1/dossiers/{ref}/submit/")  # Django reconnects
    assert again.status_code == 200, again.content
    assert again.json()["code"]
    assert Dossier.objects.count() == 1
    assert DossierTransition.objects.filter(dossier_id=pk, action=Action.SUBMIT).count() == 1
    assert DossierAttachment.objects.filter(dossier_id=pk).count() == 2
    assert DossierNotice.objects.filter(sent_at__isnull=False).count() == 1  # eager task


@pytest.mark.django_db(transaction=True)
def test_connection_lost_mid_submission_on_the_web_shows_the_retry_page(
        client, citizen, procedure, units):  # noqa: F811
    from django.urls import reverse

    from dossiers import services

    client.force_login(citizen)
    client.raise_request_exception = False
    dossier = services.dossier_create_draft(
        procedure=procedure, applicant=citizen, place=units["ward"],
        data={"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"})
    for key in ("to-khai", "giay-chung-sinh"):
        services.dossier_attach(dossier=dossier, acting_user=citizen, document_key=key,
                                upload=pdf())
    before = _snapshot(dossier.pk)
    edit = reverse("dossiers:edit", args=[dossier.uuid])
    form = {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
            "noi_tiep_nhan": units["ward"].pk, "cach_nhan_ket_qua": "pickup", "nop": "1"}
    with mock.patch.object(services.filing, "next_dossier_code",
                           side_effect=_raise_operational_error):
        response = client.post(edit, form)
    assert response.status_code == 500
    page = response.content.decode()
    assert "thử lại" in page and "Dữ liệu của bạn không bị mất" in page
    after = _snapshot(dossier.pk)
    assert after[:2] == (DossierState.DRAFT, None) and after[4:] == before[4:]

    response = client.post(edit, form)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.code
    assert Dossier.objects.count() == 1
    assert DossierTransition.objects.filter(action=Action.SUBMIT).count() == 1
    assert DossierAttachment.objects.filter(dossier=dossier).count() == 2


# --- 4. Payment and postal callbacks: early, twice, out of order, end to end --------------

IPN = "/callbacks/payments/sandbox/ipn"
POSTAL = "/callbacks/postal/sandbox/status"


def _postal(client, shipment, status, *, minutes, attempt=0):
    body, headers = SandboxPostalProvider().build_callback(
        tracking_number=shipment.tracking_number, status=status,
        occurred_at=timezone.now() + timezone.timedelta(minutes=minutes), attempt=attempt)
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    response = client.post(POSTAL, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db(transaction=True)
def test_callbacks_early_twice_and_out_of_order_end_to_end(
        client, citizen, clerk, processor, leader, paid_procedure, units):  # noqa: F811
    dossier = submitted_dossier(paid_procedure, citizen, units, postal=True)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302
    payment = Payment.objects.get(dossier_id=dossier.pk)
    paid = gateway_answer(payment)
    # The IPN arrives before the browser's return, twice; then a late "failed" for the order.
    assert client.get(IPN, paid).json()["RspCode"] == "00"
    assert client.get(IPN, paid).json()["RspCode"] == "02"
    late_failure = gateway_answer(payment, vnp_ResponseCode="51", vnp_TransactionStatus="02")
    assert client.get(IPN, late_failure).status_code == 200
    # The browser comes back (twice: a reload).
    for _ in range(2):
        back = client.get("/thanh-toan/ket-qua/", paid)
        assert back.status_code == 200 and "Thanh toán thành công" in back.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED

    dossier = finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor,
                     leader)
    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    # Postal callbacks out of order and repeated: delivered first, then the older events.
    assert _postal(client, shipment, ShipmentStatus.DELIVERED, minutes=120)["applied"] is True
    assert _postal(client, shipment, ShipmentStatus.IN_TRANSIT, minutes=60)["applied"] is False
    assert _postal(client, shipment, ShipmentStatus.FAILED, minutes=90,
                   attempt=1)["applied"] is False
    assert _postal(client, shipment, ShipmentStatus.DELIVERED, minutes=120)["applied"] is False

    dossier.refresh_from_db()
    shipment.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    assert shipment.status == ShipmentStatus.DELIVERED
    # Nothing lost, nothing doubled.
    assert Dossier.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Shipment.objects.count() == 1 and not PickupAppointment.objects.exists()
    per_action = Counter(DossierTransition.objects.filter(dossier=dossier)
                         .values_list("action", flat=True))
    assert per_action[Action.PAY] == 1
    assert per_action[Action.SHIP] == 1
    assert per_action[Action.RETURN_RESULT] == 1
    assert per_action[Action.SCHEDULE_PICKUP] == 0
    assert GeneratedDocument.objects.filter(dossier_id=dossier.pk,
                                            kind=DocumentKind.PAYMENT_RECEIPT).count() == 1
    assert GeneratedDocument.objects.filter(dossier_id=dossier.pk,
                                            kind=DocumentKind.POSTAL_LABEL).count() == 1
    visible = sum(n for action, n in per_action.items() if action in CITIZEN_VISIBLE_ACTIONS)
    assert_notices_sent_exactly_once(visible)
