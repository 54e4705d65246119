"""Checks on uploaded files: the type comes from the first bytes, never from the name."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import UploadRejected

SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


def max_file_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_FILE_BYTES", 10 * 1024 * 1024))


def max_dossier_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_TOTAL_BYTES", 50 * 1024 * 1024))


def sniff(upload: UploadedFile) -> tuple[str, str]:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise UploadRejected(
        _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG.") % {"name": upload.name},
        code="file_type",
    )


# A scan of an A4 page at 600 dpi is ~35 megapixels; anything far larger is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000
MAX_PDF_PAGES = 500
# Active content has no place in a scanned document; the markers are checked on the raw bytes
# and, where pypdf can read the file, on its catalogue (object streams hide raw markers).
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia",
                      b"/XFA")


def safe_original_name(name: str) -> str:
    """The last path component, without control characters (names like ../../etc/passwd)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip(" .")[-255:] or "tep"


def _with_extension(name: str, extension: str) -> str:
    """The name keeps the extension of what the file really is (anh.html → anh.png)."""
    stem, dot, current = name.rpartition(".")
    if dot and current.lower() in ({extension, "jpeg"} if extension == "jpg" else {extension}):
        return name
    return f"{stem if dot else name}.{extension}"[-255:]


def _reject(message: str, **params) -> UploadRejected:
    return UploadRejected(message % params, code="file_content")


def _check_image(upload: UploadedFile) -> None:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _reject(_("Ảnh “%(name)s” quá lớn (%(w)s×%(h)s điểm ảnh)."),
                              name=upload.name, w=width, h=height)
            image.verify()
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise _reject(_("Ảnh “%(name)s” quá lớn."), name=upload.name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _reject(_("Ảnh “%(name)s” bị hỏng hoặc không đọc được."),
                      name=upload.name) from exc
    finally:
        upload.seek(0)


def _check_pdf(upload: UploadedFile) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    if any(marker in raw for marker in PDF_ACTIVE_MARKERS):
        raise _reject(_("Tệp PDF “%(name)s” chứa mã lệnh hoặc tệp nhúng nên không được nhận. "
                        "Hãy in ra PDF hoặc quét lại giấy tờ."), name=upload.name)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _reject(_("Tệp PDF “%(name)s” có mật khẩu; hãy gửi bản không đặt mật khẩu."),
                          name=upload.name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _reject(_("Tệp PDF “%(name)s” có quá nhiều trang."), name=upload.name)
        root = reader.trailer.get("/Root", {})
        names = root.get("/Names", {}) if hasattr(root, "get") else {}
        if "/OpenAction" in root and "/JS" in str(root.get("/OpenAction")) or (
                hasattr(names, "get") and ("/JavaScript" in names or "/EmbeddedFiles" in names)):
            raise _reject(_("Tệp PDF “%(name)s” chứa mã lệnh hoặc tệp nhúng nên không được "
                            "nhận."), name=upload.name)
    except UploadRejected:
        raise
    except (PdfReadError, PdfStreamError, MemoryError) as exc:
        if "limit" in str(exc).lower() or isinstance(exc, MemoryError):
            raise _reject(_("Tệp PDF “%(name)s” giải nén ra quá lớn, không được nhận."),
                          name=upload.name) from exc
        # Otherwise an unusual but inert file: it is stored as it is and never processed.
    except Exception:  # noqa: BLE001, S110 - a parser quirk must not block a scan
        pass
    finally:
        upload.seek(0)


def inspect_upload(upload: UploadedFile) -> dict:
    """Validates one file; returns its content type, sha256, size and a safe storage name."""
    if upload.size > max_file_bytes():
        raise UploadRejected(
            _("Tệp “%(name)s” vượt quá dung lượng cho phép %(mb)s MB.")
            % {"name": upload.name, "mb": max_file_bytes() // (1024 * 1024)},
            code="file_too_large",
        )
    content_type, extension = sniff(upload)
    if content_type == "application/pdf":
        _check_pdf(upload)
    else:
        _check_image(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    today = timezone.localdate()
    return {
        "content_type": content_type,
        "sha256": digest.hexdigest(),
        "size": upload.size,
        "storage_name": f"dossiers/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}",
        "original_name": _with_extension(safe_original_name(upload.name), extension),
    }
