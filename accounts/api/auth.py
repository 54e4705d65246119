"""API token authentication: django-rest-knox's hashed, expiring, per-device tokens, plus the
account guard that sessions get from AccountGuardMiddleware (a token request reaches the view
without a session, so the middleware never sees its user)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..guard import staff_access_revoked
from ..selectors import load_guard_facts
from ..services import api_token_revoke


class PortalTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``, as the DRF tokens it replaces."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("Token không hợp lệ."), code="invalid_token") from exc
        user, auth_token = super().authenticate_credentials(token)
        # The facts a session request loads with its user (one query), so the staff checks
        # of the API views read them instead of querying again.
        load_guard_facts(user)
        if staff_access_revoked(user):
            api_token_revoke(token=auth_token)
            raise AuthenticationFailed(_("Tài khoản đã bị vô hiệu hóa."), code="account_inactive")
        return user, auth_token
