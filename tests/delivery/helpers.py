"""Driving a dossier through the workflow in tests."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlsplit

from pypdf import PdfReader

from dossiers.services import (
    dossier_approve,
    dossier_attach,
    dossier_create_draft,
    dossier_forward,
    dossier_mark_result_ready,
    dossier_receive,
    dossier_submit,
)

POSTAL_ADDRESS = {
    "id": 1, "recipient_name": "Nguyễn Văn An", "recipient_phone": "+84905123456",
    "street": "12 Lê Duẩn", "ward": "Phường Khuê Trung", "ward_id": 0, "district": "",
    "province": "Thành phố Đà Nẵng",
    "one_line": "12 Lê Duẩn, Phường Khuê Trung, Thành phố Đà Nẵng",
}


def submitted_dossier(procedure, citizen, units, *, postal=False, **extra):
    from tests.dossiers.conftest import pdf

    dossier = dossier_create_draft(
        procedure=procedure, applicant=citizen, place=units["ward"],
        data={"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"},
        **extra,
    )
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key, upload=pdf())
    type(dossier).objects.filter(pk=dossier.pk).update(
        applicant_national_id="048090001234",
        delivery_method="postal" if postal else "pickup",
        delivery_address=POSTAL_ADDRESS if postal else {})
    dossier.refresh_from_db()
    return dossier_submit(dossier=dossier, acting_user=citizen)


def process_to_result_ready(dossier, clerk, processor, leader):
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    return finish(dossier, clerk, processor, leader)


def finish(dossier, clerk, processor, leader):
    dossier = dossier_forward(dossier=dossier, acting_user=clerk)
    dossier = dossier_forward(dossier=dossier, acting_user=processor)
    dossier = dossier_approve(dossier=dossier, acting_user=leader)
    return dossier_mark_result_ready(dossier=dossier, acting_user=clerk,
                                     result_summary="Giấy khai sinh")


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def path_and_params(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
