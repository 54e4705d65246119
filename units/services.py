from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Unit


@transaction.atomic
def units_load(*, rows: list[dict[str, Any]]) -> int:
    """Creates or updates units from rows ordered parents first; keyed by code (idempotent)."""
    by_code: dict[str, Unit] = {}
    for row in rows:
        parent = None
        if row.get("parent"):
            parent = by_code.get(row["parent"]) or Unit.objects.get(code=row["parent"])
        unit = Unit.objects.filter(code=row["code"]).first() or Unit(code=row["code"])
        unit.name, unit.kind, unit.parent = row["name"], row["kind"], parent
        unit.address, unit.phone = row.get("address", ""), row.get("phone", "")
        if row.get("opening_hours"):
            unit.opening_hours = row["opening_hours"]
        unit.save()
        by_code[unit.code] = unit
    return len(by_code)
