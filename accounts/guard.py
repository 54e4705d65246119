"""The rule that ends a former staff member's access, for web sessions
(AccountGuardMiddleware) and API tokens (accounts.api.auth) alike. A module of its own so that
the DRF authentication class can import it without importing the middleware's API error
helpers (which import DRF's views, which import the authentication classes)."""

from __future__ import annotations

from .models import User
from .selectors import staff_assignment_flags


def staff_access_revoked(user: User) -> bool:
    """The account was staff and has lost it: every staff assignment deactivated (a
    superuser's access does not hang on assignments). Sessions of such a user end at their
    next request; their API tokens stop working."""
    has_assignment, has_active_assignment = staff_assignment_flags(user)
    return has_assignment and not has_active_assignment and not user.is_superuser
