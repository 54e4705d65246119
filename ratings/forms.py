from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import CRITERIA, Satisfaction


class RatingForm(forms.Form):
    overall = forms.ChoiceField(label=_("Mức độ hài lòng chung"), choices=Satisfaction.choices,
                                widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for field, _counter, label in CRITERIA:
            self.fields[field] = forms.ChoiceField(label=label, choices=Satisfaction.choices,
                                                   widget=forms.RadioSelect)
        self.fields["comment"] = comment


class KioskCodeForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
