"""Citizen pages: registration, contact verification, password reset, profile, addresses.

Addresses are always fetched through the owner's queryset, so another citizen's id is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.redirects import is_filing_url, safe_next, with_next
from portal.clientip import client_address
from portal.ratelimit import over_limit

from .constants import VerificationChannel, VerificationPurpose
from .exceptions import CitizenError, InvalidCode, RateLimited
from .forms import (
    AddressForm,
    CodeForm,
    DataRequestForm,
    PasswordResetCompleteForm,
    PasswordResetStartForm,
    ProfileForm,
    RegistrationForm,
    vietnamese_password_errors,
)
from .masking import mask_phone
from .personal_data import personal_data_json, personal_data_pdf
from .selectors import data_requests_of, delivery_addresses_of, privacy_notice_current
from .services import (
    citizen_profile_update,
    citizen_registration_start,
    data_request_create,
    delivery_address_create,
    delivery_address_delete,
    delivery_address_update,
    password_reset_complete,
    password_reset_start,
    registration_code_resend,
    verification_code_consume,
    verification_code_issue,
)

RESET_SESSION_KEY = "citizens_reset_user"
# The registration's next step: {"user": new account id or None, "phone": as submitted}.
REGISTRATION_SESSION_KEY = "citizens_registration"
CHANNEL_PURPOSE = {
    VerificationChannel.SMS: VerificationPurpose.VERIFY_PHONE,
    VerificationChannel.EMAIL: VerificationPurpose.VERIFY_EMAIL,
}


def _add_citizen_error(form, exc: CitizenError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@sensitive_post_parameters("password1", "password2", "national_id")
@never_cache
def register(request):
    """The same next step whether or not the CCCD or phone already has an account: the page
    never says which (the existing account's owner is told instead, by SMS or e-mail)."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "citizens:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_id = citizen_registration_start(
                full_name=data["full_name"], national_id=data["national_id"],
                date_of_birth=data["date_of_birth"], phone=data["phone"],
                email=data["email"], password=data["password1"], ip=client_address(request),
                consent_notice=privacy_notice_current(),
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
        except CitizenError as exc:
            _add_citizen_error(form, exc)
        except ValidationError as exc:
            form.add_error("password1", vietnamese_password_errors(exc))
        else:
            request.session[REGISTRATION_SESSION_KEY] = {"user": user_id,
                                                         "phone": data["phone"],
                                                         "next": next_url}
            return redirect("citizens:register_confirm")
    return render(request, "citizens/register.html", {
        "form": form, "next": next_url, "filing": is_filing_url(next_url),
        "login_url": with_next(reverse("accounts:login"), next_url),
    })


@sensitive_post_parameters("code")
@never_cache
def register_confirm(request):
    """Step two of registration: the code sent to the phone signs the new account in."""
    pending = request.session.get(REGISTRATION_SESSION_KEY)
    if not pending:
        return redirect("citizens:register")
    form = CodeForm()
    if request.method == "POST":
        if request.POST.get("action") == "send":
            try:
                registration_code_resend(user_id=pending["user"], phone=pending["phone"],
                                         ip=client_address(request))
            except RateLimited as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã gửi mã xác thực mới."))
            return redirect("citizens:register_confirm")
        form = CodeForm(request.POST)
        if form.is_valid():
            user = (User.objects.filter(pk=pending["user"]).first() if pending["user"]
                    else None)
            try:
                if user is None:
                    raise InvalidCode(_("Mã xác thực không đúng hoặc đã hết hạn. "
                                        "Vui lòng yêu cầu mã mới."))
                verification_code_consume(user=user, purpose=VerificationPurpose.VERIFY_PHONE,
                                          code=form.cleaned_data["code"].strip())
            except InvalidCode as exc:
                form.add_error("code", exc.message)
            else:
                request.session.pop(REGISTRATION_SESSION_KEY, None)
                auth_login(request, user, backend="accounts.backends.IdentifierBackend")
                messages.success(request, _("Đăng ký thành công. Số điện thoại đã được "
                                            "xác minh."))
                # Checked again: the session value was checked when stored, but cheap to redo.
                next_url = safe_next(request, pending.get("next") or "")
                return redirect(next_url or "citizens:profile")
    return render(request, "citizens/register_confirm.html", {
        "form": form, "phone": mask_phone(pending["phone"]),
    })


@never_cache
@login_required
def verify(request):
    user = request.user
    channel = request.POST.get("channel") or request.GET.get("kenh") or VerificationChannel.SMS
    if channel not in CHANNEL_PURPOSE:
        channel = VerificationChannel.SMS
    purpose = CHANNEL_PURPOSE[channel]
    form = CodeForm()
    if request.method == "POST":
        if request.POST.get("action") == "send":
            try:
                verification_code_issue(user=user, purpose=purpose, channel=channel,
                                        ip=client_address(request))
            except RateLimited as exc:
                messages.error(request, exc.message)
            except CitizenError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã gửi mã xác thực mới."))
            return redirect(with_next(f"{request.path}?kenh={channel}", safe_next(request)))
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                verification_code_consume(user=user, purpose=purpose,
                                          code=form.cleaned_data["code"].strip())
            except InvalidCode as exc:
                form.add_error("code", exc.message)
            else:
                messages.success(request, _("Xác minh thành công."))
                return redirect(safe_next(request) or "citizens:profile")
    return render(request, "citizens/verify.html", {
        "form": form, "channel": channel, "channels": VerificationChannel,
        "next": safe_next(request),
    })


@never_cache
@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "full_name": user.full_name, "phone": user.phone, "email": user.email,
    })
    if request.method == "POST" and form.is_valid():
        try:
            citizen_profile_update(user=user, **form.cleaned_data)
        except CitizenError as exc:
            _add_citizen_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật hồ sơ."))
            return redirect("citizens:profile")
    return render(request, "citizens/profile.html", {
        "form": form, "citizen": getattr(user, "citizen_profile", None),
        "addresses": delivery_addresses_of(user),
    })


@login_required
def address_list(request):
    return render(request, "citizens/address_list.html",
                  {"addresses": delivery_addresses_of(request.user)})


@login_required
def address_add(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery_address_create(owner=request.user, **form.cleaned_data)
        except CitizenError as exc:
            _add_citizen_error(form, exc)
        else:
            messages.success(request, _("Đã thêm địa chỉ."))
            return redirect("citizens:addresses")
    return render(request, "citizens/address_form.html", {"form": form, "address": None})


@login_required
def address_edit(request, pk: int):
    address = get_object_or_404(delivery_addresses_of(request.user), pk=pk)
    form = AddressForm(request.POST or None, initial={
        "label": address.label, "recipient_name": address.recipient_name,
        "recipient_phone": address.recipient_phone, "ward": address.ward_id,
        "street": address.street, "is_default": address.is_default,
    })
    if request.method == "POST" and form.is_valid():
        try:
            delivery_address_update(address=address, **form.cleaned_data)
        except CitizenError as exc:
            _add_citizen_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật địa chỉ."))
            return redirect("citizens:addresses")
    return render(request, "citizens/address_form.html", {"form": form, "address": address})


@require_POST
@login_required
def address_delete(request, pk: int):
    address = get_object_or_404(delivery_addresses_of(request.user), pk=pk)
    delivery_address_delete(address=address)
    messages.success(request, _("Đã xóa địa chỉ."))
    return redirect("citizens:addresses")


@never_cache
def password_reset(request):
    form = PasswordResetStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_id = password_reset_start(identifier=form.cleaned_data["identifier"],
                                           channel=form.cleaned_data["channel"],
                                           ip=client_address(request))
        except RateLimited as exc:
            messages.error(request, exc.message)
            return render(request, "citizens/password_reset.html", {"form": form})
        request.session[RESET_SESSION_KEY] = user_id
        messages.info(request, _("Nếu thông tin khớp với một tài khoản đã xác minh, mã đặt lại "
                                 "mật khẩu đã được gửi tới liên hệ đã xác minh của tài khoản."))
        return redirect("citizens:password_reset_complete")
    return render(request, "citizens/password_reset.html", {"form": form})


@sensitive_post_parameters("password1", "password2", "code")
@never_cache
def password_reset_confirm(request):
    if RESET_SESSION_KEY not in request.session:
        return redirect("citizens:password_reset")
    form = PasswordResetCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=request.session.get(RESET_SESSION_KEY)).first()
        try:
            if user is None:
                raise InvalidCode(_("Mã xác thực không đúng hoặc đã hết hạn. "
                                    "Vui lòng yêu cầu mã mới."))
            password_reset_complete(user=user, code=form.cleaned_data["code"].strip(),
                                    new_password=form.cleaned_data["password1"])
        except InvalidCode as exc:
            form.add_error("code", exc.message)
        except ValidationError as exc:
            form.add_error("password1", vietnamese_password_errors(exc))
        else:
            request.session.pop(RESET_SESSION_KEY, None)
            messages.success(request, _("Đã đặt lại mật khẩu. Vui lòng đăng nhập."))
            return redirect("accounts:login")
    return render(request, "citizens/password_reset_complete.html", {"form": form})


def privacy_notice(request):
    """The privacy notice in force, public (linked from the registration form)."""
    notice = privacy_notice_current()
    if notice is None:
        raise Http404
    english = (request.LANGUAGE_CODE or "").startswith("en") and notice.text_en
    return render(request, "citizens/privacy_notice.html", {
        "notice": notice, "text": notice.text_en if english else notice.text_vi})


MY_DATA_DOWNLOADS_PER_HOUR = 10


@login_required
@never_cache
def my_data(request):
    """"Dữ liệu của tôi": download everything, and ask for a correction, deletion or objection
    (answered by the city's staff within two working days)."""
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_create(citizen=request.user, kind=form.cleaned_data["kind"],
                                text=form.cleaned_data["text"])
        except CitizenError as exc:
            _add_citizen_error(form, exc)
        else:
            messages.success(request, _("Đã gửi yêu cầu. Yêu cầu sẽ được trả lời trong 02 "
                                        "ngày làm việc."))
            return redirect("citizens:my_data")
    return render(request, "citizens/my_data.html", {
        "form": form, "requests": data_requests_of(request.user),
        "notice": privacy_notice_current()})


def _download_limited(request) -> bool:
    return over_limit(f"citizens:my-data:{request.user.pk}", MY_DATA_DOWNLOADS_PER_HOUR,
                      window=3600)


def _too_many(request):
    messages.error(request, _("Bạn đã tải dữ liệu quá nhiều lần. Vui lòng thử lại sau một giờ."))
    return redirect("citizens:my_data")


@login_required
@never_cache
def my_data_json(request):
    if _download_limited(request):
        return _too_many(request)
    response = HttpResponse(personal_data_json(user=request.user),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.json"'
    return response


@login_required
@never_cache
def my_data_pdf(request):
    if _download_limited(request):
        return _too_many(request)
    response = HttpResponse(personal_data_pdf(user=request.user),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.pdf"'
    return response
