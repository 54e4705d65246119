"""Issue 17: the nightly retention sweep removes expired drafts, verification codes and
orphaned private files after the configured periods, keeps everything else, and is
idempotent."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from citizens.models import VerificationCode
from citizens.tasks import retention_sweep
from dossiers.models import Dossier, DossierAttachment
from dossiers.storage import private_storage
from tests.citizens.helpers import make_citizen
from tests.factories import make_dossier, make_procedure, make_unit_tree

pytestmark = pytest.mark.django_db


def _age(name: str, hours: float) -> None:
    stamp = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(private_storage.path(name), (stamp, stamp))


def test_the_sweep_is_scheduled_with_configurable_periods():
    entry = settings.CELERY_BEAT_SCHEDULE["citizens-retention-sweep"]
    assert entry["task"] == "citizens.tasks.retention_sweep"
    assert (settings.DRAFT_RETENTION_DAYS, settings.VERIFICATION_CODE_RETENTION_DAYS,
            settings.ORPHAN_FILE_GRACE_HOURS) == (90, 30, 24)


def test_retention_sweep_removes_only_what_expired_and_is_idempotent(settings):
    settings.DRAFT_RETENTION_DAYS = 90
    units, procedure, owner = make_unit_tree(), make_procedure(), make_citizen()
    other = make_citizen(national_id="001203004545", dob=datetime.date(2003, 1, 2),
                         phone="0912000111", email="binh@example.vn")
    # Another citizen's: uploads are de-duplicated per owner, so its files are its own.
    old_draft = make_dossier(state="draft", procedure=procedure, citizen=other, units=units)
    old_files = list(DossierAttachment.objects.filter(dossier=old_draft)
                     .values_list("file", flat=True))
    fresh_draft = make_dossier(state="draft", procedure=procedure, citizen=owner, units=units)
    submitted = make_dossier(state="submitted", procedure=procedure, citizen=owner,
                             units=units)
    long_ago = timezone.now() - datetime.timedelta(days=91)
    Dossier.objects.filter(pk__in=[old_draft.pk, submitted.pk]).update(updated_at=long_ago)
    for name in old_files + list(DossierAttachment.objects.values_list("file", flat=True)):
        _age(name, 24 * 91)

    def code(expired_days_ago):
        return VerificationCode.objects.create(
            user=owner, purpose="verify_phone", channel="sms", destination=owner.phone,
            nonce="n", expires_at=timezone.now() - datetime.timedelta(days=expired_days_ago))
    old_code, recent_code = code(31), code(2)

    old_orphan = private_storage.save("dossiers/2025/01/orphan.pdf", ContentFile(b"x"))
    _age(old_orphan, 25)
    fresh_orphan = private_storage.save("dossiers/2026/11/in-flight.pdf", ContentFile(b"y"))

    result = retention_sweep.delay().get()
    # The draft's own files go when its deletion commits; inside the test's transaction that
    # is never, so the orphan step finds them too (in production they are already gone).
    assert result == {"drafts": 1, "verification_codes": 1, "files": 1 + len(set(old_files))}
    assert not Dossier.objects.filter(pk=old_draft.pk).exists()
    assert Dossier.objects.filter(pk__in=[fresh_draft.pk, submitted.pk]).count() == 2
    assert not any(private_storage.exists(name) for name in old_files)
    for attachment in DossierAttachment.objects.all():  # referenced files stay, however old
        assert private_storage.exists(attachment.file.name)
    assert not VerificationCode.objects.filter(pk=old_code.pk).exists()
    assert VerificationCode.objects.filter(pk=recent_code.pk).exists()
    assert not private_storage.exists(old_orphan) and private_storage.exists(fresh_orphan)

    assert retention_sweep.delay().get() == {"drafts": 0, "verification_codes": 0, "files": 0}
