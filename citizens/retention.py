"""Retention (issue 17; Law 91/2025/QH15: data kept no longer than its purpose needs): drafts
never submitted, verification codes and private files no row points at are removed after the
periods in settings. Every step is idempotent; the beat task ``retention_sweep`` runs it
nightly."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import VerificationCode

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    drafts: int = 0
    verification_codes: int = 0
    files: int = 0


def _days(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, name, default)))


def expired_drafts_delete(*, now: datetime.datetime) -> int:
    """Drafts untouched for DRAFT_RETENTION_DAYS, through the citizen's own delete service
    (attachments, store entries made only for them, their files). A draft staff opened is
    kept (the service refuses it)."""
    from dossiers.constants import DossierState
    from dossiers.exceptions import DossierError
    from dossiers.models import Dossier
    from dossiers.services import dossier_delete_draft

    cutoff = now - _days("DRAFT_RETENTION_DAYS", 90)
    deleted = 0
    for dossier in (Dossier.objects.filter(state=DossierState.DRAFT, updated_at__lt=cutoff,
                                           applicant__isnull=False)
                    .select_related("applicant").order_by("pk").iterator()):
        try:
            dossier_delete_draft(dossier=dossier, acting_user=dossier.applicant)
        except (DossierError, Dossier.DoesNotExist):
            continue
        deleted += 1
    return deleted


def expired_codes_delete(*, now: datetime.datetime) -> int:
    cutoff = now - _days("VERIFICATION_CODE_RETENTION_DAYS", 30)
    return VerificationCode.objects.filter(expires_at__lt=cutoff).delete()[0]


def _private_file_fields() -> Iterator[tuple[type[models.Model], str]]:
    from dossiers.storage import private_storage

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.storage == private_storage:
                yield model, field.name


def _walk(storage, path: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(storage, f"{path}/{directory}" if path else directory)


def orphan_files_delete(*, now: datetime.datetime) -> int:
    """Files in the private storage that no FileField row references, older than
    ORPHAN_FILE_GRACE_HOURS (an upload in flight has its file before its row commits)."""
    from dossiers.storage import private_storage

    grace = datetime.timedelta(hours=int(getattr(settings, "ORPHAN_FILE_GRACE_HOURS", 24)))
    referenced: set[str] = set()
    for model, field in _private_file_fields():
        referenced.update(model._default_manager.exclude(**{field: ""})
                          .values_list(field, flat=True))
    deleted = 0
    for name in _walk(private_storage):
        if name in referenced:
            continue
        try:
            if private_storage.get_modified_time(name) > now - grace:
                continue
            private_storage.delete(name)
        except (FileNotFoundError, OSError):
            continue
        deleted += 1
    return deleted


def retention_sweep_run(*, now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult(drafts=expired_drafts_delete(now=now),
                         verification_codes=expired_codes_delete(now=now))
    # After the drafts: their files were released on commit, anything left is orphaned.
    result.files = orphan_files_delete(now=now)
    logger.info("retention sweep: %s", result)
    return result
