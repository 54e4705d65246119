"""Stored documents, online payments and postal shipments.

Dossiers are referenced by a plain ``dossier_id`` integer (no foreign key yet) so that this app
does not depend on the dossier model while it is being built; a later migration can turn the
columns into foreign keys without changing the services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DocumentKind, PaymentStatus, ShipmentStatus


def _document_path(instance: GeneratedDocument, filename: str) -> str:
    return f"documents/{instance.kind}/{instance.sha256[:2]}/{filename}"


class GeneratedDocument(models.Model):
    """A rendered PDF, one row per (kind, subject, content): re-rendering the same is a no-op."""

    kind = models.CharField(_("loại giấy tờ"), max_length=32, choices=DocumentKind.choices)
    subject_key = models.CharField(
        _("đối tượng"), max_length=100, db_index=True,
        help_text=_("Ví dụ dossier:42 hoặc payment:DVC-..."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("kích thước (byte)"))
    file = models.FileField(_("tệp"), upload_to=_document_path, max_length=255)
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
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_ref} ({self.amount:,} {self.currency})"


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
