"""Writes to the unit tree: loading units (from rows, or from the national list shipped in the
``vietnam-provinces`` package) and, in ``units.reorganisation``, applying a merger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .constants import DivisionType, UnitKind
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


@dataclass(frozen=True)
class PackageLoad:
    province: Unit
    created: int
    updated: int

    @property
    def communes(self) -> int:
        return Unit.objects.filter(parent=self.province, kind=UnitKind.WARD,
                                   official_code__gt="").count()


def _division_type(value: str) -> str:
    # The package's VietNamDivisionType values are Vietnamese words ("phường", "xã", …).
    return {
        "tỉnh": DivisionType.PROVINCE, "thành phố trung ương": DivisionType.CENTRAL_CITY,
        "phường": DivisionType.WARD, "xã": DivisionType.COMMUNE,
        "đặc khu": DivisionType.SPECIAL_ZONE,
    }.get(value, "")


def _free_codes(suffix: str):
    """Placeholder agency codes ``000.00.NN.<suffix>`` for new commune-level units, skipping
    codes in use. The real QCVN 102 codes are data: an admin edits them, a reload keeps them."""
    used = set(Unit.objects.filter(code__endswith=f".{suffix}").values_list("code", flat=True))
    number = 0
    while True:
        number += 1
        code = f"000.00.{number:02d}.{suffix}"
        if code not in used:
            yield code


@transaction.atomic
def units_load_from_package(*, province_code: int, agency_code: str | None = None
                            ) -> PackageLoad:
    """Creates or updates a province and its commune-level units (phường, xã, đặc khu) from the
    national list in ``vietnam-provinces`` (the divisions in force since 1 July 2025).

    Idempotent, keyed by the official code: a re-run follows the list's names and types but
    never touches what admins keep (agency code, address, phone, opening hours) nor
    reactivates a unit a reorganisation closed. ``agency_code`` is the province's one-stop
    code for a province not loaded yet (an existing province row with that code is adopted)."""
    from vietnam_provinces import Province, ProvinceCode, Ward

    source = Province.from_code(ProvinceCode(province_code))
    official = f"{int(source.code):02d}"
    province = (Unit.objects.select_for_update().filter(official_code=official).first()
                or (agency_code and Unit.objects.select_for_update()
                    .filter(code=agency_code).first())
                or Unit(code=agency_code or f"000.00.00.T{official}", kind=UnitKind.PROVINCE))
    created = updated = 0
    if province.pk is None:
        created += 1
    elif (province.name, province.official_code) != (source.name, official):
        updated += 1
    province.name, province.official_code = source.name, official
    province.kind = UnitKind.PROVINCE
    province.division_type = _division_type(source.division_type.value)
    province.save()

    existing = {u.official_code: u for u in Unit.objects.filter(
        official_code__in=[f"{int(w.code):05d}" for w in Ward.iter_by_province(source.code)])}
    codes = _free_codes(province.code.rsplit(".", 1)[-1])
    for ward in sorted(Ward.iter_by_province(source.code), key=lambda w: int(w.code)):
        ward_code = f"{int(ward.code):05d}"
        division = _division_type(ward.division_type.value)
        unit = existing.get(ward_code)
        if unit is None:
            Unit.objects.create(code=next(codes), official_code=ward_code, name=ward.name,
                                kind=UnitKind.WARD, division_type=division, parent=province)
            created += 1
            continue
        changed = (unit.name, unit.kind, unit.division_type) != (ward.name, UnitKind.WARD,
                                                                 division)
        unit.name, unit.kind, unit.division_type = ward.name, UnitKind.WARD, division
        if not unit.path.startswith(province.path):
            unit.parent, changed = province, True
        if changed:
            unit.save()
            updated += 1
    return PackageLoad(province=province, created=created, updated=updated)


def units_fill_contacts(*, contacts: dict[str, dict[str, str]]) -> int:
    """Sets address/phone/opening hours given by official code where still blank: demo data
    that an admin's edit always wins over."""
    filled = 0
    for official_code, values in contacts.items():
        unit = Unit.objects.filter(official_code=official_code).first()
        if unit is None:
            continue
        changed = [field for field in ("address", "phone", "opening_hours")
                   if values.get(field) and not getattr(unit, field)]
        for field in changed:
            setattr(unit, field, values[field])
        if changed:
            unit.save(update_fields=changed)
            filled += 1
    return filled
