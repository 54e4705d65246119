"""PDF slips of the one-stop desk (Mẫu 01–05), the pickup slip, the postal label and the
electronic payment receipt, rendered by WeasyPrint from Django templates.

Renderers take plain, typed contexts rather than models so that the dossier workflow (or a
Celery task holding only ids) builds them from whatever it has, and so that the same inputs give
the same bytes: the PDF dates come from the context and the file identifier from the content,
never from the clock.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .constants import DocumentKind
from .exceptions import UnknownDocumentKind

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
    """Mẫu 04 – Phiếu xin lỗi và hẹn lại ngày trả kết quả."""

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
class Handover:
    """One row of Mẫu 05: who handed the dossier to whom, when, and how it went."""

    agency: str
    handed_at: datetime
    giver: str = ""
    receiver: str = ""
    result: str = ""  # "Trước hạn" / "Đúng hạn" / "Quá hạn"
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ControlSheetContext(BaseContext):
    """Mẫu 05 – Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    applicant_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime | date
    handovers: list[Handover] = field(default_factory=list)
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
    DocumentKind.CONTROL_SHEET: ControlSheetContext,
    DocumentKind.PICKUP_SLIP: PickupSlipContext,
    DocumentKind.POSTAL_LABEL: PostalLabelContext,
    DocumentKind.PAYMENT_RECEIPT: PaymentReceiptContext,
}

TITLES: dict[str, str] = {
    DocumentKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    DocumentKind.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    DocumentKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
    DocumentKind.APOLOGY: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    DocumentKind.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    DocumentKind.PICKUP_SLIP: "PHIẾU HẸN NHẬN KẾT QUẢ",
    DocumentKind.POSTAL_LABEL: "BƯU GỬI DỊCH VỤ CÔNG",
    DocumentKind.PAYMENT_RECEIPT: "BIÊN LAI THU PHÍ, LỆ PHÍ",
}


# --- Helpers --------------------------------------------------------------------------------


def tracking_url(code: str) -> str:
    """The public page where anyone holding the slip can follow the dossier."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}/ho-so/tra-cuu/?{urlencode({'code': code})}"


@cache
def qr_svg_data_uri(data: str) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=4, border=0)


@cache
def _font_config():
    # One FontConfiguration per process: loading the @font-face files once is most of the
    # difference between a 300 ms and a 60 ms render.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _pdf_identifier(kind: str, html: str) -> bytes:
    return hashlib.md5(f"{kind}\0{html}".encode(), usedforsecurity=False).hexdigest().encode()


def _w3c(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def render_html(kind: str, context: BaseContext) -> str:
    """The filled-in HTML of a slip; useful to preview in a browser and in tests."""
    expected = CONTEXT_TYPES.get(kind)
    if expected is None:
        raise UnknownDocumentKind(kind)
    if not isinstance(context, expected):
        raise TypeError(f"{kind} needs a {expected.__name__}, got {type(context).__name__}")
    values = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    values.update(
        ctx=context,
        kind=kind,
        title=TITLES[kind],
        tracking_url=tracking_url(context.code),
        qr_data_uri=qr_svg_data_uri(tracking_url(context.code)),
        document_date=_w3c(context.document_date()),
        font_dir="file:///usr/share/fonts/truetype/dejavu/",
        portal_name=settings.PORTAL_NAME,
    )
    # Slips are legal documents in Vietnamese whatever language the clerk's UI is in.
    with translation.override("vi"):
        return render_to_string(f"delivery/pdf/{kind}.html", values)


def render_pdf(kind: str, context: BaseContext) -> bytes:
    """Render one slip to PDF bytes; the same kind and context always give the same bytes."""
    from weasyprint import HTML

    html = render_html(kind, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        font_config=_font_config()
    )
    return document.write_pdf(
        pdf_identifier=_pdf_identifier(kind, html), uncompressed_pdf=False
    )
