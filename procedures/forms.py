"""The citizen's filing form, generated from a procedure's configured fields.

It is built from the field list of a frozen version document (or of the working copy, for the
admin preview), so a dossier is always validated by the rules it was filed under.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.validators import normalize_vn_phone, validate_cccd

from .constants import FieldType


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
    low, high = spec.get("min") or None, spec.get("max") or None
    if kind == FieldType.TEXTAREA:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
    elif kind == FieldType.NUMBER:
        field = forms.DecimalField(
            min_value=Decimal(low) if low else None, max_value=Decimal(high) if high else None,
            **common,
        )
    elif kind == FieldType.DATE:
        attrs = {"type": "date"}
        if low:
            attrs["min"] = low
        if high:
            attrs["max"] = high
        field = forms.DateField(widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"), **common)
        if low:
            field.validators.append(_date_bound(datetime.date.fromisoformat(low), minimum=True))
        if high:
            field.validators.append(_date_bound(datetime.date.fromisoformat(high), minimum=False))
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
        field.validators.append(
            RegexValidator(f"^(?:{spec['regex']})$", _("Giá trị không đúng định dạng yêu cầu."))
        )
    return field


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
