from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """What a staff member does in a unit. The first three values are the processing-step roles
    of procedures.constants.StaffRole, so a step's role maps straight onto an assignment."""

    CLERK = "clerk", _("Cán bộ một cửa")
    PROCESSOR = "processor", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    # The value is historical (data and migrations use it); the role works at any level: a
    # city department or a commune configures the procedures of the units below it.
    DISTRICT_ADMIN = "district_admin", _("Quản trị cấu hình thủ tục")


# Roles whose scope covers the unit's whole subtree rather than the unit alone.
SUBTREE_ROLES = frozenset({StaffRole.DISTRICT_ADMIN})


class AccountEventKind(models.TextChoices):
    STAFF_CREATED = "staff_created", _("Tạo tài khoản cán bộ")
    STAFF_DEACTIVATED = "staff_deactivated", _("Vô hiệu hóa cán bộ")
    OTP_ENROLLED = "otp_enrolled", _("Bật xác thực hai bước")
    OTP_DISABLED = "otp_disabled", _("Tắt xác thực hai bước")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Đăng xuất trên mọi thiết bị")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Xoá dữ liệu cá nhân theo yêu cầu")
