"""Every slip renders to a PDF whose text keeps its Vietnamese diacritics, code and dates,
on the right paper size, with the same bytes for the same inputs."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest
from pypdf import PdfReader

from delivery.constants import DocumentKind
from delivery.documents import render_html, render_pdf, tracking_url
from delivery.exceptions import UnknownDocumentKind
from delivery.pdf_contexts import ReceiptContext
from delivery.samples import CODE, TZ, sample_context
from delivery.templatetags.delivery_pdf import so_thanh_chu

A4 = (595.28, 841.89)
A6 = (297.64, 419.53)
NATIONAL = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

EXPECTED = {
    DocumentKind.RECEIPT: ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Hồng Nhung",
                           "Giấy chứng sinh", "09 giờ 05 phút, ngày 25 tháng 11 năm 2026",
                           "14 giờ 00 phút, ngày 26 tháng 11 năm 2026", "Quyển số: 03/2026",
                           "UBND PHƯỜNG HẢI CHÂU", "BỘ PHẬN MỘT CỬA", "Mẫu 01"],
    DocumentKind.SUPPLEMENT_REQUEST: ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                                      "Tờ khai ghi thiếu ngày, tháng, năm sinh của trẻ",
                                      "0236 3821 000"],
    DocumentKind.REFUSAL: ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                           "Người yêu cầu không cư trú trên địa bàn phường."],
    DocumentKind.APOLOGY: ["VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                           "Phạm Thị Thu Hương",
                           "16 giờ 00 phút, ngày 30 tháng 11 năm 2026", "Sở Xây dựng"],
    DocumentKind.STOP_NOTICE: ["THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Lê Quang Huy",
                               "ỦY BAN NHÂN DÂN PHƯỜNG HẢI CHÂU", "Mẫu 05"],
    DocumentKind.LOGBOOK: ["SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/11/2026 đến ngày 30/11/2026",
                           "Nguyễn Thị Hồng Nhung", "Mẫu 07"],
    DocumentKind.CONTROL_SHEET: ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Mẫu 06",
                                 "Hoàng Thị Lệ", "Trước hạn", "Đã ký số"],
    DocumentKind.PICKUP_SLIP: ["PHIẾU HẸN NHẬN KẾT QUẢ", "Căn cước công dân",
                               "14 giờ 00 phút, ngày 26 tháng 11 năm 2026"],
    DocumentKind.POSTAL_LABEL: ["EB123456785VN", "Nguyễn Thị Hồng Nhung", "250 g",
                                "Kết quả: Giấy khai sinh (bản chính)"],
    DocumentKind.PAYMENT_RECEIPT: ["BIÊN LAI THU PHÍ, LỆ PHÍ", "35.000",
                                   "Ba mươi lăm nghìn đồng", "DVC2611250001"],
}


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Lines wrap where the layout decides; compare on single spaces.
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_each_slip_keeps_its_vietnamese_text_code_and_dates(kind):
    pdf = render_pdf(kind, sample_context(kind))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in EXPECTED[kind]:
        assert expected in text, expected
    # The logbook's narrow code column wraps codes after a hyphen.
    assert CODE in (text.replace("- ", "-") if kind == DocumentKind.LOGBOOK else text)
    if kind == DocumentKind.LOGBOOK:
        assert page_size(pdf) == A4[::-1]
    elif kind != DocumentKind.POSTAL_LABEL:
        for line in NATIONAL:
            assert line in text
        assert "Đà Nẵng, ngày" in text
        assert page_size(pdf) == A4
    else:
        assert page_size(pdf) == A6


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_rendering_twice_gives_identical_bytes(kind):
    first = render_pdf(kind, sample_context(kind))
    second = render_pdf(kind, sample_context(kind))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_pdf_dates_come_from_the_context_not_the_clock():
    pdf = render_pdf(DocumentKind.RECEIPT, sample_context(DocumentKind.RECEIPT))
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info["/CreationDate"] == "D:20261125090500+07'00"
    assert info["/ModDate"] == "D:20261125090500+07'00"
    assert "GIẤY TIẾP NHẬN" in info["/Title"]


def test_different_data_gives_different_bytes():
    context = sample_context(DocumentKind.RECEIPT)
    other = replace(context, applicant_name="Trần Thị Bích Ngọc")
    assert render_pdf(DocumentKind.RECEIPT, context) != render_pdf(DocumentKind.RECEIPT, other)
    assert "Trần Thị Bích Ngọc" in pdf_text(render_pdf(DocumentKind.RECEIPT, other))


def test_qr_code_links_to_the_public_tracking_page(settings):
    settings.PORTAL_BASE_URL = "https://dichvucong.danang.gov.vn/"
    html = render_html(DocumentKind.RECEIPT, sample_context(DocumentKind.RECEIPT))
    url = "https://dichvucong.danang.gov.vn/ho-so/tra-cuu/?code=000.17.22.H56-261125-0007"
    assert tracking_url(CODE) == url
    assert 'src="data:image/svg+xml' in html
    assert url in html


def test_naive_times_are_read_as_portal_time_and_dates_print_without_hours():
    context = replace(sample_context(DocumentKind.RECEIPT),
                      received_at=datetime(2026, 11, 25, 16, 40),  # noqa: DTZ001
                      due_at=datetime(2026, 11, 26, tzinfo=TZ).date())
    text = pdf_text(render_pdf(DocumentKind.RECEIPT, context))
    assert "16 giờ 40 phút, ngày 25 tháng 11 năm 2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: ngày 26 tháng 11 năm 2026" in text


def test_unknown_kind_and_wrong_context_are_refused():
    with pytest.raises(UnknownDocumentKind):
        render_pdf("mau-99", sample_context(DocumentKind.RECEIPT))
    with pytest.raises(TypeError):
        render_pdf(DocumentKind.REFUSAL, sample_context(DocumentKind.RECEIPT))


def test_context_is_a_plain_typed_dataclass():
    context = sample_context(DocumentKind.RECEIPT)
    assert isinstance(context, ReceiptContext)
    with pytest.raises(TypeError):
        ReceiptContext(unit_name="x", code="y")  # missing required fields


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (2000, "Hai nghìn đồng"),
    (15000, "Mười lăm nghìn đồng"),
    (35000, "Ba mươi lăm nghìn đồng"),
    (105000, "Một trăm lẻ năm nghìn đồng"),
    (200000, "Hai trăm nghìn đồng"),
    (1021000, "Một triệu không trăm hai mươi mốt nghìn đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (24, "Hai mươi tư đồng"),
])
def test_amounts_in_words(amount, words):
    assert so_thanh_chu(amount) == words


def test_same_bytes_when_fonttools_subsets_the_fonts_a_second_later(monkeypatch):
    """Without libharfbuzz-subset, WeasyPrint subsets the fonts with fontTools, which stamps
    each subset with the clock unless SOURCE_DATE_EPOCH pins it (delivery.documents)."""
    from fontTools.misc import timeTools
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    clock = iter(range(1_800_000_000, 1_900_000_000, 10))
    monkeypatch.setattr(timeTools.time, "time", lambda: next(clock))
    context = sample_context(DocumentKind.RECEIPT)
    assert render_pdf(DocumentKind.RECEIPT, context) == render_pdf(DocumentKind.RECEIPT, context)
