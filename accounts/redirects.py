"""The page a visitor was heading for, carried through sign-in, registration and verification.

Only a local path is ever followed (``url_has_allowed_host_and_scheme``), so the parameter
cannot send a citizen to another site after they signed in."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# The URL names that mean "the citizen was about to file a dossier".
FILING_VIEW_NAMES = frozenset({"dossiers:file", "dossiers:edit"})


def safe_next(request, candidate: str | None = None) -> str:
    """``next`` from the POST body or the query string when it stays on this site, else ''."""
    if candidate is None:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def is_filing_url(url: str) -> bool:
    if not url:
        return False
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.view_name in FILING_VIEW_NAMES


def with_next(url: str, next_url: str) -> str:
    """``url`` carrying ``next_url`` along (unchanged when there is nowhere to go back to)."""
    if not next_url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'next': next_url})}"
