"""A few demo dossiers for the demo citizen, through the real services (idempotent)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from .exceptions import DossierError

_SAMPLE = {"text": "Nguyễn Văn Bình", "date": "2026-11-01", "national-id": "048095001234",
           "phone": "0905000001", "textarea": "Đà Nẵng", "address": "Phường Khuê Trung",
           "number": "1", "email": "congdan@example.vn", "checkbox": True}


def sample_data(version) -> dict:
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
    from .services import (
        current_version,
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
                                   upload=SimpleUploadedFile("demo.pdf", b"%PDF-1.4\n%%EOF\n"))
            dossier = dossier_submit(dossier=dossier, acting_user=citizen)
            if index == 1 and clerk is not None:
                dossier = dossier_receive(dossier=dossier, acting_user=clerk)
            made.append(dossier.code)
        except DossierError:
            continue
    return made
