"""Typed PDF contexts built from a dossier, its slips (Mẫu 01–05 of TT 03/2025, data frozen at
the transition), its audit trail (Mẫu 06), its pickup appointment and its shipment.

Everything comes from stored rows, never from the clock, so rendering the same inputs again
gives the same bytes (and ``document_store`` the same row)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from dossiers import calendar
from dossiers.constants import Action, Channel, SlipKind
from dossiers.models import Dossier, DossierSlip, DossierTransition

from .constants import DocumentKind
from .models import PickupAppointment, Shipment
from .pdf_contexts import (
    EARLY,
    LATE,
    ON_TIME,
    ApologyContext,
    BaseContext,
    ControlSheetContext,
    DocumentLine,
    Handover,
    PickupSlipContext,
    PostalLabelContext,
    ReceiptContext,
    RefusalContext,
    StopNoticeContext,
    SupplementRequestContext,
)

SLIP_DOCUMENT_KIND = {
    SlipKind.RECEIPT: DocumentKind.RECEIPT,
    SlipKind.SUPPLEMENT: DocumentKind.SUPPLEMENT_REQUEST,
    SlipKind.REFUSAL: DocumentKind.REFUSAL,
    SlipKind.APOLOGY: DocumentKind.APOLOGY,
    SlipKind.STOP: DocumentKind.STOP_NOTICE,
    SlipKind.CONTROL_SHEET: DocumentKind.CONTROL_SHEET,
    SlipKind.LOGBOOK: DocumentKind.LOGBOOK,
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


def unit_heading(unit) -> dict:
    """What a form says about its issuing unit: its name, its parent's, its committee and desk."""
    return {"unit_name": unit.name, "parent_unit_name": unit.parent.name if unit.parent_id else "",
            "committee_name": unit.committee, "desk_name": unit.desk}


def _unit(dossier: Dossier) -> dict:
    return {**unit_heading(dossier.receiving_unit), "code": dossier.code or str(dossier.uuid)}


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
        # One way of returning the result: the post to the address given, or the desk.
        postal = ""
        if data.get("delivery_method") == "postal":
            postal = dossier.delivery_address.get("one_line", "")
        return ReceiptContext(
            **base, applicant_name=applicant.get("name", ""),
            applicant_address=applicant.get("address", ""),
            applicant_phone=applicant.get("phone", ""), applicant_email=applicant.get("email", ""),
            procedure_name=procedure_name, documents=documents, sets=int(data.get("sets") or 1),
            processing_time=(f"{days:02d} ngày làm việc" if days else "Trong ngày"),
            received_at=_dt(data.get("received_at"), issued),
            due_at=_d(data.get("appointment")) or issued.date(),
            return_place="" if postal else data.get("pickup_place", ""),
            postal_address=postal, clerk_name=data.get("officer", ""),
            logbook_number=f"{slip.pk}",
        )
    received = dossier.received_at or dossier.submitted_at or issued
    if slip.kind == SlipKind.SUPPLEMENT:
        items = [str(item).strip() for item in data.get("items") or [] if str(item).strip()]
        reason = (data.get("reason") or "").strip()
        # The desk often types only the list: the items were split from the note, which is
        # then no reason of its own (the form prints the standard one).
        if [line.strip() for line in reason.splitlines() if line.strip()] == items:
            reason = ""
        return SupplementRequestContext(
            **base, applicant_name=applicant.get("name", ""), procedure_name=procedure_name,
            received_at=received if received <= issued else issued,
            items=items, reason=reason,
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
    if slip.kind == SlipKind.STOP:
        return StopNoticeContext(
            **base, applicant_name=applicant.get("name", ""), procedure_name=procedure_name,
            received_at=_dt(data.get("received_at")),
            supplement_requested_at=(_dt(data.get("supplement_requested_at"))
                                     if data.get("from_state") == "supplement_requested"
                                     else None),
            reason=data.get("reason", ""), officer_name=data.get("officer", ""),
            issued_at=issued,
        )
    raise ValueError(f"unknown slip kind {slip.kind!r}")


# The rows of Mẫu 06: each time the dossier changes hands (desk, processing steps, the
# citizen). The citizen's own supplement is not a hand-over of the agency's: it only restarts
# the time of the step that receives it; "result ready" is the desk taking the approved
# result, the receiving end of the approval's row.
HANDOVER_ACTIONS = frozenset({
    Action.RECEIVE, Action.REFUSE_RECEPTION, Action.REQUEST_SUPPLEMENT, Action.FORWARD,
    Action.SEND_BACK, Action.APPROVE, Action.REFUSE, Action.STOP, Action.RETURN_RESULT,
})
# Where the clock of a step starts: the dossier arrives at it.
ARRIVALS = frozenset({Action.RECEIVE, Action.SUPPLEMENT, Action.FORWARD, Action.SEND_BACK,
                      Action.APPROVE, Action.REFUSE})
# Hand-overs to the citizen: the receiver is the applicant.
TO_CITIZEN = frozenset({Action.REFUSE_RECEPTION, Action.REQUEST_SUPPLEMENT, Action.REFUSE,
                        Action.STOP, Action.RETURN_RESULT})


def _person(name: str, unit_name: str) -> str:
    if name and unit_name:
        return f"{name} ({unit_name})"
    return name or unit_name


def step_deadline(arrived: datetime.datetime, days: float,
                  working_time: calendar.WorkingTime) -> datetime.datetime:
    """When a step given ``days`` working days, reached at ``arrived``, must hand over: that
    much office time later; a step of 0 days by the close of the (working) day it was reached."""
    if days > 0:
        length = sum((datetime.datetime.combine(datetime.date.min, end)
                      - datetime.datetime.combine(datetime.date.min, start)
                      for start, end in calendar.office_hours()), datetime.timedelta())
        return working_time.add(arrived, length * days)
    close = calendar.office_hours()[-1][1]
    local = timezone.localtime(arrived)
    day = local.date()
    if not working_time.is_working(day) or local.time() >= close:
        day = calendar.add_working_days(day, 1)
    return timezone.make_aware(datetime.datetime.combine(day, close))


def handover_result(handed_at: datetime.datetime, deadline: datetime.datetime) -> str:
    """Trước hạn: handed over on a day before the deadline's; đúng hạn: on its day, by it;
    quá hạn: after it."""
    if handed_at > deadline:
        return LATE
    if timezone.localdate(handed_at) < timezone.localdate(deadline):
        return EARLY
    return ON_TIME


def _due_result(handed_at: datetime.datetime, due: datetime.date | None) -> str:
    """Against the dossier's appointment (the result back at the desk, handed to the citizen)."""
    if due is None:
        return ""
    day = timezone.localdate(handed_at)
    return EARLY if day < due else ON_TIME if day == due else LATE


def control_sheet_context(dossier: Dossier) -> ControlSheetContext:
    """Mẫu 06 from the append-only audit trail: one row per hand-over, the giver and the
    receiver as people with their unit, and whether the step handed over before, on or after
    the time the procedure version gives it (the result back at the desk and its hand-over to
    the citizen: against the appointment)."""
    entries = list(dossier.transitions.select_related("unit", "to_unit").order_by(
        "created_at", "id"))
    steps = dossier.steps
    first = timezone.localdate(entries[0].created_at) if entries else timezone.localdate()
    last = timezone.localdate(entries[-1].created_at) if entries else first
    working_time = calendar.WorkingTime(first, last + datetime.timedelta(days=60))
    rows = []
    arrived: datetime.datetime | None = None
    for index, entry in enumerate(entries):
        if entry.action in HANDOVER_ACTIONS:
            rows.append(_handover_row(dossier, entry, entries[index + 1:], arrived, steps,
                                      working_time))
        if entry.action in ARRIVALS:
            arrived = entry.created_at
    units = {e.unit.name for e in entries if e.unit_id} | {
        e.to_unit.name for e in entries if e.to_unit_id}
    coordinating = sorted(units - {dossier.receiving_unit.name})
    issued = entries[-1].created_at if entries else dossier.created_at
    return ControlSheetContext(
        **_unit(dossier), applicant_name=dossier.applicant_name,
        procedure_name=dossier.procedure.name,
        received_at=dossier.received_at or dossier.submitted_at or dossier.created_at,
        due_at=dossier.due_date or issued.date(),
        handling_unit=dossier.receiving_unit.name, coordinating_units=coordinating,
        handovers=rows, issued_at=issued,
    )


def _handover_row(dossier: Dossier, entry: DossierTransition, later: list[DossierTransition],
                  arrived: datetime.datetime | None, steps: list[dict],
                  working_time: calendar.WorkingTime) -> Handover:
    unit_name = entry.unit.name if entry.unit_id else ""
    to_unit = entry.to_unit if entry.to_unit_id else entry.unit
    if entry.action == Action.APPROVE:  # the result goes back to the desk
        to_unit = dossier.receiving_unit
    agency = unit_name
    if entry.to_unit_id and entry.to_unit_id != entry.unit_id:
        agency = f"{unit_name} → {entry.to_unit.name}"
    if entry.action == Action.RECEIVE:
        # The citizen hands the dossier to the desk (online, or in person: then on the spot).
        giver = _person(dossier.applicant_name, "người nộp hồ sơ")
        receiver = _person(entry.actor_name, to_unit.name if to_unit else "")
        result = ON_TIME
        if dossier.channel != Channel.IN_PERSON and dossier.acknowledge_due_at:
            result = handover_result(entry.created_at, dossier.acknowledge_due_at)
    else:
        giver = _person(entry.actor_name or "Hệ thống", unit_name)
        if entry.action in TO_CITIZEN:
            receiver = _person(dossier.applicant_name, "người nộp hồ sơ")
        else:
            # Whoever acted next on the dossier took it over (the desk taking the result).
            nxt = next((e for e in later if e.action in HANDOVER_ACTIONS
                        or e.action == Action.MARK_RESULT_READY), None)
            receiver = _person(nxt.actor_name if nxt else "", to_unit.name if to_unit else "")
        if entry.action == Action.RETURN_RESULT:
            result = _due_result(entry.created_at, entry.due_date or dossier.due_date)
        elif arrived is not None and entry.step < len(steps):
            days = float(steps[entry.step].get("days") or 0)
            result = handover_result(entry.created_at,
                                     step_deadline(arrived, days, working_time))
        elif entry.action == Action.REFUSE_RECEPTION and dossier.acknowledge_due_at:
            result = handover_result(entry.created_at, dossier.acknowledge_due_at)
        else:
            result = _due_result(entry.created_at, entry.due_date or dossier.due_date)
    note = entry.get_action_display()
    if entry.note:
        note = f"{note}: {entry.note}"
    return Handover(agency=agency, handed_at=entry.created_at, giver=giver, receiver=receiver,
                    result=result, note=note[:300])


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
