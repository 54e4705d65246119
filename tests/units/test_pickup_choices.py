"""Where a citizen may collect a result (NĐ 118/2025: any one-stop desk of the province): the
selector the filing form's pickup choice uses (issue 16 §1)."""

import pytest

from tests.factories import make_unit_tree
from units.selectors import current_successor, pickup_unit_choices
from units.services import units_load_from_package

pytestmark = pytest.mark.django_db


def test_any_active_commune_of_the_province_and_its_centre():
    units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    units_load_from_package(province_code=1, agency_code="000.00.00.H26")  # Hà Nội
    from units.models import Unit

    haichau = Unit.objects.get(official_code="20242")
    Unit.objects.filter(official_code="20257").update(is_active=False)
    choices = list(pickup_unit_choices(place=haichau))
    assert choices[0].official_code == "48"  # the city's centre first
    assert len(choices) == 1 + 93
    assert {u.parent.official_code for u in choices[1:]} == {"48"}
    assert not any(u.official_code == "20257" for u in choices)


def test_a_three_tier_province_offers_its_wards_not_its_districts():
    units = make_unit_tree()
    choices = set(pickup_unit_choices(place=units["ward"]))
    assert choices == {units["city"], units["ward"], units["other_ward"]}


def test_the_current_successor_follows_successive_mergers():
    from units.reorganisation import reorganisation_apply

    units = make_unit_tree()
    mapping = {"effective_date": "2026-07-01",
               "mergers": [{"successor": units["ward"].code,
                            "predecessors": [units["other_ward"].code]}]}
    reorganisation_apply(mapping=mapping)
    units["other_ward"].refresh_from_db()
    assert current_successor(units["other_ward"]) == units["ward"]
    assert current_successor(units["ward"]) == units["ward"]
