"""Inline SVG QR codes for authenticator enrolment (no image files, no external service)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    svg = segno.make(data, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    return mark_safe(svg)  # noqa: S308 -- segno escapes the payload; the markup is its own.


def base32_secret(bin_key: bytes) -> str:
    text = b32encode(bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))
