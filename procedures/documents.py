"""The procedure as one JSON document: import, export, and the frozen content of a version.

The shape is published as ``procedures/schema/procedure-v1.schema.json``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from .exceptions import ConfigError
from .models import Procedure
from .validation import (
    delivery_errors,
    duplicates,
    field_errors,
    non_finite_numbers,
    steps_errors,
)

SCHEMA_PATH = Path(__file__).parent / "schema" / "procedure-v1.schema.json"
# Keys that describe the document's life cycle, not the configuration a dossier depends on.
_LIFECYCLE_KEYS = ("$schema", "status")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def procedure_to_document(procedure: Procedure) -> dict[str, Any]:
    sector = procedure.sector
    return {
        "schema_version": 1,
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "status": procedure.status,
        "sector": {"code": sector.code, "name": sector.name, "name_en": sector.name_en},
        "level": procedure.level,
        "receiving_unit_kind": procedure.receiving_unit_kind,
        "description": procedure.description,
        "legal_basis": procedure.legal_basis,
        "processing_days": procedure.processing_days,
        "processing_time_note": procedure.processing_time_note,
        "result_document": procedure.result_document,
        "delivery_methods": procedure.delivery_methods,
        "postal_postage": procedure.postal_postage,
        "online_payment": procedure.online_payment,
        "fees": [
            {"name": fee.name, "name_en": fee.name_en, "amount": fee.amount, "note": fee.note}
            for fee in procedure.fees.all()
        ],
        "fee_exemptions": [
            {"code": ex.code, "reason": ex.reason, "reason_en": ex.reason_en,
             "proof_required": ex.proof_required}
            for ex in procedure.fee_exemptions.all()
        ],
        "documents": [
            {
                "key": doc.key, "name": doc.name, "name_en": doc.name_en,
                "mandatory": doc.mandatory, "form": doc.form, "quantity": doc.quantity,
                "reusable": doc.reusable, "note": doc.note,
                # Only when set, like "bind" below: a version frozen before these keys
                # existed stays equal, so republishing it does not make a new version.
                **({"replaced_by_online_form": True} if doc.replaced_by_online_form else {}),
            }
            for doc in procedure.documents.all()
        ],
        "fields": [
            {
                "key": field.key, "label": field.label, "label_en": field.label_en,
                "type": field.field_type, "required": field.required, "choices": field.choices,
                "regex": field.regex, "min": field.min_value, "max": field.max_value,
                "help_text": field.help_text, "help_text_en": field.help_text_en,
                # Only when set, so documents of procedures without sections stay as they were.
                **({"section": field.section} if field.section else {}),
                **({"bind": field.bind} if field.bind else {}),
            }
            for field in procedure.fields.all()
        ],
        "steps": [
            {
                "name": step.name, "name_en": step.name_en, "role": step.role,
                "unit_kind": step.unit_kind, "days": _number(step.days),
            }
            for step in procedure.steps.all()
        ],
    }


def configuration_of(document: dict[str, Any]) -> dict[str, Any]:
    """The part of a document that a version freezes (life-cycle keys removed)."""
    return {key: value for key, value in document.items() if key not in _LIFECYCLE_KEYS}


def _pointer(path) -> str:
    return "/" + "/".join(str(part) for part in path) if path else "/"


def _schema_message(error: jsonschema.ValidationError) -> str:
    """jsonschema speaks English; admins read Vietnamese."""
    value, expected = error.instance, error.validator_value
    messages = {
        "required": lambda: _("Thiếu mục bắt buộc: %s.") % ", ".join(
            repr(key) for key in expected if isinstance(value, dict) and key not in value),
        "additionalProperties": lambda: _("Có mục không được phép: %s.") % ", ".join(
            sorted(set(value) - set(error.schema.get("properties", {})))),
        "type": lambda: _("Sai kiểu dữ liệu: cần %s.") % expected,
        "enum": lambda: _("Giá trị %(value)r không hợp lệ; cho phép: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(map(str, expected))},
        "const": lambda: _("Giá trị phải là %r.") % (expected,),
        "pattern": lambda: _("Giá trị %r không đúng định dạng.") % (value,),
        "minLength": lambda: _("Không được để trống.") if expected == 1
        else _("Cần ít nhất %d ký tự.") % expected,
        "maxLength": lambda: _("Dài quá %d ký tự.") % expected,
        "minimum": lambda: _("Giá trị phải từ %s trở lên.") % expected,
        "maximum": lambda: _("Giá trị không được vượt quá %s.") % expected,
        "minItems": lambda: _("Cần ít nhất %d mục.") % expected,
        "maxItems": lambda: _("Không được quá %d mục.") % expected,
        "uniqueItems": lambda: _("Các mục không được trùng nhau."),
        "multipleOf": lambda: _("Giá trị phải là bội số của %s.") % expected,
    }
    build = messages.get(error.validator)
    return build() if build else error.message


def document_errors(document: Any) -> list[ConfigError]:
    """Every problem in ``document``: its shape first (JSON Schema), then the business rules."""
    bad_numbers = [ConfigError(_pointer(path), _("Số không hợp lệ (NaN hoặc vô cực)."))
                   for path in non_finite_numbers(document)]
    if bad_numbers:
        return bad_numbers
    validator = jsonschema.Draft202012Validator(schema())
    shape_errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if shape_errors:
        return [ConfigError(_pointer(e.absolute_path), _schema_message(e)) for e in shape_errors]

    errors: list[ConfigError] = []
    methods = document["delivery_methods"]
    attribute_paths = {
        "offers_pickup": "/delivery_methods", "offers_postal": "/delivery_methods",
        "online_payment": "/online_payment",
    }
    for attr, message in delivery_errors(
        level=document["level"],
        offers_pickup="pickup" in methods,
        offers_postal="postal" in methods,
        online_payment=document.get("online_payment", False),
        has_fees=any(fee["amount"] > 0 for fee in document.get("fees", [])),
    ):
        errors.append(ConfigError(attribute_paths[attr], message))

    bound_keys = {"min_value": "min", "max_value": "max"}
    fields = document["fields"]
    for dup in duplicates(field["key"] for field in fields):
        errors.append(ConfigError("/fields", _("Mã trường bị trùng: %s.") % dup))
    for index, field in enumerate(fields):
        for attr, message in field_errors(
            field_type=field["type"], choices=field.get("choices", []),
            regex=field.get("regex", ""), min_value=field.get("min", ""),
            max_value=field.get("max", ""),
            bind=field.get("bind", ""),
        ):
            errors.append(ConfigError(f"/fields/{index}/{bound_keys.get(attr, attr)}", message))

    for dup in duplicates(ex["code"] for ex in document.get("fee_exemptions", [])):
        errors.append(ConfigError("/fee_exemptions", _("Mã miễn phí bị trùng: %s.") % dup))
    for dup in duplicates(doc["key"] for doc in document["documents"]):
        errors.append(ConfigError("/documents", _("Mã giấy tờ bị trùng: %s.") % dup))

    for message in steps_errors(
        step_days=[Decimal(str(step["days"])) for step in document["steps"]],
        processing_days=document["processing_days"],
    ):
        errors.append(ConfigError("/steps", message))
    return errors
