"""The write services of delivery, wired into the dossier workflow: online fee payment before
reception, routing a ready result (desk appointment or postal shipment, falling back to the
desk when the post gives up), the hand-over at the counter and the dossier's PDFs.

Every function is idempotent: it re-reads the database under a row lock and does only what
is still missing, so a retried task, a duplicate delivery or a sweep changes nothing twice."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import calendar
from dossiers.constants import TRANSITIONS, Action
from dossiers.exceptions import DossierInvalid, NotPermitted
from dossiers.models import Dossier
from dossiers.policy import holds_rule_role, in_source_state, may_perform
from dossiers.selectors import fee_lines, fee_outstanding
from dossiers.services import (
    dossier_record_event,
    dossier_record_events,
    dossier_record_payment,
    dossier_return_result,
)
from dossiers.uploads import inspect_upload
from portal.filecrypto import encrypted
from portal.tasks import enqueue_on_commit
from procedures.constants import DeliveryMethod

from .adapters import payment_create, payment_receipt_issue, shipment_create
from .constants import DOSSIER_FEE, DocumentKind, PaymentStatus, PickupReason, ShipmentStatus
from .models import GeneratedDocument, Overpayment, Payment, PickupAppointment, Shipment
from .pdf_contexts import PaymentLine
from .postal import Party
from .rendering import render_dossier_document, render_dossier_documents, shipment_key

logger = logging.getLogger(__name__)

# --- payment -------------------------------------------------------------------------------


@transaction.atomic
def dossier_payment_start(*, dossier: Dossier, client_ip: str = "127.0.0.1",
                          return_url: str = "") -> str:
    """Opens the payment of the dossier's outstanding fee, or reuses the one already open;
    returns the gateway URL. The amount is computed from the procedure version, never taken
    from the browser. The dossier row lock makes two clicks wait for each other; the fee's
    one-open-payment constraint holds even without it."""
    dossier = _locked(dossier.pk)
    amount = fee_outstanding(dossier)
    # Payable while the portal may still record the payment (the PAY rule: before reception).
    if not amount or not may_perform(None, dossier, Action.PAY):
        raise DossierInvalid(_("Hồ sơ này không có lệ phí cần thanh toán."), code="no_fee")
    _payment, url = payment_create(
        dossier_id=dossier.pk, amount=amount, fee=DOSSIER_FEE,
        description=f"Le phi ho so {dossier.code}", client_ip=client_ip,
        return_url=return_url or None,
    )
    return url


def payment_apply(*, payment: Payment) -> bool:
    """A confirmed payment becomes the dossier's "pay" event once; the receipt follows.
    An overpayment (money to refund) pays nothing."""
    if payment.status != PaymentStatus.PAID or Overpayment.objects.filter(
            payment=payment).exists():
        return False
    entry = dossier_record_payment(dossier_id=payment.dossier_id, amount=payment.amount,
                                   order_ref=payment.order_ref,
                                   transaction_no=payment.gateway_transaction_id)
    if entry is None:
        logger.info("payment %s did not change dossier %s", payment.order_ref,
                    payment.dossier_id)
    return entry is not None


def payment_receipt_for(*, payment_id: int) -> GeneratedDocument | None:
    payment = Payment.objects.filter(pk=payment_id, status=PaymentStatus.PAID,
                                     overpayment__isnull=True).first()
    if payment is None:
        return None
    dossier = Dossier.objects.select_related("receiving_unit__parent", "procedure",
                                             "procedure_version").get(pk=payment.dossier_id)
    lines = [PaymentLine(name=line["name"], amount=line["amount"])
             for line in fee_lines(dossier.procedure_version)]
    if sum(line.amount for line in lines) != payment.amount:
        lines = None
    unit = dossier.receiving_unit
    return payment_receipt_issue(
        payment=payment, unit_name=unit.name,
        parent_unit_name=unit.parent.name if unit.parent_id else "",
        dossier_code=dossier.code or "", payer_name=dossier.applicant_name,
        payer_address=dossier.applicant_address, procedure_name=dossier.procedure.name,
        lines=lines,
    )


# --- routing the result ----------------------------------------------------------------------


def _locked(dossier_id: int) -> Dossier | None:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_unit", "current_unit", "pickup_unit", "procedure",
                            "procedure_version")
            .filter(pk=dossier_id).first())


def route(*, dossier_id: int) -> str:
    """Moves a ready result one step towards the citizen; safe to call any number of times.

    The dossier row lock serialises concurrent runs for the same dossier; the unique
    appointment per dossier and the shipment's idempotency key make repeats no-ops."""
    with transaction.atomic():
        dossier = _locked(dossier_id)
        if dossier is None or not may_perform(None, dossier, Action.SCHEDULE_PICKUP):
            return "skipped"
        if PickupAppointment.objects.filter(dossier_id=dossier_id).exists():
            return "at_desk"
        if _to_desk(dossier):
            _schedule_pickups([dossier], reason=PickupReason.CHOSEN)
            return "scheduled"
        shipment = Shipment.objects.filter(idempotency_key=shipment_key(dossier_id)).first()
        if shipment is None:
            shipment = _ship(dossier)
            return "shipped"
        if shipment.status == ShipmentStatus.DELIVERED:
            dossier_return_result(
                dossier=dossier, acting_user=None,
                note=_("Bưu chính đã phát thành công bưu gửi %(no)s.")
                % {"no": shipment.tracking_number})
            return "returned"
        if (shipment.status == ShipmentStatus.FAILED
                and shipment.attempts >= settings.POSTAL_MAX_ATTEMPTS):
            _schedule_pickups([dossier], reason=PickupReason.POSTAL_FAILED)
            return "fallback"
        return "in_transit"


def route_many(*, dossier_ids: list[int]) -> dict[int, str]:
    """``route`` for a batch of dossiers, with the same outcomes and guarantees.

    Desk pickups, the bulk of ready results, are scheduled together: one transaction locks
    the page of dossiers (in id order, so concurrent batches cannot deadlock) and inserts the
    appointments and events in bulk. Postal results go one by one through ``route``: each
    talks to the postal provider and must not hold the other rows' locks meanwhile."""
    ids = sorted(set(dossier_ids))
    outcomes: dict[int, str] = {}
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_unit", "current_unit", "pickup_unit", "procedure",
                            "procedure_version")
            .filter(pk__in=ids, state__in=TRANSITIONS[Action.SCHEDULE_PICKUP].sources)
            .order_by("pk"))
        at_desk = set(PickupAppointment.objects.filter(dossier_id__in=[d.pk for d in dossiers])
                      .values_list("dossier_id", flat=True))
        desk = [d for d in dossiers if d.pk not in at_desk and _to_desk(d)]
        _schedule_pickups(desk, reason=PickupReason.CHOSEN)
        outcomes.update(dict.fromkeys(at_desk, "at_desk"))
        outcomes.update(dict.fromkeys((d.pk for d in desk), "scheduled"))
    for dossier_id in ids:
        if dossier_id not in outcomes:
            outcomes[dossier_id] = route(dossier_id=dossier_id)
    return outcomes


def _to_desk(dossier: Dossier) -> bool:
    return dossier.delivery_method != DeliveryMethod.POSTAL or not dossier.delivery_address


def _schedule_pickups(dossiers: list[Dossier], *, reason: str) -> list[PickupAppointment]:
    """Appointments, "collect your result" events and pickup-slip PDFs for locked dossiers."""
    if not dossiers:
        return []
    earliest = calendar.add_working_days(timezone.localdate(), 1)
    appointments = PickupAppointment.objects.bulk_create([
        PickupAppointment(
            dossier_id=dossier.pk, unit=dossier.pickup_desk,
            address=dossier.pickup_desk.address or dossier.pickup_desk.name,
            opening_hours=dossier.pickup_desk.opening_hours, earliest_date=earliest,
            reason=reason)
        for dossier in dossiers
    ])
    events = []
    for dossier, appointment in zip(dossiers, appointments, strict=True):
        note = _("Mời ông/bà nhận kết quả tại %(place)s từ ngày %(day)s (%(hours)s). "
                 "Mang theo căn cước công dân.") % {
            "place": appointment.address, "day": earliest.strftime("%d/%m/%Y"),
            "hours": appointment.opening_hours}
        if reason == PickupReason.POSTAL_FAILED:
            note = _("Bưu chính không phát được kết quả. ") + note
        events.append((dossier, note))
    dossier_record_events(events=events, action=Action.SCHEDULE_PICKUP)
    if len(dossiers) == 1:
        _render_on_commit(DocumentKind.PICKUP_SLIP, dossiers[0].pk)
    else:
        enqueue_on_commit(render_dossier_documents, DocumentKind.PICKUP_SLIP,
                          [dossier.pk for dossier in dossiers])
    return appointments


def _ship(dossier: Dossier) -> Shipment:
    unit = dossier.receiving_unit
    address = dossier.delivery_address
    shipment = shipment_create(
        dossier_id=dossier.pk, idempotency_key=shipment_key(dossier.pk),
        sender=Party(name=unit.name, phone=unit.phone or "", address=unit.address or unit.name),
        receiver=Party(name=address.get("recipient_name") or dossier.applicant_name,
                       phone=address.get("recipient_phone") or dossier.applicant_phone,
                       address=address.get("one_line", "")),
        weight_grams=settings.POSTAL_RESULT_WEIGHT_GRAMS,
        cod_amount=postage_due_on_delivery(dossier),
        contents=(dossier.result_summary or _("Kết quả giải quyết TTHC"))[:200],
        reference=dossier.code or "",
    )
    note = (_("Kết quả đã gửi qua bưu chính công ích, số hiệu bưu gửi %(no)s, đến %(to)s.")
            % {"no": shipment.tracking_number, "to": address.get("one_line", "")})
    cod_amount = int(shipment.request.get("cod_amount") or 0)
    if cod_amount:
        note += " " + _("Cước thu khi nhận: %(amount)s đồng.") % {
            "amount": f"{cod_amount:,}".replace(",", ".")}
    dossier_record_event(dossier=dossier, action=Action.SHIP, locked=True, note=note)
    _render_on_commit(DocumentKind.POSTAL_LABEL, dossier.pk)
    return shipment


def postage_due_on_delivery(dossier: Dossier) -> int:
    """The postage the postman collects from the citizen (COD), as the procedure version the
    dossier was filed under said; 0 when the agency pays it."""
    return int(dossier.procedure_version.document.get("postal_postage") or 0)


def _render_on_commit(kind: str, dossier_id: int, slip_id: int | None = None) -> None:
    enqueue_on_commit(render_dossier_document, kind, dossier_id, slip_id)


# --- the counter -------------------------------------------------------------------------------

CCCD_RE = re.compile(r"^\d{12}$")
CODE_IN_URL_RE = re.compile(r"[?&]code=([^&#\s]+)")


def code_from_scan(text: str) -> str:
    """The dossier code typed by the clerk or read from the slip's QR (the tracking URL)."""
    from urllib.parse import unquote_plus

    text = (text or "").strip()
    match = CODE_IN_URL_RE.search(text)
    return unquote_plus(match.group(1)).strip() if match else text


@transaction.atomic
def pickup_hand_over(
    *, dossier: Dossier, acting_user, collector_is_owner: bool, collector_national_id: str,
    collector_name: str = "", authorisation: UploadedFile | None = None,
    identity_checked: bool, signature_confirmed: bool,
) -> Dossier:
    """Hands the result over at the desk after checking who collects it."""
    dossier = _locked(dossier.pk)
    # A person at the desk (the portal itself returns only on the post's delivery report).
    if acting_user is None or not holds_rule_role(acting_user, dossier, Action.RETURN_RESULT):
        raise NotPermitted(_("Bạn không phải cán bộ một cửa của %(unit)s.")
                           % {"unit": dossier.pickup_desk.name})
    if not in_source_state(dossier, Action.RETURN_RESULT):
        raise DossierInvalid(_("Hồ sơ không ở trạng thái chờ trả kết quả."), code="state")
    appointment = (PickupAppointment.objects.select_for_update()
                   .filter(dossier_id=dossier.pk).first())
    if appointment is None:
        raise DossierInvalid(_("Hồ sơ chưa có lịch hẹn trả kết quả tại bộ phận một cửa."),
                             code="no_appointment")
    national_id = (collector_national_id or "").strip()
    if not CCCD_RE.match(national_id):
        raise DossierInvalid(_("Số CCCD của người nhận phải gồm 12 chữ số."), code="cccd")
    if collector_is_owner:
        if not dossier.applicant_national_id or national_id != dossier.applicant_national_id:
            raise DossierInvalid(_("Số CCCD không khớp với người nộp hồ sơ. Người nhận thay "
                                   "cần giấy ủy quyền."), code="identity")
        collector_name = dossier.applicant_name
    else:
        if not (collector_name or "").strip():
            raise DossierInvalid(_("Vui lòng nhập họ tên người được ủy quyền."),
                                 code="collector_name")
        if authorisation is None:
            raise DossierInvalid(_("Người nhận thay phải xuất trình giấy ủy quyền."),
                                 code="authorisation")
        # The same checks as any dossier upload: type from the bytes, size, no active content.
        checked = inspect_upload(authorisation)
    if not identity_checked or not signature_confirmed:
        raise DossierInvalid(_("Cần xác nhận đã kiểm tra giấy tờ và người nhận đã ký nhận."),
                             code="confirmation")
    appointment.collected_at = timezone.now()
    appointment.handed_over_by = acting_user
    appointment.collector_is_owner = collector_is_owner
    appointment.collector_name = collector_name.strip()[:150]
    appointment.collector_national_id = national_id
    appointment.identity_checked = identity_checked
    appointment.signature_confirmed = signature_confirmed
    fields = ["collected_at", "handed_over_by", "collector_is_owner", "collector_name",
              "collector_national_id", "identity_checked", "signature_confirmed"]
    if not collector_is_owner:
        extension = checked["storage_name"].rpartition(".")[2]
        # Scans of authorisations and ID papers: encrypted at rest (portal.filecrypto).
        appointment.authorisation.save(f"giay-uy-quyen.{extension}", encrypted(authorisation),
                                       save=False)
        appointment.authorisation_content_type = checked["content_type"]
        fields += ["authorisation", "authorisation_content_type"]
    appointment.save(update_fields=fields)
    who = (_("chính chủ") if collector_is_owner else _("người được ủy quyền"))
    note = _("Trả kết quả tại quầy cho %(name)s (%(who)s, CCCD ********%(tail)s); đã ký nhận.") \
        % {"name": appointment.collector_name, "who": who, "tail": national_id[-4:]}
    return dossier_return_result(dossier=dossier, acting_user=acting_user, note=note)
