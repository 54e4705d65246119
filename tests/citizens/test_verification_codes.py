"""One-time codes: sent after commit, single use, expiring, limited attempts, rate-limited."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from citizens.constants import VerificationChannel, VerificationPurpose
from citizens.exceptions import InvalidCode, RateLimited
from citizens.models import OutboundMessage, VerificationCode
from citizens.services import verification_code_consume, verification_code_issue
from tests.citizens.helpers import last_sms_code

pytestmark = pytest.mark.django_db
URL = "/cong-dan/xac-minh/"


@pytest.fixture
def unverified(db):
    from tests.citizens.helpers import make_citizen

    return make_citizen(verified=False)


def issue(user, channel=VerificationChannel.SMS, ip="10.0.0.1"):
    """Issues a code and runs the on-commit send (the test transaction never commits)."""
    from django.test import TestCase

    purpose = (VerificationPurpose.VERIFY_PHONE if channel == VerificationChannel.SMS
               else VerificationPurpose.VERIFY_EMAIL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return verification_code_issue(user=user, purpose=purpose, channel=channel, ip=ip)


def test_code_is_sent_only_after_commit(unverified, _sms_outbox,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        code = verification_code_issue(user=unverified, channel=VerificationChannel.SMS,
                                       purpose=VerificationPurpose.VERIFY_PHONE, ip="10.0.0.1")
    assert len(callbacks) == 1 and not _sms_outbox
    callbacks[0]()
    code.refresh_from_db()
    assert code.sent_at is not None and len(_sms_outbox) == 1
    assert "hiệu lực 5 phút" in _sms_outbox[0]["body"]
    callbacks[0]()  # a redelivered task does not send twice
    assert len(_sms_outbox) == 1 and OutboundMessage.objects.count() == 1


def test_correct_code_verifies_the_phone_through_the_page(client, unverified, _sms_outbox):
    client.force_login(unverified)
    issue(unverified)
    response = client.post(URL, {"channel": "sms", "action": "confirm",
                                 "code": last_sms_code(_sms_outbox)})
    assert response.status_code == 302
    unverified.refresh_from_db()
    assert unverified.phone_verified_at is not None


def test_email_code_verifies_the_email(client, unverified, django_capture_on_commit_callbacks):
    client.force_login(unverified)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"channel": "email", "action": "send"})
    assert len(mail.outbox) == 1
    code = VerificationCode.objects.get(channel="email")
    assert code.code in mail.outbox[0].body
    client.post(URL, {"channel": "email", "action": "confirm", "code": code.code})
    unverified.refresh_from_db()
    assert unverified.email_verified_at is not None and unverified.phone_verified_at is None


def test_code_cannot_be_reused(unverified):
    code = issue(unverified)
    verification_code_consume(user=unverified, purpose=code.purpose, code=code.code)
    with pytest.raises(InvalidCode):
        verification_code_consume(user=unverified, purpose=code.purpose, code=code.code)


def test_expired_code_is_refused(unverified):
    code = issue(unverified)
    VerificationCode.objects.filter(pk=code.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(InvalidCode):
        verification_code_consume(user=unverified, purpose=code.purpose, code=code.code)
    unverified.refresh_from_db()
    assert unverified.phone_verified_at is None


def test_code_expires_after_the_configured_ttl(unverified, settings):
    code = issue(unverified)
    ttl = (code.expires_at - code.created_at).total_seconds()
    assert abs(ttl - settings.VERIFICATION_CODE_TTL_SECONDS) < 2


def test_a_new_code_revokes_the_previous_one(unverified):
    first = issue(unverified)
    second = issue(unverified)
    if first.code != second.code:  # 1 in a million they coincide
        with pytest.raises(InvalidCode):
            verification_code_consume(user=unverified, purpose=first.purpose, code=first.code)
    first.refresh_from_db()
    assert first.revoked_at is not None
    verification_code_consume(user=unverified, purpose=second.purpose, code=second.code)


def test_wrong_guesses_are_counted_and_the_code_dies_after_five(unverified):
    code = issue(unverified)
    wrong = f"{(int(code.code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(InvalidCode):
            verification_code_consume(user=unverified, purpose=code.purpose, code=wrong)
    code.refresh_from_db()
    assert code.attempts == 5
    with pytest.raises(InvalidCode):
        verification_code_consume(user=unverified, purpose=code.purpose, code=code.code)


def test_rate_limit_per_number(unverified, settings, _sms_outbox):
    settings.VERIFICATION_MAX_PER_DESTINATION = 3
    for i in range(3):
        issue(unverified, ip=f"10.0.0.{i}")
    with pytest.raises(RateLimited):
        issue(unverified, ip="10.0.0.99")
    assert len(_sms_outbox) == 3


def test_rate_limit_per_ip(settings, _sms_outbox):
    from tests.citizens.helpers import make_citizen

    settings.VERIFICATION_MAX_PER_IP = 2
    users = [make_citizen(national_id=f"0480950012{i:02d}", phone=f"090500010{i}",
                          email="", verified=False) for i in range(3)]
    issue(users[0], ip="192.0.2.7")
    issue(users[1], ip="192.0.2.7")
    with pytest.raises(RateLimited):
        issue(users[2], ip="192.0.2.7")
    issue(users[2], ip="192.0.2.8")


def test_rate_limited_resend_shows_a_message(client, unverified, settings):
    settings.VERIFICATION_MAX_PER_DESTINATION = 1
    client.force_login(unverified)
    client.post(URL, {"channel": "sms", "action": "send"})
    response = client.post(URL, {"channel": "sms", "action": "send"}, follow=True)
    assert "quá nhiều lần" in response.content.decode()
    assert VerificationCode.objects.count() == 1
