"""Dossiers filed by citizens (or for them at a desk), their files, the citizen's e-document
store, and the append-only audit of everything that happened to a dossier."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.constants import DeliveryMethod

from . import clock
from .constants import (
    ACKNOWLEDGE_STATES,
    FINISHED_STATES,
    RESULT_STATES,
    Action,
    CalendarExceptionKind,
    Channel,
    DossierState,
    SlipKind,
    StoredDocumentKind,
)
from .storage import get_private_storage


class AppendOnlyError(Exception):
    pass


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # a value outside the choices shows as stored, as Django does
        return value


class AppendOnlyModel(models.Model):
    """Rows are written once; updating or deleting one is a programming error."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class DossierQuerySet(models.QuerySet):
    def unfinished(self):
        return self.exclude(state__in=FINISHED_STATES).exclude(state=DossierState.DRAFT)

    # When the clock runs, overdue, late to acknowledge: defined once in dossiers/clock.py.
    def clock_running(self):
        return self.filter(clock.clock_running_q())

    def overdue(self, today=None):
        return self.filter(clock.overdue_q(today))

    def late_to_acknowledge(self, now=None):
        return self.filter(clock.late_to_acknowledge_q(now))


class Dossier(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True)
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT,
                                  related_name="dossiers", verbose_name=_("thủ tục"))
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers",
        verbose_name=_("phiên bản thủ tục"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="dossiers", verbose_name=_("người nộp (tài khoản)"),
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150, blank=True)
    applicant_national_id = models.CharField(_("số CCCD"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)

    receiving_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT,
                                       related_name="received_dossiers",
                                       verbose_name=_("cơ quan tiếp nhận"))
    intake_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("nơi nhận hồ sơ giấy"),
        help_text=_("Bộ phận một cửa đã nhận hồ sơ giấy (một cửa bất kỳ)."),
    )
    current_unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT,
                                     related_name="held_dossiers",
                                     verbose_name=_("đơn vị đang xử lý"))
    # NĐ 118/2025: the result may be collected at any commune-level desk of the province;
    # empty means the receiving unit's desk (``pickup_desk``).
    pickup_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("nơi nhận kết quả"),
        help_text=_("Bộ phận một cửa người nộp chọn để nhận kết quả (trống: cơ quan tiếp nhận)."),
    )
    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), default=0)
    state = models.CharField(_("trạng thái"), max_length=24, choices=DossierState.choices,
                             default=DossierState.DRAFT)
    channel = models.CharField(_("hình thức nộp"), max_length=1, choices=Channel.choices,
                               default=Channel.ONLINE)
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)

    delivery_method = models.CharField(_("cách nhận kết quả"), max_length=16,
                                       choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.PICKUP)
    delivery_address = models.JSONField(_("địa chỉ nhận kết quả"), default=dict, blank=True)
    fee_exemption = models.SlugField(
        _("lý do miễn lệ phí"), max_length=64, blank=True,
        help_text=_("Mã miễn phí của phiên bản thủ tục mà công dân đã chọn khi nộp."),
    )

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(
        _("hạn tiếp nhận"), null=True, blank=True,
        help_text=_("Hồ sơ trực tuyến phải được tiếp nhận hoặc yêu cầu bổ sung trước thời điểm "
                    "này (tính theo giờ làm việc)."),
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_date = models.DateField(_("ngày hẹn trả"), null=True, blank=True)
    original_due_date = models.DateField(_("ngày hẹn ban đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_from_state = models.CharField(max_length=24, blank=True)
    supplement_items = models.JSONField(_("nội dung cần bổ sung"), default=list, blank=True)

    apology_count = models.PositiveSmallIntegerField(default=0)
    apology_reason = models.TextField(_("lý do chậm"), blank=True)

    result_summary = models.TextField(_("kết quả"), blank=True)
    result_document = models.ForeignKey(
        "dossiers.StoredDocument", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("văn bản kết quả"),
    )
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            # The clerk queue: a unit's open dossiers by due date. The tab counts and the
            # dashboard's live counts (overdue, late to acknowledge) read only these columns,
            # so they stay index-only scans.
            models.Index(fields=["current_unit", "state", "due_date", "acknowledge_due_at"],
                         name="dossier_queue_idx"),
            # A queue tab page in its display order: walks one unit's dossiers by due date and
            # stops at the page's 20 rows, for tabs of several states too (state is a key
            # column so it is filtered in the index, without visiting the table).
            models.Index(fields=["current_unit", "due_date", "submitted_at", "id", "state"],
                         name="dossier_queue_order_idx"),
            models.Index(fields=["receiving_unit", "state", "finished_at"],
                         name="dossier_board_idx"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.code or str(_("Bản nháp %(id)s") % {"id": str(self.uuid)[:8]})

    @property
    def ref(self) -> str:
        """How URLs name the dossier: its code once submitted, its uuid while a draft."""
        return self.code or str(self.uuid)

    # Django's generated get_FOO_display rebuilds a dict of every (lazily translated) choice
    # on each call, translating all of them; a queue page calls these 40 times.
    def get_state_display(self) -> str:
        return _choice_label(DossierState, self.state)

    def get_channel_display(self) -> str:
        return _choice_label(Channel, self.channel)

    @property
    def pickup_desk(self):
        """Where a result collected in person is handed over: the desk the citizen chose,
        otherwise the receiving unit's."""
        return self.pickup_unit if self.pickup_unit_id else self.receiving_unit

    # Named predicates on the state, so that views and templates never compare state strings.
    @property
    def is_draft(self) -> bool:
        return self.state == DossierState.DRAFT

    @property
    def awaits_reception(self) -> bool:
        """Filed, not yet received: its appointment is only the expected one."""
        return self.state in ACKNOWLEDGE_STATES

    @property
    def has_result(self) -> bool:
        """The result exists (ready at the desk or already returned): it may be routed."""
        return self.state in RESULT_STATES

    @property
    def is_returned(self) -> bool:
        return self.state == DossierState.RETURNED

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def clock_running(self) -> bool:
        return clock.clock_runs(self.state)

    @property
    def is_overdue(self) -> bool:
        return clock.is_overdue(self.state, self.due_date)

    @property
    def is_late_to_acknowledge(self) -> bool:
        return clock.is_late_to_acknowledge(self.state, self.acknowledge_due_at)

    @property
    def steps(self) -> list[dict]:
        return list(self.procedure_version.document.get("steps") or [])

    @property
    def current_step_spec(self) -> dict | None:
        steps = self.steps
        return steps[self.current_step] if self.current_step < len(steps) else None

    @property
    def fee_exemption_spec(self) -> dict | None:
        if not self.fee_exemption:
            return None
        return next((e for e in self.procedure_version.document.get("fee_exemptions") or []
                     if e.get("code") == self.fee_exemption), None)


class StoredDocument(models.Model):
    """The citizen's e-document store: every file they uploaded and every result issued to
    them, reusable in a later dossier without uploading it again."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="stored_documents", verbose_name=_("chủ sở hữu"))
    kind = models.CharField(_("loại"), max_length=8, choices=StoredDocumentKind.choices,
                            default=StoredDocumentKind.UPLOAD)
    document_key = models.SlugField(_("mã giấy tờ"), max_length=64, blank=True)
    title = models.CharField(_("tên giấy tờ"), max_length=300)
    file = models.FileField(storage=get_private_storage, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    source_dossier = models.ForeignKey(Dossier, null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu điện tử")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "document_key"])]

    def __str__(self) -> str:
        return self.title


class AttachmentSource(models.TextChoices):
    """Where an attachment's file came from. Only a document taken from the citizen's
    e-document store or supplied by a registry counts as reused digitised data (QĐ 766);
    a fresh upload is an upload even though it is also filed in the store."""

    UPLOAD = "upload", _("Tải lên")
    STORE = "store", _("Chọn từ kho dữ liệu")
    REGISTRY = "registry", _("Lấy từ cơ sở dữ liệu")


# The one definition of "reused": every statistic counts attachments with these sources.
REUSED_SOURCES = (AttachmentSource.STORE, AttachmentSource.REGISTRY)


def attachment_reused_q(prefix: str = "") -> models.Q:
    return models.Q(**{f"{prefix}source__in": REUSED_SOURCES})


class DossierAttachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document_key = models.SlugField(_("mã giấy tờ"), max_length=64)
    file = models.FileField(storage=get_private_storage, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    stored_document = models.ForeignKey(StoredDocument, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="uses")
    source = models.CharField(_("nguồn tệp"), max_length=8, choices=AttachmentSource.choices,
                              default=AttachmentSource.UPLOAD)
    is_supplement = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["document_key", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierTransition(AppendOnlyModel):
    """Append-only history; it is also the process-control sheet (Mẫu 05)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    from_state = models.CharField(max_length=24, choices=DossierState.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=DossierState.choices)
    step = models.PositiveSmallIntegerField(default=0)
    step_name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    to_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    note = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.action} {self.from_state}→{self.to_state}"

    def get_action_display(self) -> str:  # one label, not all of them (see Dossier)
        return _choice_label(Action, self.action)


class PersonalDataAccess(AppendOnlyModel):
    """A staff member opened a dossier's personal data (who, when, why)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    purpose = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nhật ký xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.dossier_id} ({self.purpose})"


class DossierSlip(AppendOnlyModel):
    """The data of a standard slip (Mẫu 01–04); PDF rendering reads it later."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="slips")
    kind = models.CharField(max_length=2, choices=SlipKind.choices)
    transition = models.OneToOneField(DossierTransition, null=True, on_delete=models.PROTECT,
                                      related_name="slip")
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phiếu")
        verbose_name_plural = _("phiếu")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.dossier_id}"


class DossierNotice(models.Model):
    """One notification per citizen-visible transition: the unique key makes sending idempotent."""

    transition = models.OneToOneField(DossierTransition, on_delete=models.PROTECT,
                                      related_name="notice")
    channel = models.CharField(max_length=8)
    recipient_masked = models.CharField(max_length=254)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo hồ sơ")
        verbose_name_plural = _("thông báo hồ sơ")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient_masked}"


class DailyCounter(models.Model):
    """Per (receiving unit, day) sequence behind dossier codes; locked to number."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="unique_daily_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.day}: {self.last}"


class CalendarException(models.Model):
    """Admin-editable corrections on top of the computed public holidays."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=CalendarExceptionKind.choices)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch ngày nghỉ / làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
