"""Hostile files through the real upload path (the citizen API): polyglots, active PDFs, zip
bombs inside PDFs, decompression-bomb images, path traversal names, lying content types."""

from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from dossiers.models import DossierAttachment
from tests.factories import make_procedure, make_unit_tree
from tests.pdfs import PDF, build_pdf, one_page_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_ref(django_user_model):
    units = make_unit_tree()
    procedure = make_procedure()
    citizen = django_user_model.objects.create_user("cd_hostile", password="x",
                                                    full_name="An", phone="+84905111999")
    api = APIClient()
    api.force_login(citizen)
    response = api.post("/api/v1/dossiers/", {
        "procedure": procedure.code, "place": units["ward"].code,
        "data": {"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-01"},
    }, format="json")
    assert response.status_code == 201
    return api, response.json()["ref"]


def upload(api, ref, name, content, content_type="application/pdf"):
    return api.post(f"/api/v1/dossiers/{ref}/attachments/", {
        "document_key": "to-khai",
        "file": SimpleUploadedFile(name, content, content_type=content_type),
    }, format="multipart")


def png(width=8, height=8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes that claim a gigantic image (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def pdf_with(*objects: bytes) -> bytes:
    return build_pdf(*objects)


def test_pdf_with_javascript_is_refused(draft_ref):
    api, ref = draft_ref
    active = pdf_with(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    response = upload(api, ref, "to-khai.pdf", active)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_content"
    assert not DossierAttachment.objects.exists()


def test_pdf_with_an_embedded_file_is_refused(draft_ref):
    api, ref = draft_ref
    polyglot = pdf_with(b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>",
                        b"<< /Names [(x.exe) 3 0 R] >>", b"<< /Type /EmbeddedFile >>")
    assert upload(api, ref, "to-khai.pdf", polyglot).status_code == 400


REFUSED_ACTIVE = "chứa mã lệnh hoặc tệp nhúng"


def assert_refused_as_active(response):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "file_content"
    assert REFUSED_ACTIVE in error["message"]
    assert not DossierAttachment.objects.exists()


def test_hex_escaped_javascript_in_a_page_action_is_refused(draft_ref):
    """``/J#61vaScript`` is ``/JavaScript`` to every reader; no raw byte marker matches it."""
    api, ref = draft_ref
    active = one_page_pdf(page_extra=b"/AA << /O << /S /J#61vaScript /J#53 (app.alert(1)) >> >> ")
    assert b"/JavaScript" not in active and b"/JS " not in active
    assert_refused_as_active(upload(api, ref, "to-khai.pdf", active))


def test_an_inert_font_whose_name_starts_with_js_is_accepted(draft_ref):
    api, ref = draft_ref
    scan = one_page_pdf(font=b"<< /Type /Font /Subtype /TrueType /BaseFont /JSKQPL+Arial "
                             b"/FontDescriptor << /FontName /JSKQPL+Arial /Flags 32 >> >>")
    response = upload(api, ref, "to-khai.pdf", scan)
    assert response.status_code == 201, response.content


def test_a_plain_one_page_pdf_is_accepted(draft_ref):
    api, ref = draft_ref
    assert upload(api, ref, "to-khai.pdf", PDF).status_code == 201


def test_launch_action_on_a_link_is_refused(draft_ref):
    api, ref = draft_ref
    active = one_page_pdf(page_extra=b"/Annots [5 0 R] ", more=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] "
        b"/A << /S /Launch /F (cmd.exe) >> >>",))
    assert_refused_as_active(upload(api, ref, "to-khai.pdf", active))


def test_javascript_uri_in_an_annotation_is_refused(draft_ref):
    api, ref = draft_ref
    active = one_page_pdf(page_extra=b"/Annots [5 0 R] ", more=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
        rb"/A << /S /URI /URI ( JavaScript:alert\(1\)) >> >>",))
    assert_refused_as_active(upload(api, ref, "to-khai.pdf", active))


def test_an_ordinary_web_link_is_accepted(draft_ref):
    api, ref = draft_ref
    scan = one_page_pdf(page_extra=b"/Annots [5 0 R] ", more=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
        b"/A << /S /URI /URI (https://dichvucong.gov.vn/) >> >>",))
    assert upload(api, ref, "to-khai.pdf", scan).status_code == 201


@pytest.mark.parametrize("catalog_extra", [
    b"/OpenAction 5 0 R ",
    b"/AA << /WC 5 0 R >> ",
    b"/Names << /JavaScript << /Names [(a) 5 0 R] >> >> ",
    b"/AcroForm << /Fields [] /XFA 6 0 R >> ",
    b"/Outlines << /First << /Title (x) /A << /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >> >> >> ",
], ids=["open-action", "document-aa", "names-javascript", "xfa", "action-chain"])
def test_document_level_active_content_is_refused(draft_ref, catalog_extra):
    api, ref = draft_ref
    active = one_page_pdf(catalog_extra=catalog_extra, more=(
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
        b"<< /Length 0 >>\nstream\n\nendstream"))
    assert_refused_as_active(upload(api, ref, "to-khai.pdf", active))


def pdf_with_compressed_open_action() -> bytes:
    """Catalog's /OpenAction points at object 5, stored compressed inside object stream 6 and
    indexed by a cross-reference stream (7): the raw bytes never spell the action out."""
    hidden = b"5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    packed = zlib.compress(hidden)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Producer (scanner) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in enumerate(objects, start=1):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets[6] = out.tell()
    out.write(b"6 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % len(packed) + packed + b"\nendstream\nendobj\n")
    offsets[7] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 6, 0), struct.pack(">BIH", 1, offsets[6], 0),
             struct.pack(">BIH", 1, offsets[7], 0)]
    table = b"".join(rows)
    out.write(b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
              % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
              % offsets[7])
    return out.getvalue()


def test_javascript_hidden_in_a_compressed_object_stream_is_refused(draft_ref):
    from pypdf import PdfReader

    api, ref = draft_ref
    raw = pdf_with_compressed_open_action()
    assert b"JavaScript" not in raw and b"/JS" not in raw
    opened = PdfReader(io.BytesIO(raw), strict=True).trailer["/Root"]["/OpenAction"]
    assert opened["/S"] == "/JavaScript"  # what a reader runs
    assert_refused_as_active(upload(api, ref, "to-khai.pdf", raw))


def test_an_encrypted_pdf_is_refused_with_a_clear_message(draft_ref):
    from pypdf import PdfReader, PdfWriter

    api, ref = draft_ref
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(api, ref, "to-khai.pdf", buffer.getvalue())
    assert response.status_code == 400
    assert "mật khẩu" in response.json()["error"]["message"]


@pytest.mark.parametrize("content", [b"%PDF-1.4\n%%EOF\n", b"%PDF-" + b"x" * 100,
                                     b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n"])
def test_an_unreadable_pdf_is_refused_with_a_clear_message(draft_ref, content):
    api, ref = draft_ref
    response = upload(api, ref, "to-khai.pdf", content)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_content"
    assert "không đọc được" in error["message"]


def test_zip_bomb_inside_a_pdf_is_never_inflated(draft_ref):
    api, ref = draft_ref
    bomb = zlib.compress(b"\x00" * (200 * 1024 * 1024), 9)  # 200 MB of zeros, ~200 KB
    stream = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
              + b"\nendstream")
    started = time.perf_counter()
    response = upload(api, ref, "bom.pdf", pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>",
                                                    b"<< /Type /Pages /Kids [] /Count 0 >>",
                                                    stream))
    assert time.perf_counter() - started < 5
    # Stored as an inert scan (nothing on the server ever decompresses it) or refused: either
    # way a clean answer, never a crash.
    assert response.status_code in (201, 400)


def test_decompression_bomb_image_is_refused(draft_ref):
    api, ref = draft_ref
    response = upload(api, ref, "anh.png", png_declaring(60_000, 60_000), "image/png")
    assert response.status_code == 400
    assert "quá lớn" in response.json()["error"]["message"]


def test_corrupt_image_is_refused(draft_ref):
    api, ref = draft_ref
    response = upload(api, ref, "anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image/jpeg")
    assert response.status_code == 400


@pytest.mark.parametrize("content", [b"MZ\x90\x00" + b"\x00" * 100,
                                     b"<html><script>alert(1)</script></html>",
                                     b"PK\x03\x04" + b"\x00" * 100])
def test_lying_names_and_content_types_are_refused(draft_ref, content):
    api, ref = draft_ref
    response = upload(api, ref, "to-khai.pdf", content, "application/pdf")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type"


def test_path_traversal_names_cannot_choose_where_a_file_lands(draft_ref, settings):
    api, ref = draft_ref
    response = upload(api, ref, "../../../../etc/cron.d/evil.png", png(), "image/png")
    assert response.status_code == 201, response.content
    attachment = DossierAttachment.objects.get()
    assert attachment.original_name == "evil.png"
    stored = Path(attachment.file.path).resolve()
    assert "etc/cron.d" not in str(stored)
    assert stored.name.endswith(".png") and len(stored.stem) == 32


def test_a_png_polyglot_is_served_as_an_image_never_as_html(draft_ref):
    api, ref = draft_ref
    polyglot = png() + b"<html><script>alert(document.cookie)</script></html>"
    assert upload(api, ref, "anh.html", polyglot, "text/html").status_code == 201
    attachment = DossierAttachment.objects.get()
    response = api.get(f"/ho-so/{ref}/tep/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Disposition"]
