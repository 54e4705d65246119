"""Sensitive files at rest (issue 17; Law 91/2025/QH15, Decree 356/2025/NĐ-CP): images of ID
cards (the "giấy tờ tùy thân" documents of a procedure) and the authorisation scans of a
pickup are stored encrypted with Fernet under PRIVATE_FILES_ENCRYPTION_KEY.

An encrypted file starts with MAGIC, so readers need no database flag: ``private_file_response``
decrypts such a file and streams it itself (never X-Accel or a presigned URL, which would hand
out the ciphertext). Backups copy the ciphertext as is."""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile

MAGIC = b"PDENC1\n"
# Document keys of procedures whose files are images of identity papers.
SENSITIVE_DOCUMENT_KEYS = frozenset({"giay-to-tuy-than", "giay-to-tuy-than-cac-ben", "cccd",
                                     "can-cuoc", "can-cuoc-cong-dan", "cmnd"})


def is_sensitive_document(document_key: str) -> bool:
    return document_key in SENSITIVE_DOCUMENT_KEYS


@cache
def _fernet(key: str):
    from cryptography.fernet import Fernet

    return Fernet(key.encode())


def fernet():
    key = getattr(settings, "PRIVATE_FILES_ENCRYPTION_KEY", "") or base64.urlsafe_b64encode(
        hashlib.sha256(f"private-files:{settings.SECRET_KEY}".encode()).digest()).decode()
    return _fernet(key)


def encrypted(upload, *, name: str | None = None) -> ContentFile:
    """The upload's bytes, encrypted, as a file to hand to a storage."""
    upload.seek(0)
    token = fernet().encrypt(upload.read())
    return ContentFile(MAGIC + token, name=name or getattr(upload, "name", None))


def is_encrypted(storage, name: str) -> bool:
    try:
        with storage.open(name, "rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:  # missing here (the web server may still have it): not ours to decrypt
        return False


def decrypted_bytes(storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        data = handle.read()
    if not data.startswith(MAGIC):
        return data
    return fernet().decrypt(data[len(MAGIC):])
