"""Data for the load test: the demo city and catalogue, 200,000 citizens, 1,000,000 dossiers,
one clerk per ward, then fresh sessions and API tokens written to bench/load/.sessions.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \\
        .venv/bin/python bench/load/prepare.py                      # full scale
    .venv/bin/python bench/load/prepare.py --citizens 20000 --dossiers 100000   # quick
    .venv/bin/python bench/load/prepare.py --sessions-only          # what run.sh calls

Idempotent: every stage counts what already exists and only adds what is missing. Sessions are
signed with SECRET_KEY, so they are (re)made on every run by run.sh with the key gunicorn gets;
old load-test sessions are deleted first. Rows are generated with bulk inserts in batches, the
same way as bench/dossier_queue.py (its STATES mix is reused); one password hash is computed
once and reused for every citizen.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/ for _harness and dossier_queue

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from _harness import ROOT, setup_django  # noqa: E402

CITIZEN_PREFIX = "lc"          # usernames lc0000000 …
CLERK_PREFIX = "lclerk-"
CODE_PREFIX = "LT-"            # generated dossier codes, never produced by next_dossier_code
SESSION_PREFIX = "lt"          # session keys of load-test sessions
PASSWORD = "LoadTest@2026"     # noqa: S105 - a throw-away benchmark password
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hữu", "Thu", "Đức", "Gia"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Vy", "Yến"]
SEARCH_TERMS = ["khai sinh", "KHAI SINH", "dang ky khai sinh", "kết hôn", "hộ tịch", "chứng thực",
                "giám hộ", "cư trú", "xây dựng", "hộ kinh doanh", "khai tử", "trích lục"]


def log(msg: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:6.0f}s] {msg}", flush=True)


def full_name(i: int) -> str:
    return f"{FAMILY[i % 16]} {MIDDLE[(i // 16) % 10]} {GIVEN[(i // 160) % 24]}"


def national_id(i: int, born: datetime.date) -> str:
    """CCCD structure: 3-digit province (048 Đà Nẵng), 1 digit century+sex (0/1 for 1900s,
    2/3 for 2000s; even male, odd female), 2-digit birth year, 6 digits (here: unique)."""
    century = 0 if born.year < 2000 else 2
    return f"048{century + i % 2}{born.year % 100:02d}{i % 1_000_000:06d}"


def stage_catalogue(start: float) -> None:
    from procedures.models import Procedure
    from procedures.services import procedure_import
    from units.models import Unit
    from units.services import units_load_from_package

    if Unit.objects.filter(parent__official_code="48").count() < 94:
        units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    files = sorted((ROOT / "procedures/demo").glob("*.json"))
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not Procedure.objects.filter(code=document["code"]).exists():
            procedure_import(document=document)
    log(f"catalogue: {Unit.objects.count()} units, {Procedure.objects.count()} procedures", start)


def stage_citizens(total: int, start: float, batch: int = 10_000) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from citizens.models import CitizenProfile

    users = get_user_model()
    existing = users.objects.filter(username__startswith=CITIZEN_PREFIX + "0").count()
    if existing >= total:
        log(f"citizens: {existing:,} already there", start)
        return
    password = make_password(PASSWORD)  # one hash, reused: hashing 200k times takes hours
    now = timezone.now()
    rng = random.Random(7)
    for offset in range(existing, total, batch):
        upto = min(offset + batch, total)
        with transaction.atomic():
            created = users.objects.bulk_create([
                users(username=f"{CITIZEN_PREFIX}{i:07d}", password=password,
                      full_name=full_name(i), email=f"cd{i}@example.vn",
                      phone=f"+8498{i:07d}", phone_verified_at=now, date_joined=now)
                for i in range(offset, upto)], batch_size=5000)
            profiles = []
            for i, user in zip(range(offset, upto), created, strict=True):
                born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 20000))
                profiles.append(CitizenProfile(user=user, national_id=national_id(i, born),
                                               date_of_birth=born))
            CitizenProfile.objects.bulk_create(profiles, batch_size=5000)
        log(f"citizens: {upto:,}/{total:,}", start)


def ward_units():
    from units.models import Unit

    return list(Unit.objects.filter(parent__official_code="48", kind="ward",
                                    is_active=True).order_by("code"))


def stage_staff(start: float) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import StaffAssignment

    users = get_user_model()
    password = make_password(PASSWORD)
    for ward in ward_units():
        clerk, _ = users.objects.get_or_create(
            username=f"{CLERK_PREFIX}{ward.code}",
            defaults={"full_name": f"Cán bộ một cửa {ward.name}", "password": password})
        for role in ("clerk", "processor"):
            StaffAssignment.objects.get_or_create(user=clerk, unit=ward, role=role)
        if not TOTPDevice.objects.filter(user=clerk, confirmed=True).exists():
            TOTPDevice.objects.create(user=clerk, name="load", confirmed=True)
    log(f"staff: {len(ward_units())} ward clerks", start)


def stage_dossiers(total: int, citizens: int, start: float, batch: int = 20_000) -> None:
    """bench/dossier_queue.py's generator, on the demo wards, owned by generated citizens."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone
    from dossier_queue import STATES

    from dossiers.models import Dossier
    from procedures.models import Procedure

    existing = Dossier.objects.filter(code__startswith=CODE_PREFIX).count()
    if existing >= total:
        log(f"dossiers: {existing:,} already there", start)
        return
    wards = ward_units()
    procedures = [(p, p.versions.get(number=p.current_version))
                  for p in Procedure.objects.published().filter(receiving_unit_kind="ward")
                  .order_by("code")]
    users = get_user_model()
    first = users.objects.filter(username=f"{CITIZEN_PREFIX}{0:07d}").values_list(
        "pk", flat=True).first()
    ids = list(users.objects.filter(username__startswith=CITIZEN_PREFIX + "0")
               .order_by("username").values_list("pk", flat=True)[:citizens])
    assert first is not None and ids, "citizens first"
    rng = random.Random(2026 + existing)
    today = timezone.localdate()
    now = timezone.now()
    for offset in range(existing, total, batch):
        rows = []
        for i in range(offset, min(offset + batch, total)):
            ward = wards[i % len(wards)]
            procedure, version = procedures[(i // len(wards)) % len(procedures)]
            state = rng.choice(STATES)
            owner = i % len(ids)
            submitted = now - datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 90))
            rows.append(Dossier(
                code=f"{CODE_PREFIX}{i:08d}", procedure=procedure, procedure_version=version,
                applicant_id=ids[owner], applicant_name=full_name(owner),
                applicant_phone=f"+8498{owner:07d}", receiving_unit=ward, current_unit=ward,
                state=state, channel=rng.choice("1223"), data={"n": i},
                submitted_at=submitted,
                received_at=None if state == "submitted" else submitted,
                due_date=today + datetime.timedelta(days=rng.randint(-30, 30)),
                finished_at=now if state in ("returned", "refused", "withdrawn") else None,
            ))
        with transaction.atomic():
            Dossier.objects.bulk_create(rows, batch_size=5000)
        log(f"dossiers: {min(offset + batch, total):,}/{total:,}", start)
    with connection.cursor() as cursor:
        # A freshly bulk-loaded table has no visibility map: until VACUUM sets it, index-only
        # scans (queue tab counts) read every heap page. A live database has autovacuum for
        # that; do it now rather than measure a state production never stays in.
        cursor.execute("VACUUM (ANALYZE)")


def filing_payloads() -> list[dict]:
    """Ward procedures with at most two mandatory documents, with data that validates."""
    from dossiers.services import validate_data
    from procedures.models import Procedure

    sample = {"text": "Nguyễn Văn Bình", "date": "2026-11-01", "national-id": "048095001234",
              "phone": "0905000001", "textarea": "Đà Nẵng", "address": "Phường Hải Châu",
              "number": "1", "email": "congdan@example.vn", "checkbox": True}
    out = []
    for procedure in Procedure.objects.published().filter(receiving_unit_kind="ward"):
        version = procedure.versions.get(number=procedure.current_version)
        documents = [d["key"] for d in version.document.get("documents") or []
                     if d.get("mandatory")]
        if not 1 <= len(documents) <= 2:
            continue
        if any(fee.get("amount", 0) > 0 for fee in version.document.get("fees") or []):
            continue  # a level-4 fee must be paid online before reception; not in this mix
        data = {}
        for spec in version.document.get("fields") or []:
            if not spec.get("required"):
                continue
            if spec["type"] == "select" and spec.get("choices"):
                data[spec["key"]] = spec["choices"][0]["value"]
            elif spec["type"] in sample:
                data[spec["key"]] = sample[spec["type"]]
        try:
            validate_data(version, data)
        except Exception as exc:  # noqa: BLE001 - skip what our naive sample cannot fill
            print(f"  skip {procedure.code} for filings: {exc}")
            continue
        out.append({"procedure": procedure.code, "data": data, "documents": documents})
    return out


def stage_sessions(n_citizens: int, n_filers: int, start: float) -> None:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import api_token_issue, api_tokens_revoke_all
    from dossiers.models import Dossier
    from procedures.models import Procedure

    users = get_user_model()
    backend = "accounts.backends.IdentifierBackend"
    from django.conf import settings
    backend = next((b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b), backend)
    Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
    store = SessionStore()

    def fresh_token(user) -> str:
        # API tokens are stored hashed (django-rest-knox): last run's cannot be read back,
        # so each run revokes them and issues new ones (staff ones expire after hours).
        api_tokens_revoke_all(user=user)
        return api_token_issue(user=user)[1]

    def session_for(user, extra=None, *, idle=settings.CITIZEN_SESSION_IDLE_SECONDS) -> Session:
        # A session in use, as AccountGuardMiddleware leaves it after a request: its sliding
        # idle expiry set and just renewed. (A fresh sign-in renews, i.e. writes, on its first
        # request; 2,000 sessions made for every run would make most citizen requests of a
        # 60 s run such a first request, which is the sign-in's cost, not browsing's.)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: user.get_session_auth_hash(), "_session_expiry": idle,
                "_renewed_at": int(time.time()), **(extra or {})}
        key = SESSION_PREFIX + secrets.token_hex(15)  # 32 chars of [a-z0-9]
        return Session(session_key=key, session_data=store.encode(data),
                       expire_date=timezone.now() + datetime.timedelta(seconds=idle))

    rng = random.Random(11)
    total = users.objects.filter(username__startswith=CITIZEN_PREFIX + "0").count()
    picks = rng.sample(range(total), min(total, n_citizens + n_filers))
    names = [f"{CITIZEN_PREFIX}{i:07d}" for i in picks]
    by_name = {u.username: u for u in users.objects.filter(username__in=names)}
    sample = [by_name[n] for n in names[:n_citizens] if n in by_name]
    filers = [by_name[n] for n in names[n_citizens:] if n in by_name]
    sessions, citizens = [], []
    codes: dict[int, list[str]] = {}
    for pk, code in Dossier.objects.filter(applicant_id__in=[u.pk for u in sample]).exclude(
            code=None).values_list("applicant_id", "code"):
        codes.setdefault(pk, []).append(code)
    for user in sample:
        row = session_for(user)
        sessions.append(row)
        citizens.append({"user": user.username, "session": row.session_key,
                         "dossiers": codes.get(user.pk, [])[:10]})
    clerks = []
    for clerk in users.objects.filter(username__startswith=CLERK_PREFIX).order_by("username"):
        device = TOTPDevice.objects.filter(user=clerk, confirmed=True).first()
        row = session_for(clerk, {DEVICE_ID_SESSION_KEY: device.persistent_id},
                          idle=settings.STAFF_SESSION_IDLE_SECONDS)
        sessions.append(row)
        ward = clerk.username[len(CLERK_PREFIX):]
        clerks.append({"user": clerk.username, "ward": ward, "session": row.session_key,
                       "token": fresh_token(clerk)})
    Session.objects.bulk_create(sessions, batch_size=2000)
    tokens = {u.pk: fresh_token(u) for u in filers}
    generated = Dossier.objects.filter(code__startswith=CODE_PREFIX).count()
    track = [f"{CODE_PREFIX}{rng.randrange(generated):08d}" for _ in range(5000)]
    out = {
        "created": timezone.now().isoformat(),
        "citizens": citizens,
        "clerks": clerks,
        "filers": [{"user": u.username, "token": tokens[u.pk]} for u in filers],
        "filings": filing_payloads(),
        "wards": [c["ward"] for c in clerks],
        "track_codes": track,
        "procedures": list(Procedure.objects.published().values_list("code", flat=True)),
        "search_terms": SEARCH_TERMS,
    }
    path = HERE / ".sessions.json"
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    log(f"sessions: {len(citizens)} citizens, {len(clerks)} clerks, {len(filers)} filing "
        f"tokens, {len(out['filings'])} filing payloads, {len(track)} tracking codes "
        f"-> {path.relative_to(ROOT)}", start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--session-citizens", type=int, default=2000)
    parser.add_argument("--filers", type=int, default=400)
    parser.add_argument("--sessions-only", action="store_true",
                        help="only (re)make sessions and tokens (run.sh, with gunicorn's key)")
    args = parser.parse_args()
    start = time.perf_counter()
    setup_django(default_sqlite="/tmp/bench-load.sqlite3")  # creates the database, migrates
    log(f"migrated {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}", start)
    if not args.sessions_only:
        stage_catalogue(start)
        stage_citizens(args.citizens, start)
        stage_staff(start)
        stage_dossiers(args.dossiers, args.citizens, start)
    stage_sessions(args.session_citizens, args.filers, start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
