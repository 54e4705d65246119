"""A citizen's e-account data: identity (CCCD, birth date), delivery addresses, one-time
verification codes and the outbox of messages sent to them."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import CODE_DIGITS, MessageStatus, VerificationChannel, VerificationPurpose


class CitizenProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="citizen_profile", verbose_name=_("tài khoản"))
    national_id = models.CharField(_("số CCCD"), max_length=12, unique=True)
    date_of_birth = models.DateField(_("ngày sinh"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        from .masking import mask_cccd

        return mask_cccd(self.national_id)


class DeliveryAddress(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="delivery_addresses", verbose_name=_("chủ tài khoản"))
    label = models.CharField(_("tên gợi nhớ"), max_length=60, blank=True)
    recipient_name = models.CharField(_("người nhận"), max_length=150)
    recipient_phone = models.CharField(_("điện thoại người nhận"), max_length=16)
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("tỉnh/thành phố"))
    district = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                                 null=True, blank=True, verbose_name=_("quận/huyện"))
    ward = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("phường/xã"))
    street = models.CharField(_("số nhà, đường, thôn/tổ"), max_length=255)
    is_default = models.BooleanField(_("địa chỉ mặc định"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("địa chỉ nhận kết quả")
        verbose_name_plural = _("địa chỉ nhận kết quả")
        ordering = ["-is_default", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [self.street, self.ward.name]
        if self.district_id:
            parts.append(self.district.name)
        parts.append(self.province.name)
        return ", ".join(parts)


class VerificationCodeQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, revoked_at__isnull=True,
                           expires_at__gt=timezone.now())


class VerificationCode(models.Model):
    """A one-time code. The code itself is never stored: it is an HMAC of a random nonce under
    SECRET_KEY, so the sending task can re-derive it from the row and a database leak alone
    reveals nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="verification_codes")
    purpose = models.CharField(max_length=24, choices=VerificationPurpose.choices)
    channel = models.CharField(max_length=8, choices=VerificationChannel.choices)
    destination = models.CharField(max_length=254)
    nonce = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = VerificationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã xác thực")
        verbose_name_plural = _("mã xác thực")
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"

    @property
    def code(self) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"vc:{self.pk}:{self.nonce}".encode(),
                          hashlib.sha256).digest()
        return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"

    def matches(self, candidate: str) -> bool:
        return hmac.compare_digest(self.code, (candidate or "").strip())

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class OutboundMessage(models.Model):
    """Audit of every e-mail/SMS sent to a citizen; the recipient is masked and secrets
    (codes) are redacted from the stored text."""

    channel = models.CharField(max_length=8, choices=VerificationChannel.choices)
    recipient_masked = models.CharField(max_length=254)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    verification_code = models.OneToOneField(VerificationCode, null=True, blank=True,
                                             on_delete=models.SET_NULL,
                                             related_name="outbound_message")
    body_redacted = models.TextField()
    status = models.CharField(max_length=8, choices=MessageStatus.choices,
                              default=MessageStatus.SENT)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tin nhắn đã gửi")
        verbose_name_plural = _("tin nhắn đã gửi")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_masked}"
