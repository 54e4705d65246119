"""The seven forms of TT 03/2025/TT-VPCP, each rendered for a dossier built through the
services: the Vietnamese title and "Mẫu 0N", the committee's heading, the dossier code, dates
as d/m/Y, no "…" placeholders; the receipt on one page, the label's Code 128 barcode, the
result column of Mẫu 06 for a crafted history, the logbook as PDF and XLSX. Stored PDFs keep
their bytes."""

from __future__ import annotations

import datetime
import io
import os
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.testing import login_verified
from delivery import contexts
from delivery.constants import DocumentKind
from delivery.documents import code128_svg, render_html, render_pdf
from delivery.logbook import logbook_context, logbook_rows
from delivery.models import GeneratedDocument, Shipment
from delivery.rendering import dossier_document_render, shipment_key
from delivery.tasks import sweep_documents
from dossiers.constants import Action, SlipKind
from dossiers.models import DossierSlip, DossierTransition
from dossiers.services import (
    dossier_apologize,
    dossier_request_supplement,
    dossier_stop,
)
from tests.factories import make_dossier, make_procedure

pytestmark = pytest.mark.django_db

HEADING = "UBND PHƯỜNG KHUÊ TRUNG BỘ PHẬN MỘT CỬA"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _keep(name: str, pdf: bytes) -> None:
    """FORMS_PDF_DIR set: keep the PDF for a person to look at (bench/results/forms)."""
    folder = os.environ.get("FORMS_PDF_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(pdf)


def _stored(kind: str, dossier) -> bytes:
    document = GeneratedDocument.objects.filter(kind=kind, dossier_id=dossier.pk).latest("id")
    with document.file.open("rb") as handle:
        return handle.read()


def _check(pdf: bytes, *, number: str, title: str, dossier, heading: str = HEADING) -> str:
    text = text_of(pdf)
    assert f"Mẫu {number}" in text
    assert title in text
    assert heading in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    if dossier is not None:
        assert dossier.code in text
    assert "…" not in text and "..." not in text
    return text


@pytest.fixture
def procedure(db):
    return make_procedure()


@pytest.fixture
def staff(clerk, processor, leader):
    return {"clerk": clerk, "processor": processor, "leader": leader}


def _received(procedure, citizen, units, staff, **kwargs):
    return make_dossier(state="received", procedure=procedure, citizen=citizen, units=units,
                        **staff, **kwargs)


def test_mau_01_receipt(procedure, citizen, units, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _received(procedure, citizen, units, staff)
    pdf = _stored(DocumentKind.RECEIPT, dossier)
    _keep("mau-01", pdf)
    text = _check(pdf, number="01", title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                  dossier=dossier)
    assert pages(pdf) == 1  # the QR block stays on the page
    assert "Địa chỉ:" not in text  # filed online without an address: not printed at all
    assert "Đăng ký nhận kết quả tại: Phường Khuê Trung" in text
    assert "bưu chính" not in text
    assert f"ngày {dossier.due_date:%d} tháng {dossier.due_date:%m} năm {dossier.due_date:%Y}" \
        in text


def test_mau_01_receipt_by_post_says_only_the_post(procedure, citizen, units, staff,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _received(procedure, citizen, units, staff, postal=True)
    pdf = _stored(DocumentKind.RECEIPT, dossier)
    text = _check(pdf, number="01", title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                  dossier=dossier)
    assert pages(pdf) == 1
    assert ("Đăng ký nhận kết quả qua dịch vụ bưu chính công ích tại địa chỉ: 12 Lê Duẩn"
            in text)
    assert "nhận kết quả tại" not in text.replace("qua dịch vụ bưu chính công ích tại", "")


def test_mau_02_items_and_reason_are_distinct(procedure, citizen, units, staff,
                                              django_capture_on_commit_callbacks):
    dossier = _received(procedure, citizen, units, staff)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_request_supplement(dossier=dossier, acting_user=staff["clerk"],
                                   note="Bản sao giấy chứng sinh\nTờ khai có chữ ký của mẹ")
    pdf = _stored(DocumentKind.SUPPLEMENT_REQUEST, dossier)
    _keep("mau-02", pdf)
    text = _check(pdf, number="02", title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                  dossier=dossier)
    assert text.count("Bản sao giấy chứng sinh") == 1
    assert "Lý do: Hồ sơ chưa đầy đủ, chưa hợp lệ" in text


def test_mau_03_refusal(procedure, citizen, units, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(state="refused", procedure=procedure, citizen=citizen,
                               units=units, **staff)
    pdf = _stored(DocumentKind.REFUSAL, dossier)
    _keep("mau-03", pdf)
    text = _check(pdf, number="03", title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                  dossier=dossier)
    assert "Không đủ điều kiện" in text


def test_mau_04_apology_and_extension(procedure, citizen, units, staff,
                                      django_capture_on_commit_callbacks):
    dossier = _received(procedure, citizen, units, staff)
    new_due = dossier.due_date + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_apologize(dossier=dossier, acting_user=staff["leader"],
                          note="Cần xác minh thông tin với cơ sở y tế.", new_due_date=new_due)
    pdf = _stored(DocumentKind.APOLOGY, dossier)
    _keep("mau-04", pdf)
    text = _check(pdf, number="04",
                  title="VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                  dossier=dossier, heading="ỦY BAN NHÂN DÂN PHƯỜNG KHUÊ TRUNG")
    assert "đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ đến" in text
    assert f"ngày {new_due:%d} tháng {new_due:%m} năm {new_due:%Y}" in text


def test_mau_05_stop_notice(procedure, citizen, units, staff,
                            django_capture_on_commit_callbacks):
    dossier = make_dossier(state="supplement_requested", procedure=procedure, citizen=citizen,
                           units=units, **staff)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_stop(dossier=dossier, acting_user=staff["clerk"],
                     note="Quá thời hạn bổ sung mà công dân chưa bổ sung hồ sơ.")
    pdf = _stored(DocumentKind.STOP_NOTICE, dossier)
    _keep("mau-05", pdf)
    text = _check(pdf, number="05", title="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", dossier=dossier,
                  heading="ỦY BAN NHÂN DÂN PHƯỜNG KHUÊ TRUNG")
    assert "Lý do: Quá thời hạn bổ sung mà công dân chưa bổ sung hồ sơ." in text
    assert "đã đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ" in text


TZ = datetime.timezone(datetime.timedelta(hours=7))


def test_mau_06_result_column_from_each_steps_allotted_time(
        procedure, citizen, units, staff, client, django_capture_on_commit_callbacks):
    """Steps: reception 0 days, appraisal 0.5 day, signing 0.5 day (office day 7.5 h). A crafted
    history on Tuesday 1 – Wednesday 2 December 2026: received in person (on time), reception
    hands over the same day (on time), appraisal the next morning (late: over its half day),
    signing within the hour (on time), the result returned a day before the appointment
    (early)."""
    dossier = make_dossier(state="returned", procedure=procedure, citizen=citizen, units=units,
                           **staff)
    moments = {
        Action.RECEIVE: datetime.datetime(2026, 12, 1, 8, 0, tzinfo=TZ),
        Action.FORWARD: [datetime.datetime(2026, 12, 1, 8, 30, tzinfo=TZ),
                         datetime.datetime(2026, 12, 2, 10, 0, tzinfo=TZ)],
        Action.APPROVE: datetime.datetime(2026, 12, 2, 10, 45, tzinfo=TZ),
        Action.MARK_RESULT_READY: datetime.datetime(2026, 12, 2, 11, 0, tzinfo=TZ),
        Action.RETURN_RESULT: datetime.datetime(2026, 12, 2, 14, 0, tzinfo=TZ),
    }
    forwards = iter(moments[Action.FORWARD])
    for entry in DossierTransition.objects.filter(dossier=dossier, action__in=list(moments)):
        at = next(forwards) if entry.action == Action.FORWARD else moments[entry.action]
        DossierTransition.objects.filter(pk=entry.pk).update(
            created_at=at, due_date=datetime.date(2026, 12, 3))
    type(dossier).objects.filter(pk=dossier.pk).update(
        received_at=moments[Action.RECEIVE], due_date=datetime.date(2026, 12, 3),
        channel="1")
    dossier.refresh_from_db()

    sheet = contexts.control_sheet_context(dossier)
    rows = [(h.note.split(":")[0], h.result) for h in sheet.handovers]
    assert rows == [("Tiếp nhận", "Đúng hạn"), ("Chuyển bước tiếp theo", "Đúng hạn"),
                    ("Chuyển bước tiếp theo", "Quá hạn"), ("Phê duyệt", "Đúng hạn"),
                    ("Trả kết quả", "Trước hạn")]
    # Givers and receivers are people with their unit, never step names.
    forward = sheet.handovers[1]
    assert forward.giver == "Clerk (Phường Khuê Trung)"
    assert forward.receiver == "Processor (Phường Khuê Trung)"
    assert sheet.handovers[3].receiver == "Clerk (Phường Khuê Trung)"  # the desk takes it
    assert sheet.handovers[4].receiver.startswith(dossier.applicant_name)
    assert sheet.coordinating_units == []

    login_verified(client, staff["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("delivery_documents:control_sheet", args=[dossier.code]))
    pdf = _stored(DocumentKind.CONTROL_SHEET, dossier)
    _keep("mau-06", pdf)
    text = _check(pdf, number="06", title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                  dossier=dossier)
    assert "Cơ quan phối hợp" not in text
    for word in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        assert word in text
    assert "01/12/2026" in text and "03/12/2026" in text


def test_mau_07_logbook_pdf_and_xlsx(procedure, citizen, units, staff, client):
    dossier = make_dossier(state="returned", procedure=procedure, citizen=citizen, units=units,
                           **staff)
    stopped = make_dossier(state="supplement_requested", procedure=procedure, citizen=citizen,
                           units=units, **staff)
    dossier_stop(dossier=stopped, acting_user=staff["clerk"], note="Công dân đề nghị dừng.")
    today = timezone.localdate()
    login_verified(client, staff["clerk"])
    url = reverse("delivery_staff:logbook")
    query = {"don_vi": units["ward"].pk, "tu_ngay": today.replace(day=1).isoformat(),
             "den_ngay": today.isoformat()}
    pdf_response = client.get(url, {**query, "dinh_dang": "pdf"})
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    pdf = pdf_response.content
    _keep("mau-07", pdf)
    text = _check(pdf, number="07", title="SỔ THEO DÕI HỒ SƠ", dossier=None)
    assert dossier.code in text.replace(" ", "") or dossier.code.split("-")[-1] in text
    assert "Đã dừng giải quyết" in text
    assert f"Từ ngày {today.replace(day=1):%d/%m/%Y} đến ngày {today:%d/%m/%Y}" in text
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape

    xlsx = client.get(url, {**query, "dinh_dang": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[3][:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    codes = [row[1] for row in values[4:]]
    assert dossier.code in codes and stopped.code in codes
    returned_row = values[4 + codes.index(dossier.code)]
    assert returned_row[12] == "Tại bộ phận một cửa"
    assert returned_row[7].endswith(timezone.localtime(dossier.received_at).strftime("%d/%m/%Y"))

    # Bad input: a Vietnamese message, never a 500; another unit's book is not offered.
    bad = client.get(url, {**query, "den_ngay": "2020-01-01", "dinh_dang": "pdf"})
    assert bad.status_code == 400
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”" in bad.content.decode()
    other = client.get(url, {**query, "don_vi": units["other_ward"].pk, "dinh_dang": "xlsx"})
    assert other.status_code == 400


def test_postal_label_has_the_code128_barcode_of_the_tracking_number(
        procedure, citizen, units, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(state="result_ready", procedure=procedure, citizen=citizen,
                               units=units, postal=True, **staff)
    shipment = Shipment.objects.get(idempotency_key=shipment_key(dossier.pk))
    context = contexts.postal_label_context(dossier, shipment)
    html = render_html(DocumentKind.POSTAL_LABEL, context)
    svg = code128_svg(shipment.tracking_number)
    assert f'data-code128="{shipment.tracking_number}"' in svg
    assert svg in html and svg.count("<rect") > 30
    pdf = _stored(DocumentKind.POSTAL_LABEL, dossier)
    assert shipment.tracking_number in text_of(pdf)


def test_stored_pdfs_keep_their_bytes(procedure, citizen, units, staff,
                                      django_capture_on_commit_callbacks):
    """A slip rendered before the renumbering (here: its stored row) is never rendered again:
    the sweep finds nothing missing, and the file is the one stored."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _received(procedure, citizen, units, staff)
    slip = DossierSlip.objects.get(dossier=dossier, kind=SlipKind.RECEIPT)
    document = GeneratedDocument.objects.get(subject_key=f"slip:{slip.pk}")
    old = b"%PDF-1.7 rendered under TT 01/2018"
    with document.file.open("wb") as handle:
        handle.write(old)
    before = GeneratedDocument.objects.count()
    assert sweep_documents() == 0
    assert GeneratedDocument.objects.count() == before
    with document.file.open("rb") as handle:
        assert handle.read() == old


def test_every_form_renders_from_the_dossier_records(procedure, citizen, units, staff):
    """Every slip kind of a stored slip maps to its document (the sweep renders any of them)."""
    dossier = _received(procedure, citizen, units, staff)
    for kind in SlipKind.values:
        assert kind in contexts.SLIP_DOCUMENT_KIND
    document = dossier_document_render(kind=DocumentKind.CONTROL_SHEET, dossier_id=dossier.pk)
    assert document is not None
    context = logbook_context(units["ward"], timezone.localdate(), timezone.localdate(),
                              logbook_rows(units["ward"], timezone.localdate(),
                                           timezone.localdate()))
    assert render_pdf(DocumentKind.LOGBOOK, context) == render_pdf(DocumentKind.LOGBOOK, context)
