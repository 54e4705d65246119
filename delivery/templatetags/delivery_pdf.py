"""Filters for the PDF slips: Vietnamese administrative date style and amounts in words."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ", " nghìn tỷ", " triệu tỷ"]


def _local(value: datetime | date) -> datetime | date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def ngay_thang(value: datetime | date | None) -> str:
    """``ngày 05 tháng 11 năm 2026`` as written on administrative documents."""
    if not value:
        return "ngày … tháng … năm …"
    value = _local(value)
    return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"


@register.filter
def gio_ngay(value: datetime | date | None) -> str:
    """``08 giờ 30 phút, ngày 05 tháng 11 năm 2026``; a bare date prints the date only."""
    if not value:
        return "… giờ … phút, ngày … tháng … năm …"
    value = _local(value)
    if not isinstance(value, datetime):
        return ngay_thang(value)
    return f"{value.hour:02d} giờ {value.minute:02d} phút, {ngay_thang(value)}"


@register.filter
def short_datetime(value: datetime | date | None) -> str:
    if not value:
        return ""
    value = _local(value)
    if isinstance(value, datetime):
        return value.strftime("%H:%M %d/%m/%Y")
    return value.strftime("%d/%m/%Y")


@register.filter
def time_then_date(value: datetime | date | None) -> str:
    """``09:05`` over ``25/11/2026`` in a narrow table cell (a bare date: the date only)."""
    from django.utils.html import format_html

    if not value:
        return ""
    value = _local(value)
    if isinstance(value, datetime):
        return format_html("{}<br>{}", value.strftime("%H:%M"), value.strftime("%d/%m/%Y"))
    return value.strftime("%d/%m/%Y")


@register.filter
def code_breaks(value: str) -> str:
    """A dossier code that may wrap after each "-" in a narrow cell (line breaking never splits
    a hyphen from the digits after it)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    return mark_safe("-<wbr>".join(escape(part) for part in str(value or "").split("-")))  # noqa: S308


@register.filter
def vnd(value: int | None) -> str:
    """``1.250.000`` – Vietnamese thousands separator."""
    return f"{int(value or 0):,}".replace(",", ".")


def _three_digits(number: int, full: bool) -> str:
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (full or hundreds):
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens > 0:
            words.append("lăm")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


@register.filter
def so_thanh_chu(value: int | None) -> str:
    """An amount of đồng in words, e.g. 125000 → ``Một trăm hai mươi lăm nghìn đồng``."""
    number = int(value or 0)
    if number == 0:
        return "Không đồng"
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    parts: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        full = index != len(groups) - 1
        parts.append(_three_digits(group, full) + _GROUPS[index])
    text = " ".join(parts)
    return text[0].upper() + text[1:] + " đồng"
