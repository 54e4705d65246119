"""A citizen's e-account data: identity (CCCD, birth date), delivery addresses, one-time
verification codes and the outbox of messages sent to them."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import (
    CODE_DIGITS,
    DataRequestKind,
    DataRequestStatus,
    MessageStatus,
    VerificationChannel,
    VerificationPurpose,
)


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


class PrivacyNotice(models.Model):
    """A version of the privacy notice shown at registration (Law 91/2025/QH15). Consent is
    recorded against the version that was shown; a new text is a new row, never an edit."""

    version = models.CharField(_("phiên bản"), max_length=20, unique=True)
    text_vi = models.TextField(_("nội dung (tiếng Việt)"))
    text_en = models.TextField(_("nội dung (tiếng Anh)"), blank=True)
    published_at = models.DateTimeField(_("công bố lúc"))

    class Meta:
        verbose_name = _("thông báo xử lý dữ liệu cá nhân")
        verbose_name_plural = _("thông báo xử lý dữ liệu cá nhân")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.version


class ConsentRecord(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="consents", verbose_name=_("tài khoản"))
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("phiên bản thông báo"))
    purposes = models.JSONField(_("mục đích"), default=list)
    given_at = models.DateTimeField(_("đồng ý lúc"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý xử lý dữ liệu")
        verbose_name_plural = _("sự đồng ý xử lý dữ liệu")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.notice.version}"


class DataSubjectRequest(models.Model):
    """A citizen's request about their personal data (correction, deletion, objection),
    answered by the city's staff within DATA_REQUEST_WORKING_DAYS working days."""

    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="data_requests", verbose_name=_("công dân"))
    kind = models.CharField(_("loại yêu cầu"), max_length=16, choices=DataRequestKind.choices)
    text = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=DataRequestStatus.choices,
                              default=DataRequestStatus.OPEN)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    due_at = models.DateTimeField(_("hạn trả lời"))
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("người trả lời"))
    answer = models.TextField(_("nội dung trả lời"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == DataRequestStatus.OPEN and self.due_at < timezone.now()
