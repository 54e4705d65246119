"""The portal's public address, for links the browser follows back (payment return pages).

A configured ``PORTAL_BASE_URL`` wins (production sets it; it is checked at start-up by
``portal.checks``). Left empty, as in development, the address is the one the citizen is
using, taken from the request: a base URL that does not match the address in use sends the
browser to another origin, and the form-action Content-Security-Policy then blocks the
redirect without a word (the pay button "did nothing")."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def public_base_url(request: HttpRequest | None = None) -> str:
    """``scheme://host[:port]`` without a trailing slash; '' when neither is known."""
    configured = (settings.PORTAL_BASE_URL or "").rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
