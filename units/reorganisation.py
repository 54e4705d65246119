"""Applying a reorganisation of administrative units (a merger resolution) as data.

Each old unit named in the mapping becomes inactive, keeping its name, codes and history, and
a successor takes over what is still alive: open dossiers, staff, the procedures it configures,
pickups waiting at its desk, its citizens' saved addresses and its statistics. Dossier codes do
not change (they carry the old unit's code), and the public tracking page, which looks a dossier
up by code alone, shows the successor as the agency.

Every reference to a unit is classified in ``RELATIONS`` (one table, one policy): a new foreign
key to ``Unit`` that nobody classified makes ``tests/units/test_reorganisation.py`` fail, so a
reorganisation never silently leaves live data on a closed unit.

Re-pointing the references is a data migration of other apps' rows: there is no per-app service
for "this unit is now that one", so this module updates them with queryset ``update()`` calls, in
one transaction, and records the counts on the ``Reorganisation`` row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Q

from .constants import UnitKind
from .models import Reorganisation, Unit, UnitSuccession

# What happens to each reference to an old unit.
MOVE = "move"  # re-pointed to the successor
KEEP = "keep"  # history: stays on the old unit
SPECIAL = "special"  # handled by its own function below

# (app_label.Model, field) -> policy, and for MOVE an optional filter limiting the rows moved.
RELATIONS: dict[tuple[str, str], tuple[str, Q | None]] = {
    ("units.Unit", "parent"): (SPECIAL, None),  # children re-parented (paths recomputed)
    ("units.UnitSuccession", "predecessor"): (KEEP, None),
    ("units.UnitSuccession", "successor"): (KEEP, None),
    ("accounts.User", "created_in_unit"): (MOVE, None),  # staff-admin scope of the account
    ("accounts.StaffAssignment", "unit"): (SPECIAL, None),  # carried, old rows kept inactive
    ("procedures.Procedure", "owner_unit"): (MOVE, None),  # who configures the procedure
    ("citizens.DeliveryAddress", "province"): (MOVE, None),
    ("citizens.DeliveryAddress", "district"): (MOVE, None),
    ("citizens.DeliveryAddress", "ward"): (MOVE, None),
    # Every dossier, finished ones too: the successor answers for its predecessor's files
    # (results board, tracking, statistics, which a rebuild derives from receiving_unit).
    ("dossiers.Dossier", "receiving_unit"): (MOVE, None),
    ("dossiers.Dossier", "intake_unit"): (MOVE, None),
    ("dossiers.Dossier", "pickup_unit"): (MOVE, None),  # where a result will be collected
    ("dossiers.Dossier", "current_unit"): (MOVE, None),
    ("dossiers.DossierTransition", "unit"): (KEEP, None),  # what happened where, then
    ("dossiers.DossierTransition", "to_unit"): (KEEP, None),
    ("dossiers.DailyCounter", "unit"): (KEEP, None),  # numbering of codes with the old prefix
    ("delivery.Overpayment", "unit"): (MOVE, None),  # refunds still owed
    # A result still waiting at the desk: the successor's staff hand it over. The address the
    # citizen was given stays on the appointment (the old office usually keeps serving).
    ("delivery.PickupAppointment", "unit"): (MOVE, Q(collected_at__isnull=True)),
    ("delivery.OverdueAlert", "unit"): (KEEP, None),
    ("ratings.Rating", "unit"): (MOVE, None),
    ("reports.DossierFact", "unit"): (MOVE, None),
    ("reports.StatRollup", "unit"): (SPECIAL, None),  # cells added into the successor's
}


def unit_relations() -> list[tuple[str, str]]:
    """Every (model, field) holding a foreign key to ``Unit``, hidden ones (related_name "+")
    included."""
    return sorted(
        (rel.related_model._meta.label, rel.field.name)
        for rel in Unit._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete
    )


class ReorganisationError(Exception):
    """The mapping cannot be applied; ``message`` is Vietnamese, ``details`` names the entry."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        self.message = message
        self.details = details or {}
        super().__init__(message)


@dataclass
class ReorganisationResult:
    reorganisation: Reorganisation | None
    merged: list[tuple[Unit, Unit]] = field(default_factory=list)
    skipped: list[tuple[Unit, Unit]] = field(default_factory=list)  # applied before
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def lines(self) -> list[str]:
        out = [f"{old.name} ({old.code}) → {new.name} ({new.code})" for old, new in self.merged]
        out += [f"đã áp dụng trước đó: {old.name} → {new.name}" for old, new in self.skipped]
        out += [f"  {key}: {value}" for key, value in sorted(self.counts.items()) if value]
        return out


def _find_unit(ref: Any, where: str) -> Unit:
    ref = str(ref or "").strip()
    unit = (Unit.objects.filter(code=ref).first()
            or (ref and Unit.objects.filter(official_code=ref).first()))
    if not unit:
        raise ReorganisationError(
            f"Không tìm thấy đơn vị “{ref}” ({where}).", details={"unit": ref, "at": where})
    return unit


def parse_mapping(mapping: Any) -> tuple[datetime.date, str, list[tuple[Unit, list[Unit]]]]:
    """Validates a mapping document (see README, "Reorganising units") against the database."""
    if not isinstance(mapping, dict) or not isinstance(mapping.get("mergers"), list):
        raise ReorganisationError("Bảng sắp xếp phải là một đối tượng JSON có danh sách "
                                  "“mergers”.", details={"at": "/mergers"})
    try:
        effective = datetime.date.fromisoformat(str(mapping.get("effective_date", "")))
    except ValueError:
        raise ReorganisationError("“effective_date” phải là ngày dạng YYYY-MM-DD.",
                                  details={"at": "/effective_date"}) from None
    reference = str(mapping.get("reference", ""))[:300]
    mergers: list[tuple[Unit, list[Unit]]] = []
    seen: set[int] = set()
    for index, entry in enumerate(mapping["mergers"]):
        where = f"/mergers/{index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("predecessors"), list) \
                or not entry["predecessors"]:
            raise ReorganisationError("Mỗi mục cần “successor” và danh sách “predecessors”.",
                                      details={"at": where})
        successor = _find_unit(entry.get("successor"), f"{where}/successor")
        olds = [_find_unit(ref, f"{where}/predecessors/{i}")
                for i, ref in enumerate(entry["predecessors"])]
        for old in olds:
            if old.pk == successor.pk or successor.is_within(old):
                raise ReorganisationError(
                    f"Đơn vị kế thừa “{successor.name}” không thể là “{old.name}” hoặc đơn vị "
                    "trực thuộc của nó.", details={"at": where, "unit": old.code})
            if old.pk in seen:
                raise ReorganisationError(f"“{old.name}” được nêu hai lần.",
                                          details={"at": where, "unit": old.code})
            seen.add(old.pk)
        mergers.append((successor, olds))
    for successor, _olds in mergers:
        if successor.pk in seen:
            raise ReorganisationError(
                f"“{successor.name}” vừa là đơn vị cũ vừa là đơn vị kế thừa.",
                details={"unit": successor.code})
    return effective, reference, mergers


def _move_children(old: Unit, new: Unit) -> int:
    children = list(Unit.objects.filter(parent=old))
    for child in children:
        child.parent = new
        child.save()
    return len(children)


def _carry_staff(old: Unit, new: Unit) -> int:
    """Active assignments at the old unit are given at the successor (the person may already
    hold that role there); the old rows stay, inactive, as the record of who served where."""
    from accounts.models import StaffAssignment

    carried = 0
    for assignment in StaffAssignment.objects.filter(unit=old, is_active=True):
        StaffAssignment.objects.update_or_create(
            user_id=assignment.user_id, unit=new, role=assignment.role,
            defaults={"is_active": True},
            create_defaults={"is_active": True, "created_by_id": assignment.created_by_id})
        carried += 1
    StaffAssignment.objects.filter(unit=old, is_active=True).update(is_active=False)
    return carried


def _merge_rollups(old: Unit, new: Unit) -> int:
    """Adds the old unit's statistics cells into the successor's: a cell is a sum over facts,
    and the facts move with the dossiers, so this equals what a full rebuild would give."""
    from reports.models import StatRollup

    keys = {"id", "grain", "day", "unit", "procedure", "level"}
    counters = [f.name for f in StatRollup._meta.concrete_fields if f.name not in keys]
    merged = 0
    for cell in StatRollup.objects.filter(unit=old):
        target, created = StatRollup.objects.get_or_create(
            grain=cell.grain, day=cell.day, unit=new, procedure_id=cell.procedure_id,
            level=cell.level, defaults={name: getattr(cell, name) for name in counters})
        if not created:
            StatRollup.objects.filter(pk=target.pk).update(
                **{name: F(name) + getattr(cell, name) for name in counters})
        merged += 1
    StatRollup.objects.filter(unit=old).delete()
    return merged


def _carry_over(old: Unit, new: Unit, counts: dict[str, int]) -> None:
    for (label, field_name), (policy, only) in RELATIONS.items():
        if policy != MOVE:
            continue
        model: type[models.Model] = apps.get_model(label)
        rows = model._default_manager.filter(**{field_name: old})
        if only is not None:
            rows = rows.filter(only)
        counts[f"{label}.{field_name}"] = counts.get(f"{label}.{field_name}", 0) + rows.update(
            **{field_name: new})
    for key, moved in (("units.Unit.parent", _move_children(old, new)),
                       ("accounts.StaffAssignment.unit", _carry_staff(old, new)),
                       ("reports.StatRollup.unit", _merge_rollups(old, new))):
        counts[key] = counts.get(key, 0) + moved


class _DryRun(Exception):
    pass


def reorganisation_apply(*, mapping: dict[str, Any], acting_user=None,
                         dry_run: bool = False) -> ReorganisationResult:
    """Applies a mapping (old units → successor, effective date) atomically. Idempotent: an old
    unit already succeeded by the same successor is skipped, so re-applying is a no-op. With
    ``dry_run`` everything is done and counted, then rolled back."""
    result = ReorganisationResult(reorganisation=None, dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply(mapping, acting_user, result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.reorganisation = None
    return result


def _apply(mapping: dict[str, Any], acting_user, result: ReorganisationResult) -> None:
    unmissed = set(unit_relations()) - set(RELATIONS)
    if unmissed:  # a new foreign key to Unit: decide its policy before merging anything
        raise ReorganisationError("Chưa xác định cách chuyển giao: " + ", ".join(
            ".".join(r) for r in sorted(unmissed)), details={"relations": sorted(unmissed)})
    effective, reference, mergers = parse_mapping(mapping)
    ids = [u.pk for successor, olds in mergers for u in (successor, *olds)]
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=ids)}
    todo: list[tuple[Unit, Unit]] = []
    for successor, olds in mergers:
        successor = locked[successor.pk]
        for old in olds:
            old = locked[old.pk]
            done = UnitSuccession.objects.filter(predecessor=old).first()
            if done is not None:
                if done.successor_id != successor.pk:
                    raise ReorganisationError(
                        f"“{old.name}” đã được sáp nhập vào “{done.successor.name}”.",
                        details={"unit": old.code})
                result.skipped.append((old, successor))
                continue
            if not successor.is_active:
                raise ReorganisationError(f"Đơn vị kế thừa “{successor.name}” đã ngừng hoạt động.",
                                          details={"unit": successor.code})
            if old.kind == UnitKind.PROVINCE and successor.kind != UnitKind.PROVINCE:
                raise ReorganisationError(f"Không thể sáp nhập “{old.name}” vào một đơn vị "
                                          "cấp dưới tỉnh.", details={"unit": old.code})
            todo.append((old, successor))
    if not todo:
        return
    reorganisation = Reorganisation.objects.create(
        reference=reference, effective_date=effective, mapping=mapping,
        applied_by=acting_user if getattr(acting_user, "pk", None) else None)
    for old, successor in todo:
        _carry_over(old, successor, result.counts)
        old.is_active = False
        old.save(update_fields=["is_active"])
        UnitSuccession.objects.create(reorganisation=reorganisation, predecessor=old,
                                      successor=successor, effective_date=effective)
        result.merged.append((old, successor))
    reorganisation.summary = dict(result.counts)
    reorganisation.save(update_fields=["summary"])
    result.reorganisation = reorganisation
