"""The delivery part of the dossier pages (fee, pickup or shipment, PDFs), so that the
dossier templates include it without the dossier views knowing about payments or parcels."""

from __future__ import annotations

from django import template
from django.db.models import Q

from dossiers.constants import DossierState
from dossiers.services import fee_amount, fee_paid

from ..models import GeneratedDocument, Payment, PickupAppointment, Shipment

register = template.Library()


@register.inclusion_tag("delivery/_panel.html", takes_context=True)
def delivery_panel(context, dossier, staff=False):
    amount = fee_amount(dossier)
    paid = fee_paid(dossier) if amount else False
    refs = [f"payment:{ref}" for ref in Payment.objects.filter(
        dossier_id=dossier.pk).values_list("order_ref", flat=True)]
    documents = (GeneratedDocument.objects
                 .filter(Q(dossier_id=dossier.pk) | Q(subject_key__in=refs))
                 .order_by("created_at", "id"))
    # Several renderings of one slip (changed data) keep only the latest visible.
    latest = {}
    for document in documents:
        latest[(document.kind, document.subject_key)] = document
    return {
        "dossier": dossier, "staff": staff, "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "fee_amount": f"{amount:,}".replace(",", ".") if amount else "",
        "fee_paid": paid,
        "can_pay": not staff and not paid and dossier.state in (
            DossierState.SUBMITTED, DossierState.SUPPLEMENT_REQUESTED),
        "exemption": dossier.fee_exemption_spec,
        "appointment": PickupAppointment.objects.filter(dossier_id=dossier.pk).first(),
        "shipments": Shipment.objects.filter(dossier_id=dossier.pk),
        "documents": sorted(latest.values(), key=lambda d: (d.created_at, d.pk)),
    }
