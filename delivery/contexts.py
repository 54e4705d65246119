"""Typed PDF contexts built from a dossier, its slips (Mẫu 01–04 data frozen at the
transition), its audit trail (Mẫu 05), its pickup appointment and its shipment.

Everything comes from stored rows, never from the clock, so rendering the same inputs again
gives the same bytes (and ``document_store`` the same row)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from dossiers.constants import Action, SlipKind
from dossiers.models import Dossier, DossierSlip

from .constants import DocumentKind
from .documents import (
    ApologyContext,
    BaseContext,
    ControlSheetContext,
    DocumentLine,
    Handover,
    PickupSlipContext,
    PostalLabelContext,
    ReceiptContext,
    RefusalContext,
    SupplementRequestContext,
)
from .models import PickupAppointment, Shipment

SLIP_DOCUMENT_KIND = {
    SlipKind.RECEIPT: DocumentKind.RECEIPT,
    SlipKind.SUPPLEMENT: DocumentKind.SUPPLEMENT_REQUEST,
    SlipKind.REFUSAL: DocumentKind.REFUSAL,
    SlipKind.APOLOGY: DocumentKind.APOLOGY,
}
FORMS = {"original": "Bản chính", "copy": "Bản sao", "certified_copy": "Bản sao chứng thực",
         "original_or_copy": "Bản chính hoặc bản sao"}


def subject_key(kind: str, dossier_id: int, slip_id: int | None = None) -> str:
    if slip_id is not None:
        return f"slip:{slip_id}"
    return f"dossier:{dossier_id}:{kind}"


def _dt(value: str | None, default: datetime.datetime | None = None) -> datetime.datetime | None:
    parsed = parse_datetime(value) if value else None
    return parsed or default


def _d(value: str | None) -> datetime.date | None:
    return parse_date(value) if value else None


def _unit(dossier: Dossier) -> dict:
    unit = dossier.receiving_unit
    return {"unit_name": unit.name, "parent_unit_name": unit.parent.name if unit.parent_id else "",
            "code": dossier.code or str(dossier.uuid)}


def slip_context(dossier: Dossier, slip: DossierSlip) -> BaseContext:
    data = slip.data
    applicant = data.get("applicant") or {}
    procedure_name = (data.get("procedure") or {}).get("name", dossier.procedure.name)
    issued = slip.created_at
    base = {**_unit(dossier), "code": data.get("code") or dossier.code}
    if slip.kind == SlipKind.RECEIPT:
        specs = {d["key"]: d for d in dossier.procedure_version.document.get("documents") or []}
        documents = [DocumentLine(name=d["name"],
                                  form=FORMS.get(specs.get(d["key"], {}).get("form"), "Bản chính"))
                     for d in data.get("documents") or []]
        days = int(data.get("processing_days") or 0)
        delivery = ""
        if data.get("delivery_method") == "postal" and dossier.delivery_address.get("one_line"):
            delivery = "Trả kết quả qua bưu chính công ích đến: " + \
                dossier.delivery_address["one_line"]
        return ReceiptContext(
            **base, applicant_name=applicant.get("name", ""),
            applicant_address=applicant.get("address", ""),
            applicant_phone=applicant.get("phone", ""), applicant_email=applicant.get("email", ""),
            procedure_name=procedure_name, documents=documents, sets=int(data.get("sets") or 1),
            processing_time=(f"{days:02d} ngày làm việc" if days else "Trong ngày"),
            received_at=_dt(data.get("received_at"), issued),
            due_at=_d(data.get("appointment")) or issued.date(),
            return_place=data.get("pickup_place", ""), clerk_name=data.get("officer", ""),
            logbook_number=f"{slip.pk}", delivery_note=delivery,
        )
    received = dossier.received_at or dossier.submitted_at or issued
    if slip.kind == SlipKind.SUPPLEMENT:
        return SupplementRequestContext(
            **base, applicant_name=applicant.get("name", ""), procedure_name=procedure_name,
            received_at=received if received <= issued else issued,
            items=list(data.get("items") or []), reason=data.get("reason", ""),
            contact_officer=data.get("officer", ""), contact_phone=data.get("contact_phone", ""),
            clerk_name=data.get("officer", ""), issued_at=issued,
        )
    if slip.kind == SlipKind.REFUSAL:
        reasons = [line.strip() for line in (data.get("reasons") or "").splitlines()
                   if line.strip()]
        return RefusalContext(
            **base, applicant_name=applicant.get("name", ""), procedure_name=procedure_name,
            received_at=dossier.received_at, reasons=reasons,
            clerk_name=data.get("officer", ""), issued_at=issued,
        )
    if slip.kind == SlipKind.APOLOGY:
        return ApologyContext(
            **base, applicant_name=applicant.get("name", ""), procedure_name=procedure_name,
            received_at=_dt(data.get("received_at"), received),
            original_due_at=_d(data.get("original_appointment")) or issued.date(),
            reason=data.get("reason", ""),
            new_due_at=_d(data.get("new_appointment")) or issued.date(),
            head_name=data.get("officer", ""), issued_at=issued,
        )
    raise ValueError(f"unknown slip kind {slip.kind!r}")


HANDOVER_ACTIONS = frozenset({
    Action.RECEIVE, Action.FORWARD, Action.SEND_BACK, Action.APPROVE, Action.REFUSE,
    Action.MARK_RESULT_READY, Action.RETURN_RESULT, Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT,
})


def control_sheet_context(dossier: Dossier) -> ControlSheetContext:
    """Mẫu 05 from the append-only audit trail: one row per hand-over."""
    entries = list(dossier.transitions.select_related("unit", "to_unit").order_by(
        "created_at", "id"))
    rows = []
    for entry in entries:
        if entry.action not in HANDOVER_ACTIONS:
            continue
        agency = entry.unit.name if entry.unit_id else ""
        if entry.to_unit_id and entry.to_unit_id != entry.unit_id:
            agency = f"{agency} → {entry.to_unit.name}"
        result = ""
        if dossier.due_date and entry.action in (Action.APPROVE, Action.REFUSE,
                                                 Action.MARK_RESULT_READY, Action.RETURN_RESULT):
            day = timezone.localdate(entry.created_at)
            result = ("Trước hạn" if day < dossier.due_date else
                      "Đúng hạn" if day == dossier.due_date else "Quá hạn")
        receiver = entry.step_name if entry.action == Action.FORWARD else ""
        if entry.action == Action.RETURN_RESULT:
            receiver = dossier.applicant_name
        rows.append(Handover(agency=agency, handed_at=entry.created_at,
                             giver=entry.actor_name or "Hệ thống", receiver=receiver,
                             result=result, note=f"{entry.get_action_display()}. {entry.note}"
                             .strip()[:300]))
    issued = entries[-1].created_at if entries else dossier.created_at
    return ControlSheetContext(
        **_unit(dossier), applicant_name=dossier.applicant_name,
        procedure_name=dossier.procedure.name,
        received_at=dossier.received_at or dossier.submitted_at or dossier.created_at,
        due_at=dossier.due_date or issued.date(), handovers=rows, issued_at=issued,
    )


def pickup_slip_context(dossier: Dossier, appointment: PickupAppointment) -> PickupSlipContext:
    opening = timezone.make_aware(datetime.datetime.combine(appointment.earliest_date,
                                                            datetime.time(7, 30)))
    bring = ["Phiếu hẹn này (hoặc mã hồ sơ / mã QR)",
             "Căn cước công dân của người nộp hồ sơ",
             "Nếu nhận thay: giấy ủy quyền và căn cước công dân của người được ủy quyền"]
    return PickupSlipContext(
        **_unit(dossier), applicant_name=dossier.applicant_name,
        procedure_name=dossier.procedure.name, pickup_at=opening,
        pickup_place=appointment.address, opening_hours=appointment.opening_hours,
        bring=bring, issued_at=appointment.created_at,
    )


def postal_label_context(dossier: Dossier, shipment: Shipment) -> PostalLabelContext:
    request = shipment.request
    sender, receiver = request["sender"], request["receiver"]
    return PostalLabelContext(
        **_unit(dossier), tracking_number=shipment.tracking_number,
        sender_name=sender["name"], sender_address=sender["address"],
        sender_phone=sender["phone"], receiver_name=receiver["name"],
        receiver_phone=receiver["phone"], receiver_address=receiver["address"],
        weight_grams=int(request["weight_grams"]), cod_amount=int(request["cod_amount"]),
        contents=request.get("contents", ""), issued_at=shipment.created_at,
    )
