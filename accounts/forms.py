from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.validators import normalize_vn_phone
from units.models import Unit

from .constants import StaffRole


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Số CCCD hoặc số điện thoại"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
        help_text=_("Cán bộ đăng nhập bằng tên đăng nhập được cấp."),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Thông tin đăng nhập không đúng. Vui lòng kiểm tra lại số CCCD/số "
                           "điện thoại và mật khẩu."),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa."),
    }


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
        help_text=_("Nhập mã 6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
    )


class StaffCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    username = forms.RegexField(
        label=_("Tên đăng nhập"), max_length=150, regex=r"^[A-Za-z0-9_.\-]+$",
        error_messages={"invalid": _("Chỉ dùng chữ cái không dấu, chữ số và . _ -")},
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Số điện thoại di động"), required=False, max_length=20)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"))
    password = forms.CharField(label=_("Mật khẩu ban đầu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, units, allow_district_admin: bool = False, roles=None, **kwargs):
        """``roles``: what the acting user may grant (``roles_grantable_by``)."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        if roles is None:
            roles = [StaffRole.CLERK, StaffRole.PROCESSOR, StaffRole.LEADER]
            if allow_district_admin:
                roles.append(StaffRole.DISTRICT_ADMIN)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]

    def clean_phone(self):
        raw = self.cleaned_data.get("phone")
        return normalize_vn_phone(raw) if raw else None

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return password
