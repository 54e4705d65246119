"""How a dossier's answers read to a person: labels from the version it was filed under,
choice labels instead of stored values, dates as dd/mm/yyyy, yes/no for checkboxes."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from procedures.constants import FieldType


def _display(spec: dict[str, Any], value: Any) -> str:
    if value in (None, "", []):
        return "–"
    kind = spec.get("type")
    if kind == FieldType.CHECKBOX:
        return _("Có") if value in (True, "true", "True", "on", 1) else _("Không")
    if kind == FieldType.SELECT:
        labels = {choice["value"]: choice.get("label", choice["value"])
                  for choice in spec.get("choices", [])}
        return labels.get(str(value), str(value))
    if kind == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    return str(value)


def answers(dossier) -> list[tuple[str, str]]:
    """(label, value) in the order of the form the dossier was filed with."""
    specs = dossier.procedure_version.document.get("fields") or []
    data = dossier.data or {}
    rows = [(spec.get("label", spec["key"]), _display(spec, data.get(spec["key"])))
            for spec in specs if spec.get("type") != FieldType.FILE]
    known = {spec["key"] for spec in specs}
    rows.extend((key, str(value)) for key, value in data.items() if key not in known)
    return rows
