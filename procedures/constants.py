from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.IntegerChoices):
    PARTIAL = 3, _("Mức độ 3 – một phần")
    FULL = 4, _("Mức độ 4 – toàn trình")


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    ARCHIVED = "archived", _("Đã lưu trữ")


class FieldType(models.TextChoices):
    TEXT = "text", _("Văn bản ngắn")
    TEXTAREA = "textarea", _("Văn bản dài")
    NUMBER = "number", _("Số")
    DATE = "date", _("Ngày")
    SELECT = "select", _("Danh sách chọn")
    CHECKBOX = "checkbox", _("Ô đánh dấu")
    EMAIL = "email", _("Thư điện tử")
    PHONE = "phone", _("Số điện thoại")
    NATIONAL_ID = "national-id", _("Số định danh cá nhân (CCCD)")
    ADDRESS = "address", _("Địa chỉ")
    FILE = "file", _("Tệp đính kèm")


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")


class StaffRole(models.TextChoices):
    """Who performs a processing step. The accounts app assigns these roles to staff per unit."""

    CLERK = "clerk", _("Cán bộ một cửa")
    PROCESSOR = "processor", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo phê duyệt")
    EXTERNAL = "external", _("Cơ quan phối hợp (liên thông)")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Nhận kết quả tại bộ phận một cửa")
    POSTAL = "postal", _("Nhận kết quả qua bưu chính công ích")
