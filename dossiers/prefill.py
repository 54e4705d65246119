"""Fields of a filing form bound to the applicant's own data (``bind`` in the procedure
schema): what the portal already knows is filled in, and the identity facts verified at
registration are locked.

The lock holds on the server, not only in the browser: the filing services overwrite the
locked fields with the verified values whatever was posted (a disabled input can be
re-enabled, and the API posts JSON).
"""

from __future__ import annotations

import datetime
from typing import Any

from citizens.selectors import applicant_data, verified_applicant_data
from procedures.constants import FieldType
from procedures.forms import bound_initial, lock_fields, locked_field_keys


def _data_fields(version) -> list[dict[str, Any]]:
    return [f for f in version.document.get("fields") or [] if f.get("type") != FieldType.FILE]


def filing_initial(version, user) -> dict[str, Any]:
    """Initial values of the bound fields for ``user`` (a new filing; a draft keeps what was
    saved, apart from the locked fields)."""
    return bound_initial(_data_fields(version), applicant_data(user))


def locked_keys(version, user) -> set[str]:
    return locked_field_keys(_data_fields(version), verified_applicant_data(user))


def lock_filing_form(form, version, user) -> None:
    """Disables the locked fields of a built form (their value is the verified one)."""
    keys = locked_keys(version, user)
    if not keys:
        return
    values = filing_initial(version, user)
    for key in keys:
        if key in form.fields and key in values:
            form.initial[key] = values[key]
    lock_fields(form, {key for key in keys if key in values})


def apply_locked_values(version, user, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every locked field set to the verified value, JSON-ready."""
    keys = locked_keys(version, user)
    if not keys:
        return dict(data)
    values = filing_initial(version, user)
    out = dict(data)
    for key in keys:
        if key in values:
            value = values[key]
            out[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return out
