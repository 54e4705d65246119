"""Two-factor sign-in is mandatory for staff, in the portal, the API and the admin."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import StaffRole
from accounts.models import StaffAssignment, User
from accounts.testing import login_verified
from tests.citizens.helpers import PASSWORD, sign_in
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_unit_tree()


@pytest.fixture
def clerk(units):
    user = User.objects.create_user("motcua.kt", password=PASSWORD, full_name="Cán bộ A")
    StaffAssignment.objects.create(user=user, unit=units["ward"], role=StaffRole.CLERK)
    return user


def totp_now(device) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def test_staff_without_device_is_sent_to_enrolment_from_every_staff_page(client, clerk):
    assert sign_in(client, "motcua.kt")
    for url in ["/can-bo/", "/can-bo/nhan-su/", "/admin/", "/cong-dan/ho-so/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/dang-ky/"), url


def test_enrolment_shows_qr_and_confirms_with_a_code(client, clerk):
    sign_in(client, "motcua.kt")
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/dang-ky/?next=/can-bo/")
    body = page.content.decode()
    assert "<svg" in body and 'id="totp-secret"' in body
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    bad = client.post("/tai-khoan/xac-thuc-hai-buoc/dang-ky/", {"token": "000000",
                                                                "next": "/can-bo/"})
    assert "không đúng" in bad.content.decode()
    response = client.post("/tai-khoan/xac-thuc-hai-buoc/dang-ky/",
                           {"token": totp_now(device), "next": "/can-bo/"})
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    assert client.get("/can-bo/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60


def test_staff_with_device_must_verify_each_session(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    sign_in(client, "motcua.kt")
    response = client.get("/can-bo/")
    assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/?next=")
    # Enrolling a new device needs the current one first.
    assert client.get("/tai-khoan/xac-thuc-hai-buoc/dang-ky/")["Location"].startswith(
        "/tai-khoan/xac-thuc-hai-buoc/")
    response = client.post("/tai-khoan/xac-thuc-hai-buoc/",
                           {"token": totp_now(device), "next": "/can-bo/"})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200


def test_backup_codes_are_single_use(clerk):
    from accounts.services import otp_backup_codes_regenerate

    TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    codes = otp_backup_codes_regenerate(user=clerk)
    first, second = Client(), Client()
    for c in (first, second):
        sign_in(c, "motcua.kt")
    assert first.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": codes[0]}).status_code == 302
    assert first.get("/can-bo/").status_code == 200
    response = second.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": codes[0]})
    assert response.status_code == 200 and "không đúng" in response.content.decode()


def test_unverified_superuser_cannot_reach_any_admin_page(client, superuser):
    client.force_login(superuser)
    for url in ["/admin/", "/admin/accounts/user/", "/admin/accounts/staffassignment/"]:
        response = client.get(url)
        assert response.status_code == 302 and "xac-thuc-hai-buoc" in response["Location"]


def test_admin_login_form_itself_requires_an_otp(client, superuser):
    page = client.get("/admin/login/")
    assert "otp_token" in page.content.decode()
    response = client.post("/admin/login/", {"username": "root-admin",
                                             "password": "S3cure-pass-2026"})
    assert "_auth_user_id" not in client.session or response.status_code == 200


def test_verified_superuser_reaches_the_admin(client, superuser):
    login_verified(client, superuser)
    assert client.get("/admin/accounts/staffassignment/").status_code == 200


def test_unverified_staff_session_is_refused_by_the_api(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_required"


def test_staff_token_needs_enrolment_then_otp(client, clerk):
    data = {"identifier": "motcua.kt", "password": PASSWORD}
    response = client.post("/api/v1/auth/token/", data, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_enrolment_required"
    device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    response = client.post("/api/v1/auth/token/", data | {"otp": totp_now(device)},
                           content_type="application/json")
    assert response.status_code == 200


def test_staff_cannot_disable_two_factor(client, clerk):
    login_verified(client, clerk)
    response = client.post("/tai-khoan/bao-mat/", {"action": "disable_otp"}, follow=True)
    assert "bắt buộc" in response.content.decode()
    assert TOTPDevice.objects.filter(user=clerk).exists()
