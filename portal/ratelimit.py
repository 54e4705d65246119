"""Fixed-window request counters in the shared cache, for the hot public endpoints.

One atomic increment per request (an ``add`` opens each window), where DRF's
``SimpleRateThrottle`` reads and rewrites a list of timestamps per client (two round trips,
and two concurrent requests can both read the same list). While the cache is unreachable the
limit is not applied: a Redis outage must not turn public pages into errors.
"""

from __future__ import annotations

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .clientip import client_address


def over_limit(key: str, limit: int, window: int = 60) -> bool:
    """Counts one request for ``key``; True once more than ``limit`` were counted in the
    window that began with the first of them (the counter expires ``window`` seconds later)."""
    key = f"ratelimit:{key}"
    try:
        count = cache.incr(key)  # keeps the counter's expiry
    except ValueError:  # no counter yet: this request opens the window
        count = 1 if cache.add(key, 1, window) else _incr_or_none(key)
    return count is not None and count > limit


def _incr_or_none(key: str) -> int | None:
    try:
        return cache.incr(key)
    except ValueError:  # the cache lost it again (unreachable): not limited
        return None


class FixedWindowThrottle(BaseThrottle):
    """A DRF throttle on ``over_limit``, per client address (portal.clientip)."""

    scope = ""
    limit = 60
    window = 60

    def allow_request(self, request, view):
        return not over_limit(f"{self.scope}:{client_address(request)}", self.limit,
                              self.window)

    def wait(self):
        return self.window  # at most: the window began with the client's first request
