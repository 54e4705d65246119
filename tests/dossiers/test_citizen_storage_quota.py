"""What one citizen can make the portal keep: a replaced draft file is deleted, identical
bytes are stored once, and everything they uploaded is bounded by a quota (issue 13,
finding 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers.models import DossierAttachment, StoredDocument
from dossiers.services import dossier_attach, dossier_create_draft
from dossiers.storage import private_root
from tests.pdfs import one_page_pdf

from .conftest import pdf

pytestmark = pytest.mark.django_db


def scan(mark: bytes, size: int = 1000) -> bytes:
    """A real PDF of about ``size`` bytes whose content differs by ``mark``."""
    return one_page_pdf(more=(b"(" + mark * (size // len(mark)) + b")",))


def files_on_disk() -> set[str]:
    root = private_root()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def referenced() -> set[str]:
    return ({a.file.name for a in DossierAttachment.objects.all()}
            | {d.file.name for d in StoredDocument.objects.all()})


def test_replacing_a_draft_file_on_the_form_deletes_the_old_file(
        citizen_client, draft, django_capture_on_commit_callbacks):
    edit = reverse("dossiers:edit", args=[draft.uuid])
    form = {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
            "noi_tiep_nhan": draft.receiving_unit_id, "cach_nhan_ket_qua": "pickup",
            "nhap": "1"}
    for version in (b"first", b"second", b"third"):
        with django_capture_on_commit_callbacks(execute=True):
            response = citizen_client.post(edit, {**form, "tep__to-khai": pdf(
                content=scan(version))})
        assert response.status_code == 302
    current = draft.attachments.get(document_key="to-khai")
    assert current.sha256 == StoredDocument.objects.get(pk=current.stored_document_id).sha256
    assert (private_root() / current.file.name).read_bytes() == scan(b"third")
    # one file per current attachment or store entry, nothing left over from the replacements
    assert files_on_disk() == referenced()
    assert StoredDocument.objects.filter(owner=draft.applicant,
                                         document_key="to-khai").count() == 1


def test_a_replaced_file_still_used_by_another_dossier_is_kept(
        citizen, procedure, units, django_capture_on_commit_callbacks):
    first = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])
    second = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])
    original = dossier_attach(dossier=first, acting_user=citizen, document_key="to-khai",
                              upload=pdf(content=scan(b"a")))
    dossier_attach(dossier=second, acting_user=citizen, document_key="to-khai",
                   stored_document=original.stored_document)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_attach(dossier=first, acting_user=citizen, document_key="to-khai",
                       upload=pdf(content=scan(b"b")))
    assert (private_root() / original.file.name).exists()
    assert StoredDocument.objects.filter(pk=original.stored_document_id).exists()
    assert files_on_disk() == referenced()


def test_the_same_bytes_uploaded_again_reuse_the_stored_copy(
        citizen, procedure, units, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_login(citizen)
    refs = []
    for _ in range(3):
        response = api.post("/api/v1/dossiers/", {
            "procedure": procedure.code, "place": units["ward"].code,
            "data": {"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-01"},
        }, format="json")
        refs.append(response.json()["ref"])
    for ref in refs:
        response = api.post(f"/api/v1/dossiers/{ref}/attachments/", {
            "document_key": "to-khai", "file": pdf("cmnd.pdf", scan(b"same"))},
            format="multipart")
        assert response.status_code == 201, response.content
    assert StoredDocument.objects.filter(owner=citizen).count() == 1
    assert len({a.file.name for a in DossierAttachment.objects.all()}) == 1
    assert len(files_on_disk()) == 1


def test_uploads_past_the_citizen_quota_are_refused_with_a_clear_message(
        citizen, procedure, units, settings):
    settings.CITIZEN_STORAGE_QUOTA_MB = 1
    api = APIClient()
    api.force_login(citizen)
    statuses, last = [], None
    for mark in (b"a", b"b", b"c"):
        response = api.post("/api/v1/dossiers/", {
            "procedure": procedure.code, "place": units["ward"].code,
            "data": {"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-01"},
        }, format="json")
        last = api.post(f"/api/v1/dossiers/{response.json()['ref']}/attachments/", {
            "document_key": "to-khai", "file": pdf("giay.pdf", scan(mark, 400_000))},
            format="multipart")
        statuses.append(last.status_code)
    assert statuses == [201, 201, 400]
    error = last.json()["error"]
    assert error["code"] == "storage_quota"
    assert error["message"].startswith("Bạn đã dùng hết dung lượng lưu trữ")
    assert StoredDocument.objects.filter(owner=citizen).count() == 2
    assert len(files_on_disk()) == 2
    # Re-using what is already stored costs nothing and still works.
    again = api.post(f"/api/v1/dossiers/{response.json()['ref']}/attachments/", {
        "document_key": "to-khai", "file": pdf("lai.pdf", scan(b"a", 400_000))},
        format="multipart")
    assert again.status_code == 201


def test_the_quota_message_reaches_the_filing_form(citizen_client, draft, settings):
    settings.CITIZEN_STORAGE_QUOTA_MB = 0
    edit = reverse("dossiers:edit", args=[draft.uuid])
    response = citizen_client.post(edit, {
        "ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
        "noi_tiep_nhan": draft.receiving_unit_id, "cach_nhan_ket_qua": "pickup", "nhap": "1",
        "tep__to-khai": pdf(content=scan(b"new"))}, follow=True)
    assert "Bạn đã dùng hết dung lượng lưu trữ" in response.content.decode()
