"""django-axes integration: what is counted, and what a locked-out person sees.

Attempts are keyed by an HMAC of the account (or of the normalised identifier when no account
matches), so a CCCD, "0905…" and "+84905…" count together, and no CCCD or phone number is
written to the attempts table or the axes log.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api.errors import error_response

from .selectors import normalize_identifier


def identifier_key(raw: str) -> str:
    """One key per account, whichever identifier (CCCD, phone format, username) is typed."""
    from .selectors import user_by_identifier

    kind, value = normalize_identifier(raw)
    if not value:
        return ""
    user = user_by_identifier(raw)
    if user is not None:
        kind, value = "user", str(user.pk)
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"id:{digest.hexdigest()[:32]}"


def axes_username(request, credentials=None) -> str:
    raw = ""
    if credentials:
        raw = credentials.get("username") or ""
    elif request is not None and hasattr(request, "POST"):
        raw = request.POST.get("username", "")
    return identifier_key(raw)


def _retry_at(request, credentials) -> datetime.datetime:
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request) or datetime.timedelta(minutes=15)
    username = axes_username(request, credentials)
    attempt = (
        AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
        if username else None
    )
    start = attempt.attempt_time if attempt else timezone.now()
    return start + cool_off


def lockout_response(request, original_response=None, credentials=None):
    retry_at = _retry_at(request, credentials)
    seconds = max(int((retry_at - timezone.now()).total_seconds()), 1)
    minutes = (seconds + 59) // 60
    local = timezone.localtime(retry_at)
    message = _(
        "Tài khoản tạm thời bị khóa do đăng nhập sai quá nhiều lần. "
        "Vui lòng thử lại sau %(minutes)s phút (lúc %(time)s)."
    ) % {"minutes": minutes, "time": local.strftime("%H:%M ngày %d/%m/%Y")}
    if request.path.startswith("/api/"):
        response = error_response("locked_out", message, 429, details={
            "retry_after": local.isoformat(), "retry_after_seconds": seconds,
        })
    else:
        response = render(request, "accounts/locked_out.html",
                          {"message": message, "retry_at": local, "minutes": minutes},
                          status=429)
    response["Retry-After"] = str(seconds)
    return response
