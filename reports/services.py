"""Writes of the statistics tables: a dossier's fact row and the rollup cells it feeds.

Definitions (DOMAIN.md, QĐ 766):
- a dossier counts once it was received, on the day of its first reception; withdrawn
  dossiers and dossiers refused at reception never count;
- resolved = approved, refused after reception, result ready or returned, on the day the
  decision was taken (``finished_at``);
- on time = resolved no later than the appointment (``original_due_date``: the appointment set
  at reception and restarted by a supplement, so time waiting for the citizen is excluded; an
  apology's new date does not turn a late dossier into an on-time one) and at most one
  supplement request; every other resolved dossier is late;
- processing time = working days from the (re)start of the clock to the decision.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from dossiers import calendar
from dossiers.constants import Action, Channel, DossierState
from dossiers.models import (
    Dossier,
    DossierAttachment,
    DossierTransition,
    attachment_reused_q,
)
from procedures.constants import DeliveryMethod

from .models import COUNTERS, PROCESSING_BUCKETS, DossierFact, Grain, StatRollup

RESOLVED_STATES = frozenset({DossierState.APPROVED, DossierState.REFUSED,
                             DossierState.RESULT_READY, DossierState.RETURNED})
# A stopped dossier (Mẫu 05: the citizen never supplemented, or asked to stop) leaves the figures
# as a withdrawn one does: it was neither resolved on time nor late.
EXCLUDED_STATES = frozenset({DossierState.DRAFT, DossierState.WITHDRAWN, DossierState.STOPPED})
FACT_FIELDS = ("dossier_id", "unit_id", "procedure_id", "level", "channel", "received_day",
               "finished_day", "resolved", "on_time", "late", "processing_days", "has_fee",
               "paid_online", "result_postal", "attachments", "attachments_reused")
DOSSIER_FIELDS = ("id", "state", "channel", "receiving_unit_id", "procedure_id",
                  "procedure_version_id", "received_at", "finished_at", "due_date",
                  "original_due_date", "supplement_count", "delivery_method")
CHANNEL_COUNTER = {Channel.IN_PERSON: "received_in_person", Channel.ONLINE: "received_online",
                   Channel.POSTAL: "received_postal"}
_INDEX = {name: i for i, name in enumerate(COUNTERS)}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


# --- facts ---------------------------------------------------------------------------------


class VersionInfo:
    """Level and "has a fee" of each procedure version, read once (documents are large)."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[int, bool]] = {}

    def __call__(self, version_id: int) -> tuple[int, bool]:
        if version_id not in self._cache:
            from procedures.models import ProcedureVersion

            # First miss: load every version (a catalogue has hundreds, not millions).
            qs = ProcedureVersion.objects.all()
            if self._cache:
                qs = qs.filter(pk=version_id)
            for pk, document in qs.values_list("pk", "document"):
                fees = document.get("fees") or []
                self._cache[pk] = (int(document.get("level") or 0),
                                   any(int(f.get("amount") or 0) > 0 for f in fees))
        return self._cache.get(version_id, (0, False))


def _paid_dossiers(ids: Iterable[int]) -> set[int]:
    from delivery.constants import PaymentStatus
    from delivery.models import Payment

    return set(Payment.objects.filter(dossier_id__in=list(ids), status=PaymentStatus.PAID)
               .values_list("dossier_id", flat=True))


def build_fact(d: dict, *, first_receive: datetime.datetime | None, attachments: int,
               reused: int, paid: bool, version: tuple[int, bool],
               workdays=calendar.working_days_between) -> dict | None:
    """The fact row of one dossier (``d``: DOSSIER_FIELDS values), None when it doesn't count."""
    if d["state"] in EXCLUDED_STATES or d["received_at"] is None:
        return None
    received_day = timezone.localdate(first_receive or d["received_at"])
    level, has_fee = version
    fact = {
        "dossier_id": d["id"], "unit_id": d["receiving_unit_id"],
        "procedure_id": d["procedure_id"], "level": level, "channel": d["channel"],
        "received_day": received_day, "finished_day": None, "resolved": False,
        "on_time": False, "late": False, "processing_days": None,
        "has_fee": has_fee or paid, "paid_online": paid, "result_postal": None,
        "attachments": attachments, "attachments_reused": reused,
    }
    if d["state"] in RESOLVED_STATES and d["finished_at"] is not None:
        finished = timezone.localdate(d["finished_at"])
        appointment = d["original_due_date"] or d["due_date"]
        on_time = (appointment is not None and finished <= appointment
                   and d["supplement_count"] <= 1)
        fact.update(
            finished_day=finished, resolved=True, on_time=on_time, late=not on_time,
            processing_days=max(workdays(timezone.localdate(d["received_at"]), finished), 0),
        )
        if d["state"] != DossierState.REFUSED:
            fact["result_postal"] = d["delivery_method"] == DeliveryMethod.POSTAL
    return fact


def _facts_for(dossiers: list[dict], versions: VersionInfo, workdays) -> list[dict]:
    ids = [d["id"] for d in dossiers]
    receives = dict(DossierTransition.objects.filter(dossier_id__in=ids, action=Action.RECEIVE)
                    .values("dossier_id").annotate(first=Min("created_at"))
                    .values_list("dossier_id", "first"))
    files = {row["dossier_id"]: row for row in DossierAttachment.objects.filter(
        dossier_id__in=ids).values("dossier_id").annotate(
        total=Count("id"), reused=Count("id", filter=attachment_reused_q()))}
    paid = _paid_dossiers(ids)
    facts = []
    for d in dossiers:
        counts = files.get(d["id"], {})
        fact = build_fact(d, first_receive=receives.get(d["id"]),
                          attachments=counts.get("total", 0), reused=counts.get("reused", 0),
                          paid=d["id"] in paid, version=versions(d["procedure_version_id"]),
                          workdays=workdays)
        if fact:
            facts.append(fact)
    return facts





# --- rollups -------------------------------------------------------------------------------


def _new_cell() -> list:
    return [0] * len(COUNTERS)


def accumulate(facts: Iterable[dict], ratings: Iterable[dict]) -> dict[tuple, list]:
    """Adds facts and ratings up into cells keyed (grain, day, unit_id, procedure_id, level)."""
    from ratings.constants import CRITERIA, SATISFIED_VALUES, Satisfaction

    cells: dict[tuple, list] = defaultdict(_new_cell)
    i = _INDEX
    for f in facts:
        base = (f["unit_id"], f["procedure_id"], f["level"])
        day = f["received_day"]
        for key in ((Grain.DAY, day, *base), (Grain.MONTH, month_start(day), *base)):
            c = cells[key]
            c[i["received"]] += 1
            channel = CHANNEL_COUNTER.get(f["channel"])
            if channel:
                c[i[channel]] += 1
            c[i["fee_dossiers"]] += f["has_fee"]
            c[i["paid_online"]] += f["paid_online"]
            c[i["attachments"]] += f["attachments"]
            c[i["attachments_reused"]] += f["attachments_reused"]
        if not f["resolved"]:
            continue
        day = f["finished_day"]
        for key in ((Grain.DAY, day, *base), (Grain.MONTH, month_start(day), *base)):
            c = cells[key]
            c[i["resolved"]] += 1
            c[i["on_time"]] += f["on_time"]
            c[i["late"]] += f["late"]
            c[i["processing_days_sum"]] += f["processing_days"] or 0
            bucket = min(f["processing_days"] or 0, PROCESSING_BUCKETS)
            c[i[f"pt_{bucket:02d}"]] += 1
            if f["result_postal"] is not None:
                c[i["result_postal" if f["result_postal"] else "result_pickup"]] += 1
    for r in ratings:
        base = (r["unit_id"], r["procedure_id"], r["level"])
        day = r["day"]
        for key in ((Grain.DAY, day, *base), (Grain.MONTH, month_start(day), *base)):
            c = cells[key]
            c[i["ratings"]] += 1
            c[i["ratings_satisfied"]] += r["overall"] in SATISFIED_VALUES
            c[i["ratings_very_satisfied"]] += r["overall"] == Satisfaction.VERY_SATISFIED
            for field, counter, _label in CRITERIA:
                c[i[counter]] += r[field] in SATISFIED_VALUES
    return cells


def _rollup_rows(cells: dict[tuple, list]) -> Iterator[StatRollup]:
    for (grain, day, unit_id, procedure_id, level), c in cells.items():
        row = StatRollup(grain=grain, day=day, unit_id=unit_id, procedure_id=procedure_id,
                         level=level)
        for name, index in _INDEX.items():
            setattr(row, name, c[index])
        yield row


def _ratings(q: Q, versions: VersionInfo) -> Iterator[dict]:
    from ratings.constants import CRITERIA
    from ratings.models import Rating

    fields = ["unit_id", "procedure_id", "created_at", "overall",
              "dossier__procedure_version_id", *[c[0] for c in CRITERIA]]
    for r in Rating.objects.filter(q).values(*fields).iterator(chunk_size=5000):
        r["day"] = timezone.localdate(r["created_at"])
        r["level"] = versions(r["dossier__procedure_version_id"])[0]
        yield r


def day_bounds(first: datetime.date, last: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min,
                                    tzinfo=tz)
    return start, end


def _recompute(cells: set[tuple]) -> None:
    """Recomputes rollup cells (grain, day, unit_id, procedure_id) from facts and ratings."""
    by_pair: dict[tuple[int, int], set[tuple]] = defaultdict(set)
    for cell in cells:
        by_pair[(cell[2], cell[3])].add(cell)
    versions = VersionInfo()
    for (unit_id, procedure_id), group in by_pair.items():
        first = min(c[1] for c in group)
        last = max(month_end(c[1]) if c[0] == Grain.MONTH else c[1] for c in group)
        facts = DossierFact.objects.filter(unit_id=unit_id, procedure_id=procedure_id).filter(
            Q(received_day__range=(first, last)) | Q(finished_day__range=(first, last)))
        start, end = day_bounds(first, last)
        ratings = _ratings(Q(unit_id=unit_id, procedure_id=procedure_id, created_at__gte=start,
                             created_at__lt=end), versions)
        totals = accumulate(facts.values(*FACT_FIELDS), ratings)
        keep = {k: v for k, v in totals.items() if k[:4] in group}
        for grain in (Grain.DAY, Grain.MONTH):
            days = [c[1] for c in group if c[0] == grain]
            if days:
                StatRollup.objects.filter(grain=grain, unit_id=unit_id,
                                          procedure_id=procedure_id, day__in=days).delete()
        StatRollup.objects.bulk_create(_rollup_rows(keep))


def _lock_pairs(pairs: Iterable[tuple[int, int]]) -> None:
    """Serialises recomputation of one (unit, procedure) across workers (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for unit_id, procedure_id in sorted(set(pairs)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [unit_id, procedure_id])


def _cells_of(fact: dict | None, extra_days: Iterable[datetime.date] = ()) -> set[tuple]:
    if not fact:
        return set()
    days = {fact["received_day"], fact["finished_day"], *extra_days} - {None}
    u, p = fact["unit_id"], fact["procedure_id"]
    return ({(Grain.DAY, d, u, p) for d in days}
            | {(Grain.MONTH, month_start(d), u, p) for d in days})


@transaction.atomic
def stats_refresh_dossier(*, dossier_id: int) -> DossierFact | None:
    """Re-derives the dossier's fact and recomputes every rollup cell it was or is in."""
    from ratings.models import Rating

    row = Dossier.objects.filter(pk=dossier_id).values(*DOSSIER_FIELDS).first()
    old = DossierFact.objects.filter(pk=dossier_id).values(*FACT_FIELDS).first()
    rating = Rating.objects.filter(dossier_id=dossier_id).values(
        "unit_id", "procedure_id", "created_at").first()
    pairs = [(f["unit_id"], f["procedure_id"]) for f in (old,) if f]
    if row:
        pairs.append((row["receiving_unit_id"], row["procedure_id"]))
    _lock_pairs(pairs)
    new = _facts_for([row], VersionInfo(), calendar.working_days_between) if row else []
    new_fact = new[0] if new else None
    if new_fact:
        values = {k: v for k, v in new_fact.items() if k != "dossier_id"}
        DossierFact.objects.update_or_create(dossier_id=dossier_id, defaults=values)
    else:
        DossierFact.objects.filter(pk=dossier_id).delete()
    rating_days = [timezone.localdate(rating["created_at"])] if rating else []
    cells = _cells_of(old, rating_days) | _cells_of(new_fact, rating_days)
    if rating:
        day = rating_days[0]
        cells |= {(Grain.DAY, day, rating["unit_id"], rating["procedure_id"]),
                  (Grain.MONTH, month_start(day), rating["unit_id"], rating["procedure_id"])}
    _recompute(cells)
    return DossierFact.objects.filter(pk=dossier_id).first()


def stats_rebuild(*, chunk: int = 20_000, verbose: bool = False, facts: bool = True) -> int:
    """Recreates every fact (unless ``facts=False``) and rollup from the dossiers and ratings;
    returns the fact count.

    Facts are computed chunk by chunk, rollups unit by unit, so memory stays bounded at a
    million dossiers."""
    from django.db.models import Max
    from django.db.models import Min as DbMin

    base = Dossier.objects.exclude(state__in=EXCLUDED_STATES).filter(received_at__isnull=False)
    bounds = base.aggregate(a=DbMin("received_at"), b=Max("finished_at"), c=Max("received_at"))
    versions = VersionInfo()
    if bounds["a"]:
        last = max(x for x in (bounds["b"], bounds["c"]) if x)
        workdays = calendar.WorkingDays(
            timezone.localdate(bounds["a"]) - datetime.timedelta(days=1),
            timezone.localdate(last) + datetime.timedelta(days=1))
    else:
        workdays = calendar.working_days_between
    with transaction.atomic():
        StatRollup.objects.all().delete()
        if facts:
            DossierFact.objects.all().delete()
        total, last_id = 0, 0
        while facts:
            rows = list(base.filter(pk__gt=last_id).order_by("pk").values(*DOSSIER_FIELDS)
                        [:chunk])
            if not rows:
                break
            last_id = rows[-1]["id"]
            facts = _facts_for(rows, versions, workdays)
            DossierFact.objects.bulk_create(
                [DossierFact(**fact) for fact in facts], batch_size=5000)
            total += len(facts)
            if verbose:
                print(f"  facts: {total:,}", flush=True)
        from ratings.models import Rating

        unit_ids = (set(DossierFact.objects.values_list("unit_id", flat=True).distinct())
                    | set(Rating.objects.values_list("unit_id", flat=True).distinct()))
        for unit_id in sorted(unit_ids):
            cells = accumulate(
                DossierFact.objects.filter(unit_id=unit_id).values(*FACT_FIELDS)
                .iterator(chunk_size=10_000),
                _ratings(Q(unit_id=unit_id), versions))
            StatRollup.objects.bulk_create(_rollup_rows(cells), batch_size=5000)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Monthly cells stored together (and in day order): a year of a city reads a few
            # hundred pages instead of every page holding a daily cell.
            cursor.execute("CLUSTER reports_statrollup USING unique_stat_cell")
            cursor.execute("ANALYZE reports_dossierfact")
            cursor.execute("ANALYZE reports_statrollup")
    return total or DossierFact.objects.count()
