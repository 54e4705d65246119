import json
from pathlib import Path

import pytest

from procedures.documents import document_errors
from procedures.models import Procedure
from procedures.services import procedure_import
from units.models import Unit
from units.services import units_load_from_package

ROOT = Path(__file__).resolve().parents[2]
DEMO_FILES = sorted((ROOT / "procedures/demo").glob("*.json"))


def test_demo_catalogue_has_the_seed_procedures():
    codes = {path.stem for path in DEMO_FILES}
    assert len(codes) >= 12
    assert {"1.001193", "1.000894", "1.000656", "2.000815", "2.000884", "1.001612"} <= codes


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_every_demo_procedure_is_valid(path):
    assert document_errors(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.django_db
def test_demo_units_and_catalogue_load_idempotently():
    for _ in range(2):
        units_load_from_package(province_code=48, agency_code="000.00.00.H17")
        for path in DEMO_FILES:
            procedure_import(document=json.loads(path.read_text(encoding="utf-8")))
    assert Unit.objects.count() == 95  # today's Đà Nẵng: the city and 94 communes
    assert Procedure.objects.published().count() == len(DEMO_FILES)
    assert all(p.current_version == 1 for p in Procedure.objects.all())
    names = set(Unit.objects.filter(kind="ward").values_list("name", flat=True))
    assert {"Phường Hải Châu", "Phường Cẩm Lệ", "Xã Bà Nà", "Đặc khu Hoàng Sa"} <= names
