"""Per-request account checks, after authentication and django-otp's middleware:

* a staff member whose assignments were all deactivated (or whose account was disabled) is
  signed out at their next request;
* sessions slide: staff expire after a short idle period, citizens after a longer one;
* two-factor: every staff member, and every citizen who enrolled a device, must have verified
  this session with an OTP before reaching any page but enrolment/verification/sign-out.
  Staff without a confirmed device are sent to enrolment. This covers /admin/ as well.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from portal.api.errors import error_response

from .guard import staff_access_revoked
from .selectors import has_otp_device, staff_assignment_flags

OTP_EXEMPT_URL_NAMES = frozenset({"otp_verify", "otp_enroll", "logout"})
EXEMPT_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/favicon.ico")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _otp_exempt(request) -> bool:
    if request.path_info.startswith(EXEMPT_PREFIXES):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.namespace == "accounts" and match.url_name in OTP_EXEMPT_URL_NAMES


# Renewing the idle timeout writes the session row; once a minute is enough for a sliding
# window of half an hour or more, and keeps ordinary page views free of writes. Longer windows
# renew once per hundredth of the window (about 5 minutes of a citizen's 8 hours): a session
# then ends at most 1% before its idle time is up.
SESSION_RENEW_EVERY_SECONDS = 60


def renew_interval(idle_seconds: int) -> int:
    return max(SESSION_RENEW_EVERY_SECONDS, idle_seconds // 100)


def _slide_expiry(session, idle_seconds: int) -> None:
    now = int(time.time())
    renewed_at = session.get("_renewed_at", 0)
    if (session.get_expiry_age() != idle_seconds
            or now - renewed_at >= renew_interval(idle_seconds)):
        session.set_expiry(idle_seconds)
        session["_renewed_at"] = now


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        if staff_access_revoked(user):
            logout(request)
            if _is_api(request):
                return error_response("account_inactive",
                                      _("Tài khoản đã bị vô hiệu hóa."), 401)
            messages.warning(request, _("Tài khoản cán bộ của bạn đã bị vô hiệu hóa."))
            return redirect(settings.LOGIN_URL)
        is_staff_member = user.is_staff or staff_assignment_flags(user)[1]
        request.is_staff_member = is_staff_member
        _slide_expiry(request.session, settings.STAFF_SESSION_IDLE_SECONDS if is_staff_member
                      else settings.CITIZEN_SESSION_IDLE_SECONDS)
        if user.is_verified():
            return None
        has_device = has_otp_device(user)
        if not (is_staff_member or has_device) or _otp_exempt(request):
            return None
        if _is_api(request):
            return error_response(
                "otp_required", _("Cần xác thực hai bước cho phiên đăng nhập này."), 403
            )
        target = "accounts:otp_verify" if has_device else "accounts:otp_enroll"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")
