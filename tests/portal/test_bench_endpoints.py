"""/bench/trivial is the benchmarks' baseline, not a production URL (issue 13, finding 19)."""

import json
import os
import subprocess
import sys

import pytest

from tests.portal.test_settings_modes import ROOT

PROBE = ("import django, json; django.setup(); from django.conf import settings as s; "
         "print(json.dumps(s.BENCH_ENDPOINTS))")


def test_production_mode_has_no_bench_endpoint(client, settings):
    settings.DEBUG = False
    settings.BENCH_ENDPOINTS = False
    assert client.get("/bench/trivial").status_code == 404


def test_a_benchmark_run_turns_it_on(client, settings):
    settings.DEBUG = False
    settings.BENCH_ENDPOINTS = True
    response = client.get("/bench/trivial")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.parametrize("env, expected", [
    ({"DJANGO_DEBUG": "1"}, True),  # dev: make run
    ({"DJANGO_DEBUG": "0"}, False),
    ({"DJANGO_DEBUG": "0", "BENCH_ENDPOINTS": "1"}, True),
])
def test_default_follows_the_mode(env, expected):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "BENCH_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_SECRET_KEY": "k" * 64,
              "DJANGO_ALLOWED_HOSTS": "x.gov.vn", "PAYMENT_GATEWAY": "", "POSTAL_PROVIDER": "",
              "DJANGO_ALLOW_UNSENT_MESSAGES": "1", **env}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) is expected
