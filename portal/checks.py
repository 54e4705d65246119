"""Start-up checks of deployment settings that a typo would otherwise break at run time."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility, deploy=False)
def check_portal_base_url(app_configs=None, **kwargs) -> list[Error]:
    """PORTAL_BASE_URL is the address in SMS links, QR codes and payment return URLs: it must be
    ``scheme://host[:port]`` and nothing else; production must set it (development may leave it
    empty, and pages then use the address of the request)."""
    value = settings.PORTAL_BASE_URL or ""
    if not value:
        if settings.DEBUG:
            return []
        return [Error("PORTAL_BASE_URL must be set when DJANGO_DEBUG=0.",
                      hint="For example PORTAL_BASE_URL=https://dichvucong.example.vn",
                      id="portal.E001")]
    try:
        parts = urlsplit(value)
        if parts.port is not None and not 0 < parts.port < 65536:
            parts = None
    except ValueError:  # a port that is not a number
        parts = None
    problems = []
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("it needs a scheme (https://) and a host name")
    elif parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        problems.append("it must not have a path, a query, a fragment or credentials")
    elif not settings.DEBUG and parts.scheme != "https":
        problems.append("production serves the portal over https")
    return [Error(f"PORTAL_BASE_URL={value!r} is not a base address: {problem}.",
                  hint="For example PORTAL_BASE_URL=https://dichvucong.example.vn",
                  id="portal.E002") for problem in problems]
