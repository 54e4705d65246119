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


# --- dossiers in a given state ---------------------------------------------------------------

BIRTH_DATA = {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"}
POSTAL_ADDRESS = {
    "id": 1, "recipient_name": "Nguyễn Văn An", "recipient_phone": "+84905123456",
    "street": "12 Lê Duẩn", "ward": "Phường Khuê Trung", "ward_id": 0, "district": "",
    "province": "Thành phố Đà Nẵng",
    "one_line": "12 Lê Duẩn, Phường Khuê Trung, Thành phố Đà Nẵng",
}
# The way to each state from "submitted", through the services (see advance_dossier).
PATHS: dict[str, tuple[str, ...]] = {
    "draft": (), "submitted": (), "withdrawn": ("withdraw",),
    "received": ("receive",), "refused": ("receive", "forward", "forward", "refuse"),
    "supplement_requested": ("receive", "request_supplement"),
    "in_progress": ("receive", "forward"),
    "approved": ("receive", "forward", "forward", "approve"),
    "result_ready": ("receive", "forward", "forward", "approve", "mark_result_ready"),
    "returned": ("receive", "forward", "forward", "approve", "mark_result_ready",
                 "return_result"),
}


def make_dossier(*, state: str, procedure, citizen, units, clerk=None, processor=None,
                 leader=None, data: dict | None = None, postal: bool = False,
                 national_id: str = "", step: int | None = None, **draft: Any):
    """A dossier of ``citizen`` in ``state``, built the way the portal builds it: a draft
    with every mandatory document, submitted, then moved by the staff given (``clerk``,
    ``processor``, ``leader``) through the transition services; a fee is paid first.

    ``step``: for "in_progress", the processing step to stop at (1 by default);
    ``postal``: the result goes by post to POSTAL_ADDRESS; ``national_id``: the applicant's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.models import Dossier
    from dossiers.selectors import version_documents
    from dossiers.services import dossier_attach, dossier_create_draft, dossier_submit
    from tests.pdfs import PDF

    dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                                   data=dict(BIRTH_DATA if data is None else data), **draft)
    for spec in version_documents(dossier.procedure_version):
        if spec.get("mandatory"):
            dossier_attach(dossier=dossier, acting_user=citizen, document_key=spec["key"],
                           upload=SimpleUploadedFile(f"{spec['key']}.pdf", PDF,
                                                     content_type="application/pdf"))
    if postal or national_id:
        Dossier.objects.filter(pk=dossier.pk).update(
            applicant_national_id=national_id or dossier.applicant_national_id,
            delivery_method="postal" if postal else "pickup",
            delivery_address=POSTAL_ADDRESS if postal else {})
        dossier.refresh_from_db()
    if state == "draft":
        return dossier
    dossier = dossier_submit(dossier=dossier, acting_user=citizen)
    return advance_dossier(dossier, state=state, citizen=citizen, clerk=clerk,
                           processor=processor, leader=leader, step=step)


def advance_dossier(dossier, *, state: str, citizen=None, clerk=None, processor=None,
                    leader=None, step: int | None = None):
    """Moves a submitted (or further) dossier on to ``state`` along PATHS, skipping the
    actions it has already been through."""
    from dossiers.selectors import fee_outstanding
    from dossiers.services import (
        dossier_approve,
        dossier_forward,
        dossier_mark_result_ready,
        dossier_receive,
        dossier_record_payment,
        dossier_refuse,
        dossier_request_supplement,
        dossier_return_result,
        dossier_withdraw,
    )

    path = list(PATHS[state])
    if state == "in_progress" and step:
        path = ["receive", *["forward"] * step]
    done = {"submitted": 0, "received": 1, "in_progress": 1 + dossier.current_step,
            "approved": 4, "result_ready": 5}.get(dossier.state, 0)
    by_step = {0: clerk, 1: processor, 2: leader}
    for action in path[done:]:
        if action == "receive":
            due = fee_outstanding(dossier)
            if due:
                dossier_record_payment(dossier_id=dossier.pk, amount=due,
                                       order_ref=f"T-{dossier.pk}")
            dossier = dossier_receive(dossier=dossier, acting_user=clerk)
        elif action == "forward":
            dossier = dossier_forward(dossier=dossier, acting_user=by_step[dossier.current_step])
        elif action == "approve":
            dossier = dossier_approve(dossier=dossier, acting_user=leader)
        elif action == "refuse":
            dossier = dossier_refuse(dossier=dossier, acting_user=leader, note="Không đủ điều kiện")
        elif action == "request_supplement":
            dossier = dossier_request_supplement(dossier=dossier, acting_user=clerk,
                                                 note="Bổ sung bản sao giấy chứng sinh")
        elif action == "mark_result_ready":
            dossier = dossier_mark_result_ready(dossier=dossier, acting_user=clerk,
                                                result_summary="Giấy khai sinh")
        elif action == "return_result":
            dossier = dossier_return_result(dossier=dossier, acting_user=clerk)
        elif action == "withdraw":
            dossier = dossier_withdraw(dossier=dossier, acting_user=citizen)
    return dossier
