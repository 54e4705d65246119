"""Enqueueing side effects after the transaction commits, without letting a broker outage
turn a committed change into an error page. Work that could not be enqueued is picked up by the
periodic sweeps that look for it in the database (the database is the outbox)."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerError

# A failure of the database or the broker that a later attempt may not meet: retried with
# backoff (open-forms registrations); anything else is a bug and fails the task at once.
TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 600,
         "retry_jitter": True, "max_retries": 10}

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Sends a task now; returns False (and logs) when the broker is unreachable."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # kombu/redis raise several unrelated types when the broker is down
        logger.warning("could not enqueue %s%r; a sweep will retry it", task.name, args,
                       exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
