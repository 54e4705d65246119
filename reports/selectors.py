"""Reads of the service-index figures: sums of rollup cells for a scope of units and a period.

A period is cut into whole months (monthly cells) and the days at its edges (daily cells), so
"the last 12 months" of a whole city adds up a few thousand rows whatever the dossier count.
Only the live counts (overdue, late to acknowledge) read the dossier table itself, because they
change with the clock; both take their definition from dossiers/clock.py.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dossiers import clock
from dossiers.calendar import WorkingDays
from dossiers.constants import CLOCK_RUNNING_STATES
from dossiers.models import Dossier
from units.models import Unit

from .models import COUNTERS, HISTOGRAM, Grain, StatRollup
from .services import month_end, month_start

SUMS = {name: Sum(name, default=0) for name in COUNTERS}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    def previous(self) -> Period:
        """The period of the same length just before (whole months stay whole months)."""
        if self.whole_months:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            end = self.start - datetime.timedelta(days=1)
            start = end.replace(day=1)
            for _ in range(months - 1):
                start = (start - datetime.timedelta(days=1)).replace(day=1)
            return Period(start, end)
        length = (self.end - self.start).days + 1
        return Period(self.start - datetime.timedelta(days=length),
                      self.start - datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def default_period(today: datetime.date | None = None) -> Period:
    """The last 12 months, current month included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, month_end(today))


def parse_period(start: str | None, end: str | None, today: datetime.date | None = None
                 ) -> Period:
    fallback = default_period(today)
    try:
        first = datetime.date.fromisoformat(start) if start else fallback.start
        last = datetime.date.fromisoformat(end) if end else fallback.end
    except ValueError:
        return fallback
    if last < first or (last - first).days > 3660:
        return fallback
    return Period(first, last)


def period_q(period: Period) -> Q:
    """Whole months from monthly cells, the edges from daily cells."""
    start, end = period.start, period.end
    first_full = start if start.day == 1 else month_end(start) + datetime.timedelta(days=1)
    last_full = end if end == month_end(end) else month_start(end) - datetime.timedelta(days=1)
    if first_full > last_full:
        return Q(grain=Grain.DAY, day__range=(start, end))
    q = Q(grain=Grain.MONTH, day__range=(first_full, month_start(last_full)))
    if start < first_full:
        q |= Q(grain=Grain.DAY, day__range=(start, first_full - datetime.timedelta(days=1)))
    if last_full < end:
        q |= Q(grain=Grain.DAY, day__range=(last_full + datetime.timedelta(days=1), end))
    return q


def scope_ids(unit: Unit) -> list[int]:
    return list(Unit.objects.within(unit).values_list("pk", flat=True))


def rollups(unit_ids: list[int], period: Period, procedure_id: int | None = None
            ) -> QuerySet[StatRollup]:
    qs = StatRollup.objects.filter(period_q(period), unit_id__in=unit_ids)
    if procedure_id:
        qs = qs.filter(procedure_id=procedure_id)
    return qs


def _ratio(a: float, b: float) -> float | None:
    return round(100 * a / b, 1) if b else None


def derive(t: dict[str, Any]) -> dict[str, Any]:
    """Counters → the published figures (percentages with one decimal)."""
    from ratings.constants import CRITERIA

    t = {name: int(t.get(name) or 0) for name in COUNTERS}
    figures: dict[str, Any] = dict(t)
    results = t["result_pickup"] + t["result_postal"]
    figures.update(
        online_share=_ratio(t["received_online"], t["received"]),
        on_time_rate=_ratio(t["on_time"], t["resolved"]),
        late_rate=_ratio(t["late"], t["resolved"]),
        average_days=round(t["processing_days_sum"] / t["resolved"], 2) if t["resolved"]
        else None,
        online_payment_share=_ratio(t["paid_online"], t["fee_dossiers"]),
        postal_result_share=_ratio(t["result_postal"], results),
        pickup_result_share=_ratio(t["result_pickup"], results),
        reuse_share=_ratio(t["attachments_reused"], t["attachments"]),
        satisfaction_rate=_ratio(t["ratings_satisfied"], t["ratings"]),
        criteria={field: _ratio(t[counter], t["ratings"]) for field, counter, _ in CRITERIA},
    )
    figures["median_days"] = histogram_median(
        {n: t[name] for n, name in enumerate(HISTOGRAM)})
    return figures


def histogram_median(histogram: dict[int, int]) -> float | None:
    """The median working days (16 stands for "16 or more", the last bucket)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = sorted({(total - 1) // 2, total // 2})
    values, seen = [], 0
    for days in sorted(histogram):
        count = histogram[days]
        for position in wanted:
            if seen <= position < seen + count:
                values.append(days)
        seen += count
    return float(statistics.mean(values))


def _levels(levels: dict[int, list[int]]) -> list[dict[str, Any]]:
    return [{"level": level, "received": received, "received_online": online,
             "online_share": _ratio(online, received)}
            for level, (received, online) in sorted(levels.items()) if received]


def scope_summary(unit_ids: list[int], period: Period, procedure_id: int | None = None
                  ) -> tuple[dict[str, Any], dict[int, dict[str, int]]]:
    """(figures of the whole scope, counters per unit) from one grouped read: the totals and
    the per-level shares are added up from the per-(unit, level) rows."""
    rows = (rollups(unit_ids, period, procedure_id).values("unit_id", "level")
            .annotate(**SUMS).order_by())
    total = dict.fromkeys(COUNTERS, 0)
    by_unit: dict[int, dict[str, int]] = {}
    levels: dict[int, list[int]] = {}
    for row in rows:
        unit = by_unit.setdefault(row["unit_id"], dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            total[name] += row[name]
            unit[name] += row[name]
        level = levels.setdefault(row["level"], [0, 0])
        level[0] += row["received"]
        level[1] += row["received_online"]
    figures = derive(total)
    figures["levels"] = _levels(levels)
    return figures, by_unit


def figures(unit_ids: list[int], period: Period, procedure_id: int | None = None
            ) -> dict[str, Any]:
    return scope_summary(unit_ids, period, procedure_id)[0]


# What the per-unit, per-procedure and per-month tables show (fewer columns to add up).
TABLE_COUNTERS = (
    "received", "received_in_person", "received_online", "received_postal", "resolved",
    "on_time", "late", "processing_days_sum", "fee_dossiers", "paid_online", "result_pickup",
    "result_postal", "attachments", "attachments_reused", "ratings", "ratings_satisfied",
)
TABLE_SUMS = {name: SUMS[name] for name in TABLE_COUNTERS}


def grouped(unit_ids: list[int], period: Period, key: str, procedure_id: int | None = None
            ) -> dict[Any, dict[str, Any]]:
    """Counters per ``key`` ('unit_id', 'procedure_id' or 'month')."""
    qs = rollups(unit_ids, period, procedure_id)
    if key == "month":
        qs = qs.annotate(month=TruncMonth("day"))
    sums = SUMS if key == "unit_id" else TABLE_SUMS
    return {row[key]: row for row in qs.values(key).annotate(**sums).order_by(key)}


def series(unit_ids: list[int], period: Period) -> list[dict[str, Any]]:
    """Figures per month (per day for periods of two months or less)."""
    if period.days <= 62:
        qs = StatRollup.objects.filter(grain=Grain.DAY, day__range=(period.start, period.end),
                                       unit_id__in=unit_ids)
        rows = {r["day"]: r for r in qs.values("day").annotate(**TABLE_SUMS).order_by("day")}
        label = "%d/%m"
    else:
        rows = grouped(unit_ids, period, "month")
        label = "%m/%Y"
    out = []
    for day, row in rows.items():
        day = day.date() if isinstance(day, datetime.datetime) else day
        out.append({"label": day.strftime(label), "day": day, **derive(row)})
    return out


def children_breakdown(unit: Unit, period: Period, unit_ids: list[int] | None = None,
                       by_unit: dict | None = None) -> list[dict[str, Any]]:
    """One row per direct sub-unit (its whole subtree) plus the unit's own dossiers."""
    units = {u.pk: u for u in Unit.objects.within(unit)}
    depth = len(unit.path.strip("/").split("/"))
    owner: dict[int, int] = {}
    for u in units.values():
        ids = [int(x) for x in u.path.strip("/").split("/")]
        owner[u.pk] = ids[depth] if len(ids) > depth else unit.pk
    totals: dict[int, dict[str, int]] = {}
    if by_unit is None:
        by_unit = grouped(unit_ids or list(units), period, "unit_id")
    for unit_id, row in by_unit.items():
        target = totals.setdefault(owner.get(unit_id, unit.pk), dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            target[name] += row[name]
    rows = []
    for unit_id, counters in totals.items():
        if not counters["received"] and not counters["resolved"] and not counters["ratings"]:
            continue
        rows.append({"unit": units[unit_id], "is_self": unit_id == unit.pk,
                     "has_children": unit_id != unit.pk, **derive(counters)})
    rows.sort(key=lambda r: (r["is_self"], r["unit"].path))
    return rows


def ward_ranking(unit_ids: list[int], period: Period, limit: int | None = None,
                 by_unit: dict | None = None) -> list[dict[str, Any]]:
    """Wards of the scope, best on-time rate first (then satisfaction, then volume)."""
    wards = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids, kind="ward")}
    rows = [{"unit": wards[unit_id], **derive(row)}
            for unit_id, row in (by_unit if by_unit is not None
                                 else grouped(list(wards), period, "unit_id")).items()
            if unit_id in wards and (row["received"] or row["resolved"])]
    rows.sort(key=lambda r: (-(r["on_time_rate"] or 0), -(r["satisfaction_rate"] or 0),
                             -r["received"], r["unit"].name))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows[:limit] if limit else rows


def procedure_breakdown(unit_ids: list[int], period: Period) -> list[dict[str, Any]]:
    from procedures.models import Procedure

    rows = grouped(unit_ids, period, "procedure_id")
    names = Procedure.objects.in_bulk(list(rows))
    out = [{"procedure": names[pk], **derive(row)} for pk, row in rows.items() if pk in names]
    out.sort(key=lambda r: (-r["received"], r["procedure"].code))
    return out


def overdue_page(unit_ids: list[int], today: datetime.date | None = None, limit: int = 20
                 ) -> list[Dossier]:
    """The ``limit`` longest-overdue dossiers. On PostgreSQL one short index range scan per
    (unit, state) of the clerk-queue index (current_unit, state, due_date), merged: no sort of
    every overdue dossier of a city."""
    today = today or timezone.localdate()
    if connection.vendor != "postgresql" or not unit_ids:
        return list(overdue(unit_ids, today)[:limit])
    sql = (
        "SELECT d.id FROM unnest(%s::bigint[]) AS u(id) CROSS JOIN unnest(%s::text[]) AS s(st),"
        " LATERAL (SELECT id, due_date FROM dossiers_dossier WHERE current_unit_id = u.id"
        " AND state = s.st AND due_date < %s ORDER BY due_date LIMIT %s) AS d"
        " ORDER BY d.due_date, d.id LIMIT %s")
    with connection.cursor() as cursor:
        # The states are the clock's (dossiers.clock.overdue_q), so this agrees with overdue().
        cursor.execute(sql, [list(unit_ids), sorted(CLOCK_RUNNING_STATES), today, limit, limit])
        ids = [row[0] for row in cursor.fetchall()]
    found = overdue(unit_ids, today).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def overdue(unit_ids: list[int], today: datetime.date | None = None) -> QuerySet[Dossier]:
    """Dossiers whose clock runs and whose appointment has passed, held in the scope now."""
    return (Dossier.objects.overdue(today).filter(current_unit_id__in=unit_ids)
            .select_related("procedure", "current_unit", "receiving_unit")
            .order_by("due_date", "id"))


def live_counts(unit_ids: list[int], now: datetime.datetime | None = None) -> dict[str, int]:
    """Overdue and late-to-acknowledge dossiers held in the scope now, in one read of the
    clerk-queue index (both definitions from dossiers/clock.py)."""
    now = now or timezone.now()
    return Dossier.objects.filter(current_unit_id__in=unit_ids).filter(
        clock.clock_running_q() | clock.awaiting_acknowledgement_q()
    ).aggregate(
        overdue=Count("state", filter=clock.overdue_q(timezone.localdate(now))),
        late_to_acknowledge=Count("state", filter=clock.late_to_acknowledge_q(now)),
    )


def overdue_rows(dossiers: list[Dossier], today: datetime.date | None = None
                 ) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    if not dossiers:
        return []
    days = WorkingDays(min(d.due_date for d in dossiers), today)
    return [{"dossier": d, "owner": d.current_unit, "days_late": days.between(d.due_date, today)}
            for d in dossiers]
