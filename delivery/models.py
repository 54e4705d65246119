"""Stored documents, online payments and postal shipments.

Dossiers are referenced by a plain ``dossier_id`` integer (no foreign key yet) so that this app
does not depend on the dossier model while it is being built; a later migration can turn the
columns into foreign keys without changing the services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.storage import get_private_storage

from .constants import (
    DOSSIER_FEE,
    DocumentKind,
    OverpaymentReason,
    PaymentStatus,
    PickupReason,
    ShipmentStatus,
)


def _document_path(instance: GeneratedDocument, filename: str) -> str:
    return f"documents/{instance.kind}/{instance.sha256[:2]}/{filename}"


def _authorisation_path(instance: PickupAppointment, filename: str) -> str:
    """An unguessable name in private storage; the caller passes the checked extension."""
    extension = filename.rpartition(".")[2].lower() or "pdf"
    return f"pickup-authorisations/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class GeneratedDocument(models.Model):
    """A rendered PDF, one row per (kind, subject, content): re-rendering the same is a no-op."""

    kind = models.CharField(_("loại giấy tờ"), max_length=32, choices=DocumentKind.choices)
    subject_key = models.CharField(
        _("đối tượng"), max_length=100, db_index=True,
        help_text=_("Ví dụ dossier:42 hoặc payment:DVC-..."),
    )
    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"), null=True, blank=True,
                                                db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    # Receipts, results, pickup slips carry personal data: private storage, never MEDIA_ROOT.
    file = models.FileField(_("tệp"), upload_to=_document_path, storage=get_private_storage,
                            max_length=255)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ đã tạo")
        verbose_name_plural = _("giấy tờ đã tạo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "sha256"], name="unique_generated_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.subject_key}"


class Payment(models.Model):
    order_ref = models.CharField(_("mã giao dịch"), max_length=64, unique=True)
    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"), db_index=True)
    fee = models.CharField(_("khoản thu"), max_length=32, default=DOSSIER_FEE)
    description = models.CharField(_("nội dung thanh toán"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (VND)"))
    currency = models.CharField(_("tiền tệ"), max_length=3, default="VND")
    gateway = models.CharField(_("cổng thanh toán"), max_length=32)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING, db_index=True,
    )
    gateway_transaction_id = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=32, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=8, blank=True)
    paid_at = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="payment_amount_positive"),
            # Two open payments for one fee could both be paid: a double charge.
            models.UniqueConstraint(fields=["dossier_id", "fee"],
                                    condition=models.Q(status=PaymentStatus.PENDING),
                                    name="one_open_payment_per_fee"),
        ]

    def __str__(self) -> str:
        return f"{self.order_ref} ({self.amount:,} {self.currency})"


class Overpayment(models.Model):
    """Money the gateway took that does not pay a fee (the fee was already paid, or the
    payment attempt had been closed): a refund owed to the citizen, listed for the unit's
    staff until someone records the refund."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT,
                                   related_name="overpayment", verbose_name=_("giao dịch"))
    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"), db_index=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("đơn vị tiếp nhận"))
    amount = models.PositiveBigIntegerField(_("số tiền (VND)"))
    reason = models.CharField(_("lý do"), max_length=32, choices=OverpaymentReason.choices)
    fee_paid_by = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+",
                                    verbose_name=_("giao dịch đã nộp lệ phí"))
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)
    refunded_at = models.DateTimeField(_("đã hoàn trả lúc"), null=True, blank=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("cán bộ hoàn trả"))
    refund_note = models.CharField(_("ghi chú hoàn trả"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("khoản thu thừa cần hoàn trả")
        verbose_name_plural = _("khoản thu thừa cần hoàn trả")
        ordering = ["refunded_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(refunded_at__isnull=True, refunded_by__isnull=True)
                           | models.Q(refunded_at__isnull=False, refunded_by__isnull=False)),
                name="overpayment_refund_who_and_when"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} ({self.amount:,} VND)"


class PaymentCallbackLog(models.Model):
    """Every server-to-server call, valid or not, kept verbatim for reconciliation and audit."""

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    order_ref = models.CharField(_("mã giao dịch"), max_length=64, blank=True, db_index=True)
    params = models.JSONField(_("tham số"))
    result_code = models.CharField(_("mã trả lời"), max_length=4)
    changed_status = models.BooleanField(_("đổi trạng thái"), default=False)
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký gọi lại thanh toán")
        verbose_name_plural = _("nhật ký gọi lại thanh toán")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_ref} → {self.result_code}"


class Shipment(models.Model):
    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"), db_index=True)
    idempotency_key = models.CharField(_("khóa chống trùng"), max_length=100, unique=True)
    provider = models.CharField(_("đơn vị bưu chính"), max_length=32)
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=13, unique=True)
    request = models.JSONField(_("dữ liệu tạo vận đơn"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ShipmentStatus.choices,
        default=ShipmentStatus.CREATED, db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần phát không thành công"), default=0)
    status_at = models.DateTimeField(_("thời điểm trạng thái"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.tracking_number


class ShipmentEvent(models.Model):
    """Append-only history: every accepted callback, including stale ones that changed nothing."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("mã sự kiện"), max_length=64)
    status = models.CharField(_("trạng thái"), max_length=16, choices=ShipmentStatus.choices)
    attempt = models.PositiveSmallIntegerField(_("lần phát"), default=0)
    occurred_at = models.DateTimeField(_("thời điểm xảy ra"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    applied = models.BooleanField(_("đã áp dụng"), default=False)
    payload = models.JSONField(_("dữ liệu gốc"))
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử bưu gửi")
        verbose_name_plural = _("lịch sử bưu gửi")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="unique_shipment_event")
        ]

    def __str__(self) -> str:
        return f"{self.status} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class PickupAppointment(models.Model):
    """Where and from when the citizen collects the result at the desk; one per dossier (the
    unique key is what makes routing idempotent), then the record of the hand-over."""

    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"), unique=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("nơi trả kết quả"))
    address = models.CharField(_("địa chỉ"), max_length=300)
    opening_hours = models.CharField(_("giờ làm việc"), max_length=200, blank=True)
    earliest_date = models.DateField(_("nhận từ ngày"))
    reason = models.CharField(_("lý do"), max_length=16, choices=PickupReason.choices,
                              default=PickupReason.CHOSEN)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    reminded_at = models.DateTimeField(_("đã nhắc lúc"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("số lần đã nhắc"), default=0)
    # The hand-over at the counter.
    collected_at = models.DateTimeField(_("đã trả lúc"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("cán bộ trả kết quả"))
    collector_is_owner = models.BooleanField(_("chính chủ nhận"), default=True)
    collector_name = models.CharField(_("người nhận"), max_length=150, blank=True)
    collector_national_id = models.CharField(_("CCCD người nhận"), max_length=12, blank=True)
    # A scan of an identity-bearing letter: private storage (never under MEDIA_ROOT), random
    # name, read only through the dossier-file rule (delivery.views.pickup_authorisation).
    authorisation = models.FileField(_("giấy ủy quyền"), upload_to=_authorisation_path,
                                     storage=get_private_storage, max_length=255, blank=True)
    authorisation_content_type = models.CharField(_("định dạng giấy ủy quyền"), max_length=64,
                                                  blank=True)
    identity_checked = models.BooleanField(_("đã kiểm tra giấy tờ tùy thân"), default=False)
    signature_confirmed = models.BooleanField(_("người nhận đã ký nhận"), default=False)

    class Meta:
        verbose_name = _("lịch hẹn trả kết quả")
        verbose_name_plural = _("lịch hẹn trả kết quả")
        ordering = ["earliest_date", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.unit_id} từ {self.earliest_date}"


class OverdueAlert(models.Model):
    """One alert to the unit's leaders per overdue dossier per day (the unique key)."""

    dossier_id = models.PositiveBigIntegerField(_("hồ sơ"))
    day = models.DateField(_("ngày"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cảnh báo quá hạn")
        verbose_name_plural = _("cảnh báo quá hạn")
        constraints = [models.UniqueConstraint(fields=["dossier_id", "day"],
                                               name="unique_overdue_alert")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.day}"
