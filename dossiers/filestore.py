"""The files a citizen makes the portal keep: one stored copy per distinct content, a quota
over all of them, and no file left on disk once no row points at it.

Every citizen upload lands in their e-document store (``StoredDocument``) and dossier
attachments point at the same file. Without these rules, replacing a draft's file kept the old
file and a new store entry each time, so one account could fill the disk 10 MB at a time
while the 50 MB per-dossier limit only ever saw the current attachments.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from .constants import StoredDocumentKind
from .exceptions import DossierInvalid
from .models import Dossier, DossierAttachment, StoredDocument
from .storage import private_storage

logger = logging.getLogger(__name__)

MB = 1024 * 1024


def citizen_quota_bytes() -> int:
    return int(getattr(settings, "CITIZEN_STORAGE_QUOTA_MB", 200)) * MB


def lock_citizen(owner_id: int) -> None:
    """Serialises one citizen's uploads (quota, de-duplication, clean-up) across dossiers."""
    get_user_model().objects.select_for_update().filter(pk=owner_id).values_list("pk").first()


def citizen_storage_used(owner_id: int) -> int:
    """Bytes on disk for what the citizen uploaded (their e-document store), each distinct
    file once. Results an agency issued to them are not counted: the citizen did not choose
    to store them, and issuing one must never fail on a quota."""
    files = (StoredDocument.objects.filter(owner_id=owner_id, kind=StoredDocumentKind.UPLOAD)
             .values_list("file", "size").distinct())
    return sum(dict(files).values())


def check_citizen_quota(owner_id: int, extra: int) -> None:
    quota = citizen_quota_bytes()
    used = citizen_storage_used(owner_id)
    if used + extra > quota:
        raise DossierInvalid(
            _("Bạn đã dùng hết dung lượng lưu trữ dành cho mỗi tài khoản (đã dùng %(used)s MB "
              "trên %(quota)s MB). Hãy chọn lại giấy tờ đã có trong kho dữ liệu thay vì tải lên "
              "lần nữa, hoặc liên hệ bộ phận một cửa.")
            % {"used": f"{used / MB:.1f}".replace(".", ","), "quota": quota // MB},
            code="storage_quota", details={"used_bytes": used, "quota_bytes": quota})


def stored_copy(*, owner_id: int, sha256: str, size: int,
                document_key: str = "") -> StoredDocument | None:
    """The citizen's stored document with exactly these bytes, if they uploaded them before;
    the one filed under ``document_key`` first."""
    same = StoredDocument.objects.filter(owner_id=owner_id, sha256=sha256, size=size)
    return (same.filter(document_key=document_key).order_by("id").first()
            or same.order_by("id").first())


def release_replaced_attachments(*, dossier: Dossier, replaced: Iterable[DossierAttachment],
                                 keep: StoredDocument | None) -> None:
    """Deletes attachments a draft replaced, the store entries that only existed for them,
    and, after commit, their files if nothing references them any more."""
    names = set()
    for attachment in replaced:
        names.add(attachment.file.name)
        document = attachment.stored_document
        attachment.delete()
        if (document is not None and document != keep
                and document.kind == StoredDocumentKind.UPLOAD
                and document.source_dossier_id == dossier.pk
                and not document.uses.exists()
                and not Dossier.objects.filter(result_document=document).exists()):
            # This draft's own upload, used nowhere else: the citizen replaced it.
            names.add(document.file.name)
            document.delete()
    if names:
        transaction.on_commit(partial(delete_unreferenced_files, sorted(names)))


def delete_unreferenced_files(names: Iterable[str]) -> list[str]:
    """Removes each private file no attachment or stored document points at; returns them."""
    deleted = []
    for name in names:
        if (not name or DossierAttachment.objects.filter(file=name).exists()
                or StoredDocument.objects.filter(file=name).exists()):
            continue
        try:
            private_storage.delete(name)
        except OSError:  # the row is gone either way; a later sweep may retry
            logger.warning("Could not delete replaced dossier file %s", name, exc_info=True)
        else:
            deleted.append(name)
    return deleted
