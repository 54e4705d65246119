import pytest

from tests.factories import make_unit_tree
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_tree_paths_and_scoping():
    units = make_unit_tree()
    district = units["district"]
    assert set(district.descendants()) == {district, units["ward"]}
    assert set(Unit.objects.within(units["city"], include_self=False)) == set(Unit.objects.exclude(
        pk=units["city"].pk))
    assert units["ward"].is_within(district)
    assert not units["other_ward"].is_within(district)
    assert list(units["ward"].ancestors()) == [units["city"], district]
    assert units["ward"].full_name == "Phường Khuê Trung, Quận Cẩm Lệ, Thành phố Đà Nẵng"
    assert set(Unit.objects.within_any([district, units["other_district"]])) == {
        district, units["ward"], units["other_district"], units["other_ward"]}


def test_two_tier_provinces_are_just_data():
    province = Unit.objects.create(code="000.00.00.H56", name="Tỉnh Thanh Hóa", kind="province")
    ward = Unit.objects.create(code="000.01.00.H56", name="Phường Hạc Thành", kind="ward",
                               parent=province)
    assert ward.depth == 1 and list(ward.ancestors()) == [province]


def test_moving_a_district_moves_its_wards():
    units = make_unit_tree()
    district, ward = units["district"], units["ward"]
    new_parent = Unit.objects.create(code="000.00.00.H99", name="Tỉnh mới", kind="province")
    district.parent = new_parent
    district.save()
    ward.refresh_from_db()
    assert ward.is_within(new_parent)
    assert ward.depth == 2
    assert not ward.is_within(units["city"])
