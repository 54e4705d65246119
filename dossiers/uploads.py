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


def inspect_upload(upload: UploadedFile) -> dict:
    """Validates one file; returns its content type, sha256, size and a safe storage name."""
    if upload.size > max_file_bytes():
        raise UploadRejected(
            _("Tệp “%(name)s” vượt quá dung lượng cho phép %(mb)s MB.")
            % {"name": upload.name, "mb": max_file_bytes() // (1024 * 1024)},
            code="file_too_large",
        )
    content_type, extension = sniff(upload)
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
        "original_name": (upload.name or "")[-255:],
    }
