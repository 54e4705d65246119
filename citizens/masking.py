"""Masking of personal identifiers for every page but the owner's own profile."""

from __future__ import annotations


def mask_cccd(value: str | None) -> str:
    """'001203004545' -> '0012******45'."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_phone(value: str | None) -> str:
    """'+84905123456' -> '+84*******456'."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    head = 3 if value.startswith("+") else 2
    return value[:head] + "*" * (len(value) - head - 3) + value[-3:]


def mask_email(value: str | None) -> str:
    """'nguyenvana@example.vn' -> 'n*********@example.vn'."""
    value = (value or "").strip()
    if "@" not in value:
        return mask_phone(value)
    local, domain = value.split("@", 1)
    return (local[:1] + "*" * max(len(local) - 1, 1)) + "@" + domain
