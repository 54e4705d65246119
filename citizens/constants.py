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
