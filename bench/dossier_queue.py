"""The clerk queue and a submission over a large dossier table (default 1,000,000 rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dossiers \\
        .venv/bin/python bench/dossier_queue.py --size 1000000
    .venv/bin/python bench/dossier_queue.py --size 20000          # SQLite, quick

Rows are spread over 100 wards, so one ward's clerk sees ~1% of them. Reports p50/p95 of the
queue's first page (tab filter, sorted by due date) through the full Django stack and of one
online submission (code + deadline + audit row), each against the trivial view.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

from _harness import ROOT, markdown_table, measure, setup_django

STATES = ["submitted"] * 3 + ["received"] * 3 + ["in_progress"] * 6 + ["returned"] * 10 + [
    "supplement_requested", "result_ready", "approved", "refused", "withdrawn"]


def populate(size: int, batch: int = 20_000) -> None:
    from django.db import transaction
    from django.utils import timezone

    from dossiers.models import Dossier
    from procedures.models import Procedure
    from procedures.services import procedure_import
    from units.models import Unit

    if not Unit.objects.filter(code="BENCH.P").exists():
        province = Unit.objects.create(code="BENCH.P", name="Tỉnh Bench", kind="province")
        for d in range(10):
            district = Unit.objects.create(code=f"BENCH.D{d}", name=f"Quận {d}", kind="district",
                                           parent=province)
            for w in range(10):
                Unit.objects.create(code=f"BENCH.W{d}{w}", name=f"Phường {d}{w}", kind="ward",
                                    parent=district)
    for path in sorted((ROOT / "procedures/demo").glob("*.json")):
        code = json.loads(path.read_text(encoding="utf-8"))["code"]
        if not Procedure.objects.filter(code=code).exists():
            procedure_import(document=json.loads(path.read_text(encoding="utf-8")))
    existing = Dossier.objects.filter(code__startswith="BENCH").count()
    if existing >= size:
        return
    wards = list(Unit.objects.filter(code__startswith="BENCH.W"))
    procedures = [(p, p.versions.get(number=p.current_version))
                  for p in Procedure.objects.published().filter(receiving_unit_kind="ward")]
    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    start = time.perf_counter()
    for offset in range(existing, size, batch):
        rows = []
        for i in range(offset, min(offset + batch, size)):
            ward = wards[i % len(wards)]
            procedure, version = procedures[i % len(procedures)]
            state = rng.choice(STATES)
            rows.append(Dossier(
                code=f"BENCH-{i:08d}", procedure=procedure, procedure_version=version,
                applicant_name=f"Công dân {i}", receiving_unit=ward, current_unit=ward,
                state=state, channel=rng.choice("1223"),
                data={"n": i}, submitted_at=now,
                due_date=today + datetime.timedelta(days=rng.randint(-30, 30)),
                finished_at=now if state in ("returned", "refused", "withdrawn") else None,
            ))
        with transaction.atomic():
            Dossier.objects.bulk_create(rows, batch_size=5000)
        print(f"  {min(offset + batch, size):,} rows, {time.perf_counter() - start:.0f}s",
              flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django(default_sqlite="/tmp/bench-dossiers.sqlite3")
    generation_start = time.perf_counter()
    populate(args.size)
    generation = time.perf_counter() - generation_start
    from django.db import connection as conn

    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from load.uploads import PDF as _SCAN

    from accounts.models import StaffAssignment
    from accounts.testing import login_verified
    from dossiers.selectors import dossier_queue
    from dossiers.services import dossier_attach, dossier_create_draft, dossier_submit
    from procedures.models import Procedure
    from units.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    settings.DOSSIER_PRIVATE_ROOT = "/tmp/bench-dossier-files"
    users = get_user_model()
    ward = Unit.objects.get(code="BENCH.W37")
    clerk, _ = users.objects.get_or_create(username="bench-clerk",
                                           defaults={"full_name": "Bench Clerk"})
    StaffAssignment.objects.get_or_create(user=clerk, unit=ward, role="clerk")
    citizen, _ = users.objects.get_or_create(username="bench-citizen",
                                             defaults={"full_name": "Bench Citizen"})
    client = Client()
    login_verified(client, clerk)

    def ok(response):
        assert response.status_code == 200, response.status_code
        return response

    rows = [("trivial view", measure(lambda: ok(client.get("/bench/trivial")),
                                     repeat=args.repeat))]
    for tab in ("cho-tiep-nhan", "dang-xu-ly", "qua-han"):
        rows.append((f"ORM queue first page, tab={tab}", measure(
            lambda t=tab: list(dossier_queue(clerk, tab=t)[:20]), repeat=args.repeat)))
        rows.append((f"page /can-bo/ho-so/?tab={tab}", measure(
            lambda t=tab: ok(client.get("/can-bo/ho-so/", {"tab": t})), repeat=args.repeat)))
    rows.append(("API /api/v1/queue/?tab=dang-xu-ly", measure(
        lambda: ok(client.get("/api/v1/queue/", {"tab": "dang-xu-ly"})), repeat=args.repeat)))

    # Submissions: prepare drafts (with their files) outside the timed part.
    procedure = Procedure.objects.get(code="1.000656")
    keys = [d["key"] for d in procedure.versions.get(number=procedure.current_version)
            .document["documents"] if d["mandatory"]]
    fields = procedure.versions.get(number=procedure.current_version).document["fields"]
    sample = {"text": "Nguyễn Văn A", "date": "2026-11-01", "national-id": "048090001234",
              "phone": "0905123456", "textarea": "Đà Nẵng", "address": "Đà Nẵng",
              "number": "1", "email": "a@example.vn", "checkbox": True}
    data = {}
    for spec in fields:
        if not spec.get("required"):
            continue
        if spec["type"] == "select":
            data[spec["key"]] = spec["choices"][0]["value"]
        elif spec["type"] in sample:
            data[spec["key"]] = sample[spec["type"]]
    drafts = []
    count = args.repeat + 10
    for _ in range(count):
        draft = dossier_create_draft(procedure=procedure, applicant=citizen, place=ward,
                                     data=data)
        for key in keys:
            dossier_attach(dossier=draft, acting_user=citizen, document_key=key,
                           upload=SimpleUploadedFile("a.pdf", _SCAN))
        drafts.append(draft)
    rows.append(("submission (service: validate, code, deadline, audit)", measure(
        lambda: dossier_submit(dossier=drafts.pop(), acting_user=citizen),
        repeat=args.repeat, warmup=10)))

    vendor = connection.vendor
    title = f"Dossier queue and submission, {args.size:,} dossiers, {vendor}"
    table = markdown_table(title, rows, baseline="trivial view")
    print(table)
    out = Path(ROOT / "bench/results" / f"dossier_queue_{vendor}.md")
    out.write_text(table + f"\nGeneration of missing rows took {generation:.0f}s. "
                   f"Python {sys.version.split()[0]}, {os.cpu_count()} cores.\n",
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
