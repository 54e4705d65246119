"""Rules a procedure configuration must satisfy before it can be published.

Each rule is a small function over plain values, so the admin's forms and the JSON importer
apply exactly the same checks and speak with the same Vietnamese messages.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .constants import FieldType, ServiceLevel


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


def _parse_bound(field_type: str, raw: str):
    if field_type == FieldType.DATE:
        return datetime.date.fromisoformat(raw)
    return Decimal(raw)


def field_errors(
    *, field_type: str, choices: list[dict], regex: str, min_value: str, max_value: str
) -> list[tuple[str, str]]:
    """Returns (attribute, message) pairs for one form field."""
    errors = []
    if field_type == FieldType.SELECT:
        if not choices:
            errors.append(("choices", _("Trường danh sách chọn phải có ít nhất một lựa chọn.")))
        dup = duplicates(choice["value"] for choice in choices)
        if dup:
            errors.append(("choices", _("Giá trị lựa chọn bị trùng: %s.") % ", ".join(dup)))
    if regex:
        try:
            re.compile(regex)
        except re.error as exc:
            errors.append(("regex", _("Biểu thức kiểm tra không hợp lệ: %s.") % exc))
    bounds = {}
    for attr, raw in (("min_value", min_value), ("max_value", max_value)):
        if not raw:
            continue
        if field_type not in (FieldType.NUMBER, FieldType.DATE):
            errors.append((attr, _("Giá trị nhỏ nhất/lớn nhất chỉ dùng cho trường số hoặc ngày.")))
            continue
        try:
            bounds[attr] = _parse_bound(field_type, raw)
        except (ValueError, InvalidOperation):
            hint = "YYYY-MM-DD" if field_type == FieldType.DATE else "123"
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
