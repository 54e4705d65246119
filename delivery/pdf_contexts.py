"""The typed, frozen contexts of the portal's PDFs (delivery/documents.py renders them): plain
data, so a task holding only ids builds them, and the same data gives the same bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .constants import DocumentKind

# --- Contexts -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DocumentLine:
    name: str
    form: str = "Bản chính"
    quantity: int = 1


@dataclass(frozen=True, kw_only=True)
class BaseContext:
    """What every slip carries: the issuing unit, the dossier code and where/when it was issued."""

    unit_name: str
    parent_unit_name: str = ""
    # The heading of the circular's forms: the people's committee ("Ủy ban nhân dân Phường Hải
    # Châu") and the desk under it. Without a committee the heading is the unit and its parent.
    committee_name: str = ""
    desk_name: str = ""
    code: str
    place_name: str = "Đà Nẵng"

    def document_date(self) -> datetime:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class ReceiptContext(BaseContext):
    """Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    applicant_name: str
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    procedure_name: str
    documents: list[DocumentLine] = field(default_factory=list)
    sets: int = 1
    processing_time: str = ""
    received_at: datetime
    due_at: datetime | date
    return_place: str
    logbook_number: str = ""
    clerk_name: str = ""
    # Where the result goes: the desk (``return_place``) or, when ``postal_address`` is set,
    # the public postal service to that address; the slip prints only the chosen one.
    postal_address: str = ""
    delivery_note: str = ""

    def document_date(self) -> datetime:
        return self.received_at


@dataclass(frozen=True, kw_only=True)
class SupplementRequestContext(BaseContext):
    """Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    applicant_name: str
    procedure_name: str
    received_at: datetime
    items: list[str]
    reason: str = ""
    contact_officer: str = ""
    contact_phone: str = ""
    clerk_name: str = ""
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class RefusalContext(BaseContext):
    """Mẫu 03 – Phiếu từ chối tiếp nhận, giải quyết hồ sơ."""

    applicant_name: str
    procedure_name: str
    received_at: datetime | None = None
    reasons: list[str]
    clerk_name: str = ""
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class ApologyContext(BaseContext):
    """Mẫu 04 – Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết."""

    applicant_name: str
    procedure_name: str
    received_at: datetime
    original_due_at: datetime | date
    reason: str
    new_due_at: datetime | date
    head_name: str = ""
    head_title: str = "THỦ TRƯỞNG CƠ QUAN"
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class StopNoticeContext(BaseContext):
    """Mẫu 05 – Thông báo dừng giải quyết hồ sơ."""

    applicant_name: str
    procedure_name: str
    received_at: datetime | None = None
    supplement_requested_at: datetime | None = None
    reason: str
    officer_name: str = ""
    head_title: str = "THỦ TRƯỞNG CƠ QUAN"
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


# The result column of Mẫu 06, from the step's allotted time.
EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"


@dataclass(frozen=True, kw_only=True)
class Handover:
    """One row of Mẫu 06: who handed the dossier to whom, when, and how it went."""

    agency: str
    handed_at: datetime
    giver: str = ""
    receiver: str = ""
    result: str = ""  # "Trước hạn" / "Đúng hạn" / "Quá hạn"
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ControlSheetContext(BaseContext):
    """Mẫu 06 – Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    applicant_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime | date
    handling_unit: str = ""
    coordinating_units: list[str] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class LogbookRow:
    """One dossier of Mẫu 07, as the circular's columns print it."""

    code: str
    procedure_name: str
    sets: int = 1
    applicant_name: str
    applicant_contact: str = ""
    handling_unit: str = ""
    received_at: datetime | None = None
    due_at: date | None = None
    sent_at: datetime | None = None
    result_at: datetime | None = None
    returned_at: datetime | None = None
    return_method: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class LogbookContext(BaseContext):
    """Mẫu 07 – Sổ theo dõi hồ sơ: a unit's dossiers received in a period. ``code`` is the
    unit's code (the logbook has no dossier code)."""

    period_start: date
    period_end: date
    rows: list[LogbookRow] = field(default_factory=list)
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class PickupSlipContext(BaseContext):
    """The appointment slip a citizen brings to collect the result at the desk."""

    applicant_name: str
    procedure_name: str
    pickup_at: datetime
    pickup_place: str
    opening_hours: str = ""
    bring: list[str] = field(default_factory=list)
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class PostalLabelContext(BaseContext):
    """An A6 label for the public postal service (result or dossier in an envelope)."""

    tracking_number: str
    sender_name: str
    sender_address: str
    sender_phone: str = ""
    receiver_name: str
    receiver_phone: str
    receiver_address: str
    weight_grams: int
    cod_amount: int = 0
    contents: str = ""
    issued_at: datetime

    def document_date(self) -> datetime:
        return self.issued_at


@dataclass(frozen=True, kw_only=True)
class PaymentLine:
    name: str
    amount: int


@dataclass(frozen=True, kw_only=True)
class PaymentReceiptContext(BaseContext):
    """Biên lai thu phí, lệ phí điện tử, issued once an online payment is confirmed."""

    receipt_form: str = "01BLP0-001"
    receipt_series: str = ""
    receipt_number: str
    payer_name: str
    payer_address: str = ""
    procedure_name: str
    lines: list[PaymentLine]
    order_ref: str
    gateway_name: str = ""
    transaction_no: str = ""
    paid_at: datetime

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def document_date(self) -> datetime:
        return self.paid_at


CONTEXT_TYPES: dict[str, type[BaseContext]] = {
    DocumentKind.RECEIPT: ReceiptContext,
    DocumentKind.SUPPLEMENT_REQUEST: SupplementRequestContext,
    DocumentKind.REFUSAL: RefusalContext,
    DocumentKind.APOLOGY: ApologyContext,
    DocumentKind.STOP_NOTICE: StopNoticeContext,
    DocumentKind.CONTROL_SHEET: ControlSheetContext,
    DocumentKind.LOGBOOK: LogbookContext,
    DocumentKind.PICKUP_SLIP: PickupSlipContext,
    DocumentKind.POSTAL_LABEL: PostalLabelContext,
    DocumentKind.PAYMENT_RECEIPT: PaymentReceiptContext,
}

TITLES: dict[str, str] = {
    DocumentKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    DocumentKind.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    DocumentKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    DocumentKind.APOLOGY: "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    DocumentKind.STOP_NOTICE: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    DocumentKind.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    DocumentKind.LOGBOOK: "SỔ THEO DÕI HỒ SƠ",
    DocumentKind.PICKUP_SLIP: "PHIẾU HẸN NHẬN KẾT QUẢ",
    DocumentKind.POSTAL_LABEL: "BƯU GỬI DỊCH VỤ CÔNG",
    DocumentKind.PAYMENT_RECEIPT: "BIÊN LAI THU PHÍ, LỆ PHÍ",
}
