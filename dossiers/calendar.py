"""Working days for deadlines: Monday–Friday minus Vietnamese public holidays (from the
``holidays`` package: Tết ranges, Hùng Kings' day, substitute and swapped days), corrected by
the admin-editable ``CalendarException`` table."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

from .constants import SAME_DAY_CUTOFF_HOUR

_MAX_SCAN_DAYS = 3660


@lru_cache(maxsize=64)
def _public_calendar(year: int) -> holidays.HolidayBase:
    return holidays.Vietnam(years=year)


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    from .models import CalendarException

    return dict(CalendarException.objects.filter(date__range=(start, end))
                .values_list("date", "kind"))


def _is_working(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == "day_off":
        return False
    if kind == "working_day":
        return True
    return _public_calendar(day.year).is_working_day(day)


def is_working_day(day: datetime.date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (``start`` itself not counted). n=0 gives
    ``start`` when it is a working day, else the next working day."""
    exceptions = _exceptions(start, start + datetime.timedelta(days=n * 2 + 60))
    day = start
    if n == 0:
        while not _is_working(day, exceptions):
            day += datetime.timedelta(days=1)
        return day
    remaining = n
    for _ in range(_MAX_SCAN_DAYS):
        day += datetime.timedelta(days=1)
        if _is_working(day, exceptions):
            remaining -= 1
            if remaining == 0:
                return day
    raise ValueError("no working day found")


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days in (a, b]; negative when b is before a."""
    if b < a:
        return -working_days_between(b, a)
    exceptions = _exceptions(a, b)
    count, day = 0, a
    while day < b:
        day += datetime.timedelta(days=1)
        if _is_working(day, exceptions):
            count += 1
    return count


def due_date_for(received_at: datetime.datetime, processing_days: int) -> datetime.date:
    """The appointment for a dossier received (completely) at ``received_at``, local time.

    Same-day procedures received after 15:00, or on a day off, are due the next working day.
    """
    from django.utils import timezone

    local = timezone.localtime(received_at)
    day = local.date()
    if processing_days == 0:
        if local.hour >= SAME_DAY_CUTOFF_HOUR or not is_working_day(day):
            return add_working_days(day, 1)
        return day
    return add_working_days(day, processing_days)


class WorkingDays:
    """working_days_between for many dates with one read of the calendar exceptions."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        exceptions = _exceptions(start, end)
        self._ordinal: dict[datetime.date, int] = {}
        count, day = 0, start
        while day <= end:
            count += _is_working(day, exceptions)
            self._ordinal[day] = count
            day += datetime.timedelta(days=1)

    def between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in (a, b], like working_days_between."""
        if a in self._ordinal and b in self._ordinal:
            return self._ordinal[b] - self._ordinal[a]
        return working_days_between(a, b)

    __call__ = between


# --- working hours ---------------------------------------------------------------------------
# Deadlines shorter than a day (acknowledging an online filing) count office hours on working
# days: settings.OFFICE_HOURS on the days the calendar above calls working.


def office_hours() -> list[tuple[datetime.time, datetime.time]]:
    """settings.OFFICE_HOURS ("07:30-11:30", "13:30-17:00") as ordered time intervals."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    intervals = []
    try:
        for spec in settings.OFFICE_HOURS:
            start, end = (datetime.time.fromisoformat(part.strip()) for part in spec.split("-"))
            intervals.append((start, end))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"OFFICE_HOURS must be HH:MM-HH:MM intervals: {settings.OFFICE_HOURS!r}") from exc
    intervals.sort()
    if not intervals or any(start >= end for start, end in intervals) or any(
            a[1] > b[0] for a, b in zip(intervals, intervals[1:], strict=False)):
        raise ImproperlyConfigured(
            f"OFFICE_HOURS must be ordered, non-overlapping intervals: {settings.OFFICE_HOURS!r}")
    return intervals


class WorkingTime:
    """Office-hours arithmetic on working days. The calendar exceptions of the span asked
    about are read once (a queue page's rows share one read); days past it are read on demand.
    ``exceptions`` given (a migration's historical rows) means no read at all."""

    def __init__(self, start: datetime.date, end: datetime.date,
                 exceptions: dict[datetime.date, str] | None = None) -> None:
        from django.utils import timezone

        self._tz = timezone.get_current_timezone()
        self._hours = office_hours()
        self._complete = exceptions is not None
        self._exceptions = dict(exceptions or {})
        self._loaded = (start, end)
        if not self._complete:
            self._exceptions.update(_exceptions(start, end))

    def is_working(self, day: datetime.date) -> bool:
        first, last = self._loaded
        if not self._complete and not first <= day <= last:
            first, last = min(first, day), max(last, day + datetime.timedelta(days=60))
            self._exceptions.update(_exceptions(first, last))
            self._loaded = (first, last)
        return _is_working(day, self._exceptions)

    def _periods(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        if not self.is_working(day):
            return []
        return [(datetime.datetime.combine(day, start, self._tz),
                 datetime.datetime.combine(day, end, self._tz)) for start, end in self._hours]

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """The moment ``duration`` of office time after ``start`` (outside office hours the
        count starts at the next opening)."""
        from django.utils import timezone

        start = timezone.localtime(start, self._tz)
        remaining, day = duration, start.date()
        for _ in range(_MAX_SCAN_DAYS):
            for opens, closes in self._periods(day):
                begin = max(opens, start)
                if begin >= closes:
                    continue
                if begin + remaining <= closes:
                    return begin + remaining
                remaining -= closes - begin
            day += datetime.timedelta(days=1)
        raise ValueError("no working time found")

    def between(self, a: datetime.datetime, b: datetime.datetime) -> datetime.timedelta:
        """Office time in [a, b]; negative when b is before a."""
        from django.utils import timezone

        if b < a:
            return -self.between(b, a)
        a, b = timezone.localtime(a, self._tz), timezone.localtime(b, self._tz)
        total, day = datetime.timedelta(0), a.date()
        while day <= b.date():
            for opens, closes in self._periods(day):
                total += max(min(closes, b) - max(opens, a), datetime.timedelta(0))
            day += datetime.timedelta(days=1)
        return total


def acknowledge_by(submitted_at: datetime.datetime, *,
                   working_time: WorkingTime | None = None) -> datetime.datetime:
    """When an online filing must be received or returned for supplement: the set number of
    office hours (settings.ACKNOWLEDGE_WITHIN_WORKING_HOURS) after it was filed."""
    from django.conf import settings
    from django.utils import timezone

    day = timezone.localtime(submitted_at).date()
    working_time = working_time or WorkingTime(day, day + datetime.timedelta(days=30))
    return working_time.add(
        submitted_at, datetime.timedelta(hours=settings.ACKNOWLEDGE_WITHIN_WORKING_HOURS))
