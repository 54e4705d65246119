"""Which unit handles a dossier: the competent receiving unit for a place, and the unit of
each configured processing step."""

from __future__ import annotations

from django.utils.translation import gettext as _

from units.models import Unit

from .exceptions import DossierInvalid


def path_ids(unit: Unit) -> list[int]:
    """The unit's ancestors and itself, top first, from its materialised path (no query)."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def unit_of_kind(unit: Unit, kind: str) -> Unit | None:
    """``unit`` itself or its nearest ancestor of ``kind``."""
    if unit.kind == kind:
        return unit
    return unit.ancestors().filter(kind=kind).order_by("-depth").first()


def competent_unit(*, receiving_unit_kind: str, place: Unit) -> Unit:
    """The unit whose one-stop desk receives a dossier for a citizen living at ``place``:
    a ward-level procedure goes to the ward, a district-level one to the district above."""
    unit = unit_of_kind(place, receiving_unit_kind)
    if unit is None:
        raise DossierInvalid(
            _("Không xác định được cơ quan có thẩm quyền tiếp nhận cho địa bàn đã chọn."),
            code="no_competent_unit",
        )
    return unit


def unit_for_step(*, receiving_unit: Unit, step: dict | None) -> Unit:
    if not step or not step.get("unit_kind"):
        return receiving_unit
    return unit_of_kind(receiving_unit, step["unit_kind"]) or receiving_unit
