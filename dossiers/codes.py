"""Dossier codes ``<receiving unit code>-<yymmdd>-<4-digit daily sequence>``.

The sequence lives in one counter row per (unit, day), locked while it is incremented, so
concurrent submissions at one unit queue on that row and get distinct, gap-free numbers.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from units.models import Unit

from .models import DailyCounter


def next_dossier_code(*, unit: Unit, day: datetime.date) -> str:
    """Must be called inside the transaction that stores the code."""
    assert transaction.get_connection().in_atomic_block, "call inside a transaction"
    try:
        with transaction.atomic():
            DailyCounter.objects.get_or_create(unit=unit, day=day)
    except IntegrityError:
        pass  # a concurrent transaction created the row first
    counter = DailyCounter.objects.select_for_update().get(unit=unit, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{unit.code}-{day:%y%m%d}-{counter.last:04d}"
