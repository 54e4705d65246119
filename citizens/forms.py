from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.validators import cccd_errors, normalize_vn_phone
from units.models import Unit

from .constants import DataRequestKind, VerificationChannel
from .selectors import ward_choices

# Django's Vietnamese catalogue lacks some password messages ("This password is too short"
# stays English): our own text per validator code, in the words of the rules shown up front.
PASSWORD_MESSAGES = {
    "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
    "password_too_similar": _("Mật khẩu quá giống với họ tên hoặc thư điện tử của bạn."),
    "password_too_common": _("Mật khẩu này quá phổ biến, dễ bị đoán."),
    "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
}
# The rules of settings.AUTH_PASSWORD_VALIDATORS, shown under the field before typing.
PASSWORD_RULES = _("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá giống họ tên hoặc thư "
                   "điện tử, không phải mật khẩu phổ biến (như 12345678).")


def vietnamese_password_errors(exc: ValidationError) -> list[str]:
    """The messages of a password ValidationError, in Vietnamese whatever Django's catalogue
    has (a validator we do not know keeps its own message)."""
    messages = []
    for error in exc.error_list:
        template = PASSWORD_MESSAGES.get(error.code or "")
        if template is None:
            messages.extend(error.messages)
        else:
            messages.append(str(template) % (error.params or {}) if "%(" in str(template)
                            else str(template))
    return messages


class _PasswordPairMixin:
    def _clean_password_pair(self, cleaned, user: User | None = None):
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif p1:
            try:
                validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", vietnamese_password_errors(exc))


class NationalIdField(forms.CharField):
    """A CCCD as people type it: "048 095 001 234" or with dots. The separators are removed
    before any length check, and the input accepts them (maxlength 20, not 12), so the number
    is never cut short in the browser and then reported as 11 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(ch for ch in value if ch not in " .-\u00a0\t") if value else value


DATE_HELP = _("Ngày/tháng/năm, ví dụ: 15/05/1995.")


def vietnamese_date_field(label) -> forms.DateField:
    """A date typed day first (dd/mm/yyyy) in a text box: a native date picker shows the
    browser's locale, mm/dd/yyyy on most phones set to English."""
    return forms.DateField(
        label=label, help_text=DATE_HELP,
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, "
                                     "ví dụ 15/05/1995.")},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={
            "placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "bday"}),
    )


class RegistrationForm(_PasswordPairMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    national_id = NationalIdField(
        label=_("Số CCCD (số định danh cá nhân)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Gồm 12 chữ số in trên thẻ căn cước."),
    )
    date_of_birth = vietnamese_date_field(_("Ngày sinh"))
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel",
                                                          "autocomplete": "tel"}),
                            help_text=_("Ví dụ: 0905 123 456. Mã xác minh sẽ được gửi tới số này."))
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    # render_value: an error elsewhere on the form (a CCCD typo) must not wipe the passwords.
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False, help_text=PASSWORD_RULES,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}))
    # Explicit consent (Law 91/2025/QH15): never ticked in advance; the label links the notice.
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Bạn cần đồng ý với Thông báo xử lý dữ liệu cá nhân "
                                      "để đăng ký tài khoản.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>{}',
            _("Tôi đồng ý để cơ quan nhà nước xử lý dữ liệu cá nhân của tôi cho các mục đích "
              "nêu trong"),
            reverse("citizens:privacy_notice"), _("Thông báo xử lý dữ liệu cá nhân"),
            _(" (giải quyết thủ tục hành chính, thông báo về hồ sơ, thống kê đã ẩn danh)."))

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate() or dob < datetime.date(1900, 1, 1):
            raise forms.ValidationError(_("Ngày sinh không hợp lệ."))
        return dob

    def clean(self):
        cleaned = super().clean()
        national_id = cleaned.get("national_id")
        if national_id:
            for error in cccd_errors(national_id, cleaned.get("date_of_birth")):
                self.add_error("national_id", error)
        probe = User(full_name=cleaned.get("full_name", ""), email=cleaned.get("email", ""))
        self._clean_password_pair(cleaned, probe)
        return cleaned


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã xác thực"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã xác thực gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại di động"), max_length=20,
                            help_text=_("Đổi số điện thoại cần xác minh lại."))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])


class AddressForm(forms.Form):
    label = forms.CharField(label=_("Tên gợi nhớ (ví dụ: Nhà riêng)"), max_length=60,
                            required=False)
    recipient_name = forms.CharField(label=_("Người nhận"), max_length=150)
    recipient_phone = forms.CharField(label=_("Điện thoại người nhận"), max_length=20)
    ward = forms.TypedChoiceField(label=_("Phường/xã, quận/huyện, tỉnh/thành phố"), coerce=int)
    street = forms.CharField(label=_("Số nhà, tên đường, tổ/thôn"), max_length=255)
    is_default = forms.BooleanField(label=_("Đặt làm địa chỉ mặc định"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("— Chọn phường/xã —")), *ward_choices()]

    def clean_recipient_phone(self):
        return normalize_vn_phone(self.cleaned_data["recipient_phone"])

    def clean_ward(self):
        return Unit.objects.get(pk=self.cleaned_data["ward"])


class PasswordResetStartForm(forms.Form):
    identifier = forms.CharField(label=_("Số CCCD hoặc số điện thoại"), max_length=40)
    channel = forms.ChoiceField(label=_("Nhận mã qua"), choices=VerificationChannel.choices,
                                initial=VerificationChannel.SMS, widget=forms.RadioSelect)


class PasswordResetCompleteForm(_PasswordPairMixin, CodeForm):
    password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False, help_text=PASSWORD_RULES,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        self._clean_password_pair(cleaned)
        return cleaned


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bạn muốn"), choices=DataRequestKind.choices,
                             widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Nội dung yêu cầu"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Với yêu cầu chỉnh sửa: ghi rõ dữ liệu nào sai và dữ liệu đúng."))


class DataRequestAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
