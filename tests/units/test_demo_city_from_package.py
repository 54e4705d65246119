"""The demo city is today's Đà Nẵng, loaded from the national list in ``vietnam-provinces``
(issue 16 §1): the city and its 94 phường, xã and đặc khu with official codes; a reload follows
the list but keeps what admins edit."""

import io

import pytest
from django.core.management import call_command

from accounts.constants import StaffRole
from accounts.models import StaffAssignment
from procedures.models import Procedure
from units.constants import DivisionType, UnitKind
from units.models import Unit
from units.services import units_load_from_package

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dev_mode(settings, monkeypatch):
    settings.DEBUG = True  # load_demo refuses production mode
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_package_gives_the_city_and_its_94_commune_level_units():
    loaded = units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    city = Unit.objects.get(official_code="48")
    assert (city.name, city.code, city.kind) == ("Thành phố Đà Nẵng", "000.00.00.H17",
                                                 UnitKind.PROVINCE)
    assert city.division_type == DivisionType.CENTRAL_CITY
    communes = Unit.objects.filter(parent=city)
    assert communes.count() == 94 == loaded.communes == loaded.created - 1
    assert set(communes.values_list("kind", flat=True)) == {UnitKind.WARD}  # the commune level
    types = {t: communes.filter(division_type=t).count() for t in DivisionType.values}
    assert (types["phuong"], types["xa"], types["dac_khu"]) == (23, 70, 1)
    by_name = dict(communes.values_list("name", "official_code"))
    assert by_name["Phường Hải Châu"] == "20242"
    assert by_name["Phường Cẩm Lệ"] == "20260"
    assert by_name["Đặc khu Hoàng Sa"] == "20333"
    assert {"Phường Hòa Khánh", "Phường Hội An", "Xã Bà Nà"} <= set(by_name)
    assert all(len(code) == 5 for code in by_name.values())
    assert len({u.code for u in communes}) == 94  # distinct one-stop codes
    assert not communes.filter(kind=UnitKind.DISTRICT).exists()


def test_reloading_follows_the_list_and_keeps_what_admins_edit():
    units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    ward = Unit.objects.get(official_code="20242")
    Unit.objects.filter(pk=ward.pk).update(
        name="Tên gõ sai", code="000.00.99.H17", address="Số 1 Lê Lợi", phone="0236 111 222",
        opening_hours="Thứ Hai – Thứ Bảy")
    closed = Unit.objects.get(official_code="20257")
    Unit.objects.filter(pk=closed.pk).update(is_active=False)

    again = units_load_from_package(province_code=48)
    assert (again.created, again.updated) == (0, 1)  # only the renamed one changed
    assert Unit.objects.count() == 95
    ward.refresh_from_db()
    assert ward.name == "Phường Hải Châu"  # the list's name back
    assert (ward.code, ward.address, ward.phone, ward.opening_hours) == (
        "000.00.99.H17", "Số 1 Lê Lợi", "0236 111 222", "Thứ Hai – Thứ Bảy")
    closed.refresh_from_db()
    assert not closed.is_active  # a reload never reopens a unit a reorganisation closed


def test_an_existing_province_row_is_adopted_and_old_units_are_left_alone():
    """A database made from the old three-tier demo keeps its rows; the city gets its
    official code, the new communes are added under it with codes not yet in use."""
    city = Unit.objects.create(code="000.00.00.H17", name="TP Đà Nẵng", kind="province")
    district = Unit.objects.create(code="000.00.01.H17", name="Quận Hải Châu",
                                   kind="district", parent=city)
    units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    city.refresh_from_db()
    assert (city.official_code, city.name) == ("48", "Thành phố Đà Nẵng")
    assert Unit.objects.filter(parent=city, official_code__gt="").count() == 94
    district.refresh_from_db()
    assert district.code == "000.00.01.H17" and district.is_active
    assert Unit.objects.filter(code="000.00.01.H17").count() == 1


def test_load_demo_builds_todays_city_with_configuring_admins_at_two_levels():
    output = load_demo()
    assert "94 đơn vị cấp xã" in output
    city = Unit.objects.get(official_code="48")
    assert Unit.objects.filter(parent=city, is_active=True).count() == 94
    assert not Unit.objects.filter(kind=UnitKind.DISTRICT).exists()
    haichau = Unit.objects.get(name="Phường Hải Châu")
    camle = Unit.objects.get(name="Phường Cẩm Lệ")
    roles = dict(StaffAssignment.objects.values_list("user__username", "unit__name"))
    assert roles == {"motcua.haichau": "Phường Hải Châu", "chuyenvien.haichau": "Phường Hải Châu",
                     "lanhdao.haichau": "Phường Hải Châu", "quantri.thanhpho": city.name,
                     "quantri.camle": "Phường Cẩm Lệ"}
    admins = StaffAssignment.objects.filter(role=StaffRole.DISTRICT_ADMIN)
    assert {a.unit for a in admins} == {city, camle}
    assert admins.first().get_role_display() == "Quản trị cấu hình thủ tục"
    assert "quận/huyện" not in output
    # The city's configuring admin owns the demo catalogue, for every commune.
    assert set(Procedure.objects.values_list("owner_unit", flat=True)) == {city.pk}
    assert haichau.received_dossiers.exists()  # the demo citizen's dossiers, at Hải Châu
    assert haichau.received_dossiers.first().code.startswith(haichau.code + "-")


def test_load_demo_twice_changes_nothing_and_keeps_an_admin_edited_address():
    load_demo()
    city = Unit.objects.get(official_code="48")
    assert city.address.startswith("Trung tâm Hành chính")  # filled while blank
    Unit.objects.filter(pk=city.pk).update(address="Địa chỉ do quản trị sửa", phone="0236 1")
    counts = (Unit.objects.count(), StaffAssignment.objects.count(), Procedure.objects.count())
    load_demo()
    city.refresh_from_db()
    assert (city.address, city.phone) == ("Địa chỉ do quản trị sửa", "0236 1")
    assert counts == (Unit.objects.count(), StaffAssignment.objects.count(),
                      Procedure.objects.count())
