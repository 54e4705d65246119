"""A few demo dossiers for the demo citizen, through the real services (idempotent)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from .exceptions import DossierError

_SAMPLE = {"text": "Nguyễn Văn Bình", "date": "2026-11-01", "national-id": "048095001234",
           "phone": "0905000001", "textarea": "Đà Nẵng", "address": "Phường Hải Châu",
           "number": "1", "email": "congdan@example.vn", "checkbox": True,
           "year": "1990"}


# Believable answers for the demo citizen (Nguyễn Văn An, CCCD 048095001234, born 1995-05-15;
# the fields bound to his identity take the account's values whatever is written here).
_REALISTIC = {
    "1.001193": {
        "child_full_name": "Nguyễn Minh Khôi", "child_sex": "nam",
        "child_date_of_birth": "2026-11-10",
        "child_place_of_birth": "Bệnh viện Phụ sản – Nhi Đà Nẵng",
        "child_ethnicity": "kinh", "child_nationality": "viet_nam",
        "child_hometown": "Xã Hòa Vang, thành phố Đà Nẵng",
        "mother_full_name": "Trần Thị Hoa", "mother_date_of_birth": 1997,
        "mother_ethnicity": "kinh", "mother_national_id": "048197004521",
        "mother_residence": "45 Lê Lợi, phường Hải Châu, thành phố Đà Nẵng",
        "father_full_name": "Nguyễn Văn An", "father_date_of_birth": 1995,
        "father_ethnicity": "kinh", "father_national_id": "048095001234",
        "father_residence": "45 Lê Lợi, phường Hải Châu, thành phố Đà Nẵng",
        "parents_married": True, "requester_relationship": "cha",
        "requester_full_name": "Nguyễn Văn An", "requester_national_id": "048095001234",
        "requester_phone": "+84905000001", "register_permanent_residence": True,
        "issue_health_insurance_card": True,
    },
    "1.004873": {
        "full_name": "Nguyễn Văn An", "date_of_birth": "1995-05-15", "sex": "nam",
        "ethnicity": "kinh", "national_id": "048095001234",
        "residence": "45 Lê Lợi, phường Hải Châu, thành phố Đà Nẵng",
        "marital_status": "chua_dang_ky_ket_hon", "purpose": "giao_dich_dan_su",
        "requester_phone": "+84905000001",
    },
}


def _blank_pdf() -> bytes:
    """A real one-page PDF: uploads are parsed and checked, so a header alone is refused."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


_PDF = _blank_pdf()


def sample_data(version) -> dict:
    realistic = _REALISTIC.get(version.document.get("code", ""))
    if realistic:
        return dict(realistic)
    data = {}
    for spec in version.document.get("fields") or []:
        if not spec.get("required"):
            continue
        if spec["type"] == "select" and spec.get("choices"):
            data[spec["key"]] = spec["choices"][0]["value"]
        elif spec["type"] in _SAMPLE:
            data[spec["key"]] = _SAMPLE[spec["type"]]
    return data


def demo_dossiers(*, citizen, clerk, ward, codes=("1.001193", "1.004873")) -> list[str]:
    from procedures.models import Procedure

    from .models import Dossier
    from .selectors import current_version
    from .services import (
        dossier_attach,
        dossier_create_draft,
        dossier_receive,
        dossier_submit,
    )

    if Dossier.objects.filter(applicant=citizen).exists():
        return []
    made = []
    for index, code in enumerate(codes):
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            continue
        try:
            version = current_version(procedure)
            dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=ward,
                                           data=sample_data(version))
            for spec in version.document.get("documents") or []:
                if spec.get("mandatory"):
                    dossier_attach(dossier=dossier, acting_user=citizen,
                                   document_key=spec["key"],
                                   upload=SimpleUploadedFile(f"{spec['key']}.pdf", _PDF))
            dossier = dossier_submit(dossier=dossier, acting_user=citizen)
            if index == 1 and clerk is not None:
                _pay_through_the_sandbox(dossier)
                dossier = dossier_receive(dossier=dossier, acting_user=clerk)
            made.append(dossier.code)
        except DossierError:
            continue
    return made


def _pay_through_the_sandbox(dossier) -> None:
    """The level-4 fee, paid the way a citizen pays: a payment, then the gateway's signed
    callback (the sandbox gateway signs it as the real one would)."""
    from urllib.parse import parse_qsl, urlsplit

    from django.utils import timezone

    from delivery.adapters import payment_create, payment_handle_callback
    from delivery.payments.sandbox import SandboxGateway

    from .selectors import fee_outstanding
    from .services import dossier_record_payment

    amount = fee_outstanding(dossier)
    if not amount:
        return
    gateway = SandboxGateway()
    payment, url = payment_create(dossier_id=dossier.pk, amount=amount, gateway=gateway,
                                  description=f"Lệ phí hồ sơ {dossier.code}")
    request_params = dict(parse_qsl(urlsplit(url).query))
    payment_handle_callback(gateway=gateway, params=gateway.result_params(
        request_params, paid=True, transaction_no=f"DEMO{payment.pk:06d}", at=timezone.now()))
    # The confirmation is applied after commit by a task; the demo runs in one transaction and
    # receives the dossier right away, so it applies it now (the task then finds it done).
    dossier_record_payment(dossier_id=dossier.pk, amount=amount, order_ref=payment.order_ref)

