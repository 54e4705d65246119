"""CPU per request of the load test's pages, in-process through the full Django stack
(middleware, views, templates, PostgreSQL and Redis), plus the hottest functions of each.

    DJANGO_SECRET_KEY=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \\
        REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/profile_pages.py \
        [-n 200] [--only "clerk"] [--sql] [--profile --sort tottime --top 60]

Uses the sessions bench/load/prepare.py wrote (run `prepare.py --sessions-only` with the same
DJANGO_SECRET_KEY first). CPU is process time, so it is the web process's own cost, without
the time PostgreSQL and Redis spend on their side, and without gunicorn's; the profile is of
CPU time too. Under the load test the same requests cost about twice as much CPU (two cores
shared by everything), so use this to compare code, and the load test for capacity.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "load"))
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("BENCH_ENDPOINTS", "1")

from _harness import setup_django  # noqa: E402


def _recorder(queries: list[str]):
    """A connection.execute_wrapper that notes each statement (Django's own query log is
    cleared at the start of every request)."""
    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--sql", action="store_true", help="print each case's SQL")
    parser.add_argument("--sort", default="cumulative", help="pstats order (tottime, ...)")
    parser.add_argument("--top", type=int, default=45, help="functions in each profile")
    args = parser.parse_args()
    setup_django(default_sqlite="/tmp/bench-load.sqlite3")
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from uploads import JPEG, PDF

    data = json.loads((HERE / "load" / ".sessions.json").read_text())
    cookie = settings.SESSION_COOKIE_NAME
    rnd = random.Random(7)
    citizens = [c for c in data["citizens"] if c["dossiers"]]
    clerk = data["clerks"][0]

    # One client per session: a Client loads the whole middleware chain when it is made.
    clients: dict[str, Client] = {}

    def client_for(session: str = "") -> Client:
        if session not in clients:
            clients[session] = Client()
            if session:
                clients[session].cookies[cookie] = session
        return clients[session]

    def citizen_client():
        who = rnd.choice(citizens[:50])
        return client_for(who["session"]), who

    def clerk_client():
        return client_for(clerk["session"])

    cases = {
        "trivial": lambda: client_for().get("/bench/trivial"),
        "tracking page": lambda: client_for().get("/ho-so/tra-cuu/",
                                              {"code": rnd.choice(data["track_codes"])},
            REMOTE_ADDR=f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"),
        "citizen: my dossiers": lambda: citizen_client()[0].get("/ho-so/"),
        "citizen: dossier page": lambda: (lambda c, w: c.get(
            f"/ho-so/{rnd.choice(w['dossiers'])}/"))(*citizen_client()),
        "citizen: API mine": lambda: citizen_client()[0].get("/api/v1/dossiers/"),
        "clerk: queue page": lambda: clerk_client().get(
            "/can-bo/ho-so/", {"tab": rnd.choice(["cho-tiep-nhan", "dang-xu-ly", "qua-han"])}),
        "clerk: queue API": lambda: clerk_client().get("/api/v1/queue/", {"tab": "dang-xu-ly"}),
    }
    filers = itertools.cycle(data["filers"])
    clerk_of_ward = {c["ward"]: c for c in data["clerks"]}
    api = client_for()

    def filing():
        """One online filing as the load test makes it: draft, uploads, submit, reception by
        the ward's clerk (the receipt PDF itself is rendered by a worker: render_receipts.py)."""
        auth = {"HTTP_AUTHORIZATION": f"Token {next(filers)['token']}"}
        form = rnd.choice(data["filings"])
        ward = rnd.choice([w for w in data["wards"] if w in clerk_of_ward])
        draft = api.post("/api/v1/dossiers/", {"procedure": form["procedure"], "place": ward,
                                                 "data": form["data"]},
                         content_type="application/json", **auth)
        assert draft.status_code == 201, draft.content[:300]
        ref = draft.json()["ref"]
        for n, key in enumerate(form["documents"]):
            upload = SimpleUploadedFile("giay-to.pdf", PDF, "application/pdf") if n % 2 == 0 \
                else SimpleUploadedFile("anh-chup.jpg", JPEG, "image/jpeg")
            response = api.post(f"/api/v1/dossiers/{ref}/attachments/",
                                {"document_key": key, "file": upload}, **auth)
            assert response.status_code == 201, response.content[:300]
        submitted = api.post(f"/api/v1/dossiers/{ref}/submit/", **auth)
        assert submitted.status_code == 200, submitted.content[:300]
        return api.post(f"/api/v1/dossiers/{submitted.json()['code']}/transitions/",
                        {"action": "receive", "note": ""}, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Token {clerk_of_ward[ward]['token']}")

    cases["filing: 4-5 requests, no PDF"] = filing
    queue = clerk_client().get("/api/v1/queue/", {"tab": "dang-xu-ly"}).json()
    refs = [row.get("code") or row.get("id") for row in queue.get("results", [])]
    if refs:
        cases["clerk: dossier page"] = lambda: clerk_client().get(
            f"/can-bo/ho-so/{rnd.choice(refs)}/")
    for name, fn in cases.items():
        if args.only and args.only not in name:
            continue
        queries: list[str] = []
        with connection.execute_wrapper(_recorder(queries)):
            response = fn()
        if response.status_code != 200:
            sys.exit(f"{name}: HTTP {response.status_code}; were the sessions signed with this "
                     "DJANGO_SECRET_KEY (bench/load/prepare.py --sessions-only)?")
        for _ in range(10):
            fn()
        start = time.process_time()
        for _ in range(args.n):
            fn()
        cpu = (time.process_time() - start) / args.n * 1000
        print(f"{name:28s} {cpu:6.2f} ms CPU/request, {len(queries)} queries")
        if args.sql:
            for sql in queries:
                print("   ", sql[:170])
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.n):
                fn()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
