"""Rules a procedure configuration must satisfy before it can be published.

Each rule is a small function over plain values, so the admin's forms and the JSON importer
apply exactly the same checks and speak with the same Vietnamese messages.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import re2
from django.utils.translation import gettext as _

from .constants import (
    BINDABLE_TYPES,
    GENDER_VALUES,
    ApplicantDatum,
    FieldType,
    ServiceLevel,
)

# Bounds of every number a configuration may carry. The JSON schema states the same figures
# (procedure-v1.schema.json); a number past them used to reach the database and fail there.
MAX_FEE_VND = 1_000_000_000_000  # one thousand billion đồng; the column holds 9.2e18
# A number field's min/max: a plain decimal, at most 15 digits before the point and 6 after,
# so it is finite, exact, and compares without surprises ("1e999999999", "NaN", "Infinity"
# all parsed as Decimal before).
_PLAIN_DECIMAL = re.compile(r"-?\d{1,15}(?:\.\d{1,6})?")
DATE_BOUND_MIN = datetime.date(1800, 1, 1)
DATE_BOUND_MAX = datetime.date(2200, 12, 31)
_YEAR = re.compile(r"\d{4}")
# RE2 needs no backtracking, so matching time is linear in the input whatever the pattern;
# a pattern it cannot run (backreferences, look-around) is refused. The memory cap refuses
# patterns whose automaton would be huge (e.g. nested counted repetitions).
_REGEX_MAX_MEM = 1 << 20


def delivery_errors(
    *, level: int, offers_pickup: bool, offers_postal: bool, online_payment: bool, has_fees: bool
) -> list[tuple[str, str]]:
    """Returns (attribute, message) pairs."""
    errors = []
    if not (offers_pickup or offers_postal):
        errors.append(("offers_pickup", _("Phải chọn ít nhất một hình thức trả kết quả.")))
    if offers_postal and level != ServiceLevel.FULL:
        errors.append((
            "offers_postal",
            _("Trả kết quả qua bưu chính công ích chỉ áp dụng cho dịch vụ mức độ 4 (toàn trình)."),
        ))
    if level == ServiceLevel.FULL and not offers_postal:
        errors.append((
            "offers_postal",
            _("Dịch vụ mức độ 4 (toàn trình) phải cho phép trả kết quả qua bưu chính công ích."),
        ))
    if level == ServiceLevel.FULL and has_fees and not online_payment:
        errors.append((
            "online_payment",
            _("Dịch vụ mức độ 4 (toàn trình) có thu phí phải bật thanh toán trực tuyến."),
        ))
    return errors


def duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def parse_bound(field_type: str, raw: str):
    """A finite bound within sane limits, else ValueError."""
    if field_type == FieldType.DATE:
        value = datetime.date.fromisoformat(raw)
        if not DATE_BOUND_MIN <= value <= DATE_BOUND_MAX:
            raise ValueError(raw)
        return value
    if field_type == FieldType.YEAR:
        if not _YEAR.fullmatch(raw) or not DATE_BOUND_MIN.year <= int(raw) <= DATE_BOUND_MAX.year:
            raise ValueError(raw)
        return int(raw)
    if not _PLAIN_DECIMAL.fullmatch(raw):
        raise ValueError(raw)
    return Decimal(raw)


@functools.lru_cache(maxsize=512)
def compile_safe_regex(pattern: str):
    """The pattern compiled by RE2, anchored as the filing form applies it (the whole value
    must match). Raises ``re2.error`` for a pattern RE2 cannot run."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _REGEX_MAX_MEM
    return re2.compile(f"^(?:{pattern})$", options)


def regex_error(pattern: str) -> str | None:
    """A Vietnamese message when ``pattern`` is refused, else None."""
    try:
        compile_safe_regex(pattern)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        return _("Biểu thức kiểm tra không hợp lệ hoặc không an toàn (chỉ dùng cú pháp RE2, "
                 "không tham chiếu ngược hay nhìn trước/nhìn sau): %s.") % detail
    return None


def fee_errors(*, amount: int) -> list[str]:
    if amount > MAX_FEE_VND:
        return [_("Mức thu không được vượt quá %s đồng.") % f"{MAX_FEE_VND:,}".replace(",", ".")]
    return []


def non_finite_numbers(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Paths of NaN and infinite numbers in a parsed JSON value (Python's parser accepts
    "NaN" and turns "1e999" into infinity; JSON Schema's bounds do not catch NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from non_finite_numbers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from non_finite_numbers(item, (*path, index))


def bind_errors(*, field_type: str, bind: str, choices: list[dict]) -> list[str]:
    """A field bound to an applicant datum must be able to hold it (a birth date in a date
    field, a gender in a select offering both values…)."""
    if not bind:
        return []
    if bind not in ApplicantDatum.values:
        return [_("Dữ liệu gắn “%s” không có trong danh sách dữ liệu người nộp.") % bind]
    allowed = BINDABLE_TYPES[bind]
    if field_type not in allowed:
        return [_("Trường gắn với “%(datum)s” phải có kiểu %(types)s, không phải “%(type)s”.")
                % {"datum": ApplicantDatum(bind).label,
                   "types": ", ".join(f"“{FieldType(t).label}”" for t in sorted(allowed)),
                   "type": FieldType(field_type).label if field_type in FieldType.values
                   else field_type}]
    if bind == ApplicantDatum.GENDER:
        values = {choice.get("value") for choice in choices}
        lacking = [v for v in GENDER_VALUES if v not in values]
        if lacking:
            return [_("Trường gắn với giới tính phải có các lựa chọn với giá trị %s.")
                    % ", ".join(f"“{v}”" for v in GENDER_VALUES)]
    return []


def field_errors(
    *, field_type: str, choices: list[dict], regex: str, min_value: str, max_value: str,
    bind: str = "",
) -> list[tuple[str, str]]:
    """Returns (attribute, message) pairs for one form field."""
    errors = [("bind", message)
              for message in bind_errors(field_type=field_type, bind=bind, choices=choices)]
    if field_type == FieldType.SELECT:
        if not choices:
            errors.append(("choices", _("Trường danh sách chọn phải có ít nhất một lựa chọn.")))
        dup = duplicates(choice["value"] for choice in choices)
        if dup:
            errors.append(("choices", _("Giá trị lựa chọn bị trùng: %s.") % ", ".join(dup)))
    if regex:
        message = regex_error(regex)
        if message:
            errors.append(("regex", message))
    bounds = {}
    for attr, raw in (("min_value", min_value), ("max_value", max_value)):
        if not raw:
            continue
        if field_type not in (FieldType.NUMBER, FieldType.DATE, FieldType.YEAR):
            errors.append((attr, _("Giá trị nhỏ nhất/lớn nhất chỉ dùng cho trường số, ngày "
                                   "hoặc năm.")))
            continue
        try:
            bounds[attr] = parse_bound(field_type, raw)
        except (ValueError, InvalidOperation):
            hint = {FieldType.DATE: "YYYY-MM-DD", FieldType.YEAR: "1990"}.get(field_type, "123")
            errors.append((attr, _("Giá trị “%(raw)s” không hợp lệ (ví dụ: %(hint)s).")
                           % {"raw": raw, "hint": hint}))
    if len(bounds) == 2 and bounds["min_value"] > bounds["max_value"]:
        errors.append(("max_value", _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.")))
    return errors


def steps_errors(*, step_days: list[Decimal], processing_days: int) -> list[str]:
    if not step_days:
        return [_("Quy trình xử lý phải có ít nhất một bước.")]
    total = sum(step_days, Decimal(0))
    if total > processing_days:
        return [
            _("Tổng thời gian các bước (%(total)s ngày làm việc) vượt quá thời hạn giải quyết "
              "theo quy định (%(days)s ngày làm việc).")
            % {"total": f"{total.normalize():f}", "days": processing_days}
        ]
    return []
