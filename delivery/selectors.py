"""Reads of the delivery app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.constants import StaffRole
from accounts.selectors import staff_units, user_holds_role_at
from dossiers.routing import path_ids

from .models import GeneratedDocument, Overpayment, Payment, PickupAppointment, Shipment
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


# --- overpayments: who sees them, who records the refund ---------------------------------------

# The one-stop desk takes fees and pays refunds; a district admin covers the units below.
REFUND_ROLES = frozenset({StaffRole.CLERK, StaffRole.DISTRICT_ADMIN})


def overpayments_for_staff(user) -> QuerySet[Overpayment]:
    """Overpayments of dossiers received in the user's units (``staff_units``: a district
    admin's covers the subtree); a superuser also sees those with no unit. The admin and the
    staff page both list this."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Overpayment.objects.none()
    scope = Q(unit__in=staff_units(user))
    if user.is_superuser:
        scope |= Q(unit__isnull=True)
    return (Overpayment.objects.filter(scope)
            .select_related("payment", "fee_paid_by", "unit", "refunded_by"))


def overpayment_may_refund(user, overpayment: Overpayment) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if overpayment.unit_id is None:
        return False
    return user_holds_role_at(user, path_ids(overpayment.unit), REFUND_ROLES)
