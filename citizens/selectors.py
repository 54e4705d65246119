"""Reads for citizens: their addresses (always scoped to the owner) and unit choices."""

from __future__ import annotations

from django.db.models import QuerySet

from units.constants import UnitKind
from units.models import Unit

from .models import DeliveryAddress


def delivery_addresses_of(user) -> QuerySet[DeliveryAddress]:
    return DeliveryAddress.objects.filter(owner_id=user.pk).select_related(
        "province", "district", "ward"
    )


def ward_choices() -> list[tuple[int, str]]:
    """Every active ward labelled 'Ward, District, Province' with one query."""
    units = {u.pk: u for u in Unit.objects.active()}
    choices = []
    for unit in units.values():
        if unit.kind != UnitKind.WARD:
            continue
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        names = [units[i].name for i in reversed(ids) if i in units]
        choices.append((unit.pk, ", ".join(names)))
    return sorted(choices, key=lambda c: c[1])


def ward_hierarchy(ward: Unit) -> tuple[Unit, Unit | None]:
    """(province, district or None) above a ward, for two- and three-tier trees alike."""
    ancestors = list(ward.ancestors())
    province = next((u for u in ancestors if u.kind == UnitKind.PROVINCE), None)
    district = next((u for u in ancestors if u.kind == UnitKind.DISTRICT), None)
    if province is None:
        province = ancestors[0] if ancestors else ward
    return province, district
