"""Result routing throughput: dossiers routed per second through a real Celery worker on
Redis and PostgreSQL (target: > 200 dossiers/s on one worker).

Creates N dossiers in ``result_ready`` (desk pickup), sends one ``route_results`` message each
(what ``result_ready`` sends), and times until every dossier has its pickup appointment (and
its citizen-visible event). The worker serves the ``routing`` queue as deployed
(docker-compose.yml): ``-Q routing --prefetch-multiplier 256``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_route \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/route_results.py [-n 2000] \\
        [--concurrency 1] [--pool solo]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--pool", default="solo")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--prefetch-multiplier", type=int, default=256)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_route")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    from bench._harness import setup_django

    setup_django("unused.sqlite3")
    from django.conf import settings
    from django.utils import timezone

    from delivery.models import PickupAppointment
    from delivery.tasks import ROUTE_BATCH_SIZE, route_results
    from dossiers.constants import DossierState
    from dossiers.models import Dossier
    from portal.celery import app
    from procedures.models import Procedure
    from tests.factories import make_procedure, make_unit_tree
    from units.models import Unit

    assert settings.REDIS_URL and not app.conf.task_always_eager, "needs REDIS_URL"
    app.control.purge()
    ward = Unit.objects.filter(code="000.01.10.H17").first() or make_unit_tree()["ward"]
    procedure = Procedure.objects.filter(code="1.001193").first() or make_procedure()
    version = procedure.versions.get(number=procedure.current_version)
    run = uuid.uuid4().hex[:6]
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create([
        Dossier(code=f"BENCH-{run}-{i:06d}", procedure=procedure, procedure_version=version,
                receiving_unit=ward, current_unit=ward, state=DossierState.RESULT_READY,
                applicant_name="Người thử", submitted_at=now, received_at=now,
                due_date=now.date(), result_summary="Giấy khai sinh")
        for i in range(args.n)], batch_size=1000)
    ids = [d.pk for d in dossiers]

    # A backlog first (as after a broker outage or a busy afternoon), then the worker: the
    # rate is measured from the first routed dossier to the last, so it is the worker's and
    # not this process's publishing speed (reported separately).
    start = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for pk in ids:
            route_results.apply_async(args=(pk,), producer=producer)
    enqueued = time.perf_counter() - start

    # The worker runs as in production: no debug cursor wrappers, persistent DB connections.
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_LEVEL": "WARNING",
                        "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                        "DJANGO_ALLOWED_HOSTS": "localhost", "DATABASE_CONN_MAX_AGE": "60"}
    celery = str(Path(sys.executable).with_name("celery"))
    worker = subprocess.Popen(
        [celery, "-A", "portal", "worker", f"--pool={args.pool}",
         f"--concurrency={args.concurrency}", "-Q", "routing",
         f"--prefetch-multiplier={args.prefetch_multiplier}", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    routed = PickupAppointment.objects.filter(dossier_id__in=ids)
    try:
        deadline = time.perf_counter() + 600
        while not (first := routed.count()):
            if time.perf_counter() > deadline:
                raise SystemExit("the worker routed nothing in 600 s")
            time.sleep(0.02)
        start = time.perf_counter()
        while (done := routed.count()) < len(ids):
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {done}/{len(ids)} routed after 600 s")
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    rate = (len(ids) - first) / elapsed
    text = (
        "# Result routing through a real worker\n\n"
        f"`bench/route_results.py -n {args.n} --pool {args.pool} "
        f"--concurrency {args.concurrency} --prefetch-multiplier {args.prefetch_multiplier}` "
        "on PostgreSQL + Redis "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs).\n\n"
        "| dossiers | published by the bench (s) | first → last routed (s) | dossiers/s "
        "| target |\n"
        "|---|---|---|---|---|\n"
        f"| {len(ids)} | {enqueued:.2f} | {elapsed:.2f} | {rate:.0f} | > 200 |\n\n"
        "One message per dossier (`route_results.delay(dossier_id)`, as `result_ready` "
        "sends it); the worker buffers them (celery-batches) and routes pages of up to "
        f"{ROUTE_BATCH_SIZE} (or every 0.25 s): one transaction locks the page, inserts the "
        "pickup appointments and the citizen-visible `schedule_pickup` events in bulk, and "
        "after the commit enqueues each dossier's notification and pickup-slip PDF on their "
        "own queues (`notifications`, `documents`), which other worker processes serve; this "
        "worker serves the `routing` queue only.\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "route_results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
