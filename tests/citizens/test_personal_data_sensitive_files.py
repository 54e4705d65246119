"""Issue 17: ID-card images are sensitive personal data, stored encrypted at rest; the owner
still downloads the original, and never through X-Accel (nginx would hand out ciphertext)."""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import DossierAttachment
from dossiers.services import dossier_create_draft
from dossiers.storage import private_storage
from portal.filecrypto import MAGIC
from tests.factories import BASE_DOCUMENT, make_procedure, make_unit_tree
from tests.pdfs import PDF

pytestmark = pytest.mark.django_db


def _raw(name: str) -> bytes:
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def test_id_card_uploads_are_encrypted_at_rest_and_served_decrypted(client, settings,
                                                                   django_user_model):
    document = copy.deepcopy(BASE_DOCUMENT)
    document["documents"].append({"key": "giay-to-tuy-than", "name": "Căn cước công dân",
                                  "mandatory": False, "form": "copy", "quantity": 1,
                                  "reusable": True})
    procedure, units = make_procedure(**document), make_unit_tree()
    owner = django_user_model.objects.create_user("cd_an", password="x", full_name="An",
                                                  phone="+84905123456")
    draft = dossier_create_draft(procedure=procedure, applicant=owner, place=units["ward"])
    client.force_login(owner)
    url = f"/ho-so/{draft.ref}/tai-len/"
    # The same bytes as a plain document first: the ID card still gets an encrypted copy.
    for key in ("to-khai", "giay-to-tuy-than"):
        response = client.post(url, {"document_key": key, "file": SimpleUploadedFile(
            f"{key}.pdf", PDF, content_type="application/pdf")})
        assert response.status_code == 201, response.content
    id_card = DossierAttachment.objects.get(document_key="giay-to-tuy-than")
    form = DossierAttachment.objects.get(document_key="to-khai")
    raw = _raw(id_card.file.name)
    assert raw.startswith(MAGIC) and PDF[:200] not in raw
    assert id_card.stored_document.file.name == id_card.file.name != form.file.name
    assert _raw(form.file.name) == PDF  # other documents stay as they are

    settings.PRIVATE_FILES_X_ACCEL = True
    response = client.get(f"/ho-so/{draft.ref}/tep/{id_card.pk}/")
    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Accel-Redirect" in client.get(f"/ho-so/{draft.ref}/tep/{form.pk}/")
