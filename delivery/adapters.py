"""Adapters of the delivery app to the outside: the document store (rendered PDFs), the
payment gateway and the postal provider, with the rows that record each exchange.

``delivery.services`` (the write services of the dossier workflow) calls these. Every function
is idempotent on its natural key (document content, payment order reference, shipment
idempotency key, callback event id), so a retried task or a replayed callback changes nothing
the second time.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import signals
from .constants import (
    DOSSIER_FEE,
    SHIPMENT_STATUS_RANK,
    CallbackCode,
    OverpaymentReason,
    PaymentStatus,
    ShipmentStatus,
)
from .documents import render_pdf
from .exceptions import (
    IdempotencyConflict,
    InvalidCallback,
    InvalidSignature,
    PaymentError,
    ShipmentNotFound,
)
from .models import (
    GeneratedDocument,
    Overpayment,
    Payment,
    PaymentCallbackLog,
    Shipment,
    ShipmentEvent,
)
from .payments import PaymentGateway, PaymentRequest, get_gateway
from .pdf_contexts import BaseContext, PaymentLine, PaymentReceiptContext
from .postal import Party, PostalProvider, ShipmentRequest, StatusUpdate, get_provider

logger = logging.getLogger(__name__)

# --- Documents ------------------------------------------------------------------------------


def document_store(*, kind: str, subject_key: str, pdf_bytes: bytes,
                   dossier_id: int | None = None) -> GeneratedDocument:
    """Save a rendered PDF once: the same (kind, subject, content) returns the existing row."""
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    existing = GeneratedDocument.objects.filter(
        kind=kind, subject_key=subject_key, sha256=digest
    ).first()
    if existing is not None:
        return existing
    safe_subject = "".join(c if c.isalnum() or c in "-_." else "-" for c in subject_key)
    document = GeneratedDocument(kind=kind, subject_key=subject_key, sha256=digest,
                                 size=len(pdf_bytes), dossier_id=dossier_id)
    document.file.save(f"{kind}-{safe_subject}-{digest[:12]}.pdf", ContentFile(pdf_bytes),
                       save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another worker stored the same bytes between our read and our write.
        document.file.delete(save=False)
        return GeneratedDocument.objects.get(kind=kind, subject_key=subject_key, sha256=digest)
    return document


def document_render(*, kind: str, subject_key: str, context: BaseContext,
                    dossier_id: int | None = None) -> GeneratedDocument:
    """Render a slip and store it; rendering unchanged data again returns the same row."""
    return document_store(kind=kind, subject_key=subject_key,
                          pdf_bytes=render_pdf(kind, context), dossier_id=dossier_id)


# --- Payments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    """The answer to give the gateway, and the payment it concerned (if any)."""

    code: str
    payment: Payment | None = None
    changed: bool = False

    @property
    def message(self) -> str:
        return CallbackCode(self.code).label

    def as_gateway_response(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


def _new_order_ref() -> str:
    return f"DVC{timezone.localtime():%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def payment_create(
    *, dossier_id: int, amount: int, description: str, client_ip: str = "127.0.0.1",
    return_url: str | None = None, order_ref: str | None = None,
    gateway: PaymentGateway | None = None, fee: str = DOSSIER_FEE,
) -> tuple[Payment, str]:
    """Open the payment of one fee of a dossier, or hand back the one already open for it;
    returns it with the URL to redirect the citizen to.

    A fee has at most one open (pending) payment, so the citizen who clicks "pay" twice, in
    two tabs, or comes back later pays the same order and cannot be charged twice. The open
    payment is locked while it is reused; two requests racing to open the first one meet at
    the database constraint and the loser takes the winner's. An open payment for another
    amount or gateway (the fee or the configuration changed) is withdrawn first."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PaymentError("amount must be a positive whole number of đồng")
    gateway = gateway or get_gateway()
    with transaction.atomic():
        payment = (Payment.objects.select_for_update()
                   .filter(dossier_id=dossier_id, fee=fee, status=PaymentStatus.PENDING)
                   .first())
        if payment is not None and (payment.amount, payment.gateway) != (amount, gateway.name):
            # Should it be paid after all, the callback records the money as an overpayment.
            payment.status = PaymentStatus.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
            payment = None
        if payment is None:
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        order_ref=order_ref or _new_order_ref(), dossier_id=dossier_id,
                        fee=fee, description=description[:255], amount=amount,
                        currency="VND", gateway=gateway.name,
                    )
            except IntegrityError:
                payment = Payment.objects.select_for_update().filter(
                    dossier_id=dossier_id, fee=fee, status=PaymentStatus.PENDING).first()
                if payment is None:
                    raise
    return_url = return_url or (
        settings.PORTAL_BASE_URL.rstrip("/") + reverse("delivery:payment-return")
    )
    url = gateway.create_payment_url(PaymentRequest(
        order_ref=payment.order_ref, amount=payment.amount, currency=payment.currency,
        description=payment.description, return_url=return_url, client_ip=client_ip,
        created_at=payment.created_at,
    ))
    return payment, url


def payment_handle_callback(
    *, params: dict[str, str], gateway: PaymentGateway | None = None,
    on_paid: Callable[[Payment], object] | None = None,
) -> CallbackOutcome:
    """Apply the gateway's server-to-server call (IPN).

    Only a correctly signed, complete answer with a final outcome, about a known pending order
    with the exact amount and currency, changes anything, and only once: a replay, a duplicate
    or a late "failed" after "paid" answers "already confirmed"; an incomplete answer answers
    "unknown error" and leaves the order pending. ``on_paid`` and ``payment_confirmed`` run
    once, after commit, for the payment that pays the fee. Money taken for a fee already
    paid, or on an attempt already closed, is recorded as an overpayment to refund.
    """
    gateway = gateway or get_gateway()
    params = {str(k): str(v) for k, v in params.items()}
    order_ref = params.get("vnp_TxnRef", "")[:64]
    try:
        result = gateway.verify_callback(params)
    except InvalidSignature:
        logger.warning("payment callback with a bad signature for order %r", order_ref)
        PaymentCallbackLog.objects.create(order_ref=order_ref, params=params,
                                          result_code=CallbackCode.INVALID_SIGNATURE)
        return CallbackOutcome(CallbackCode.INVALID_SIGNATURE)
    except InvalidCallback as exc:
        logger.warning("incomplete payment callback for order %r: %s", order_ref, exc)
        PaymentCallbackLog.objects.create(
            payment=Payment.objects.filter(order_ref=order_ref).first(), order_ref=order_ref,
            params=params, result_code=CallbackCode.UNKNOWN_ERROR)
        return CallbackOutcome(CallbackCode.UNKNOWN_ERROR)

    fee = (Payment.objects.filter(order_ref=result.order_ref)
           .values("dossier_id", "fee").first())
    with transaction.atomic():
        # Every payment of the fee, locked in id order: callbacks about two attempts at one
        # fee are applied one after the other, so only one of them can pay it.
        attempts = list(Payment.objects.select_for_update().filter(**fee).order_by("pk")
                        ) if fee else []
        payment = next((p for p in attempts if p.order_ref == result.order_ref), None)
        changed, overpaid = False, None
        if payment is None:
            code = CallbackCode.ORDER_NOT_FOUND
        elif result.amount != payment.amount:
            code = CallbackCode.INVALID_AMOUNT
        elif result.currency != payment.currency:
            code = CallbackCode.INVALID_CURRENCY
        elif payment.status != PaymentStatus.PENDING:
            code = CallbackCode.ALREADY_CONFIRMED
            if result.success and payment.status != PaymentStatus.PAID:
                overpaid = _overpayment_record(payment=payment,
                                               reason=OverpaymentReason.PAYMENT_CLOSED)
        else:
            code, changed = CallbackCode.CONFIRMED, True
            if result.success:
                payment.status = PaymentStatus.PAID
                payment.paid_at = result.paid_at or timezone.now()
            elif result.cancelled:
                payment.status = PaymentStatus.CANCELLED
            else:
                payment.status = PaymentStatus.FAILED
            payment.gateway_transaction_id = result.transaction_id[:64]
            payment.bank_code = result.bank_code[:32]
            payment.response_code = result.response_code[:8]
            payment.save(update_fields=["status", "paid_at", "gateway_transaction_id",
                                        "bank_code", "response_code", "updated_at"])
            earlier = next((p for p in attempts
                            if p.pk != payment.pk and p.status == PaymentStatus.PAID), None)
            if result.success and earlier is not None:
                overpaid = _overpayment_record(payment=payment, fee_paid_by=earlier,
                                               reason=OverpaymentReason.FEE_ALREADY_PAID)
        PaymentCallbackLog.objects.create(payment=payment, order_ref=order_ref, params=params,
                                          result_code=code, changed_status=changed)
        if changed and payment.status == PaymentStatus.PAID and overpaid is None:
            paid = payment
            transaction.on_commit(lambda: _announce_paid(paid, on_paid))
    return CallbackOutcome(code, payment, changed)


def _overpayment_record(*, payment: Payment, reason: str,
                        fee_paid_by: Payment | None = None) -> Overpayment:
    """Once per payment (the one-to-one key): a replayed callback records nothing more."""
    from dossiers.models import Dossier

    existing = Overpayment.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    logger.warning("payment %s took %s đồng that pay no fee (%s); to refund",
                   payment.order_ref, payment.amount, reason)
    unit_id = (Dossier.objects.filter(pk=payment.dossier_id)
               .values_list("receiving_unit_id", flat=True).first())
    return Overpayment.objects.create(payment=payment, dossier_id=payment.dossier_id,
                                      unit_id=unit_id, amount=payment.amount, reason=reason,
                                      fee_paid_by=fee_paid_by)


@transaction.atomic
def overpayment_mark_refunded(*, overpayment: Overpayment, acting_user,
                              note: str = "") -> Overpayment:
    """Records who refunded the money and when; the first record stands."""
    from .selectors import overpayment_may_refund

    locked = Overpayment.objects.select_for_update(of=("self",)).select_related("unit").get(
        pk=overpayment.pk)
    if not overpayment_may_refund(acting_user, locked):
        raise PaymentError("not allowed to record the refund of this overpayment")
    if locked.refunded_at is None:
        locked.refunded_at = timezone.now()
        locked.refunded_by = acting_user
        locked.refund_note = (note or "").strip()[:300]
        locked.save(update_fields=["refunded_at", "refunded_by", "refund_note"])
    return locked


def _announce_paid(payment: Payment, on_paid: Callable[[Payment], object] | None) -> None:
    if on_paid is not None:
        on_paid(payment)
    signals.payment_confirmed.send(sender=Payment, payment=payment, dossier_id=payment.dossier_id)


def payment_receipt_issue(
    *, payment: Payment, unit_name: str, parent_unit_name: str = "", dossier_code: str,
    payer_name: str, payer_address: str = "", procedure_name: str,
    lines: list[PaymentLine] | None = None, receipt_series: str = "",
    place_name: str = "Đà Nẵng",
) -> GeneratedDocument:
    """Render and store the electronic receipt (biên lai điện tử) of a paid payment."""
    if payment.status != PaymentStatus.PAID:
        raise PaymentError("a receipt is issued only for a paid payment")
    lines = lines or [PaymentLine(name=payment.description, amount=payment.amount)]
    if sum(line.amount for line in lines) != payment.amount:
        raise PaymentError("receipt lines must add up to the amount paid")
    context = PaymentReceiptContext(
        unit_name=unit_name, parent_unit_name=parent_unit_name, code=dossier_code,
        place_name=place_name, receipt_series=receipt_series,
        receipt_number=f"{payment.pk:07d}", payer_name=payer_name, payer_address=payer_address,
        procedure_name=procedure_name, lines=lines, order_ref=payment.order_ref,
        gateway_name=get_gateway(payment.gateway).display_name,
        transaction_no=payment.gateway_transaction_id, paid_at=payment.paid_at,
    )
    return document_render(kind="payment_receipt", subject_key=f"payment:{payment.order_ref}",
                           context=context, dossier_id=payment.dossier_id)


# --- Postal shipments -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShipmentCallbackOutcome:
    shipment: Shipment
    applied: bool
    duplicate: bool


def shipment_create(
    *, dossier_id: int, idempotency_key: str, sender: Party, receiver: Party,
    weight_grams: int, cod_amount: int = 0, contents: str = "", reference: str = "",
    provider: PostalProvider | None = None,
) -> Shipment:
    """Book a shipment once per idempotency key (e.g. ``dossier:42:result``)."""
    if weight_grams <= 0 or cod_amount < 0:
        raise ValueError("weight must be positive and COD not negative")
    provider = provider or get_provider()
    request = ShipmentRequest(
        idempotency_key=idempotency_key, sender=sender, receiver=receiver,
        weight_grams=weight_grams, cod_amount=cod_amount, contents=contents, reference=reference,
    )
    data = {**asdict(request), "dossier_id": dossier_id}
    existing = Shipment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_request_or_conflict(existing, data)
    created = provider.create_shipment(request)
    try:
        with transaction.atomic():
            return Shipment.objects.create(
                dossier_id=dossier_id, idempotency_key=idempotency_key, provider=provider.name,
                tracking_number=created.tracking_number, request=data,
            )
    except IntegrityError:
        existing = Shipment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_request_or_conflict(existing, data)


def _same_request_or_conflict(shipment: Shipment, data: dict) -> Shipment:
    if shipment.request != data:
        raise IdempotencyConflict(
            f"idempotency key {shipment.idempotency_key!r} was used for a different shipment"
        )
    return shipment


def _moves_forward(shipment: Shipment, status: str, attempt: int) -> bool:
    if shipment.status == ShipmentStatus.DELIVERED:
        return False
    current, new = SHIPMENT_STATUS_RANK[shipment.status], SHIPMENT_STATUS_RANK[status]
    if new > current:
        return True
    return status == shipment.status == ShipmentStatus.FAILED and attempt > shipment.attempts


def shipment_handle_callback(
    *, body: bytes, headers: dict[str, str], provider: PostalProvider | None = None,
) -> ShipmentCallbackOutcome:
    """Verify and apply a provider status callback; raises InvalidSignature, InvalidCallback,
    ShipmentNotFound. Out-of-order and repeated callbacks are recorded but never move a
    shipment backwards; ``delivered`` is final."""
    provider = provider or get_provider()
    update = provider.parse_callback(body, headers)
    return _apply_status(provider, update)


def shipment_reconcile(*, shipment: Shipment, provider: PostalProvider | None = None
                       ) -> ShipmentCallbackOutcome | None:
    """Ask the provider for the status of a shipment whose callbacks may have been lost and
    apply it like a callback (same rules: never backwards, once per event)."""
    provider = provider or get_provider(shipment.provider)
    update = provider.track(shipment.tracking_number)
    if update is None:
        return None
    return _apply_status(provider, update)


def _apply_status(provider: PostalProvider, update: StatusUpdate) -> ShipmentCallbackOutcome:
    with transaction.atomic():
        shipment = (Shipment.objects.select_for_update()
                    .filter(tracking_number=update.tracking_number, provider=provider.name)
                    .first())
        if shipment is None:
            raise ShipmentNotFound("Không tìm thấy bưu gửi.",
                                   details={"tracking_number": update.tracking_number})
        if shipment.events.filter(event_id=update.event_id).exists():
            return ShipmentCallbackOutcome(shipment, applied=False, duplicate=True)
        applied = _moves_forward(shipment, update.status, update.attempt)
        ShipmentEvent.objects.create(
            shipment=shipment, event_id=update.event_id, status=update.status,
            attempt=update.attempt, occurred_at=update.occurred_at, note=update.note,
            applied=applied, payload=update.payload,
        )
        if applied:
            shipment.status = update.status
            shipment.status_at = update.occurred_at
            if update.status == ShipmentStatus.FAILED:
                shipment.attempts = update.attempt
            shipment.save(update_fields=["status", "status_at", "attempts", "updated_at"])
            transaction.on_commit(
                lambda: _announce_shipment(shipment, update.status, update.attempt)
            )
    return ShipmentCallbackOutcome(shipment, applied=applied, duplicate=False)


def _announce_shipment(shipment: Shipment, status: str, attempt: int) -> None:
    if status == ShipmentStatus.DELIVERED:
        signals.shipment_delivered.send(sender=Shipment, shipment=shipment,
                                        dossier_id=shipment.dossier_id)
    elif status == ShipmentStatus.FAILED:
        signals.shipment_failed.send(
            sender=Shipment, shipment=shipment, dossier_id=shipment.dossier_id,
            attempt=attempt, is_final=attempt >= settings.POSTAL_MAX_ATTEMPTS,
        )
