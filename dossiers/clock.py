"""The one definition of a dossier's deadlines: when the processing clock runs, when a dossier
is overdue, and when an online filing is late to acknowledge.

- The clock runs from complete reception until a decision (``CLOCK_RUNNING_STATES``). It stops
  while the dossier waits for the citizen's supplement, and restarts in full when the citizen
  supplies it (``services.dossier_supplement`` calls ``_start_clock``: a new appointment from
  that moment, so the waiting time never counts).
- Overdue: the clock runs and the appointment (``due_date``) is before today. A dossier waiting
  for the citizen is never overdue, and neither is one not yet received: its ``due_date`` is
  only the appointment it would get if received now.
- Late to acknowledge: an online filing still waiting for reception (``ACKNOWLEDGE_STATES``)
  whose ``acknowledge_due_at`` (``calendar.acknowledge_by``: a set number of office hours
  after filing) has passed. A supplement asked for at reception restarts that deadline when
  the citizen supplies it: the completed filing is a new one for the desk to check.

The model properties, the queryset methods and every screen, task, export and statistic use
these: the Q builders also serve inside aggregates (the queue's tab counts), and the dashboard's
raw SQL takes its states from ``CLOCK_RUNNING_STATES``.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from .constants import ACKNOWLEDGE_STATES, CLOCK_RUNNING_STATES


def clock_running_q() -> Q:
    return Q(state__in=CLOCK_RUNNING_STATES)


def overdue_q(today: datetime.date | None = None) -> Q:
    return clock_running_q() & Q(due_date__lt=today or timezone.localdate())


def due_on_q(day: datetime.date) -> Q:
    """The clock runs and the appointment is ``day`` (the queue's "due today")."""
    return clock_running_q() & Q(due_date=day)


def awaiting_acknowledgement_q() -> Q:
    return Q(state__in=ACKNOWLEDGE_STATES)


def late_to_acknowledge_q(now: datetime.datetime | None = None) -> Q:
    return awaiting_acknowledgement_q() & Q(acknowledge_due_at__lt=now or timezone.now())


def clock_runs(state: str) -> bool:
    return state in CLOCK_RUNNING_STATES


def awaits_acknowledgement(state: str) -> bool:
    return state in ACKNOWLEDGE_STATES


def is_overdue(state: str, due_date: datetime.date | None,
               today: datetime.date | None = None) -> bool:
    return clock_runs(state) and due_date is not None and due_date < (
        today or timezone.localdate())


def is_late_to_acknowledge(state: str, acknowledge_due_at: datetime.datetime | None,
                           now: datetime.datetime | None = None) -> bool:
    return (awaits_acknowledgement(state) and acknowledge_due_at is not None
            and acknowledge_due_at < (now or timezone.now()))
