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
    YEAR = "year", _("Năm (4 chữ số)")
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


# The earliest year a "year" field accepts unless configured otherwise (the latest is the
# current year).
YEAR_MIN = 1900


class ApplicantDatum(models.TextChoices):
    """A piece of the signed-in citizen's own data that a form field can be bound to
    (``bind`` in the procedure schema): the field is then prefilled from the account, and
    locked when the datum is an identity fact verified at registration."""

    FULL_NAME = "full_name", _("Họ và tên người nộp")
    DATE_OF_BIRTH = "date_of_birth", _("Ngày sinh người nộp")
    BIRTH_YEAR = "birth_year", _("Năm sinh người nộp")
    GENDER = "gender", _("Giới tính người nộp")
    CCCD = "cccd", _("Số CCCD người nộp")
    PHONE = "phone", _("Số điện thoại người nộp")
    EMAIL = "email", _("Thư điện tử người nộp")
    PERMANENT_ADDRESS = "permanent_address", _("Địa chỉ người nộp")


# Which field types can hold each datum (the admin and the importer refuse other pairings).
BINDABLE_TYPES: dict[str, frozenset[str]] = {
    ApplicantDatum.FULL_NAME: frozenset({FieldType.TEXT}),
    ApplicantDatum.DATE_OF_BIRTH: frozenset({FieldType.DATE}),
    ApplicantDatum.BIRTH_YEAR: frozenset({FieldType.YEAR}),
    ApplicantDatum.GENDER: frozenset({FieldType.SELECT}),
    ApplicantDatum.CCCD: frozenset({FieldType.NATIONAL_ID}),
    ApplicantDatum.PHONE: frozenset({FieldType.PHONE}),
    ApplicantDatum.EMAIL: frozenset({FieldType.EMAIL}),
    ApplicantDatum.PERMANENT_ADDRESS: frozenset(
        {FieldType.ADDRESS, FieldType.TEXT, FieldType.TEXTAREA}),
}
# The values a gender datum takes (the sex digit of the CCCD); a select bound to it must
# offer both.
GENDER_VALUES = ("nam", "nu")
# Identity facts checked at registration (the CCCD against the birth date, the account's
# name): bound fields holding them are locked once the account is verified.
IDENTITY_DATA = frozenset({
    ApplicantDatum.FULL_NAME, ApplicantDatum.DATE_OF_BIRTH, ApplicantDatum.BIRTH_YEAR,
    ApplicantDatum.GENDER, ApplicantDatum.CCCD,
})
