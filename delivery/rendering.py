"""The dossier's PDFs (slips, control sheet, pickup slip, postal label): the service that renders
one from the database and the tasks that run it. A module of its own so that the workflow
services can enqueue a render and the workflow tasks can call the services without the two
modules importing each other."""

from __future__ import annotations

from celery import shared_task

from dossiers.models import Dossier, DossierSlip
from portal.tasks import RETRY

from . import contexts
from .adapters import document_render
from .constants import DocumentKind
from .models import GeneratedDocument, PickupAppointment, Shipment


def shipment_key(dossier_id: int) -> str:
    return f"dossier:{dossier_id}:result"


def dossier_document_render(*, kind: str, dossier_id: int, slip_id: int | None = None
                            ) -> GeneratedDocument | None:
    dossier = (Dossier.objects.select_related("receiving_unit__parent", "procedure",
                                              "procedure_version")
               .filter(pk=dossier_id).first())
    if dossier is None:
        return None
    if slip_id is not None:
        slip = DossierSlip.objects.filter(pk=slip_id, dossier_id=dossier_id).first()
        if slip is None:
            return None
        kind = contexts.SLIP_DOCUMENT_KIND[slip.kind]
        context = contexts.slip_context(dossier, slip)
    elif kind == DocumentKind.CONTROL_SHEET:
        context = contexts.control_sheet_context(dossier)
    elif kind == DocumentKind.PICKUP_SLIP:
        appointment = PickupAppointment.objects.filter(dossier_id=dossier_id).first()
        if appointment is None:
            return None
        context = contexts.pickup_slip_context(dossier, appointment)
    elif kind == DocumentKind.POSTAL_LABEL:
        shipment = Shipment.objects.filter(idempotency_key=shipment_key(dossier_id)).first()
        if shipment is None:
            return None
        context = contexts.postal_label_context(dossier, shipment)
    else:
        raise ValueError(f"{kind!r} is not rendered from a dossier")
    return document_render(kind=kind, subject_key=contexts.subject_key(kind, dossier_id, slip_id),
                           context=context, dossier_id=dossier_id)


# The names are the ones the tasks had in delivery.tasks: queues and messages in flight use them.
@shared_task(bind=True, name="delivery.tasks.render_dossier_document", **RETRY)
def render_dossier_document(self, kind: str, dossier_id: int, slip_id: int | None = None
                            ) -> int | None:
    document = dossier_document_render(kind=kind, dossier_id=dossier_id, slip_id=slip_id)
    return document.pk if document else None


@shared_task(bind=True, name="delivery.tasks.render_dossier_documents", **RETRY)
def render_dossier_documents(self, kind: str, dossier_ids: list[int]) -> int:
    """One kind of document (pickup slips) for a page of dossiers in one message; a retry
    renders only those not stored yet."""
    done = set(GeneratedDocument.objects.filter(kind=kind, dossier_id__in=dossier_ids)
               .values_list("dossier_id", flat=True))
    rendered = 0
    for dossier_id in dossier_ids:
        if dossier_id in done:
            continue
        document = dossier_document_render(kind=kind, dossier_id=dossier_id)
        rendered += document is not None
    return rendered
