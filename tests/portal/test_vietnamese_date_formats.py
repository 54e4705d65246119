"""Issue 15 §9: dates are day-first for a Vietnamese citizen, read and shown."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from procedures.forms import build_filing_form_class


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_a_slashed_date_is_read_day_first():
    class F(forms.Form):
        ngay = forms.DateField()

    form = F(data={"ngay": "05/06/1990"})
    assert form.is_valid() and form.cleaned_data["ngay"] == datetime.date(1990, 6, 5)
    assert not F(data={"ngay": "12/31/1990"}).is_valid()  # month-first is not a date here
    assert F(data={"ngay": "1990-06-05"}).is_valid()  # what <input type="date"> sends


def test_dates_are_shown_as_dd_mm_yyyy():
    html = Template("{{ d }}|{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}").render(
        Context({"d": datetime.date(1990, 6, 5)}))
    assert html == "05/06/1990|05/06/1990|05/06/1990"


def test_a_date_field_of_the_filing_form_says_which_order_is_meant():
    form = build_filing_form_class([{"key": "ngay_sinh", "label": "Ngày sinh",
                                     "type": "date"}])(initial={"ngay_sinh": "1990-06-05"})
    assert "Định dạng: ngày/tháng/năm" in form["ngay_sinh"].help_text
    assert 'value="1990-06-05"' in str(form["ngay_sinh"])  # ISO, as type="date" requires
