"""The citizen's filing form, generated from a procedure's configured fields.

It is built from the field list of a frozen version document (or of the working copy, for the
admin preview), so a dossier is always validated by the rules it was filed under.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

import re2
from django import forms
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.validators import normalize_vn_phone, validate_cccd

from .constants import YEAR_MIN, FieldType
from .validation import compile_safe_regex, parse_bound

logger = logging.getLogger(__name__)


class PhoneField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return normalize_vn_phone(value) if value else value


def _localized(spec: dict[str, Any], attr: str) -> str:
    """A configured text, escaped where it enters the form.

    An admin's label, help text or choice label is data, never markup. Django's own form
    templates (``as_div``, ``as_p``, the admin's) print ``help_text|safe``, so text left raw
    here would be live HTML inside the page's form, next to its CSRF token. ``escape`` returns
    a SafeString, so templates that autoescape do not escape it twice."""
    if (get_language() or "vi").startswith("en") and spec.get(f"{attr}_en"):
        return escape(spec[f"{attr}_en"])
    return escape(spec.get(attr, ""))


def build_form_field(spec: dict[str, Any]) -> forms.Field:
    kind = spec["type"]
    common = {
        "label": _localized(spec, "label"),
        "required": spec.get("required", True),
        "help_text": _localized(spec, "help_text"),
    }
    low, high = _bound(kind, spec.get("min")), _bound(kind, spec.get("max"))
    if kind == FieldType.TEXTAREA:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
    elif kind == FieldType.NUMBER:
        field = forms.DecimalField(min_value=low, max_value=high, **common)
    elif kind == FieldType.DATE:
        attrs = {"type": "date"}
        if low:
            attrs["min"] = low.isoformat()
        if high:
            attrs["max"] = high.isoformat()
        field = forms.DateField(widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"), **common)
        # The browser draws <input type="date"> in its own locale (mm/dd/yyyy on an English
        # phone): say which order is meant; the server reads dd/mm/yyyy and ISO, never m/d.
        field.help_text = _join(field.help_text, _("Định dạng: ngày/tháng/năm (ví dụ 17/05/1990)."))
        if low:
            field.validators.append(_date_bound(low, minimum=True))
        if high:
            field.validators.append(_date_bound(high, minimum=False))
    elif kind == FieldType.YEAR:
        # "Năm sinh" asks for a year, not a full date: four digits, a numeric keypad.
        field = forms.IntegerField(min_value=low or YEAR_MIN,
                                   max_value=high or timezone.localdate().year, **common)
        field.widget = forms.TextInput(attrs={
            "inputmode": "numeric", "pattern": r"\d{4}", "maxlength": "4", "size": "4",
            "autocomplete": "off"})
        field.error_messages["invalid"] = _("Nhập năm gồm 4 chữ số, ví dụ 1990.")
    elif kind == FieldType.SELECT:
        choices = [(c["value"], _localized(c, "label")) for c in spec.get("choices", [])]
        field = forms.ChoiceField(choices=[("", "— Chọn —"), *choices], **common)
    elif kind == FieldType.CHECKBOX:
        field = forms.BooleanField(**common)
    elif kind == FieldType.EMAIL:
        field = forms.EmailField(**common)
    elif kind == FieldType.PHONE:
        field = PhoneField(max_length=20, **common)
        field.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
    elif kind == FieldType.NATIONAL_ID:
        field = forms.CharField(max_length=12, min_length=12, validators=[validate_cccd], **common)
        field.widget.attrs.update({"inputmode": "numeric", "pattern": r"\d{12}"})
    elif kind == FieldType.ADDRESS:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=500, **common)
    elif kind == FieldType.FILE:
        field = forms.FileField(**common)
    else:
        field = forms.CharField(max_length=500, **common)
    if spec.get("regex") and kind in (
        FieldType.TEXT, FieldType.TEXTAREA, FieldType.ADDRESS, FieldType.PHONE,
        FieldType.NATIONAL_ID, FieldType.EMAIL,
    ):
        field.validators.append(_regex_validator(spec["regex"]))
    return field


def _join(help_text: str, note: str) -> str:
    """A configured (already escaped) help text followed by a note of ours."""
    return format_html("{} {}", help_text, note) if help_text else escape(note)


def _bound(kind: str, raw: str | None) -> Decimal | datetime.date | int | None:
    """A configured min/max as validation.py accepts it; a bound stored before that check
    that is not (NaN, "1e999999999") is dropped rather than crash every filing."""
    if not raw or kind not in (FieldType.NUMBER, FieldType.DATE, FieldType.YEAR):
        return None
    try:
        return parse_bound(kind, raw)
    except (ValueError, InvalidOperation):
        logger.error("Form field bound out of range, ignored: %r", raw)
        return None


def _regex_validator(pattern: str):
    """Matches with RE2 (``compile_safe_regex``): linear in the value's length whatever the
    pattern, so no citizen input can make a configured pattern backtrack for minutes, as
    ``(a+)+$`` did with Python's engine. A stored pattern RE2 cannot run (published before
    this check) refuses every value rather than go unchecked; it is logged for the admin."""
    try:
        compiled = compile_safe_regex(pattern)
    except re2.error:
        logger.error("Form field regex not supported by RE2, values refused: %r", pattern)
        compiled = None

    def check(value) -> None:
        if compiled is None or compiled.search(str(value)) is None:
            raise forms.ValidationError(_("Giá trị không đúng định dạng yêu cầu."),
                                        code="invalid")

    return check


def _date_bound(bound: datetime.date, *, minimum: bool):
    def check(value: datetime.date) -> None:
        if minimum and value < bound:
            raise forms.ValidationError(
                _("Ngày phải từ %(date)s trở đi.") % {"date": bound.strftime("%d/%m/%Y")}
            )
        if not minimum and value > bound:
            raise forms.ValidationError(
                _("Ngày không được sau %(date)s.") % {"date": bound.strftime("%d/%m/%Y")}
            )

    return check


def build_filing_form_class(field_specs: list[dict[str, Any]]) -> type[forms.Form]:
    attrs = {spec["key"]: build_form_field(spec) for spec in field_specs}
    return type("FilingForm", (forms.Form,), attrs)


# --- fields bound to the applicant's own data --------------------------------------------


def bound_initial(field_specs: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Initial values of the fields bound (``bind``) to a datum the portal knows."""
    return {spec["key"]: data[spec["bind"]] for spec in field_specs
            if spec.get("bind") and data.get(spec["bind"]) not in (None, "")}


def locked_field_keys(field_specs: list[dict[str, Any]], verified: frozenset[str]) -> set[str]:
    """Keys of the fields bound to a verified identity datum: shown, never editable."""
    return {spec["key"] for spec in field_specs if spec.get("bind") in verified}


def lock_fields(form: forms.Form, keys: set[str]) -> None:
    """Makes the fields read-only. Django ignores a disabled field's posted value and keeps
    the initial one; the filing service sets the verified value again whatever is posted."""
    for key in keys:
        field = form.fields.get(key)
        if field is None:
            continue
        field.disabled = True
        field.help_text = _join(field.help_text, _("Lấy từ tài khoản đã xác thực của ông/bà, "
                                                   "không sửa được ở đây."))
