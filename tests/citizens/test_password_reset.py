"""Password reset through the account's verified contact, without revealing accounts."""

import pytest
from django.test import Client

from accounts.models import AccountEvent
from citizens.models import VerificationCode
from tests.citizens.helpers import PASSWORD, VALID_CCCD, last_sms_code, make_citizen, sign_in

pytestmark = pytest.mark.django_db
NEW = "Mat-khau-moi-2026!"


def start(client, identifier, capture):
    with capture(execute=True):
        return client.post("/cong-dan/quen-mat-khau/", {"identifier": identifier,
                                                        "channel": "sms"})


def test_reset_through_verified_phone_signs_out_other_sessions(
    client, citizen, _sms_outbox, django_capture_on_commit_callbacks
):
    other_device = Client()
    other_device.force_login(citizen)
    response = start(client, "0905 123 456", django_capture_on_commit_callbacks)
    assert response["Location"] == "/cong-dan/quen-mat-khau/dat-lai/"
    response = client.post("/cong-dan/quen-mat-khau/dat-lai/", {
        "code": last_sms_code(_sms_outbox), "password1": NEW, "password2": NEW})
    assert response.status_code == 302
    assert sign_in(Client(), VALID_CCCD, NEW)
    assert other_device.get("/cong-dan/ho-so/").status_code == 302  # session ended
    assert AccountEvent.objects.filter(user=citizen, kind="password_reset").exists()


def test_unverified_contact_or_unknown_account_gets_no_code_and_the_same_page(
    client, _sms_outbox, django_capture_on_commit_callbacks
):
    make_citizen(verified=False)
    first = start(client, VALID_CCCD, django_capture_on_commit_callbacks)
    second = start(Client(), "001203004545", django_capture_on_commit_callbacks)
    assert first.status_code == second.status_code == 302
    assert not _sms_outbox and not VerificationCode.objects.exists()
    response = client.post("/cong-dan/quen-mat-khau/dat-lai/", {
        "code": "123456", "password1": NEW, "password2": NEW})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert sign_in(Client(), VALID_CCCD, PASSWORD)
