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
