"""The service index of QĐ 766/QĐ-TTg (100 points in six groups), per unit and ISO week,
computed from the portal's own figures.

The points, targets and the wording of each criterion are data (``index766.json``, loaded and
validated when the app starts); only how each measure is counted is code (``MEASURES``). Every
criterion scores the same transparent way: ``points × min(1, achieved % / target %)``, and full
points when nothing was there to measure that week ("không phát sinh"). A group is the sum of
its criteria, the index the sum of the groups.

The counts come from the same places as every other figure: the daily rollups (on time, online,
payments, ratings, reuse: one definition each in ``reports.services``), the dossier facts, and
the overdue count from ``dossiers.clock``. One week of any scope is four grouped reads whatever
the number of units, so the page, the ranking of communes and the exports cost the same.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import clock
from dossiers.models import Dossier
from units.models import Unit

from .models import DossierFact, Grain, StatRollup

DATA_FILE = Path(__file__).with_name("index766.json")
GROUP_COUNT = 6


@dataclass(frozen=True)
class Measure:
    """A share: ``numerator`` of ``denominator`` (both names of weekly counters)."""

    numerator: str
    denominator: str
    missing: Any  # what the shortfall is made of ("hồ sơ giải quyết trễ hạn")
    wanted: Any  # what raises it ("hồ sơ giải quyết đúng hạn")


MEASURES: dict[str, Measure] = {
    "late_apologised": Measure("late_apologised", "late", _("hồ sơ trễ hạn chưa có phiếu xin lỗi"),
                               _("phiếu xin lỗi cho hồ sơ trễ hạn")),
    "rated": Measure("ratings", "resolved", _("hồ sơ đã giải quyết chưa được đánh giá"),
                     _("lượt đánh giá của người dân")),
    "on_time": Measure("on_time", "resolved", _("hồ sơ giải quyết trễ hạn"),
                       _("hồ sơ giải quyết đúng hạn")),
    "not_overdue": Measure("not_overdue", "running", _("hồ sơ đang quá hạn"),
                           _("hồ sơ quá hạn được giải quyết")),
    "procedures_full_online": Measure(
        "procedures_full_online", "procedures",
        _("thủ tục có hồ sơ chưa cung cấp trực tuyến toàn trình"),
        _("thủ tục cung cấp trực tuyến toàn trình")),
    "received_online": Measure("received_online", "received",
                               _("hồ sơ nộp trực tiếp hoặc qua bưu chính"),
                               _("hồ sơ nộp trực tuyến")),
    "fee_procedures_paid_online": Measure(
        "fee_procedures_paid_online", "fee_procedures",
        _("thủ tục có phí chưa có hồ sơ thanh toán trực tuyến"),
        _("thủ tục có thanh toán trực tuyến")),
    "paid_online": Measure("paid_online", "fee_dossiers",
                           _("hồ sơ có phí chưa thanh toán trực tuyến"),
                           _("hồ sơ thanh toán trực tuyến")),
    "satisfied": Measure("ratings_satisfied", "ratings", _("lượt đánh giá chưa hài lòng"),
                         _("lượt đánh giá hài lòng")),
    "criteria_satisfied": Measure("criteria_satisfied", "criteria_answers",
                                  _("ý kiến chưa hài lòng theo tiêu chí"),
                                  _("ý kiến hài lòng theo tiêu chí")),
    "electronic_results": Measure("electronic_results", "results",
                                  _("kết quả chưa cấp bản điện tử"),
                                  _("kết quả cấp bản điện tử")),
    "digitised": Measure("digitised", "received", _("hồ sơ chưa có thành phần số hóa"),
                         _("hồ sơ được số hóa")),
    "reused": Measure("attachments_reused", "attachments",
                      _("giấy tờ tải lên thay vì lấy từ kho dữ liệu"),
                      _("giấy tờ lấy lại từ kho dữ liệu")),
}

# Weekly counters of one unit; the *_SETS are procedure ids (a procedure counts once in a
# scope however many of its units received it).
INT_COUNTERS = (
    "received", "received_online", "resolved", "on_time", "late", "fee_dossiers",
    "paid_online", "attachments", "attachments_reused", "ratings", "ratings_satisfied",
    "criteria_satisfied", "criteria_answers", "late_apologised", "results",
    "electronic_results", "digitised", "running", "overdue",
)
SET_COUNTERS = ("procedures", "procedures_full_online", "fee_procedures",
                "fee_procedures_paid_online")
CRITERIA_COUNTERS = ("crit_access", "crit_procedure", "crit_staff", "crit_timeliness",
                     "crit_result")
ROLLUP_SUMS = ("received", "received_online", "resolved", "on_time", "late", "fee_dossiers",
               "paid_online", "attachments", "attachments_reused", "ratings",
               "ratings_satisfied", *CRITERIA_COUNTERS)


# --- the data file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    points: float
    measure: str
    target: float


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    points: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Definition:
    version: str
    source: str
    total: float
    empty_full: bool
    full_online_level: int
    commune_kinds: tuple[str, ...]
    groups: tuple[Group, ...]


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{DATA_FILE.name}: {message}")


def parse_definition(raw: dict) -> Definition:
    """Checks the data file: six groups whose points add up to the total (100), criteria whose
    points add up to their group's, known measures, targets in (0, 100]."""
    try:
        groups = []
        keys: set[str] = set()
        for g in raw["groups"]:
            criteria = []
            for c in g["criteria"]:
                if c["measure"] not in MEASURES:
                    raise _fail(f"unknown measure {c['measure']!r} in {c['key']!r}")
                target, points = float(c["target"]), float(c["points"])
                if not 0 < target <= 100 or points <= 0:
                    raise _fail(f"{c['key']!r}: target must be in (0, 100], points > 0")
                if c["key"] in keys:
                    raise _fail(f"duplicate key {c['key']!r}")
                keys.add(c["key"])
                criteria.append(Criterion(str(c["key"]), str(c["label"]), points,
                                          c["measure"], target))
            group = Group(str(g["key"]), str(g["label"]), float(g["points"]), tuple(criteria))
            if not criteria or not math.isclose(sum(c.points for c in criteria), group.points):
                raise _fail(f"the criteria of {group.key!r} do not add up to {group.points}")
            groups.append(group)
        total = float(raw["total"])
        if len(groups) != GROUP_COUNT or not math.isclose(sum(g.points for g in groups), total):
            raise _fail(f"{GROUP_COUNT} groups adding up to {total} points expected")
        params = raw.get("parameters") or {}
        return Definition(
            version=str(raw["version"]), source=str(raw.get("source", "")), total=total,
            empty_full=raw.get("empty", "full") == "full",
            full_online_level=int(params.get("full_online_level", 4)),
            commune_kinds=tuple(params.get("commune_kinds") or ("ward",)),
            groups=tuple(groups))
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(f"malformed ({exc!r})") from exc


@cache
def definition() -> Definition:
    try:
        raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"unreadable ({exc})") from exc
    return parse_definition(raw)


# --- weeks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def start(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def iso(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @classmethod
    def of(cls, day: datetime.date) -> Week:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)


def default_week(today: datetime.date | None = None) -> Week:
    """The last complete week (the one published)."""
    return Week.of((today or timezone.localdate()) - datetime.timedelta(days=7))


def parse_week(value: str | None, today: datetime.date | None = None) -> Week | None:
    """``2026-W47`` (what ``<input type="week">`` sends); None when malformed or in the future."""
    today = today or timezone.localdate()
    if not value:
        return default_week(today)
    try:
        year, number = value.strip().upper().split("-W")
        week = Week(int(year), int(number))
        start = week.start
    except ValueError:
        return None
    if start > today or week.year < 2000:
        return None
    return week


# --- counting --------------------------------------------------------------------------------


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(INT_COUNTERS, 0), **{name: set() for name in SET_COUNTERS}}


def weekly_counters(unit_ids: list[int], week: Week, today: datetime.date | None = None
                    ) -> dict[int, dict[str, Any]]:
    """Counters per unit for the week, in three grouped reads."""
    today = today or timezone.localdate()
    spec = definition()
    out: dict[int, dict[str, Any]] = {}
    cells = (StatRollup.objects.filter(grain=Grain.DAY, day__range=(week.start, week.end),
                                       unit_id__in=unit_ids)
             .values("unit_id", "procedure_id", "level")
             .annotate(**{name: Sum(name, default=0) for name in ROLLUP_SUMS}).order_by())
    for row in cells:
        c = out.setdefault(row["unit_id"], _empty())
        for name in ROLLUP_SUMS:
            if name not in CRITERIA_COUNTERS:
                c[name] += row[name]
        c["criteria_satisfied"] += sum(row[name] for name in CRITERIA_COUNTERS)
        c["criteria_answers"] += len(CRITERIA_COUNTERS) * row["ratings"]
        procedure = row["procedure_id"]
        if row["received"]:
            c["procedures"].add(procedure)
            if row["level"] >= spec.full_online_level:
                c["procedures_full_online"].add(procedure)
        if row["fee_dossiers"]:
            c["fee_procedures"].add(procedure)
            if row["paid_online"]:
                c["fee_procedures_paid_online"].add(procedure)
    # A procedure filed at a lower level in one cell and fully online in another: not full.
    for c in out.values():
        c["procedures_full_online"] &= c["procedures"]
    received = Q(received_day__range=(week.start, week.end))
    finished = Q(finished_day__range=(week.start, week.end), resolved=True)
    facts = (DossierFact.objects.filter(unit_id__in=unit_ids).filter(received | finished)
             .values("unit_id").annotate(
                 late_apologised=Count("pk", filter=finished & Q(
                     late=True, dossier__apology_count__gt=0)),
                 results=Count("pk", filter=finished & Q(result_postal__isnull=False)),
                 electronic_results=Count("pk", filter=finished & Q(
                     result_postal__isnull=False, dossier__result_document__isnull=False)),
                 digitised=Count("pk", filter=received & Q(attachments__gt=0)),
             ).order_by())
    for row in facts:
        c = out.setdefault(row["unit_id"], _empty())
        for name in ("late_apologised", "results", "electronic_results", "digitised"):
            c[name] += row[name]
    # Dossiers still running, and overdue, at the end of the week (or now for this week),
    # where they are held now: the clock's own definition of overdue.
    as_of = min(week.end + datetime.timedelta(days=1), today)
    running = (Dossier.objects.clock_running().filter(current_unit_id__in=unit_ids)
               .values("current_unit_id")
               .annotate(running=Count("pk"), overdue=Count("pk", filter=clock.overdue_q(as_of)))
               .order_by())
    for row in running:
        c = out.setdefault(row["current_unit_id"], _empty())
        c["running"] += row["running"]
        c["overdue"] += row["overdue"]
    return out


def merge(counters: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total = _empty()
    for c in counters:
        for name in INT_COUNTERS:
            total[name] += c[name]
        for name in SET_COUNTERS:
            total[name] |= c[name]
    return total


def _value(counters: dict[str, Any], name: str) -> int:
    if name == "not_overdue":
        return counters["running"] - counters["overdue"]
    value = counters[name]
    return len(value) if isinstance(value, set) else int(value)


# --- scoring ---------------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    numerator: int
    denominator: int
    ratio: float | None  # percent, one decimal; None when nothing to measure
    score: float
    advice: str | None

    @property
    def lost(self) -> float:
        return round(self.criterion.points - self.score, 2)


@dataclass(frozen=True)
class GroupScore:
    group: Group
    criteria: list[CriterionScore] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.criteria), 2)


@dataclass(frozen=True)
class IndexScore:
    groups: list[GroupScore]
    counters: dict[str, Any]

    @property
    def total(self) -> float:
        return round(sum(g.score for g in self.groups), 2)


def _criterion(criterion: Criterion, counters: dict[str, Any], empty_full: bool
               ) -> CriterionScore:
    measure = MEASURES[criterion.measure]
    den = _value(counters, measure.denominator)
    num = min(_value(counters, measure.numerator), den)
    if not den:
        score = criterion.points if empty_full else 0.0
        return CriterionScore(criterion, 0, 0, None, score, None)
    achieved = num / den
    score = round(criterion.points * min(1.0, achieved * 100 / criterion.target), 2)
    advice = None
    if score < criterion.points:
        missing = den - num
        needed = math.ceil(criterion.target * den / 100 - num - 1e-9)
        advice = str(_("%(missing)s %(what)s làm mất %(lost)s điểm; thêm %(needed)s %(wanted)s "
                       "sẽ đạt đủ %(points)s điểm.") % {
            "missing": missing, "what": measure.missing,
            "lost": _num(criterion.points - score), "needed": needed,
            "wanted": measure.wanted, "points": _num(criterion.points)})
    return CriterionScore(criterion, num, den, round(100 * achieved, 1), score, advice)


def score(counters: dict[str, Any]) -> IndexScore:
    spec = definition()
    groups = [GroupScore(g, [_criterion(c, counters, spec.empty_full) for c in g.criteria])
              for g in spec.groups]
    return IndexScore(groups, counters)


# --- a scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    unit: Unit
    index: IndexScore


def scope_index(unit_ids: list[int], week: Week, today: datetime.date | None = None
                ) -> tuple[IndexScore, list[RankedUnit]]:
    """(the index of the whole scope, its communes ranked by their own index)."""
    by_unit = weekly_counters(unit_ids, week, today)
    kinds = definition().commune_kinds
    units = list(Unit.objects.filter(pk__in=unit_ids).only("pk", "name", "code", "path", "kind"))
    communes = [u for u in units if u.kind in kinds]
    ranking = []
    for commune in communes:
        inside = [by_unit[u.pk] for u in units
                  if u.path.startswith(commune.path) and u.pk in by_unit]
        ranking.append((commune, score(merge(inside))))
    ranking.sort(key=lambda item: (-item[1].total, item[0].name, item[0].pk))
    totals = [index.total for _unit, index in ranking]
    # Equal totals share a rank (1, 1, 3), as published rankings do.
    return (score(merge(by_unit.values())),
            [RankedUnit(1 + sum(t > index.total for t in totals), unit, index)
             for unit, index in ranking])
