"""Self-registration of a citizen e-account: CCCD structure, phone formats, one account each."""

import pytest
from django.test import Client

from accounts.models import User
from citizens.models import CitizenProfile, OutboundMessage, VerificationCode
from tests.citizens.helpers import VALID_CCCD, registration_data

pytestmark = pytest.mark.django_db
URL = "/cong-dan/dang-ky/"


def test_valid_registration_creates_account_and_the_sms_code_signs_in(
    client, _sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, registration_data())
    assert response.status_code == 302 and response["Location"] == "/cong-dan/dang-ky/xac-minh/"
    assert "_auth_user_id" not in client.session  # signed in by the code, not before
    user = User.objects.get(phone="+84905123456")
    assert user.citizen_profile.national_id == VALID_CCCD
    assert user.full_name == "Nguyễn Văn An" and user.phone_verified_at is None
    assert VALID_CCCD not in user.username  # no personal data in usernames/URLs
    code = VerificationCode.objects.get(user=user)
    assert code.sent_at is not None and len(_sms_outbox) == 1
    assert _sms_outbox[0]["to"] == "+84905123456" and code.code in _sms_outbox[0]["body"]
    message = OutboundMessage.objects.get(verification_code=code)
    assert code.code not in message.body_redacted and "905" not in message.recipient_masked[:6]
    assert "+84******456" in client.get("/cong-dan/dang-ky/xac-minh/").content.decode()
    response = client.post("/cong-dan/dang-ky/xac-minh/", {"code": code.code})
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so/"
    assert client.get("/cong-dan/ho-so/").status_code == 200
    user.refresh_from_db()
    assert user.phone_verified_at is not None


@pytest.mark.parametrize("national_id, dob, fragment", [
    ("04809500123", "1995-05-15", "12 chữ số"),
    ("04809500123a", "1995-05-15", "12 chữ số"),
    ("003095001234", "1995-05-15", "mã tỉnh"),          # 003 is not a province code
    ("048295001234", "1995-05-15", "thế kỷ"),           # 2 = born in the 2000s
    ("048096001234", "1995-05-15", "năm sinh"),         # 96 ≠ 1995
])
def test_invalid_cccd_is_refused_with_a_vietnamese_reason(client, national_id, dob, fragment):
    response = client.post(URL, registration_data(national_id=national_id, date_of_birth=dob))
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not User.objects.exists()


def test_female_born_2000s_is_accepted(client):
    response = client.post(URL, registration_data(national_id="079305001234",
                                                  date_of_birth="2005-02-03"))
    assert response.status_code == 302
    assert CitizenProfile.objects.get().national_id == "079305001234"


@pytest.mark.parametrize("phone", ["12345", "0205123456", "+1 650 555 0100", "0905 123 45",
                                   "abcdefghij"])
def test_bad_phone_numbers_are_refused(client, phone):
    response = client.post(URL, registration_data(phone=phone))
    assert response.status_code == 200
    assert "Số điện thoại di động không hợp lệ" in response.content.decode()
    assert not User.objects.exists()


def test_one_account_per_cccd(client, citizen):
    response = Client().post(URL, registration_data(phone="0912 999 888"))
    assert response.status_code == 302  # the page does not say (test_account_enumeration)
    assert User.objects.count() == 1


def test_one_account_per_phone_whatever_the_format(citizen):
    response = Client().post(URL, registration_data(
        national_id="001203004545", date_of_birth="2003-01-02", phone="+84 905-123-456"))
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_weak_or_mismatched_passwords_are_refused(client):
    response = client.post(URL, registration_data(password1="12345678", password2="12345678"))
    assert response.status_code == 200 and not User.objects.exists()
    response = client.post(URL, registration_data(password2="khac-hoan-toan-2026"))
    assert "Hai mật khẩu không khớp" in response.content.decode()


def test_registration_requires_csrf_token():
    response = Client(enforce_csrf_checks=True).post(URL, registration_data())
    assert response.status_code == 403 and not User.objects.exists()


def test_email_is_optional(client):
    response = client.post(URL, registration_data(email=""))
    assert response.status_code == 302
    assert User.objects.get().email == ""
