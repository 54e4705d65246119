"""Signing secrets: generated in development, required in production when the sandbox is on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import django; django.setup(); from django.conf import settings as s; "
         "print(s.PAYMENT_GATEWAY_BACKEND.rpartition('.')[2] or '-', "
         "s.POSTAL_PROVIDER_BACKEND.rpartition('.')[2] or '-', len(s.PAYMENT_SANDBOX_SECRET), "
         "len(s.POSTAL_SANDBOX_SECRET), s.PAYMENT_SANDBOX_SECRET != s.POSTAL_SANDBOX_SECRET)")
PROD = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 64, "DJANGO_ALLOW_UNSENT_MESSAGES": "1",
        "DJANGO_ALLOWED_HOSTS": "dichvucong.danang.gov.vn"}


def run(**env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "PAYMENT_", "POSTAL_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def test_development_generates_distinct_secrets():
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SandboxGateway", "SandboxPostalProvider", "64", "64", "True"]


def test_production_without_a_sandbox_needs_no_sandbox_secret():
    result = run(**PROD)
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_sandbox_without_its_secret():
    result = run(**PROD, PAYMENT_GATEWAY="sandbox")
    assert result.returncode != 0 and "PAYMENT_SANDBOX_SECRET must be set" in result.stderr
    result = run(**PROD, POSTAL_PROVIDER="sandbox")
    assert result.returncode != 0 and "POSTAL_SANDBOX_SECRET must be set" in result.stderr


def test_production_sandbox_with_secrets_starts():
    result = run(**PROD, PAYMENT_GATEWAY="sandbox", POSTAL_PROVIDER="sandbox",
                 PAYMENT_SANDBOX_SECRET="p" * 40, POSTAL_SANDBOX_SECRET="q" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SandboxGateway", "SandboxPostalProvider", "40", "40", "True"]


def test_backends_are_dotted_paths_and_the_old_names_still_select_the_sandbox():
    result = run(**PROD, PAYMENT_GATEWAY_BACKEND="delivery.payments.sandbox.SandboxGateway",
                 PAYMENT_SANDBOX_SECRET="p" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["SandboxGateway", "-"]
    result = run(PAYMENT_GATEWAY="", POSTAL_PROVIDER="")  # dev, both turned off the old way
    assert result.stdout.split()[:2] == ["-", "-"], result.stderr
    result = run(**PROD, PAYMENT_GATEWAY="vnpay")
    assert result.returncode != 0 and "PAYMENT_GATEWAY_BACKEND" in result.stderr
