"""The procedure catalogue.

A ``Procedure`` is the working copy that district admins edit through the admin, with its fees,
documents, form fields and steps as inline rows. Publishing freezes the whole configuration into
an immutable ``ProcedureVersion`` (the same JSON document as import/export), which is what a
dossier is filed against; editing a published procedure publishes a new version.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.text import fold
from units.constants import UnitKind

from .constants import (
    ApplicantDatum,
    DeliveryMethod,
    DocumentForm,
    FieldType,
    ProcedureStatus,
    ServiceLevel,
    StaffRole,
)

procedure_code_validator = RegexValidator(
    r"^\d\.\d{6}(\.[0-9A-Za-z.]+)?$",
    _("Mã thủ tục có dạng d.dddddd, ví dụ 1.001193 (có thể thêm hậu tố mã cơ quan)."),
)


class BilingualMixin:
    """``localized('name')`` gives the English column when the UI is in English and it is set."""

    def localized(self, attr: str) -> str:
        if (get_language() or "vi").startswith("en"):
            english = getattr(self, f"{attr}_en", "")
            if english:
                return english
        return getattr(self, attr)

    @property
    def localized_name(self) -> str:
        return self.localized("name")

    @property
    def localized_label(self) -> str:
        return self.localized("label")

    @property
    def localized_help_text(self) -> str:
        return self.localized("help_text")


class Sector(BilingualMixin, models.Model):
    code = models.SlugField(_("mã lĩnh vực"), max_length=64, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def search_columns(procedure) -> tuple[str, str]:
    """(search_name, search_text) of a procedure: folded, punctuation as spaces, each word
    preceded by a space so that a query word matches the start of a word."""
    def column(*parts: str) -> str:
        words = fold(re.sub(r"[,;:()\"'/–-]+", " ", " ".join(p for p in parts if p))).split()
        return " " + " ".join(words) + " "

    name = column(procedure.name, procedure.name_en)
    # Not the result document: "Bản sao giấy khai sinh" would make every civil-status
    # procedure answer "giấy khai sinh"; admins add such names as keywords where they fit.
    text = column(procedure.code, procedure.name, procedure.name_en, procedure.keywords)
    return name, text


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ProcedureStatus.PUBLISHED)

    def search(self, query: str):
        """Accent- and case-insensitive word search, ranked (procedures/search.py)."""
        from .search import search

        return search(self, query)


class Procedure(BilingualMixin, models.Model):
    code = models.CharField(
        _("mã thủ tục"), max_length=40, unique=True, validators=[procedure_code_validator]
    )
    name = models.CharField(_("tên thủ tục"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ"), choices=ServiceLevel.choices, default=ServiceLevel.PARTIAL
    )
    receiving_unit_kind = models.CharField(
        _("cấp tiếp nhận"), max_length=16, choices=UnitKind.choices, default=UnitKind.WARD,
        help_text=_("Cấp đơn vị có bộ phận một cửa tiếp nhận hồ sơ."),
    )
    description = models.TextField(_("mô tả"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("thời hạn giải quyết (ngày làm việc)"),
        help_text=_("0 nghĩa là giải quyết trong ngày."),
    )
    processing_time_note = models.CharField(_("ghi chú thời hạn"), max_length=300, blank=True)
    result_document = models.CharField(_("kết quả thực hiện"), max_length=300)
    offers_pickup = models.BooleanField(_("trả kết quả tại bộ phận một cửa"), default=True)
    offers_postal = models.BooleanField(_("trả kết quả qua bưu chính công ích"), default=False)
    postal_postage = models.PositiveIntegerField(
        _("cước bưu chính người dân trả khi nhận (đồng)"), default=0,
        help_text=_("Bưu điện thu hộ (COD) khi phát kết quả tận nhà; 0 nếu cơ quan chịu cước."),
    )
    online_payment = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ProcedureStatus.choices,
        default=ProcedureStatus.DRAFT,
    )
    current_version = models.PositiveIntegerField(
        _("phiên bản hiện hành"), default=0, editable=False
    )
    owner_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị cấu hình"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="configured_procedures",
    )
    keywords = models.TextField(
        _("từ khóa tìm kiếm"), blank=True,
        help_text=_("Cách người dân thường gọi thủ tục này, mỗi dòng một cụm hoặc cách nhau "
                    "bởi dấu phẩy; ví dụ: giấy khai sinh, làm giấy khai sinh cho con."),
    )
    # Folded, each starting with a space (word-prefix matching): see procedures/search.py.
    search_text = models.TextField(editable=False, default="")
    search_name = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.search_name, self.search_text = search_columns(self)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_name"}
        super().save(*args, **kwargs)

    @property
    def delivery_methods(self) -> list[str]:
        methods = []
        if self.offers_pickup:
            methods.append(DeliveryMethod.PICKUP.value)
        if self.offers_postal:
            methods.append(DeliveryMethod.POSTAL.value)
        return methods

    @property
    def is_same_day(self) -> bool:
        return self.processing_days == 0

    @property
    def level_short(self) -> str:
        return _("Toàn trình") if self.level == ServiceLevel.FULL else _("Một phần")


class Fee(BilingualMixin, models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("loại phí, lệ phí"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    amount = models.PositiveBigIntegerField(_("mức thu (VND)"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"


class FeeExemption(models.Model):
    """A reason for which the fee is not charged (e.g. poor household, war invalid)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE,
                                  related_name="fee_exemptions")
    code = models.SlugField(_("mã miễn phí"), max_length=64)
    reason = models.CharField(_("đối tượng / lý do miễn"), max_length=300)
    reason_en = models.CharField(_("tiếng Anh"), max_length=300, blank=True)
    proof_required = models.BooleanField(
        _("cần giấy tờ chứng minh"), default=False,
        help_text=_("Công dân phải đính kèm giấy tờ chứng minh khi chọn lý do này."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("miễn phí, lệ phí")
        verbose_name_plural = _("miễn phí, lệ phí")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="unique_fee_exemption")
        ]

    def __str__(self) -> str:
        return self.reason


class RequiredDocument(BilingualMixin, models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    key = models.SlugField(_("mã giấy tờ"), max_length=64)
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    form = models.CharField(
        _("hình thức"), max_length=20, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    reusable = models.BooleanField(
        _("dùng lại từ kho dữ liệu điện tử"), default=False,
        help_text=_("Công dân có thể chọn giấy tờ đã nộp hoặc kết quả đã được cấp trước đây."),
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    replaced_by_online_form = models.BooleanField(
        _("thay bằng biểu mẫu trực tuyến"), default=False,
        help_text=_("Nộp trực tuyến thì tờ khai điện tử thay cho giấy tờ này, không phải tải "
                    "lên; nộp trực tiếp vẫn phải nộp."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="unique_document_key")
        ]

    def __str__(self) -> str:
        return self.name


class FormField(BilingualMixin, models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(
        _("mã trường"), max_length=64,
        help_text=_("Chữ thường không dấu, số và gạch dưới, ví dụ ho_ten_tre."),
    )
    label = models.CharField(_("nhãn"), max_length=200)
    label_en = models.CharField(_("nhãn tiếng Anh"), max_length=200, blank=True)
    field_type = models.CharField(_("kiểu"), max_length=16, choices=FieldType.choices)
    required = models.BooleanField(_("bắt buộc"), default=True)
    choices = models.JSONField(
        _("lựa chọn"), default=list, blank=True,
        help_text=_("Mỗi dòng một lựa chọn: giá_trị | Nhãn tiếng Việt | English label"),
    )
    regex = models.CharField(_("biểu thức kiểm tra"), max_length=300, blank=True)
    min_value = models.CharField(_("giá trị nhỏ nhất"), max_length=32, blank=True)
    max_value = models.CharField(_("giá trị lớn nhất"), max_length=32, blank=True)
    help_text = models.CharField(_("hướng dẫn"), max_length=300, blank=True)
    help_text_en = models.CharField(_("hướng dẫn tiếng Anh"), max_length=300, blank=True)
    bind = models.CharField(
        _("lấy từ dữ liệu người nộp"), max_length=32, choices=ApplicantDatum.choices,
        blank=True,
        help_text=_("Điền sẵn từ tài khoản của công dân; họ tên, ngày sinh, số CCCD đã xác "
                    "thực thì không sửa được."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    section = models.CharField(
        _("bước (phần) của biểu mẫu"), max_length=100, blank=True,
        help_text=_("Các trường liền nhau cùng tên phần được hỏi trên một trang, theo thứ tự. "
                    "Để trống: một trang \"Thông tin\"."),
    )

    class Meta:
        verbose_name = _("trường biểu mẫu")
        verbose_name_plural = _("trường biểu mẫu")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="unique_field_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_field_type_display()})"


class ProcessingStep(BilingualMixin, models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("tên bước"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    role = models.CharField(_("vai trò thực hiện"), max_length=16, choices=StaffRole.choices)
    unit_kind = models.CharField(_("cấp thực hiện"), max_length=16, choices=UnitKind.choices)
    days = models.DecimalField(
        _("thời gian (ngày làm việc)"), max_digits=5, decimal_places=1, default=0
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình xử lý")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ProcedureVersion(models.Model):
    """An immutable, published configuration. Dossiers point here, never at the working copy."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    document = models.JSONField(_("cấu hình"))
    published_at = models.DateTimeField(_("thời điểm công bố"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"
