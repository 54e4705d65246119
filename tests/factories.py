"""Builders for test data, through the same services the portal uses."""

from __future__ import annotations

import copy
from typing import Any

from procedures.services import procedure_import
from units.models import Unit

BASE_DOCUMENT: dict[str, Any] = {
    "schema_version": 1,
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "name_en": "Birth registration",
    "status": "published",
    "sector": {"code": "ho-tich", "name": "Hộ tịch", "name_en": "Civil status"},
    "level": 4,
    "receiving_unit_kind": "ward",
    "legal_basis": "Luật Hộ tịch 2014",
    "processing_days": 1,
    "processing_time_note": "Nếu nhận sau 15 giờ thì trả vào ngày làm việc tiếp theo.",
    "result_document": "Giấy khai sinh",
    "delivery_methods": ["pickup", "postal"],
    "online_payment": True,
    "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0, "note": "Miễn lệ phí đúng hạn"}],
    "documents": [
        {"key": "to-khai", "name": "Tờ khai đăng ký khai sinh", "mandatory": True,
         "form": "original", "quantity": 1, "reusable": False},
        {"key": "giay-chung-sinh", "name": "Giấy chứng sinh", "mandatory": True,
         "form": "original", "quantity": 1, "reusable": True},
    ],
    "fields": [
        {"key": "ho_ten_tre", "label": "Họ và tên trẻ", "label_en": "Child's full name",
         "type": "text", "required": True},
        {"key": "gioi_tinh", "label": "Giới tính", "type": "select", "required": True,
         "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
        {"key": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True,
         "min": "1900-01-01"},
        {"key": "cccd_me", "label": "Số CCCD của mẹ", "type": "national-id", "required": False},
    ],
    "steps": [
        {"name": "Tiếp nhận hồ sơ", "role": "clerk", "unit_kind": "ward", "days": 0},
        {"name": "Thẩm định", "role": "processor", "unit_kind": "ward", "days": 0.5},
        {"name": "Ký duyệt", "role": "leader", "unit_kind": "ward", "days": 0.5},
    ],
}


def procedure_document(**overrides: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE_DOCUMENT)
    document.update(overrides)
    return document


def make_procedure(**overrides: Any):
    return procedure_import(document=procedure_document(**overrides))


def make_unit_tree() -> dict[str, Unit]:
    city = Unit.objects.create(code="000.00.00.H17", name="Thành phố Đà Nẵng", kind="province")
    district = Unit.objects.create(code="000.00.10.H17", name="Quận Cẩm Lệ", kind="district",
                                   parent=city)
    ward = Unit.objects.create(code="000.01.10.H17", name="Phường Khuê Trung", kind="ward",
                               parent=district)
    other_district = Unit.objects.create(code="000.00.11.H17", name="Quận Hải Châu",
                                         kind="district", parent=city)
    other_ward = Unit.objects.create(code="000.01.11.H17", name="Phường Hải Châu 1",
                                     kind="ward", parent=other_district)
    return {"city": city, "district": district, "ward": ward,
            "other_district": other_district, "other_ward": other_ward}
