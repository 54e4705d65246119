"""Celery tasks of the delivery app. They take ids, re-read the database and do only what is
missing (see ``services``), retry transient failures with exponential backoff, and the
periodic sweeps re-enqueue whatever a broker outage kept from being enqueued."""

from __future__ import annotations

import datetime
import logging
import random

from celery import shared_task
from celery_batches import Batches
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.constants import TRANSITIONS, Action
from dossiers.models import Dossier, DossierSlip
from dossiers.services import dossier_record_event
from portal.tasks import RETRY, TRANSIENT, enqueue

from . import contexts, services
from .constants import DocumentKind, PaymentStatus, ShipmentStatus
from .models import GeneratedDocument, OverdueAlert, Payment, PickupAppointment, Shipment
from .rendering import render_dossier_document

logger = logging.getLogger(__name__)



@shared_task(bind=True, **RETRY)
def route_result(self, dossier_id: int) -> str:
    """Routes a ready result: desk appointment, shipment, return on delivery, fallback."""
    return services.route(dossier_id=dossier_id)


ROUTE_BATCH_SIZE = 200


@shared_task(base=Batches, flush_every=ROUTE_BATCH_SIZE, flush_interval=0.25)
def route_results(requests) -> dict[int, str]:
    """``route_result`` for the messages a worker has buffered (celery-batches): each message
    is one dossier, ``route_results.delay(dossier_id)``; the worker hands them over in pages of
    up to ``ROUTE_BATCH_SIZE`` (or every 0.25 s), routed with bulk writes.

    A transient failure re-sends each dossier of the page with exponential backoff (the page's
    messages are acknowledged with it); a dossier that gives up after ``max_retries``, or a
    message lost with the broker, is found again by ``sweep_unrouted``."""
    attempts: dict[int, int] = {}
    for request in requests:
        dossier_id = int(request.args[0])
        attempts[dossier_id] = max(attempts.get(dossier_id, 0),
                                   int(request.kwargs.get("attempt", 0)))
    try:
        return services.route_many(dossier_ids=list(attempts))
    except TRANSIENT:
        logger.warning("routing %d dossiers failed; retrying each with backoff", len(attempts),
                       exc_info=True)
        for dossier_id, attempt in attempts.items():
            if attempt >= RETRY["max_retries"]:
                logger.error("routing dossier %s gave up after %d attempts; the sweep will "
                             "retry it", dossier_id, attempt)
                continue
            countdown = random.uniform(0, min(RETRY["retry_backoff_max"], 2 ** attempt))
            try:
                route_results.apply_async(args=(dossier_id,), kwargs={"attempt": attempt + 1},
                                          countdown=countdown)
            except Exception:  # the broker is down too: sweep_unrouted will find it
                logger.warning("could not re-enqueue routing of %s", dossier_id, exc_info=True)
        return {}


@shared_task(bind=True, **RETRY)
def apply_payment(self, payment_id: int) -> bool:
    """Records a confirmed payment on its dossier (once) and issues the e-receipt."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return False
    changed = services.payment_apply(payment=payment)
    services.payment_receipt_for(payment_id=payment_id)
    return changed


# --- periodic ------------------------------------------------------------------------------


@shared_task(bind=True, **RETRY)
def sweep_unrouted(self, limit: int = 5000) -> int:
    """Re-enqueues ready results with nothing routed yet, delivered shipments not yet marked
    returned, and finally failed ones without a desk appointment."""
    appointment = PickupAppointment.objects.filter(dossier_id=OuterRef("pk"))
    shipment = Shipment.objects.filter(dossier_id=OuterRef("pk"))
    settled = Shipment.objects.filter(dossier_id=OuterRef("pk")).filter(
        Q(status=ShipmentStatus.DELIVERED)
        | Q(status=ShipmentStatus.FAILED, attempts__gte=settings.POSTAL_MAX_ATTEMPTS))
    ids = list(Dossier.objects.filter(state__in=TRANSITIONS[Action.SCHEDULE_PICKUP].sources)
               .filter(~Exists(appointment))
               .filter(~Exists(shipment) | Exists(settled))
               .values_list("pk", flat=True)[:limit])
    for dossier_id in ids:
        enqueue(route_results, dossier_id)
    return len(ids)


@shared_task(bind=True, **RETRY)
def sweep_documents(self, limit: int = 2000) -> int:
    """Re-enqueues PDFs that were never rendered (slips, pickup slips, postal labels) and
    confirmed payments never applied to their dossier."""
    count = 0
    rendered = GeneratedDocument.objects.filter(subject_key=OuterRef("key"))
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    slips = (DossierSlip.objects.annotate(key=Concat(Value("slip:"), Cast("pk", CharField())))
             .filter(~Exists(rendered)).values_list("pk", "dossier_id", "kind")[:limit])
    for slip_id, dossier_id, slip_kind in slips:
        enqueue(render_dossier_document, contexts.SLIP_DOCUMENT_KIND[slip_kind], dossier_id,
                slip_id)
        count += 1
    for kind, model in ((DocumentKind.PICKUP_SLIP, PickupAppointment),
                        (DocumentKind.POSTAL_LABEL, Shipment)):
        done = GeneratedDocument.objects.filter(kind=kind, dossier_id=OuterRef("dossier_id"))
        for dossier_id in (model.objects.filter(~Exists(done))
                           .values_list("dossier_id", flat=True)[:limit]):
            enqueue(render_dossier_document, kind, dossier_id, None)
            count += 1
    receipt = GeneratedDocument.objects.filter(kind=DocumentKind.PAYMENT_RECEIPT,
                                               dossier_id=OuterRef("dossier_id"))
    for payment_id in (Payment.objects.filter(status=PaymentStatus.PAID,
                                              overpayment__isnull=True)
                       .filter(~Exists(receipt)).values_list("pk", flat=True)[:limit]):
        enqueue(apply_payment, payment_id)
        count += 1
    return count


@shared_task(bind=True, **RETRY)
def reconcile_shipments(self, limit: int = 500) -> int:
    """Asks the provider about shipments with no news for a while (lost callbacks)."""
    from .adapters import shipment_reconcile

    stale = timezone.now() - datetime.timedelta(hours=settings.SHIPMENT_STALE_HOURS)
    changed = 0
    for shipment in (Shipment.objects.exclude(status=ShipmentStatus.DELIVERED)
                     .filter(updated_at__lt=stale).order_by("updated_at")[:limit]):
        outcome = shipment_reconcile(shipment=shipment)
        changed += bool(outcome and outcome.applied)
    return changed


@shared_task(bind=True, **RETRY)
def remind_pickups(self, limit: int = 2000) -> int:
    """Reminds citizens of a result waiting at the desk every ``PICKUP_REMINDER_DAYS`` days
    since the appointment (or the last reminder), at most ``PICKUP_REMINDER_MAX`` times. The
    appointment row lock and its counter make a rerun on the same day send nothing."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.PICKUP_REMINDER_DAYS)
    due = (Q(reminded_at=None, created_at__lt=cutoff) | Q(reminded_at__lt=cutoff))
    owed = (PickupAppointment.objects.filter(collected_at=None,
                                             reminders_sent__lt=settings.PICKUP_REMINDER_MAX)
            .filter(due))
    sent = 0
    for appointment_id in owed.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            appointment = owed.select_for_update().filter(pk=appointment_id).first()
            if appointment is None:
                continue
            dossier = Dossier.objects.filter(
                pk=appointment.dossier_id,
                state__in=TRANSITIONS[Action.REMIND_PICKUP].sources).first()
            if dossier is not None:
                number = appointment.reminders_sent + 1
                dossier_record_event(
                    dossier=dossier, action=Action.REMIND_PICKUP,
                    note=_("Lần nhắc %(n)d: kết quả đang chờ ông/bà tại %(place)s "
                           "(%(hours)s) từ ngày %(day)s.")
                    % {"n": number, "place": appointment.address,
                       "hours": appointment.opening_hours,
                       "day": appointment.earliest_date.strftime("%d/%m/%Y")})
                sent += 1
            appointment.reminded_at = timezone.now()
            appointment.reminders_sent += 1
            appointment.save(update_fields=["reminded_at", "reminders_sent"])
    return sent


@shared_task(bind=True, **RETRY)
def scan_overdue(self, limit: int = 5000) -> int:
    """Flags overdue dossiers and tells the unit's leaders, once per dossier per day.
    Overdue is dossiers/clock.py's: a dossier waiting for the citizen, or not yet received,
    is never alerted on."""
    from accounts.models import StaffAssignment

    today = timezone.localdate()
    alerted = 0
    for dossier in (Dossier.objects.overdue(today).select_related("current_unit", "procedure")
                    .only("pk", "code", "due_date", "current_unit", "procedure__name")[:limit]):
        try:
            with transaction.atomic():
                alert = OverdueAlert.objects.create(dossier_id=dossier.pk, day=today,
                                                    unit=dossier.current_unit)
        except IntegrityError:
            continue  # already told today
        emails = list(StaffAssignment.objects.active()
                      .filter(unit=dossier.current_unit, role="leader")
                      .exclude(user__email="").values_list("user__email", flat=True))
        if emails:
            send_mail(f"Hồ sơ {dossier.code} quá hạn",
                      f"Hồ sơ {dossier.code} ({dossier.procedure.name}) hẹn trả ngày "
                      f"{dossier.due_date:%d/%m/%Y} đã quá hạn tại {dossier.current_unit.name}.",
                      None, emails)
        OverdueAlert.objects.filter(pk=alert.pk).update(recipients=len(emails))
        alerted += 1
    return alerted

