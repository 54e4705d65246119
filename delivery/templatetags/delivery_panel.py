"""The delivery part of the dossier pages (fee, pickup or shipment, PDFs), so that the
dossier templates include it without the dossier views knowing about payments or parcels."""

from __future__ import annotations

from django import template
from django.db.models import Q, Value
from django.db.models.functions import Concat

from dossiers.constants import Action
from dossiers.policy import may_perform
from dossiers.selectors import fee_amount, fee_paid

from ..models import GeneratedDocument, Payment, PickupAppointment, Shipment

register = template.Library()


@register.inclusion_tag("delivery/_panel.html", takes_context=True)
def delivery_panel(context, dossier, staff=False):
    amount = fee_amount(dossier)
    paid = fee_paid(dossier) if amount else False
    # Payment receipts are filed under "payment:<order ref>": one query with a subquery.
    payment_keys = (Payment.objects.filter(dossier_id=dossier.pk)
                    .annotate(key=Concat(Value("payment:"), "order_ref")).values("key"))
    documents = (GeneratedDocument.objects
                 .filter(Q(dossier_id=dossier.pk) | Q(subject_key__in=payment_keys))
                 .order_by("created_at", "id"))
    # Results are routed (pickup appointment or parcel) only once there is a result: other
    # states have neither, so their pages skip both reads.
    routed = dossier.has_result
    # Several renderings of one slip (changed data) keep only the latest visible.
    latest = {}
    for document in documents:
        latest[(document.kind, document.subject_key)] = document
    return {
        "dossier": dossier, "staff": staff, "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "fee_amount": f"{amount:,}".replace(",", ".") if amount else "",
        "fee_paid": paid,
        # Payable while the portal may still record the payment (the PAY rule).
        "can_pay": not staff and not paid and may_perform(None, dossier, Action.PAY),
        # The hand-over link: the person looking may return the result at the desk now.
        "can_hand_over": bool(staff and _user(context) is not None
                              and may_perform(_user(context), dossier, Action.RETURN_RESULT)),
        "exemption": dossier.fee_exemption_spec,
        "appointment": (PickupAppointment.objects.filter(dossier_id=dossier.pk).first()
                        if routed else None),
        "shipments": Shipment.objects.filter(dossier_id=dossier.pk) if routed else (),
        "documents": sorted(latest.values(), key=lambda d: (d.created_at, d.pk)),
    }


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)
