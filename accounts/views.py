"""Sign-in, sign-out and two-factor pages shared by citizens and staff."""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.web import domain_errors_as_messages

from .exceptions import InvalidOTP
from .forms import OTPTokenForm, SignInForm
from .qr import base32_secret, qr_svg
from .redirects import is_filing_url, safe_next, with_next
from .selectors import has_otp_device, is_staff_member
from .services import (
    otp_backup_codes_regenerate,
    otp_disable,
    otp_enrolment_confirm,
    otp_enrolment_start,
    otp_verify,
    user_sign_out_everywhere,
)

ENROLMENT_SESSION_KEY = "accounts_enrolment_device"


def _safe_next(request) -> str:
    return safe_next(request)


def _next_url(request, default: str = "") -> str:
    return _safe_next(request) or default or settings.LOGIN_REDIRECT_URL


def _after_sign_in_url(request, user) -> str:
    if is_staff_member(user):
        return _next_url(request, reverse("staff:dashboard"))
    if user.phone and user.phone_verified_at is None:
        # Verification comes first, then the page the citizen was heading for.
        return with_next(reverse("citizens:verify"), _safe_next(request))
    return _next_url(request, reverse("citizens:profile"))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_after_sign_in_url(request, request.user))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        # The guard middleware intercepts the next page for staff or enrolled citizens
        # and asks for the second factor first.
        return redirect(_after_sign_in_url(request, user))
    next_url = _safe_next(request)
    return render(request, "accounts/login.html", {
        "form": form, "next": next_url, "filing": is_filing_url(next_url),
        "register_url": with_next(reverse("citizens:register"), next_url),
    })


@require_POST
def logout(request):
    auth_logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("home")


@require_POST
@login_required
def sign_out_everywhere(request):
    user_sign_out_everywhere(user=request.user)
    auth_logout(request)
    messages.success(request, _("Đã đăng xuất khỏi tất cả các thiết bị."))
    return redirect("accounts:login")


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp_verify_view(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not has_otp_device(request.user):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('accounts:otp_enroll')}?{query}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp_verify(user=request.user, token=form.cleaned_data["token"])
        except InvalidOTP as exc:
            form.add_error("token", exc.message)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            return redirect(_next_url(request, _after_sign_in_url(request, request.user)))
    return render(request, "accounts/otp_verify.html", {"form": form,
                                                        "next": _safe_next(request)})


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp_enroll(request):
    user = request.user
    if has_otp_device(user) and not request.user.is_verified():
        # Replacing a device requires proving possession of the current one first.
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.path})}")
    device = otp_enrolment_start(user=user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp_enrolment_confirm(user=user, device=device,
                                          token=form.cleaned_data["token"])
        except InvalidOTP as exc:
            form.add_error("token", exc.message)
        else:
            device = TOTPDevice.objects.get(pk=device.pk)
            request.session.cycle_key()
            django_otp.login(request, device)
            messages.success(request, _("Đã bật xác thực hai bước."))
            return render(request, "accounts/backup_codes.html", {
                "codes": codes, "next": _next_url(request, _after_sign_in_url(request, user)),
            })
    return render(request, "accounts/otp_enroll.html", {
        "form": form, "qr_svg": qr_svg(device.config_url),
        "secret": base32_secret(device.bin_key), "next": _safe_next(request),
        "mandatory": is_staff_member(user),
    })


@never_cache
@login_required
def security(request):
    user = request.user
    codes = None
    if request.method == "POST":
        action = request.POST.get("action")
        with domain_errors_as_messages(request):
            if action == "disable_otp":
                otp_disable(user=user)
                messages.success(request, _("Đã tắt xác thực hai bước."))
                return redirect("accounts:security")
            if action == "backup_codes" and has_otp_device(user):
                codes = otp_backup_codes_regenerate(user=user)
    return render(request, "accounts/security.html", {
        "has_device": has_otp_device(user), "is_staff_member": is_staff_member(user),
        "codes": codes,
    })
