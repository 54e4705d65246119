"""The authorisation letter scanned at the result counter (issue 13, finding 13): checked like
any dossier upload, kept in private storage under a random name, and read only by the
dossier's owner or the handling unit's verified staff (who leave a read-audit row)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.testing import login_verified
from delivery.models import PickupAppointment
from dossiers.constants import DossierState
from dossiers.models import PersonalDataAccess
from dossiers.services import dossier_receive
from dossiers.storage import private_root
from portal.filecrypto import MAGIC
from tests.dossiers.conftest import PNG
from tests.factories import make_procedure
from tests.pdfs import one_page_pdf

from .helpers import finish, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPTED_PDF = one_page_pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")


@pytest.fixture
def at_counter(citizen, clerk, processor, leader, units):
    dossier = submitted_dossier(make_procedure(), citizen, units)
    dossier = finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor,
                     leader)
    assert PickupAppointment.objects.filter(dossier_id=dossier.pk).exists()
    return dossier


def hand_over(client, dossier, scan):
    return client.post(f"/can-bo/tra-ket-qua/{dossier.code}/", {
        "nguoi_nhan": "uy_quyen", "cccd": "048090005555", "ho_ten": "Lê Thị C",
        "giay_uy_quyen": scan, "da_kiem_tra": "on", "da_ky_nhan": "on"})


@pytest.mark.parametrize("scan, message", [
    (SimpleUploadedFile("uy-quyen.pdf", b"<html><script>alert(1)</script></html>",
                        content_type="application/pdf"), "không phải PDF, JPEG hoặc PNG"),
    (SimpleUploadedFile("uy-quyen.pdf", SCRIPTED_PDF, content_type="application/pdf"),
     "chứa mã lệnh"),
    (SimpleUploadedFile("uy-quyen.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                        content_type="image/png"), "bị hỏng"),
])
def test_a_scan_that_is_not_a_clean_document_is_refused(client, at_counter, clerk, scan,
                                                        message):
    login_verified(client, clerk)
    response = hand_over(client, at_counter, scan)
    assert response.status_code == 200 and message in response.content.decode()
    at_counter.refresh_from_db()
    assert at_counter.state == DossierState.RESULT_READY
    appointment = PickupAppointment.objects.get(dossier_id=at_counter.pk)
    assert not appointment.authorisation and appointment.collected_at is None
    media = Path(django_settings.MEDIA_ROOT)
    assert not (media / "pickup-authorisations").exists()


def test_the_scan_is_private_unguessable_and_read_by_the_dossier_file_rule(
        client, at_counter, citizen, other_citizen, clerk, other_clerk):
    login_verified(client, clerk)
    response = hand_over(client, at_counter, SimpleUploadedFile(
        f"uy-quyen-{at_counter.pk}.pdf.png", PNG, content_type="image/png"))
    assert response.status_code == 302
    at_counter.refresh_from_db()
    assert at_counter.state == DossierState.RETURNED
    appointment = PickupAppointment.objects.get(dossier_id=at_counter.pk)
    name = appointment.authorisation.name
    stem = Path(name).stem
    # A random name (uuid4 hex), not the old guessable uy-quyen-<dossier id>.pdf.
    assert name.endswith(".png") and re.fullmatch(r"[0-9a-f]{32}", stem)
    assert "uy-quyen" not in name
    assert appointment.authorisation_content_type == "image/png"
    stored = Path(private_root()) / name
    # Encrypted at rest (issue 17: scans of authorisations and ID papers are sensitive).
    assert stored.read_bytes().startswith(MAGIC) and PNG not in stored.read_bytes()
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert media not in stored.resolve().parents
    with pytest.raises(ValueError):
        appointment.authorisation.url  # noqa: B018 - no public URL exists

    url = f"/giay-to/ho-so/{at_counter.code}/giay-uy-quyen/"
    page = client.get(f"/can-bo/tra-ket-qua/{at_counter.code}/").content.decode()
    assert url in page
    reads = PersonalDataAccess.objects.filter(purpose="authorisation")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert reads.filter(user=clerk, dossier=at_counter).count() == 1

    client.force_login(citizen)  # the owner
    assert client.get(url).status_code == 200
    for outsider in (other_citizen, other_clerk):
        login_verified(client, outsider) if outsider is other_clerk else client.force_login(
            outsider)
        assert client.get(url).status_code == 404
    client.force_login(clerk)  # the unit's clerk without two-factor: sent to verify first
    response = client.get(url)
    assert response.status_code == 404 or "xac-thuc-hai-buoc" in response["Location"]
    client.logout()
    assert client.get(url).status_code == 404
    assert reads.count() == 1


def test_the_migration_moves_existing_scans_out_of_media_root(at_counter):
    """Scans stored before the fix (MEDIA_ROOT, uy-quyen-<id>.pdf) move to private storage."""
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.dossiers.conftest import PDF

    migration = importlib.import_module(
        "delivery.migrations.0005_pickup_authorisation_private_storage")
    old_name = default_storage.save(f"pickup-authorisations/uy-quyen-{at_counter.pk}.pdf",
                                    ContentFile(PDF))
    PickupAppointment.objects.filter(dossier_id=at_counter.pk).update(authorisation=old_name)
    migration.move_authorisations_to_private_storage(apps, None)
    appointment = PickupAppointment.objects.get(dossier_id=at_counter.pk)
    assert not default_storage.exists(old_name)
    assert re.fullmatch(r"pickup-authorisations/\d{4}/\d{2}/[0-9a-f]{32}\.pdf",
                        appointment.authorisation.name)
    assert appointment.authorisation_content_type == "application/pdf"
    assert (Path(private_root()) / appointment.authorisation.name).read_bytes() == PDF
