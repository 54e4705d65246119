"""Writes to the catalogue: import, publish, archive. Other apps call these, never save()."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .constants import ProcedureStatus
from .documents import configuration_of, document_errors, procedure_to_document
from .exceptions import ConfigError, ProcedureConfigurationError, ProcedureOutOfScope
from .models import (
    Fee,
    FeeExemption,
    FormField,
    Procedure,
    ProcedureVersion,
    ProcessingStep,
    RequiredDocument,
    Sector,
)
from .policy import check_sector_import, import_owner_unit, may_change_procedure, may_edit_sectors
from .search import split_keywords


def _lock(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update().select_related("sector").get(pk=procedure.pk)


def _require_may_change(acting_user, procedure: Procedure) -> None:
    """``acting_user`` None is the system (management commands, demo data), trusted."""
    if acting_user is not None and not may_change_procedure(acting_user, procedure):
        raise ProcedureOutOfScope(
            _("Thủ tục %s không thuộc đơn vị bạn quản lý; bạn chỉ được xem, không được thay "
              "đổi.") % procedure.code)


@transaction.atomic
def procedure_publish(*, procedure: Procedure, acting_user=None) -> ProcedureVersion:
    """Freezes the working copy into a new version, unless it equals the latest one.

    Idempotent: publishing an unchanged procedure returns the current version.
    """
    procedure = _lock(procedure)
    _require_may_change(acting_user, procedure)
    document = procedure_to_document(procedure)
    document["status"] = ProcedureStatus.PUBLISHED
    errors = document_errors(document)
    if errors:
        raise ProcedureConfigurationError(errors)
    configuration = configuration_of(document)
    latest = procedure.versions.order_by("-number").first()
    if latest is None or latest.document != configuration:
        latest = ProcedureVersion.objects.create(
            procedure=procedure,
            number=(latest.number + 1) if latest else 1,
            document=configuration,
            published_by=acting_user,
        )
    procedure.status = ProcedureStatus.PUBLISHED
    procedure.current_version = latest.number
    procedure.save(update_fields=["status", "current_version", "updated_at"])
    return latest


@transaction.atomic
def procedure_archive(*, procedure: Procedure, acting_user=None) -> Procedure:
    procedure = _lock(procedure)
    _require_may_change(acting_user, procedure)
    procedure.status = ProcedureStatus.ARCHIVED
    procedure.save(update_fields=["status", "updated_at"])
    return procedure


def _replace_children(procedure: Procedure, document: dict[str, Any]) -> None:
    procedure.fees.all().delete()
    procedure.fee_exemptions.all().delete()
    procedure.documents.all().delete()
    procedure.fields.all().delete()
    procedure.steps.all().delete()
    Fee.objects.bulk_create(
        Fee(procedure=procedure, order=i, name=fee["name"], name_en=fee.get("name_en", ""),
            amount=fee["amount"], note=fee.get("note", ""))
        for i, fee in enumerate(document.get("fees", []))
    )
    FeeExemption.objects.bulk_create(
        FeeExemption(procedure=procedure, order=i, code=ex["code"], reason=ex["reason"],
                     reason_en=ex.get("reason_en", ""),
                     proof_required=ex.get("proof_required", False))
        for i, ex in enumerate(document.get("fee_exemptions", []))
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure, order=i, key=doc["key"], name=doc["name"],
            name_en=doc.get("name_en", ""), mandatory=doc.get("mandatory", True),
            form=doc.get("form", "original"), quantity=doc.get("quantity", 1),
            reusable=doc.get("reusable", False), note=doc.get("note", ""),
            replaced_by_online_form=doc.get("replaced_by_online_form", False),
        )
        for i, doc in enumerate(document["documents"])
    )
    FormField.objects.bulk_create(
        FormField(
            procedure=procedure, order=i, key=field["key"], label=field["label"],
            label_en=field.get("label_en", ""), field_type=field["type"],
            required=field.get("required", True), choices=field.get("choices", []),
            regex=field.get("regex", ""), min_value=field.get("min", ""),
            max_value=field.get("max", ""), help_text=field.get("help_text", ""),
            help_text_en=field.get("help_text_en", ""),
            section=field.get("section", ""),
            bind=field.get("bind", ""),
        )
        for i, field in enumerate(document["fields"])
    )
    ProcessingStep.objects.bulk_create(
        ProcessingStep(
            procedure=procedure, order=i, name=step["name"], name_en=step.get("name_en", ""),
            role=step["role"], unit_kind=step["unit_kind"], days=str(step["days"]),
        )
        for i, step in enumerate(document["steps"])
    )


@transaction.atomic
def procedure_import(*, document: Any, acting_user=None, owner_unit=None) -> Procedure:
    """Creates or replaces a procedure from a document; all or nothing.

    A document with ``"status": "published"`` (the default) is published at once, so an
    imported procedure is listed and fileable without a restart.

    With an ``acting_user`` the import obeys the admin change page's scope (``policy``): an
    existing procedure must be one the user may change, a new one belongs to ``owner_unit``
    (one of the user's units; by default its district, city-wide only for the superuser),
    and a non-superuser cannot create or rename a sector. Raises ``ProcedureOutOfScope``.
    """
    errors = document_errors(document)
    if errors:
        raise ProcedureConfigurationError(errors)
    sector_doc = document["sector"]
    if acting_user is not None:
        owner_unit = import_owner_unit(acting_user, code=document["code"],
                                       requested=owner_unit)
        check_sector_import(acting_user, sector_doc)
    if acting_user is None or may_edit_sectors(acting_user):
        sector, _created = Sector.objects.update_or_create(
            code=sector_doc["code"],
            defaults={"name": sector_doc["name"], "name_en": sector_doc.get("name_en", "")},
        )
    else:
        sector = Sector.objects.get(code=sector_doc["code"])
    methods = document["delivery_methods"]
    values = {
        "name": document["name"],
        "name_en": document.get("name_en", ""),
        "sector": sector,
        "level": document["level"],
        "receiving_unit_kind": document.get("receiving_unit_kind", "ward"),
        "description": document.get("description", ""),
        "legal_basis": document.get("legal_basis", ""),
        "processing_days": document["processing_days"],
        "processing_time_note": document.get("processing_time_note", ""),
        "result_document": document["result_document"],
        "offers_pickup": "pickup" in methods,
        "offers_postal": "postal" in methods,
        "postal_postage": document.get("postal_postage", 0),
        "online_payment": document.get("online_payment", False),
        "keywords": "\n".join(document.get("keywords") or []),
    }
    procedure = Procedure.objects.select_for_update().filter(code=document["code"]).first()
    if procedure is None:
        procedure = Procedure.objects.create(
            code=document["code"], owner_unit=owner_unit, **values
        )
    else:
        for attr, value in values.items():
            setattr(procedure, attr, value)
        procedure.save()
    _replace_children(procedure, document)

    status = document.get("status", ProcedureStatus.PUBLISHED)
    if status == ProcedureStatus.PUBLISHED:
        procedure_publish(procedure=procedure, acting_user=acting_user)
    elif status == ProcedureStatus.ARCHIVED:
        procedure_archive(procedure=procedure, acting_user=acting_user)
    elif procedure.status != ProcedureStatus.DRAFT:
        procedure.status = ProcedureStatus.DRAFT
        procedure.save(update_fields=["status", "updated_at"])
    procedure.refresh_from_db()
    return procedure


def procedure_export(*, procedure: Procedure) -> dict[str, Any]:
    document = procedure_to_document(procedure)
    # Search keywords travel with the export but are not frozen into published versions:
    # changing how people find a procedure does not change the procedure.
    return {"$schema": "procedure-v1.schema.json", **document,
            "keywords": split_keywords(procedure.keywords)}


def errors_from_validation(exc: ProcedureConfigurationError) -> list[dict[str, str]]:
    return [error.as_dict() for error in exc.errors]


__all__ = [
    "ConfigError",
    "ProcedureConfigurationError",
    "ProcedureOutOfScope",
    "errors_from_validation",
    "procedure_archive",
    "procedure_export",
    "procedure_import",
    "procedure_publish",
]
