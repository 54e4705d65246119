"""Every figure of the service index computed on a hand-built month with known answers:
supplement restarts the clock, holidays, more than one supplement is late, withdrawn and
refused-at-reception dossiers are excluded."""

from __future__ import annotations

import pytest

from reports import selectors
from reports.selectors import Period
from reports.services import stats_rebuild, stats_refresh_dossier

from .conftest import at, d, rate

NOVEMBER = Period(d(1), d(30))


@pytest.fixture
def built(november):
    rate(november["A"], "very_satisfied", at(5), timeliness="not_satisfied")
    rate(november["B"], "not_satisfied", at(26))
    stats_rebuild()
    return november


def test_city_figures_for_november(built, units):
    f = selectors.figures(selectors.scope_ids(units["city"]), NOVEMBER)
    assert (f["received"], f["received_in_person"], f["received_online"],
            f["received_postal"]) == (8, 4, 3, 1)
    assert f["online_share"] == 37.5
    assert (f["resolved"], f["on_time"], f["late"]) == (7, 5, 2)
    assert f["on_time_rate"] == 71.4
    # A 2, B 2 (24 Nov is a holiday), C 2 (from the restart), D 2, E 6, I 2, J 1
    assert f["processing_days_sum"] == 17
    assert f["average_days"] == 2.43
    assert f["median_days"] == 2.0
    assert (f["result_pickup"], f["result_postal"]) == (5, 1)
    assert f["postal_result_share"] == 16.7
    assert (f["fee_dossiers"], f["paid_online"]) == (7, 1)
    assert f["online_payment_share"] == 14.3
    assert (f["attachments"], f["attachments_reused"], f["reuse_share"]) == (3, 1, 33.3)
    assert (f["ratings"], f["ratings_satisfied"], f["satisfaction_rate"]) == (2, 1, 50.0)
    assert f["criteria"]["timeliness"] == 0.0
    assert f["criteria"]["access_info"] == 50.0
    assert f["levels"] == [
        {"level": 3, "received": 1, "received_online": 1, "online_share": 100.0},
        {"level": 4, "received": 7, "received_online": 2, "online_share": 28.6},
    ]


def test_scope_is_the_unit_and_its_sub_units(built, units):
    district = selectors.figures(selectors.scope_ids(units["district"]), NOVEMBER)
    other = selectors.figures(selectors.scope_ids(units["other_district"]), NOVEMBER)
    assert (district["received"], other["received"]) == (7, 1)
    assert (district["on_time"], district["late"]) == (4, 2)


def test_supplement_restarts_the_clock_and_two_supplements_are_late(built):
    from reports.models import DossierFact

    c = DossierFact.objects.get(dossier=built["C"])
    assert (c.received_day, c.on_time, c.processing_days) == (d(2), True, 2)
    dd = DossierFact.objects.get(dossier=built["D"])
    assert (dd.on_time, dd.late) == (False, True)
    assert not DossierFact.objects.filter(dossier__in=[built["F"], built["H"]]).exists()


def test_days_from_daily_cells_and_mixed_periods(built, units):
    ids = selectors.scope_ids(units["city"])
    few_days = selectors.figures(ids, Period(d(2), d(4)))
    assert (few_days["received"], few_days["resolved"]) == (7, 3)
    mixed = selectors.figures(ids, Period(d(15, 10), d(30)))
    assert mixed["received"] == 8 and mixed["resolved"] == 7
    assert selectors.figures(ids, Period(d(1, 10), d(31, 10)))["received"] == 0


def test_previous_period_of_whole_months():
    assert NOVEMBER.previous() == Period(d(1, 10), d(31, 10))
    assert Period(d(1, 1), d(30, 6)).previous() == Period(
        d(1, 7).replace(year=2025), d(31, 12).replace(year=2025))
    assert Period(d(2), d(4)).previous() == Period(d(30, 10), d(1))


def test_overdue_now_is_live_with_working_days_late(built, units):
    today = d(30)
    qs = selectors.overdue(selectors.scope_ids(units["city"]), today)
    rows = selectors.overdue_rows(list(qs), today)
    assert [r["dossier"].code for r in rows] == ["G"]
    # 6, 9–13, 16–20, 23, 25–27, 30 Nov: 24 Nov is a holiday
    assert rows[0]["days_late"] == 16
    assert rows[0]["owner"] == units["ward"]


def test_ward_ranking_and_breakdowns(built, units):
    ids = selectors.scope_ids(units["city"])
    ranking = selectors.ward_ranking(ids, NOVEMBER)
    assert [(r["rank"], r["unit"].code, r["on_time_rate"]) for r in ranking] == [
        (1, units["other_ward"].code, 100.0), (2, units["ward"].code, 66.7)]
    children = selectors.children_breakdown(units["city"], NOVEMBER, ids)
    assert [(r["unit"].pk, r["received"]) for r in children] == [
        (units["district"].pk, 7), (units["other_district"].pk, 1)]
    procedures = selectors.procedure_breakdown(ids, NOVEMBER)
    assert [(r["procedure"].code, r["received"]) for r in procedures] == [
        ("1.004873", 7), ("2.000635", 1)]


def test_incremental_refresh_gives_the_same_tables_as_a_rebuild(built):
    from dossiers.models import Dossier
    from reports.models import StatRollup

    def snapshot():
        return sorted(StatRollup.objects.values_list(
            "grain", "day", "unit_id", "procedure_id", "level", "received", "resolved",
            "on_time", "late", "processing_days_sum", "pt_02", "pt_06", "ratings"))

    # G is decided late; E is withdrawn afterwards (no longer counted)
    Dossier.objects.filter(pk=built["G"].pk).update(state="approved", finished_at=at(27))
    Dossier.objects.filter(pk=built["E"].pk).update(state="withdrawn")
    stats_refresh_dossier(dossier_id=built["G"].pk)
    stats_refresh_dossier(dossier_id=built["E"].pk)
    incremental = snapshot()
    stats_rebuild()
    assert incremental == snapshot()
