"""Reads of the delivery app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import GeneratedDocument, Payment, PickupAppointment, Shipment
from .payments import GatewayResult, PaymentGateway, get_gateway


def payment_from_return(
    *, params: dict[str, str], gateway: PaymentGateway | None = None
) -> tuple[Payment | None, GatewayResult]:
    """Verify the browser's return from the gateway (raises InvalidSignature) and find the
    payment. The return never changes state: only the server-to-server callback does."""
    gateway = gateway or get_gateway()
    result = gateway.verify_return({str(k): str(v) for k, v in params.items()})
    return Payment.objects.filter(order_ref=result.order_ref).first(), result


def payments_for_dossier(*, dossier_id: int) -> QuerySet[Payment]:
    return Payment.objects.filter(dossier_id=dossier_id)


def counter_handover_unit_id(*, dossier_id: int) -> int | None:
    """The unit whose desk handed the result over in person, if it was handed over there."""
    return (PickupAppointment.objects.filter(dossier_id=dossier_id, collected_at__isnull=False)
            .values_list("unit_id", flat=True).first())


def shipments_for_dossier(*, dossier_id: int) -> QuerySet[Shipment]:
    return Shipment.objects.filter(dossier_id=dossier_id).prefetch_related("events")


def documents_for_subject(*, subject_key: str, kind: str | None = None
                          ) -> QuerySet[GeneratedDocument]:
    qs = GeneratedDocument.objects.filter(subject_key=subject_key)
    return qs.filter(kind=kind) if kind else qs
