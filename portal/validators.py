"""Vietnamese identifiers: CCCD (national ID) and mobile numbers."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province/city codes of the first three CCCD digits (Circular 07/2016/TT-BCA, Annex).
CCCD_PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35,
        36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70,
        72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)


def cccd_errors(value: str, date_of_birth: datetime.date | None = None) -> list[str]:
    """Structural check of a 12-digit CCCD; the birth date, when given, must agree with it."""
    if not re.fullmatch(r"\d{12}", value or ""):
        return [str(_("Số CCCD phải gồm đúng 12 chữ số."))]
    errors = []
    if value[:3] not in CCCD_PROVINCE_CODES:
        errors.append(str(_("Ba chữ số đầu của số CCCD không phải mã tỉnh/thành phố hợp lệ.")))
    century_digit = int(value[3])
    if date_of_birth is not None:
        century = 1900 + (century_digit // 2) * 100
        if not (century <= date_of_birth.year < century + 100):
            errors.append(str(_("Mã thế kỷ và giới tính trong số CCCD không khớp với năm sinh.")))
        if value[4:6] != f"{date_of_birth.year % 100:02d}":
            errors.append(str(_("Hai chữ số năm sinh trong số CCCD không khớp với ngày sinh.")))
    return errors


def validate_cccd(value: str) -> None:
    errors = cccd_errors(value)
    if errors:
        raise ValidationError(errors)


_MOBILE_PREFIXES = ("3", "5", "7", "8", "9")


def normalize_vn_phone(raw: str) -> str:
    """'0905 123 456', '+84905123456', '84-905-123-456' -> '+84905123456'."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    if not (re.fullmatch(r"\d{9}", national) and national[0] in _MOBILE_PREFIXES):
        raise ValidationError(
            _("Số điện thoại di động không hợp lệ (ví dụ: 0905 123 456 hoặc +84 905 123 456)."),
            code="invalid_phone",
        )
    return "+84" + national
