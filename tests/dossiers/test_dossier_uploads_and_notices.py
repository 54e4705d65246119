import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens import sms
from dossiers.exceptions import DossierInvalid, NotPermitted, UploadRejected
from dossiers.models import DossierNotice, StoredDocument
from dossiers.services import dossier_attach, dossier_create_draft, dossier_receive
from dossiers.storage import private_root
from tests.pdfs import one_page_pdf

from .conftest import PNG, pdf

pytestmark = pytest.mark.django_db


def test_files_are_checked_by_content_not_name(draft, citizen):
    fake = SimpleUploadedFile("giay.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(UploadRejected):
        dossier_attach(dossier=draft, acting_user=citizen, document_key="to-khai", upload=fake)
    png = dossier_attach(dossier=draft, acting_user=citizen, document_key="to-khai",
                         upload=SimpleUploadedFile("anh.exe", PNG))
    assert png.content_type == "image/png"
    assert png.file.name.endswith(".png") and "anh" not in png.file.name
    assert (private_root() / png.file.name).exists()


def test_size_limits_come_from_settings(draft, citizen, settings):
    settings.DOSSIER_MAX_FILE_BYTES = 20
    with pytest.raises(UploadRejected):
        dossier_attach(dossier=draft, acting_user=citizen, document_key="to-khai",
                       upload=pdf(content=one_page_pdf(more=(b"(%s)" % (b"x" * 100),))))
    settings.DOSSIER_MAX_FILE_BYTES = 10_000
    settings.DOSSIER_MAX_TOTAL_BYTES = 60
    with pytest.raises(DossierInvalid):
        dossier_attach(dossier=draft, acting_user=citizen, document_key="giay-chung-sinh",
                       upload=pdf(content=one_page_pdf(more=(b"(%s)" % (b"x" * 100),))))


def test_uploads_land_in_the_store_and_can_be_reused(draft, citizen, procedure, units,
                                                     other_citizen):
    stored = StoredDocument.objects.filter(owner=citizen, document_key="giay-chung-sinh").first()
    assert stored is not None
    second = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])
    reused = dossier_attach(dossier=second, acting_user=citizen,
                            document_key="giay-chung-sinh", stored_document=stored)
    assert reused.file.name == stored.file.name and reused.sha256 == stored.sha256
    strangers = dossier_create_draft(procedure=procedure, applicant=other_citizen,
                                     place=units["ward"])
    with pytest.raises(NotPermitted):
        dossier_attach(dossier=strangers, acting_user=other_citizen,
                       document_key="giay-chung-sinh", stored_document=stored)


def test_citizen_is_notified_once_after_commit(submitted, clerk,
                                               django_capture_on_commit_callbacks):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = dossier_receive(dossier=submitted, acting_user=clerk)
    assert sms.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(sms.outbox) == 1
    assert dossier.code in sms.outbox[0]["body"]
    assert "hẹn trả kết quả" in sms.outbox[0]["body"]
    from dossiers.tasks import notify_citizen

    entry = dossier.transitions.get(action="receive")
    assert notify_citizen(entry.pk) == "already_sent"
    assert len(sms.outbox) == 1
    assert DossierNotice.objects.get(transition=entry).recipient_masked.startswith("+84")


def test_sweep_resends_notices_lost_with_the_broker(submitted, clerk):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from dossiers.tasks import notify_citizen, sweep_notices

    sms.outbox.clear()
    with mock.patch.object(notify_citizen, "apply_async",
                           side_effect=OperationalError("Connection refused")):
        dossier = dossier_receive(dossier=submitted, acting_user=clerk)
    assert sms.outbox == []
    assert sweep_notices(older_than_seconds=0) >= 1
    assert any(dossier.code in message["body"] for message in sms.outbox)
    sent = len(sms.outbox)
    sweep_notices(older_than_seconds=0)
    assert len(sms.outbox) == sent  # nothing owed any more, nothing sent twice
