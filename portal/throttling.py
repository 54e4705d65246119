"""The API's default request limits (``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``).

The rates are ``DEFAULT_THROTTLE_RATES`` ("anon", "user" and any ``throttle_scope`` a view
declares), read when a request is checked, so a changed setting applies at once. They count in
fixed windows with ``portal.ratelimit.over_limit`` (one cache increment per request), keyed by
the client's address under the portal's one rule (``portal.clientip``) for anonymous requests and
by the account for signed-in ones. A refusal is a 429 in the API's error envelope with
``Retry-After`` (``portal.api.errors``).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings

from .clientip import client_address
from .ratelimit import FixedWindowThrottle, over_limit

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` → (120, 60), as DRF reads its rates."""
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


class RateThrottle(FixedWindowThrottle):
    def rate_scope(self, request, view) -> str | None:
        return self.scope

    def ident(self, request) -> str | None:
        """Whom to count; None leaves the request to another throttle."""
        raise NotImplementedError

    def allow_request(self, request, view):
        scope = self.rate_scope(request, view)
        ident = self.ident(request) if scope else None
        if ident is None:
            return True
        try:
            rate = api_settings.DEFAULT_THROTTLE_RATES[scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate for the scope {scope!r}") from None
        if rate is None:
            return True
        self.limit, self.window = parse_rate(rate)  # wait() answers with the window
        return not over_limit(f"{scope}:{ident}", self.limit, self.window)


def _signed_in(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


class AnonRateThrottle(RateThrottle):
    scope = "anon"

    def ident(self, request):
        return None if _signed_in(request) else client_address(request)


class UserRateThrottle(RateThrottle):
    scope = "user"

    def ident(self, request):
        return f"user-{request.user.pk}" if _signed_in(request) else None


class ScopedRateThrottle(RateThrottle):
    """A view's ``throttle_scope``, per account or per client address."""

    scope = ""

    def rate_scope(self, request, view):
        return getattr(view, "throttle_scope", None)

    def ident(self, request):
        return f"user-{request.user.pk}" if _signed_in(request) else client_address(request)
