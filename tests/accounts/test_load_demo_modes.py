"""load_demo's accounts: the documented password in dev, never in production (issue 13, #7)."""

import hashlib
import io
import re
from base64 import b32encode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

pytestmark = pytest.mark.django_db
DOCUMENTED = "DemoPortal@2026"


def _derived_totp(username: str) -> str:
    return hashlib.sha1(f"demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_production_mode_refuses_without_the_flag(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        load()
    assert not User.objects.exists()


def test_production_mode_with_the_flag_uses_random_secrets_printed_once(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    output = load(allow_production=True)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and not admin.check_password(DOCUMENTED)
    line = next(line for line in output.splitlines() if " admin " in line)
    password, secret = re.search(r"admin\s+(\S+)\s+TOTP: (\S+)", line).groups()
    assert admin.check_password(password)
    device = TOTPDevice.objects.get(user=admin)
    assert device.key != _derived_totp("admin")
    assert secret == b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    for username in ("motcua.haichau", "cd_demo_congdan"):
        assert not User.objects.get(username=username).check_password(DOCUMENTED)
    others = {TOTPDevice.objects.get(user__username=name).key
              for name in ("motcua.haichau", "lanhdao.haichau", "admin")}
    assert len(others) == 3

    again = load(allow_production=True)  # idempotent: nothing new to show, nothing changed
    assert password not in again and secret not in again
    admin.refresh_from_db()
    assert admin.check_password(password)
    assert TOTPDevice.objects.get(user=admin).key == device.key


def test_dev_mode_keeps_the_documented_demo_password(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = True
    output = load()
    admin = User.objects.get(username="admin")
    assert admin.check_password(DOCUMENTED) and DOCUMENTED in output
    assert TOTPDevice.objects.get(user=admin).key == _derived_totp("admin")
