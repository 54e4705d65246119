"""Reads of the unit tree that other apps use."""

from __future__ import annotations

from django.db.models import QuerySet

from .constants import UnitKind
from .models import Unit


def province_of(unit: Unit) -> Unit | None:
    if unit.kind == UnitKind.PROVINCE:
        return unit
    return unit.ancestors().filter(kind=UnitKind.PROVINCE).order_by("-depth").first()


def pickup_unit_choices(*, place: Unit | None = None) -> QuerySet[Unit]:
    """Where a citizen may choose to collect a result: any active commune-level one-stop desk
    of the province (NĐ 118/2025: reception and return regardless of administrative boundary
    within the province), the province's own centre first. Without ``place``, every
    province's."""
    province = province_of(place) if place is not None else None
    units = Unit.objects.active().filter(kind__in=[UnitKind.PROVINCE, UnitKind.WARD])
    if province is not None:
        units = units.within(province)
    return units.order_by("depth", "name")


def current_successor(unit: Unit) -> Unit:
    """The active unit that answers for ``unit`` today, following successions (a merged unit's
    successor may itself have been merged later)."""
    from .models import UnitSuccession

    seen = {unit.pk}
    while not unit.is_active:
        link = UnitSuccession.objects.filter(predecessor=unit).select_related("successor").first()
        if link is None or link.successor_id in seen:
            break
        unit = link.successor
        seen.add(unit.pk)
    return unit
