"""Registration and password reset do not tell whether an account exists (issue 13, #16):
the same page, the same limits, for an existing and an unknown CCCD or phone; the existing
account's owner is told by SMS instead."""

import re

import pytest
from django.test import Client

from accounts.models import User
from citizens.models import OutboundMessage, VerificationCode
from tests.citizens.helpers import VALID_CCCD, make_citizen, registration_data

pytestmark = pytest.mark.django_db
RESET, REGISTER = "/cong-dan/quen-mat-khau/", "/cong-dan/dang-ky/"
NEXT = "/cong-dan/dang-ky/xac-minh/"
UNKNOWN_CCCD, UNKNOWN_DOB = "001203004545", "2003-01-02"


def page(response, *identifiers: str) -> tuple:
    """Status, redirect and text of a response, without what legitimately differs: the
    identifier typed (echoed in the form) and the CSRF token."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    for identifier in identifiers:
        text = text.replace(identifier, "<id>")
    return response.status_code, response.get("Location"), text


def reset(identifier: str, ip: str, capture):
    with capture(execute=True):
        return Client(REMOTE_ADDR=ip).post(RESET, {"identifier": identifier, "channel": "sms"})


def test_password_reset_limits_and_pages_are_the_same_for_unknown_accounts(
    citizen, _sms_outbox, django_capture_on_commit_callbacks
):
    existing = [page(reset(VALID_CCCD, "10.0.0.1", django_capture_on_commit_callbacks),
                     VALID_CCCD) for _ in range(5)]
    unknown = [page(reset(UNKNOWN_CCCD, "10.0.0.2", django_capture_on_commit_callbacks),
                    UNKNOWN_CCCD) for _ in range(5)]
    assert existing == unknown
    assert [status for status, _location, _text in existing] == [302, 302, 302, 200, 200]
    assert "quá nhiều lần" in existing[3][2]
    assert len(_sms_outbox) == 3  # the real account got its three codes


def test_password_reset_counts_every_request_of_a_client_address(
    db, django_capture_on_commit_callbacks, settings
):
    settings.VERIFICATION_MAX_PER_IP = 4
    statuses = [reset(f"00120300{i:04d}", "10.0.0.3", django_capture_on_commit_callbacks)
                .status_code for i in range(5)]
    assert statuses == [302, 302, 302, 302, 200]


def test_registration_with_an_existing_cccd_looks_like_a_new_one_and_tells_the_owner(
    citizen, _sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = Client()
        taken_post = taken.post(REGISTER, registration_data(phone="0912 999 888"))
    taken_next = taken.get(NEXT)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = Client()
        fresh_post = fresh.post(REGISTER, registration_data(
            national_id=UNKNOWN_CCCD, date_of_birth=UNKNOWN_DOB, phone="0912 999 777"))
    fresh_next = fresh.get(NEXT)
    assert page(taken_post) == page(fresh_post) == (302, NEXT, "")
    assert page(taken_next, "+84******888") == page(fresh_next, "+84******777")
    assert "Số CCCD này đã có tài khoản" not in taken_next.content.decode()

    assert User.objects.filter(citizen_profile__national_id=VALID_CCCD).count() == 1
    assert not VerificationCode.objects.filter(destination="+84912999888").exists()
    to_owner = [m for m in _sms_outbox if m["to"] == citizen.phone]
    assert len(to_owner) == 1 and "đã có tài khoản" in to_owner[0]["body"]
    assert "/cong-dan/quen-mat-khau/" in to_owner[0]["body"]
    assert not [m for m in _sms_outbox if m["to"] == "+84912999888"]
    assert OutboundMessage.objects.filter(user=citizen, verification_code=None).count() == 1

    # The code step cannot be passed without the code, nor tell the two apart.
    wrong = {"code": "123456"}
    assert page(taken.post(NEXT, wrong), "+84******888") == page(
        fresh.post(NEXT, wrong), "+84******777")
    assert "_auth_user_id" not in taken.session


def test_registration_with_an_existing_phone_tells_its_owner_once_per_window(
    citizen, _sms_outbox, django_capture_on_commit_callbacks
):
    data = registration_data(national_id=UNKNOWN_CCCD, date_of_birth=UNKNOWN_DOB,
                             phone="+84 905-123-456")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert Client().post(REGISTER, data)["Location"] == NEXT
    assert User.objects.count() == 1
    assert len(_sms_outbox) == 1 and "đã có tài khoản" in _sms_outbox[0]["body"]


def test_registration_limits_are_the_same_for_an_existing_phone(db, settings):
    make_citizen(phone="+84905123456")
    taken = registration_data(national_id=UNKNOWN_CCCD, date_of_birth=UNKNOWN_DOB)
    fresh = registration_data(national_id="079305001234", date_of_birth="2005-02-03",
                              phone="0912 999 777")
    for data, ip in ((taken, "10.0.0.4"), (fresh, "10.0.0.5")):
        statuses = [Client(REMOTE_ADDR=ip).post(REGISTER, data).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 200], data["phone"]
