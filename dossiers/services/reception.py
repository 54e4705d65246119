"""The one-stop desk: receiving a filing (with its receipt, Mẫu 01), asking for a supplement
(Mẫu 02), refusing reception (Mẫu 03), and receiving a paper dossier at any office."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.constants import DeliveryMethod
from procedures.models import Procedure
from units.models import Unit

from ..codes import next_dossier_code
from ..constants import TRANSITIONS, Action, Channel, SlipKind
from ..exceptions import DossierInvalid, NotPermitted
from ..models import Dossier, DossierSlip, DossierTransition
from ..policy import staff_may_act
from ..routing import competent_unit
from ..selectors import current_version, fee_outstanding, processing_days, version_documents
from .core import apply_transition, record, slip, start_clock
from .filing import check_delivery, checked_pickup_unit, validate_data


@transaction.atomic
def dossier_receive(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    def change(dossier: Dossier, target: str) -> list[str]:
        due = fee_outstanding(dossier)
        if due:
            raise DossierInvalid(
                _("Chưa tiếp nhận được: hồ sơ %(code)s chưa nộp lệ phí trực tuyến "
                  "(%(amount)s đồng). Hồ sơ sẽ tiếp nhận được sau khi thanh toán được xác "
                  "nhận.") % {"code": dossier.ref, "amount": f"{due:,}".replace(",", ".")},
                code="fee_unpaid")
        return start_clock(dossier, timezone.now())

    dossier, entry = apply_transition(dossier=dossier, action=Action.RECEIVE,
                                      acting_user=acting_user, note=note,
                                      expected_version=expected_version, change=change)
    receipt(dossier, entry)
    return dossier


def receipt(dossier: Dossier, entry: DossierTransition) -> DossierSlip:
    """Mẫu 01: what was received and when the result is due."""
    documents = {d["key"]: d for d in version_documents(dossier.procedure_version)}
    attached = [{"key": a.document_key, "name": documents.get(a.document_key, {}).get(
        "name", a.document_key), "file": a.original_name} for a in dossier.attachments.all()]
    return slip(
        dossier, SlipKind.RECEIPT, entry,
        documents=attached, sets=1,
        processing_days=processing_days(dossier),
        received_at=timezone.localtime(dossier.received_at).isoformat(),
        appointment=dossier.due_date.isoformat(),
        pickup_place=dossier.receiving_unit.address or dossier.receiving_unit.name,
        delivery_method=dossier.delivery_method,
        channel=dossier.channel,
    )


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, acting_user, note: str,
                               items: list[str] | None = None,
                               expected_version: int | None = None) -> Dossier:
    items = [i.strip() for i in (items or note.splitlines()) if i.strip()]

    def change(dossier: Dossier, target: str) -> list[str]:
        dossier.supplement_from_state = dossier.state
        dossier.supplement_items = items
        dossier.supplement_count += 1
        dossier.supplement_requested_at = timezone.now()
        return ["supplement_from_state", "supplement_items", "supplement_count",
                "supplement_requested_at"]

    dossier, entry = apply_transition(dossier=dossier, action=Action.REQUEST_SUPPLEMENT,
                                      acting_user=acting_user, note=note,
                                      expected_version=expected_version, change=change)
    slip(dossier, SlipKind.SUPPLEMENT, entry, items=items, reason=note,
         contact_phone=dossier.receiving_unit.phone)
    return dossier


def refusal(dossier: Dossier, *, action: str, acting_user, note: str,
            expected_version: int | None) -> Dossier:
    """Refused at reception or after processing: the reason is kept, the slip is Mẫu 03."""
    def change(dossier: Dossier, target: str) -> list[str]:
        dossier.refusal_reason = note
        dossier.finished_at = timezone.now()
        return ["refusal_reason", "finished_at"]

    dossier, entry = apply_transition(dossier=dossier, action=action, acting_user=acting_user,
                                      note=note, expected_version=expected_version,
                                      change=change)
    slip(dossier, SlipKind.REFUSAL, entry, reasons=note)
    return dossier


@transaction.atomic
def dossier_refuse_reception(*, dossier: Dossier, acting_user, note: str,
                             expected_version: int | None = None) -> Dossier:
    return refusal(dossier, action=Action.REFUSE_RECEPTION, acting_user=acting_user,
                   note=note, expected_version=expected_version)


@transaction.atomic
def dossier_file_in_person(
    *, acting_user, intake_unit: Unit, procedure: Procedure, place: Unit,
    applicant_name: str, applicant_national_id: str = "", applicant_phone: str = "",
    applicant_email: str = "", applicant_address: str = "", applicant=None,
    data: dict | None = None, delivery_method: str = DeliveryMethod.PICKUP,
    channel: str = Channel.IN_PERSON, note: str = "", pickup_unit: Unit | None = None,
) -> Dossier:
    """A clerk of any ward receives a paper dossier for a walk-in citizen (with or without an
    e-account); it is routed to the competent unit and received there at once (filing and
    reception in one step: the dossier is born in reception's target state). ``pickup_unit``:
    the desk of the province where the result will be collected (None: the receiving unit's)."""
    if not staff_may_act(acting_user, intake_unit, TRANSITIONS[Action.RECEIVE].roles):
        raise NotPermitted(_("Bạn không phải cán bộ một cửa của %(unit)s.")
                           % {"unit": intake_unit.name})
    version = current_version(procedure)
    receiving = competent_unit(receiving_unit_kind=version.document.get(
        "receiving_unit_kind", procedure.receiving_unit_kind), place=place)
    cleaned = validate_data(version, data or {})
    check_delivery(version, delivery_method, {"one_line": applicant_address})
    pickup_unit = checked_pickup_unit(pickup_unit, receiving)
    now = timezone.now()
    dossier = Dossier(
        procedure=procedure, procedure_version=version, applicant=applicant,
        applicant_name=applicant_name, applicant_national_id=applicant_national_id,
        applicant_phone=applicant_phone, applicant_email=applicant_email,
        applicant_address=applicant_address, receiving_unit=receiving, current_unit=receiving,
        intake_unit=intake_unit, channel=channel, data=cleaned,
        delivery_method=delivery_method, submitted_at=now, pickup_unit=pickup_unit,
        state=TRANSITIONS[Action.RECEIVE].target,
        delivery_address={"one_line": applicant_address} if applicant_address else {},
    )
    dossier.code = next_dossier_code(unit=receiving, day=timezone.localdate(now))
    start_clock(dossier, now)
    dossier.save()
    text = note or _("Tiếp nhận hồ sơ giấy tại %(unit)s.") % {"unit": intake_unit.name}
    entry = record(dossier, action=Action.RECEIVE, from_state="", actor=acting_user,
                   note=text, unit=intake_unit, to_unit=receiving)
    receipt(dossier, entry)
    return dossier
