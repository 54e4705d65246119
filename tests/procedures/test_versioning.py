import pytest

from procedures.constants import ProcedureStatus
from procedures.exceptions import ProcedureConfigurationError
from procedures.models import FormField, ProcedureVersion
from procedures.services import procedure_archive, procedure_publish
from tests.factories import make_procedure

pytestmark = pytest.mark.django_db


def test_publishing_freezes_a_version_and_is_idempotent():
    procedure = make_procedure()
    assert procedure.current_version == 1
    again = procedure_publish(procedure=procedure)
    assert again.number == 1
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 1


def test_editing_a_published_procedure_creates_a_new_version_and_keeps_the_old():
    procedure = make_procedure()
    v1 = procedure.versions.get(number=1)
    FormField.objects.create(procedure=procedure, key="noi_sinh", label="Nơi sinh",
                             field_type="text", order=9)
    v2 = procedure_publish(procedure=procedure)
    assert v2.number == 2
    v1.refresh_from_db()
    assert [f["key"] for f in v1.document["fields"]] == [
        "ho_ten_tre", "gioi_tinh", "ngay_sinh", "cccd_me"]
    assert v2.document["fields"][-1]["key"] == "noi_sinh"
    procedure.refresh_from_db()
    assert procedure.current_version == 2


def test_reimport_with_changes_publishes_the_next_version():
    make_procedure()
    procedure = make_procedure(processing_days=3)
    assert procedure.current_version == 2
    assert procedure.versions.get(number=1).document["processing_days"] == 1


def test_invalid_working_copy_cannot_be_published():
    procedure = make_procedure()
    procedure.steps.all().delete()
    with pytest.raises(ProcedureConfigurationError, match="Cần ít nhất 1 mục"):
        procedure_publish(procedure=procedure)
    assert procedure.versions.count() == 1


def test_archive_hides_from_catalogue(client):
    procedure = make_procedure()
    procedure_archive(procedure=procedure)
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.ARCHIVED
    assert client.get("/thu-tuc/1.001193/").status_code == 404
    assert procedure.versions.count() == 1


def test_versions_cannot_share_a_number():
    from django.db import IntegrityError, transaction

    procedure = make_procedure()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.create(procedure=procedure, number=1, document={})
