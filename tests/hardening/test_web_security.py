"""Session fixation, open redirects, user enumeration, forged client addresses, HSTS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.citizens.helpers import PASSWORD, make_citizen, sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_sign_in_rotates_the_session_key(client):
    make_citizen()
    client.get("/tai-khoan/dang-nhap/")
    client.session["planted"] = "x"
    session = client.session
    session.save()
    before = session.session_key
    assert sign_in(client, "048095001234")
    assert client.session.session_key != before


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site(client, target):
    make_citizen()
    response = client.post(f"/tai-khoan/dang-nhap/?next={target}",
                           {"username": "048095001234", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


def test_sign_in_errors_do_not_reveal_which_accounts_exist(client):
    make_citizen()
    unknown = client.post("/tai-khoan/dang-nhap/", {"username": "001203009999",
                                                    "password": "Sai-mat-khau-1"})
    wrong = client.post("/tai-khoan/dang-nhap/", {"username": "048095001234",
                                                  "password": "Sai-mat-khau-1"})
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


def test_password_reset_answers_the_same_for_unknown_accounts(client):
    make_citizen()
    known = client.post("/cong-dan/quen-mat-khau/", {"identifier": "048095001234",
                                                     "channel": "sms"}, follow=True)
    other = client.__class__()
    unknown = other.post("/cong-dan/quen-mat-khau/", {"identifier": "001203009999",
                                                      "channel": "sms"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert [str(m) for m in known.context["messages"]] == [
        str(m) for m in unknown.context["messages"]]


def test_throttle_cannot_be_dodged_with_a_forged_forwarded_for(client):
    statuses = [client.get("/api/v1/track/000.00.00.X-000000-0000/",
                           HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(40)]
    assert 429 in statuses
    assert statuses[-1] == 429


def test_production_mode_sends_hsts_and_secure_cookies():
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
             "s.CSRF_COOKIE_SECURE)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "k" * 64, "DJANGO_ALLOWED_HOSTS": "dvc.danang.gov.vn",
                "DJANGO_ALLOW_UNSENT_MESSAGES": "1"})
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True"]


@pytest.mark.parametrize(("method", "url", "payload"), [
    ("get", "/api/v1/stats/figures/?unit=%00", None),
    ("get", "/thu-tuc/?q=kh%00ai", None),
    ("post", "/api/v1/auth/token/", '{"identifier": "a\\u0000", "password": "x"}'),
    ("post", "/tai-khoan/dang-nhap/", {"username": "a\x00b", "password": "x"}),
])
def test_nul_characters_are_refused_cleanly(client, method, url, payload):
    if method == "get":
        response = client.get(url)
    elif isinstance(payload, str):
        response = client.post(url, payload, content_type="application/json")
    else:
        response = client.post(url, payload)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "invalid_characters"
