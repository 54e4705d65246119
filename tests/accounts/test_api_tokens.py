"""API tokens (issue 13, #8): hashed, one per device, expiring (staff after hours, citizens
after days), revocable per device or all at once, and dead the moment a staff member loses
their assignments, by the same rule that ends their web sessions."""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.constants import StaffRole
from accounts.models import StaffAssignment, User
from tests.citizens.helpers import PASSWORD, VALID_CCCD
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db
TOKEN, ME = "/api/v1/auth/token/", "/api/v1/me/"


@pytest.fixture
def clerk(db):
    units = make_unit_tree()
    user = User.objects.create_user("motcua.kt", password=PASSWORD, full_name="Cán bộ A")
    StaffAssignment.objects.create(user=user, unit=units["ward"], role=StaffRole.CLERK)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def issue(identifier, otp_user=None) -> dict:
    data = {"identifier": identifier, "password": PASSWORD}
    if otp_user is not None:
        device = TOTPDevice.objects.get(user=otp_user)
        data["otp"] = f"{TOTP(device.bin_key, drift=0).token():06d}"
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a second code, same step
    response = Client().post(TOKEN, data, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def refused(response, code: str | None = None) -> bool:
    """401, or DRF's 403 where session authentication comes first, in the API's error shape."""
    error = response.json()["error"]
    return response.status_code in (401, 403) and (code is None or error["code"] == code)


def test_tokens_are_stored_hashed_one_per_device(citizen):
    phone, laptop = issue(VALID_CCCD)["token"], issue(VALID_CCCD)["token"]
    assert phone != laptop
    rows = list(AuthToken.objects.filter(user=citizen).values_list("digest", "token_key"))
    assert len(rows) == 2
    for digest, key in rows:
        assert digest not in (phone, laptop) and len(key) < len(phone)
    assert Client().get(ME, **auth(phone)).status_code == 200
    assert Client().get(ME, **auth(laptop)).status_code == 200


def test_citizen_token_expires_after_days(citizen, settings):
    settings.API_TOKEN_TTL_CITIZEN_DAYS = 30
    body = issue(VALID_CCCD)
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1)
    later = timezone.now() + datetime.timedelta(days=30, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = Client().get(ME, **auth(body["token"]))
    assert refused(response)


def test_staff_token_expires_after_hours(clerk, settings):
    settings.API_TOKEN_TTL_STAFF_HOURS = 8
    body = issue("motcua.kt", otp_user=clerk)
    assert Client().get(ME, **auth(body["token"])).status_code == 200
    expiry = parse_datetime(body["expiry"])
    assert expiry - timezone.now() < datetime.timedelta(hours=8, minutes=1)
    later = timezone.now() + datetime.timedelta(hours=8, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert refused(Client().get(ME, **auth(body["token"])))


def test_staff_token_stops_the_moment_the_assignment_is_deactivated(clerk):
    token = issue("motcua.kt", otp_user=clerk)["token"]
    assert Client().get(ME, **auth(token)).status_code == 200
    # As the admin's "deactivate" does: the account itself stays active.
    StaffAssignment.objects.filter(user=clerk).update(is_active=False)
    assert refused(Client().get(ME, **auth(token)), "account_inactive")
    assert not AuthToken.objects.filter(user=clerk).exists()
    # Nor can a new one be had.
    response = Client().post(TOKEN, {"identifier": "motcua.kt", "password": PASSWORD},
                             content_type="application/json")
    assert refused(response, "account_inactive")


def test_logout_revokes_this_device_only(citizen):
    phone, laptop = issue(VALID_CCCD)["token"], issue(VALID_CCCD)["token"]
    assert Client().post("/api/v1/auth/logout/", **auth(phone)).status_code == 204
    assert refused(Client().get(ME, **auth(phone)))
    assert Client().get(ME, **auth(laptop)).status_code == 200


def test_logout_all_revokes_every_device_and_session(citizen):
    phone, laptop = issue(VALID_CCCD)["token"], issue(VALID_CCCD)["token"]
    browser = Client()
    browser.force_login(citizen)
    assert Client().post("/api/v1/auth/logout-all/", **auth(phone)).status_code == 204
    assert refused(Client().get(ME, **auth(phone)))
    assert refused(Client().get(ME, **auth(laptop)))
    assert browser.get("/cong-dan/ho-so/").status_code == 302
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_logout_needs_a_token(citizen):
    for url in ("/api/v1/auth/logout/", "/api/v1/auth/logout-all/"):
        response = Client().post(url)
        assert response.status_code == 401 and "error" in response.json()


def test_a_token_that_is_not_utf8_is_refused_not_a_server_error(citizen):
    assert refused(Client().get(ME, HTTP_AUTHORIZATION="Token \xff\xfe"))
