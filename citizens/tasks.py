"""Delivery of verification codes and account notices, outside the request and after its
transaction commits."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import VerificationChannel, VerificationPurpose
from .masking import mask_email, mask_phone
from .models import OutboundMessage, VerificationCode
from .sms import SmsDeliveryError, send_sms

_PURPOSE_TEXT = {
    VerificationPurpose.VERIFY_PHONE: "xác minh số điện thoại",
    VerificationPurpose.VERIFY_EMAIL: "xác minh thư điện tử",
    VerificationPurpose.PASSWORD_RESET: "đặt lại mật khẩu",
}


def _body(code: VerificationCode, secret: str) -> str:
    minutes = max(round((code.expires_at - code.created_at).total_seconds() / 60), 1)
    return _(
        "Cổng Dịch vụ công: mã %(code)s dùng để %(purpose)s, có hiệu lực %(minutes)s phút. "
        "Không cung cấp mã này cho bất kỳ ai."
    ) % {"code": secret, "purpose": _PURPOSE_TEXT.get(code.purpose, ""), "minutes": minutes}


@shared_task(
    bind=True, autoretry_for=(SmsDeliveryError, smtplib.SMTPException, ConnectionError),
    retry_backoff=True, retry_backoff_max=300, retry_jitter=True, max_retries=5,
)
def send_verification_code(self, code_id: int) -> str:
    """Sends one code once. The row lock stops two workers sending it at the same time; a
    code already sent, used, revoked or expired is left alone."""
    with transaction.atomic():
        code = VerificationCode.objects.select_for_update().filter(pk=code_id).first()
        if code is None:
            return "missing"
        if code.sent_at or code.used_at or code.revoked_at or code.is_expired:
            return "skipped"
        body = _body(code, code.code)
        redacted = _body(code, "******")
        if code.channel == VerificationChannel.SMS:
            reference = send_sms(to=code.destination, body=body)
            recipient = mask_phone(code.destination)
        else:
            send_mail(_("Mã xác thực Cổng Dịch vụ công"), body, None, [code.destination])
            reference, recipient = "", mask_email(code.destination)
        OutboundMessage.objects.create(
            channel=code.channel, recipient_masked=recipient, user_id=code.user_id,
            verification_code=code, body_redacted=redacted, provider_reference=reference or "",
        )
        code.sent_at = timezone.now()
        code.save(update_fields=["sent_at"])
    return "sent"


def account_exists_text() -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return _(
        "Cổng Dịch vụ công: số CCCD hoặc số điện thoại của bạn vừa được dùng để đăng ký tài "
        "khoản mới, nhưng bạn đã có tài khoản. Đăng nhập bằng số CCCD hoặc số điện thoại tại "
        "%(login)s; quên mật khẩu thì lấy lại tại %(reset)s. Nếu không phải bạn đăng ký, hãy "
        "bỏ qua tin này."
    ) % {"login": base + reverse("accounts:login"),
         "reset": base + reverse("citizens:password_reset")}


@shared_task(
    bind=True, autoretry_for=(SmsDeliveryError, smtplib.SMTPException, ConnectionError),
    retry_backoff=True, retry_backoff_max=300, retry_jitter=True, max_retries=5,
)
def send_account_exists_notice(self, user_id: int, channel: str) -> str:
    """Tells the owner of an account that someone tried to register again with its CCCD or
    phone. An information notice with no secret: a redelivered task may send it twice, which
    is harmless, so it keeps no sending row of its own (the audit row records each send)."""
    from accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "missing"
    body = account_exists_text()
    if channel == VerificationChannel.SMS and user.phone:
        reference = send_sms(to=user.phone, body=body)
        recipient = mask_phone(user.phone)
    elif channel == VerificationChannel.EMAIL and user.email:
        send_mail(_("Bạn đã có tài khoản trên Cổng Dịch vụ công"), body, None, [user.email])
        reference, recipient = "", mask_email(user.email)
    else:
        return "no_contact"
    OutboundMessage.objects.create(channel=channel, recipient_masked=recipient, user_id=user.pk,
                                   body_redacted=body, provider_reference=reference or "")
    return "sent"


@shared_task
def retention_sweep() -> dict:
    """Nightly: expired drafts, verification codes and orphaned private files (issue 17)."""
    from dataclasses import asdict

    from .retention import retention_sweep_run

    return asdict(retention_sweep_run())
