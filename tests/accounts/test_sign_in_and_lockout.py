"""Sign-in by CCCD or phone, lock-out after repeated failures, sign-out everywhere, tokens."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import AccountEvent
from accounts.services import api_token_issue
from tests.citizens.helpers import PASSWORD, VALID_CCCD, sign_in

pytestmark = pytest.mark.django_db
LOGIN = "/tai-khoan/dang-nhap/"
TOKEN = "/api/v1/auth/token/"


@pytest.mark.parametrize("identifier", [VALID_CCCD, "0905123456", "+84 905 123 456",
                                        "84905123456"])
def test_citizen_signs_in_with_cccd_or_any_phone_format(client, citizen, identifier):
    assert sign_in(client, identifier)


def test_wrong_password_is_refused_in_vietnamese(client, citizen):
    response = client.post(LOGIN, {"username": VALID_CCCD, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Thông tin đăng nhập không đúng" in response.content.decode()


def test_lockout_after_repeated_failures_says_when_to_retry(client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": VALID_CCCD, "password": "sai"})
    response = client.post(LOGIN, {"username": "0905 123 456", "password": "sai"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Vui lòng thử lại sau 15 phút" in body and int(response["Retry-After"]) > 800
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"username": VALID_CCCD, "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_lockout_does_not_store_the_identifier(client, citizen, settings):
    from axes.models import AccessAttempt

    client.post(LOGIN, {"username": VALID_CCCD, "password": "sai"})
    attempt = AccessAttempt.objects.get()
    assert VALID_CCCD not in attempt.username and attempt.username.startswith("id:")


def test_api_lockout_is_structured_json(client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(TOKEN, {"identifier": VALID_CCCD, "password": "sai"},
                               content_type="application/json")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "locked_out" and error["details"]["retry_after_seconds"] > 0


def test_sign_out_everywhere_ends_every_session_and_token(client, citizen):
    other = Client()
    assert sign_in(other, VALID_CCCD) and sign_in(client, VALID_CCCD)
    token, _key = api_token_issue(user=citizen)
    response = client.post("/tai-khoan/dang-xuat-tat-ca/")
    assert response.status_code == 302
    assert other.get("/cong-dan/ho-so/").status_code == 302
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert AccountEvent.objects.filter(user=citizen, kind="signed_out_everywhere").exists()
    assert sign_in(Client(), VALID_CCCD)


def test_logout_requires_post(client, citizen):
    sign_in(client, VALID_CCCD)
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405


def test_token_issue_use_and_revoke(client, citizen):
    response = client.post(TOKEN, {"identifier": "0905123456", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    auth = {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}
    assert Client().get("/api/v1/me/", **auth).json()["national_id"] == VALID_CCCD
    assert Client().delete(TOKEN, **auth).status_code == 204
    assert Client().get("/api/v1/me/", **auth).status_code in (401, 403)


def test_token_with_bad_credentials_is_structured_error(client, citizen):
    response = client.post(TOKEN, {"identifier": VALID_CCCD, "password": "sai"},
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    response = client.post(TOKEN, {}, content_type="application/json")
    assert response.status_code == 400 and "identifier" in response.json()["error"]["details"]


def test_citizen_with_totp_needs_otp_for_a_token_and_for_the_session(client, citizen):
    device = TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    response = client.post(TOKEN, {"identifier": VALID_CCCD, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_required"
    token = TOTP(device.bin_key).token()
    response = client.post(TOKEN, {"identifier": VALID_CCCD, "password": PASSWORD,
                                   "otp": f"{token:06d}"}, content_type="application/json")
    assert response.status_code == 200
    assert sign_in(client, VALID_CCCD)
    response = client.get("/cong-dan/ho-so/")
    assert response.status_code == 302 and "/tai-khoan/xac-thuc-hai-buoc/" in response["Location"]


def test_citizen_session_idles_longer_than_staff(client, citizen, settings):
    sign_in(client, VALID_CCCD)
    client.get("/cong-dan/ho-so/")
    assert client.session.get_expiry_age() == settings.CITIZEN_SESSION_IDLE_SECONDS
    assert settings.CITIZEN_SESSION_IDLE_SECONDS > settings.STAFF_SESSION_IDLE_SECONDS


def test_behind_a_proxy_the_lockout_follows_the_client_not_the_proxy(citizen, settings):
    from axes.models import AccessAttempt

    settings.NUM_PROXIES = 1
    attacker, owner = Client(), Client()
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A forged left part of the header changes nothing: the proxy's entry is the right one.
        response = attacker.post(LOGIN, {"username": VALID_CCCD, "password": "sai"},
                                 HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.66",
                                 **behind_proxy)
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}
    # The owner, behind the same proxy from another address, still signs in.
    response = owner.post(LOGIN, {"username": VALID_CCCD, "password": PASSWORD},
                          HTTP_X_FORWARDED_FOR="203.0.113.10", **behind_proxy)
    assert response.status_code == 302 and "_auth_user_id" in owner.session
