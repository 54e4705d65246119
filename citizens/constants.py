from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationChannel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")


class VerificationPurpose(models.TextChoices):
    VERIFY_PHONE = "verify_phone", _("Xác minh số điện thoại")
    VERIFY_EMAIL = "verify_email", _("Xác minh thư điện tử")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")


class MessageStatus(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


CODE_DIGITS = 6


class ConsentPurpose(models.TextChoices):
    """The purposes stated in the privacy notice (Law 91/2025/QH15, art. 9)."""

    PROCEDURES = "procedures", _("Giải quyết thủ tục hành chính")
    NOTIFICATIONS = "notifications", _("Thông báo cho công dân về hồ sơ")
    STATISTICS = "statistics", _("Thống kê (đã ẩn danh)")


class DataRequestKind(models.TextChoices):
    CORRECTION = "correction", _("Chỉnh sửa dữ liệu")
    DELETION = "deletion", _("Xoá dữ liệu")
    OBJECTION = "objection", _("Phản đối xử lý dữ liệu")


class DataRequestStatus(models.TextChoices):
    OPEN = "open", _("Đang chờ xử lý")
    ANSWERED = "answered", _("Đã trả lời")


# Working days to answer a data subject's request (issue 17; Decree 356/2025/NĐ-CP).
DATA_REQUEST_WORKING_DAYS = 2
ERASED_NAME = "Người dùng đã xoá"
