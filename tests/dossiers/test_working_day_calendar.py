import datetime

import pytest
from django.utils import timezone

from dossiers.calendar import (
    add_working_days,
    due_date_for,
    is_working_day,
    working_days_between,
)
from dossiers.models import CalendarException

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(("day", "working"), [
    (D(2025, 1, 1), False),    # New Year
    (D(2025, 1, 27), False),   # Tết 2025: 27 Jan – 2 Feb off (Sat/Sun in between)
    (D(2025, 1, 31), False),
    (D(2025, 2, 3), True),
    (D(2025, 4, 7), False),    # Hùng Kings 2025
    (D(2025, 4, 26), True),    # Saturday worked in exchange for Fri 2 May
    (D(2025, 5, 2), False),
    (D(2025, 9, 1), False),
    (D(2025, 9, 2), False),
    (D(2026, 2, 13), True),
    (D(2026, 2, 16), False),   # Tết 2026: 16–20 Feb
    (D(2026, 2, 20), False),
    (D(2026, 2, 23), True),
    (D(2026, 4, 26), False),   # Hùng Kings on a Sunday …
    (D(2026, 4, 27), False),   # … substitute Monday
    (D(2026, 4, 30), False),
    (D(2026, 5, 1), False),
    (D(2026, 8, 22), True),    # Saturday worked in exchange for Mon 31 Aug
    (D(2026, 8, 31), False),
    (D(2026, 9, 2), False),
    (D(2026, 11, 24), False),  # Vietnamese Culture Day from 2026
    (D(2025, 11, 24), True),   # … but not before
    (D(2027, 2, 8), False),    # Tết 2027
])
def test_public_holidays_and_swapped_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2025, 1, 24), 1, D(2025, 2, 3)),    # Friday before Tết 2025
    (D(2026, 2, 13), 3, D(2026, 2, 25)),   # across Tết 2026
    (D(2026, 4, 24), 1, D(2026, 4, 28)),   # across Hùng Kings' substitute Monday
    (D(2026, 4, 29), 2, D(2026, 5, 5)),    # across 30/4–1/5 and the weekend
    (D(2026, 8, 21), 1, D(2026, 8, 22)),   # the swapped Saturday counts
    (D(2026, 8, 28), 3, D(2026, 9, 7)),    # 31/8, 1/9, 2/9 off
    (D(2026, 11, 23), 1, D(2026, 11, 25)),
    (D(2026, 11, 25), 15, D(2026, 12, 16)),
    (D(2026, 11, 28), 0, D(2026, 11, 30)),  # same-day on a Saturday → Monday
])
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_working_days_between_is_the_inverse():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert working_days_between(D(2026, 2, 25), D(2026, 2, 13)) == -3
    assert working_days_between(D(2026, 4, 24), D(2026, 4, 28)) == 1


def test_admin_exceptions_override_the_computed_calendar():
    CalendarException.objects.create(date=D(2026, 12, 1), kind="day_off", note="Nghỉ đột xuất")
    CalendarException.objects.create(date=D(2026, 12, 5), kind="working_day", note="Làm bù")
    assert not is_working_day(D(2026, 12, 1))
    assert is_working_day(D(2026, 12, 5))
    assert add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 2)
    assert add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 5)


def _local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_same_day_procedures_after_15h_are_due_the_next_working_day():
    assert due_date_for(_local(2026, 11, 23, 14, 59), 0) == D(2026, 11, 23)
    # Monday 23 Nov after 15:00 → Tuesday is 24 Nov (holiday) → Wednesday.
    assert due_date_for(_local(2026, 11, 23, 15, 0), 0) == D(2026, 11, 25)
    assert due_date_for(_local(2026, 2, 13, 16, 0), 0) == D(2026, 2, 23)
    assert due_date_for(_local(2026, 11, 23, 9, 0), 3) == D(2026, 11, 27)
