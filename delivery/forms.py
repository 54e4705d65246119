"""The hand-over form of the result counter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HandOverForm(forms.Form):
    nguoi_nhan = forms.ChoiceField(
        label=_("Người nhận"), widget=forms.RadioSelect, initial="chinh_chu",
        choices=[("chinh_chu", _("Chính người nộp hồ sơ")),
                 ("uy_quyen", _("Người được ủy quyền"))])
    cccd = forms.RegexField(label=_("Số CCCD của người nhận"), regex=r"^\d{12}$",
                            error_messages={"invalid": _("Số CCCD gồm 12 chữ số.")})
    ho_ten = forms.CharField(label=_("Họ tên người được ủy quyền"), max_length=150,
                             required=False)
    giay_uy_quyen = forms.FileField(label=_("Giấy ủy quyền (bản quét)"), required=False)
    da_kiem_tra = forms.BooleanField(label=_("Đã kiểm tra giấy tờ tùy thân"), required=False)
    da_ky_nhan = forms.BooleanField(label=_("Người nhận đã ký nhận kết quả"), required=False)


class RefundForm(forms.Form):
    ghi_chu = forms.CharField(label=_("Ghi chú hoàn trả (số chứng từ, hình thức)"),
                              max_length=300, required=False)
