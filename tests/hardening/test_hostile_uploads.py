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
    body = b"%PDF-1.7\n"
    for number, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


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
