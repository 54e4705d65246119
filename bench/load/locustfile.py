"""A working day on the portal: 70% catalogue and tracking reads, 15% citizen dossier pages,
10% clerk queue and transitions, 5% filings with uploads, plus a low-rate trivial view.

Run through bench/load/run.sh (it prepares sessions, starts gunicorn and Celery). Knobs:
    LOAD_RPS      target requests/s of the whole mix (default 300); each user is paced with
                  constant_throughput so the mix holds whatever the latency (until saturation)
    LOAD_SESSIONS path of the sessions file (default bench/load/.sessions.json)

Requests are named by endpoint (name=...), so stats are per endpoint, not per URL.
Everything goes to the --host given (127.0.0.1 only). Tracking is throttled per client IP by
the portal (20/min), as a real day has thousands of distinct citizens: tracking requests are
sent from rotating loopback source addresses 127.1.x.y (still to 127.0.0.1).

Users are FastHttpUser (geventhttpclient): Locust shares the 2 cores with the portal, and
requests' HttpUser costs several times more CPU per request.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
from pathlib import Path

from geventhttpclient.client import HTTPClientPool
from locust import FastHttpUser, between, constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpSession
from uploads import JPEG, PDF

HERE = Path(__file__).resolve().parent
DATA = json.loads(Path(os.environ.get("LOAD_SESSIONS", HERE / ".sessions.json"))
                  .read_text(encoding="utf-8"))
RPS = float(os.environ.get("LOAD_RPS", "300"))

# How many users of each kind, and the share of the requests each kind makes.
N_PUBLIC, N_CITIZEN, N_CLERK, N_FILER = 40, 10, min(10, len(DATA["clerks"])), 5
# Source addresses per public user for tracking: 40 x 16 = 640 addresses share ~105 tracking
# requests/s, ~5 a minute each for the page and for the API, far below the 20/min limit.
TRACKERS_PER_USER = 16
SHARE = {"public": 0.70, "citizen": 0.15, "clerk": 0.10, "filer": 0.05}
CLERK_REQS_PER_TASK = (5 * 1 + 2 * 1 + 3 * 3) / 10   # queue page, queue API, act flow (3)
FILING_REQS_PER_TASK = 1 + 1.5 + 1 + 1                # draft, 1–2 files, submit, reception

_ips = itertools.count()


def _source_ip() -> str:
    n = next(_ips) % 60000
    return f"127.1.{n // 250}.{n % 250 + 1}"


class SourceAddressPool(HTTPClientPool):
    """geventhttpclient clients whose connections leave from one loopback source address."""

    def __init__(self, source: str, **kwargs):
        super().__init__(**kwargs)
        self._source = source

    def get_client(self, url):
        client = super().get_client(url)
        pool = client._connection_pool
        if not getattr(pool, "_source_bound", False):
            create, source = pool._create_tcp_socket, self._source

            def bound_socket(family, socktype, protocol):
                sock = create(family, socktype, protocol)
                sock.bind((source, 0))
                return sock

            pool._create_tcp_socket = bound_socket
            pool._source_bound = True
        return client




class PortalUser(FastHttpUser):
    abstract = True
    host = "http://127.0.0.1:8000"
    default_headers = {"Accept-Language": "vi"}

    def cookie_headers(self, session_key: str, **extra) -> dict:
        headers = {"Cookie": f"sessionid={session_key}; csrftoken={self.csrf}"}
        headers.update(extra)
        return headers

    def on_start(self):
        self.csrf = secrets.token_hex(16)  # a 32-char secret: Django accepts it unmasked


class PublicVisitor(PortalUser):
    """Anonymous: catalogue list, search, detail, API; public tracking page and API."""

    fixed_count = N_PUBLIC
    wait_time = constant_throughput(RPS * SHARE["public"] / N_PUBLIC)

    def on_start(self):
        super().on_start()
        self.trackers = [
            FastHttpSession(self.host, self.environment.events.request, self,
                            client_pool=SourceAddressPool(_source_ip(), concurrency=1,
                                                          network_timeout=60.0,
                                                          connection_timeout=60.0),
                            headers=self.default_headers, max_retries=1)
            for _ in range(TRACKERS_PER_USER)]

    @task(2)
    def catalogue_list(self):
        self.client.get(f"/thu-tuc/?page={random.randint(1, 2)}", name="catalogue: list page")

    @task(2)
    def catalogue_search(self):
        self.client.get("/thu-tuc/", params={"q": random.choice(DATA["search_terms"])},
                        name="catalogue: search page")

    @task(2)
    def catalogue_detail(self):
        self.client.get(f"/thu-tuc/{random.choice(DATA['procedures'])}/",
                        name="catalogue: detail page")

    @task(1)
    def api_procedures(self):
        self.client.get("/api/v1/procedures/", params={"q": random.choice(DATA["search_terms"])},
                        name="API: procedures search")

    @task(1)
    def api_procedure(self):
        self.client.get(f"/api/v1/procedures/{random.choice(DATA['procedures'])}/",
                        name="API: procedure detail")

    @task(1)
    def home(self):
        self.client.get("/", name="home page")

    @task(3)
    def track_page(self):
        random.choice(self.trackers).get(
            "/ho-so/tra-cuu/", params={"code": random.choice(DATA["track_codes"])},
            name="tracking: page")

    @task(3)
    def track_api(self):
        random.choice(self.trackers).get(
            f"/api/v1/track/{random.choice(DATA['track_codes'])}/", name="tracking: API")


class Citizen(PortalUser):
    """A signed-in citizen (session cookie): my dossiers, a dossier, the API list."""

    fixed_count = N_CITIZEN
    wait_time = constant_throughput(RPS * SHARE["citizen"] / N_CITIZEN)

    def pick(self):
        return random.choice(DATA["citizens"])

    @task(4)
    def my_dossiers(self):
        who = self.pick()
        self.client.get("/ho-so/", headers=self.cookie_headers(who["session"]),
                        name="citizen: my dossiers page")

    @task(4)
    def dossier_detail(self):
        who = self.pick()
        if not who["dossiers"]:
            return self.my_dossiers()
        code = random.choice(who["dossiers"])
        self.client.get(f"/ho-so/{code}/", headers=self.cookie_headers(who["session"]),
                        name="citizen: dossier detail page")

    @task(2)
    def api_mine(self):
        who = self.pick()
        self.client.get("/api/v1/dossiers/", headers=self.cookie_headers(who["session"]),
                        name="citizen: API my dossiers")


_clerk_slots = itertools.count()


class Clerk(PortalUser):
    """A ward clerk with a two-factor-verified session: queue tabs, then receive or forward a
    dossier through the staff page's POST (CSRF cookie + header + Origin)."""

    fixed_count = N_CLERK
    wait_time = constant_throughput(RPS * SHARE["clerk"] / N_CLERK / CLERK_REQS_PER_TASK)
    TABS = ["cho-tiep-nhan", "dang-xu-ly", "qua-han", "den-han-hom-nay", "tra-ket-qua"]

    def on_start(self):
        super().on_start()
        # One clerk per ward, so two load users never race for the same dossier.
        self.me = DATA["clerks"][next(_clerk_slots) % len(DATA["clerks"])]

    def h(self, **extra):
        return self.cookie_headers(self.me["session"], **extra)

    @task(5)
    def queue_page(self):
        self.client.get("/can-bo/ho-so/", params={"tab": random.choice(self.TABS)},
                        headers=self.h(), name="clerk: queue page")

    @task(2)
    def queue_api(self):
        self.client.get("/api/v1/queue/", params={"tab": random.choice(self.TABS)},
                        headers=self.h(), name="clerk: queue API")

    @task(3)
    def act(self):
        receive = random.random() < 0.67
        tab = "cho-tiep-nhan" if receive else "dang-xu-ly"
        with self.client.get("/api/v1/queue/", params={"tab": tab}, headers=self.h(),
                             name="clerk: queue API", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"queue {response.status_code}")
                return
            items = response.json().get("results") or []
        if not receive:
            items = [i for i in items if i.get("state") == "received"]
        if not items:
            return
        item = random.choice(items[:10])
        ref = item.get("ref") or item["code"]
        self.client.get(f"/can-bo/ho-so/{ref}/", headers=self.h(), name="clerk: dossier page")
        data = {"action": "receive" if receive else "forward", "note": "load test"}
        if item.get("version"):
            data["version"] = item["version"]
        origin = self.host.rstrip("/")
        with self.client.post(
                f"/can-bo/ho-so/{ref}/thao-tac/", data=data, allow_redirects=False,
                headers=self.h(**{"X-CSRFToken": self.csrf, "Origin": origin,
                                  "Referer": f"{origin}/can-bo/ho-so/{ref}/"}),
                name=f"clerk: {data['action']} (staff POST)", catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")


_filer_slots = itertools.count()


class Filer(PortalUser):
    """A citizen filing through the API (token): draft, 1–2 real PDF/JPEG files, submit;
    then the ward's clerk receives it through the API so the receipt is issued."""

    fixed_count = N_FILER
    wait_time = constant_throughput(RPS * SHARE["filer"] / N_FILER / FILING_REQS_PER_TASK)

    def on_start(self):
        super().on_start()
        self.slot = next(_filer_slots)
        self.clerks = {c["ward"]: c for c in DATA["clerks"]}

    @task
    def file(self):
        me = random.choice(DATA["filers"])
        auth = {"Authorization": f"Token {me['token']}"}
        filing = random.choice(DATA["filings"])
        ward = random.choice(DATA["wards"])
        with self.client.post("/api/v1/dossiers/", json={
                "procedure": filing["procedure"], "place": ward, "data": filing["data"]},
                headers=auth, name="filing: create draft (API)",
                catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:200]}")
                return
            ref = response.json()["ref"]
        for n, key in enumerate(filing["documents"]):
            content, name, kind = ((PDF, "giay-to.pdf", "application/pdf") if n % 2 == 0
                                   else (JPEG, "anh-chup.jpg", "image/jpeg"))
            with self.client.post(f"/api/v1/dossiers/{ref}/attachments/",
                                  data={"document_key": key},
                                  files={"file": (name, content, kind)}, headers=auth,
                                  name="filing: upload attachment (API)",
                                  catch_response=True) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code} {response.text[:200]}")
                    return
        with self.client.post(f"/api/v1/dossiers/{ref}/submit/", headers=auth,
                              name="filing: submit (API)", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:200]}")
                return
            code = response.json()["code"]
        clerk = self.clerks.get(ward)
        if clerk is None:
            return
        with self.client.post(f"/api/v1/dossiers/{code}/transitions/",
                              json={"action": "receive", "note": ""},
                              headers={"Authorization": f"Token {clerk['token']}"},
                              name="filing: reception by clerk (API)",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:200]}")


class Trivial(PortalUser):
    """The baseline: GET /bench/trivial at a low rate, in the same run."""

    fixed_count = 1
    wait_time = between(0.15, 0.25)

    @task
    def trivial(self):
        self.client.get("/bench/trivial", name="trivial view")


@events.init_command_line_parser.add_listener
def _(parser):  # keep --help readable about the knobs above
    parser.add_argument("--load-note", default="", help="free text copied into the report")
