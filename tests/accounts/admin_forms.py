"""Posting an admin change form as a browser would: what the page shows, plus changes."""

from __future__ import annotations

from typing import Any

from django.forms import MultiWidget


def _form_values(form) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field.widget, MultiWidget):  # date and time as two inputs
            context = bound.field.widget.get_context(bound.html_name, value, {})
            for sub in context["widget"]["subwidgets"]:
                if sub["value"] is not None:
                    data[sub["name"]] = str(sub["value"])
            continue
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        name = bound.html_name
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value) if not hasattr(value, "isoformat") else value.isoformat()
    return data


def admin_form_data(page, **changes: Any) -> dict[str, Any]:
    """The fields a GET of an admin add/change page renders, with ``changes`` applied."""
    data = _form_values(page.context["adminform"].form)
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    data.update(changes)
    return data
