"""States and kinds of the delivery app: documents, online payments and postal shipments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT_REQUEST = "supplement_request", _("Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "refusal", _("Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "apology", _("Mẫu 04 – Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    STOP_NOTICE = "stop_notice", _("Mẫu 05 – Thông báo dừng giải quyết hồ sơ")
    # Stored under this key since TT 01/2018 (then Mẫu 05); only the label moves to Mẫu 06.
    CONTROL_SHEET = "control_sheet", _("Mẫu 06 – Phiếu kiểm soát quá trình giải quyết hồ sơ")
    LOGBOOK = "logbook", _("Mẫu 07 – Sổ theo dõi hồ sơ")
    PICKUP_SLIP = "pickup_slip", _("Phiếu hẹn nhận kết quả")
    POSTAL_LABEL = "postal_label", _("Nhãn gửi bưu chính")
    PAYMENT_RECEIPT = "payment_receipt", _("Biên lai thu điện tử")


# The form number of TT 03/2025/TT-VPCP printed on each slip ("Mẫu 01" …); other documents
# (pickup slip, postal label, payment receipt) are not forms of the circular.
FORM_NUMBERS: dict[str, str] = {
    DocumentKind.RECEIPT: "01", DocumentKind.SUPPLEMENT_REQUEST: "02",
    DocumentKind.REFUSAL: "03", DocumentKind.APOLOGY: "04", DocumentKind.STOP_NOTICE: "05",
    DocumentKind.CONTROL_SHEET: "06", DocumentKind.LOGBOOK: "07",
}


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thất bại")
    CANCELLED = "cancelled", _("Đã hủy")


# What a payment pays for; one open payment per dossier and fee (a database constraint).
DOSSIER_FEE = "dossier_fee"


class OverpaymentReason(models.TextChoices):
    FEE_ALREADY_PAID = "fee_already_paid", _("Lệ phí đã được thanh toán bằng giao dịch khác")
    PAYMENT_CLOSED = "payment_closed", _("Cổng báo thành công sau khi giao dịch đã đóng")


class CallbackCode(models.TextChoices):
    """Answers to the gateway's server-to-server call, as VNPay's IPN expects them."""

    CONFIRMED = "00", "Confirm Success"
    ORDER_NOT_FOUND = "01", "Order not found"
    ALREADY_CONFIRMED = "02", "Order already confirmed"
    INVALID_AMOUNT = "04", "Invalid amount"
    INVALID_CURRENCY = "05", "Invalid currency"
    INVALID_SIGNATURE = "97", "Invalid signature"
    UNKNOWN_ERROR = "99", "Unknown error"


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Đã tạo vận đơn")
    ACCEPTED = "accepted", _("Bưu cục đã nhận")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    FAILED = "failed", _("Phát không thành công")
    DELIVERED = "delivered", _("Đã phát thành công")


# A callback only moves a shipment forward in this order. A failed attempt may be followed by
# another failed attempt (higher attempt number) or by delivery, never by an earlier state.
SHIPMENT_STATUS_RANK: dict[str, int] = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.ACCEPTED: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.FAILED: 3,
    ShipmentStatus.DELIVERED: 4,
}


class PickupReason(models.TextChoices):
    CHOSEN = "chosen", _("Công dân chọn nhận tại bộ phận một cửa")
    POSTAL_FAILED = "postal_failed", _("Bưu chính phát không thành công")
