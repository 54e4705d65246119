"""Checks on uploaded files: the type comes from the first bytes, never from the name."""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import UploadRejected

logger = logging.getLogger(__name__)

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
# A 500-page scan is a few thousand objects; a file far past this is built to exhaust the check.
MAX_PDF_OBJECTS = 50_000

# Active content has no place in a scanned document. It is looked for in the parsed objects,
# never in the raw bytes: the parser decodes ``/J#61vaScript`` to ``/JavaScript`` and opens
# compressed object streams, and it compares whole names, so an inert font called
# ``/JSKQPL+Arial`` is not mistaken for a ``/JS`` script.
PDF_ACTIVE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE",
    "/Rendition",
})
# Keys that only ever carry scripts, embedded files or XFA forms: a script (/JS), the document's
# named scripts and files (/JavaScript, /EmbeddedFiles), a file specification's embedded file
# (/EF), an XFA form (/XFA), a Flash/3D payload (/RichMediaContent).
PDF_ACTIVE_KEYS = frozenset({
    "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent",
})
PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/3D", "/Screen", "/Movie"})
PDF_ACTIVE_TYPES = frozenset({"/EmbeddedFile"})
# Link targets a reader would run or open locally rather than show in a browser.
PDF_UNSAFE_URI_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


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


class _TooComplex(Exception):
    """More objects than a scan ever has: refused rather than walked."""


def _uri_is_unsafe(value) -> bool:
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    # Readers, like browsers, drop blanks and control characters inside a scheme.
    squeezed = "".join(ch for ch in text if ch.isprintable() and not ch.isspace()).lower()
    return squeezed.startswith(PDF_UNSAFE_URI_SCHEMES)


def _is_active(entry) -> bool:
    """Whether one parsed dictionary is a script, an embedded file or an action that runs."""
    from pypdf.generic import IndirectObject

    def value(key):
        found = dict.get(entry, key)
        return found.get_object() if isinstance(found, IndirectObject) else found

    if not PDF_ACTIVE_KEYS.isdisjoint(dict.keys(entry)):
        return True
    action = value("/S")
    if action in PDF_ACTIVE_ACTIONS:
        return True
    if action == "/URI" and _uri_is_unsafe(value("/URI") or ""):
        return True
    return value("/Type") in PDF_ACTIVE_TYPES or value("/Subtype") in PDF_ACTIVE_SUBTYPES


def pdf_active_content(reader) -> bool:
    """Walks every object reachable from the catalogue (pages, annotations and their /A and
    /AA actions, /Next chains, outlines, the AcroForm, the name trees) without decoding any
    content stream. Raises ``_TooComplex`` past ``MAX_PDF_OBJECTS``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [dict.get(reader.trailer, "/Root")]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise _TooComplex
        # dict.values / list iteration keep references unresolved, so the walk follows each
        # indirect object once, whatever the cycles (/Parent, /Next, /P).
        if isinstance(node, DictionaryObject):  # stream dictionaries too, never their data
            if _is_active(node):
                return True
            stack.extend(dict.values(node))
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
    return False


def _check_pdf(upload: UploadedFile) -> None:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    upload.seek(0)
    unreadable = _("Tệp PDF “%(name)s” bị hỏng hoặc không đọc được nên chưa kiểm tra được. "
                   "Hãy lưu (in) lại ra PDF hoặc quét lại giấy tờ rồi gửi lại.")
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _reject(_("Tệp PDF “%(name)s” có mật khẩu hoặc được mã hoá nên không kiểm tra "
                            "được; hãy gửi bản không đặt mật khẩu."), name=upload.name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _reject(_("Tệp PDF “%(name)s” có quá nhiều trang."), name=upload.name)
        if pdf_active_content(reader):
            raise _reject(_("Tệp PDF “%(name)s” chứa mã lệnh hoặc tệp nhúng nên không được "
                            "nhận. Hãy in ra PDF hoặc quét lại giấy tờ."), name=upload.name)
    except UploadRejected:
        raise
    except (LimitReachedError, MemoryError) as exc:
        raise _reject(_("Tệp PDF “%(name)s” giải nén ra quá lớn, không được nhận."),
                      name=upload.name) from exc
    except _TooComplex as exc:
        raise _reject(_("Tệp PDF “%(name)s” có cấu trúc quá phức tạp, không được nhận."),
                      name=upload.name) from exc
    except Exception as exc:  # noqa: BLE001 - whatever the parser trips on, it was not checked
        # A file the parser cannot read is a file whose content was not checked; a lenient
        # viewer may still open it and run what it hides, so it is refused, not stored.
        logger.info("PDF upload refused as unreadable: %s: %s", type(exc).__name__, exc)
        raise _reject(unreadable, name=upload.name) from exc
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
