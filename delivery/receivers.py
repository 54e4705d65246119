"""Signal receivers that move the dossier workflow when a payment, a shipment or a
transition happens. They only enqueue (the work is in idempotent tasks), so a lost message
is recovered by the sweeps rather than breaking the request that sent the signal."""

from __future__ import annotations

from dossiers.constants import Action
from dossiers.models import DossierSlip
from portal.tasks import enqueue

from .contexts import SLIP_DOCUMENT_KIND
from .tasks import apply_payment, render_dossier_document, route_result, route_results

SLIP_ACTIONS = frozenset({Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE_RECEPTION,
                          Action.REFUSE, Action.APOLOGIZE, Action.STOP})


def on_dossier_transitioned(sender, *, transition_id, dossier_id, action, to_state, **kwargs):
    if action == Action.MARK_RESULT_READY:
        enqueue(route_results, dossier_id)
    elif action in SLIP_ACTIONS:
        slip = (DossierSlip.objects.filter(transition_id=transition_id)
                .values_list("pk", "kind").first())
        if slip is not None:
            enqueue(render_dossier_document, SLIP_DOCUMENT_KIND[slip[1]], dossier_id, slip[0])


def on_payment_confirmed(sender, *, payment, dossier_id, **kwargs):
    enqueue(apply_payment, payment.pk)


def on_shipment_changed(sender, *, shipment, dossier_id, **kwargs):
    enqueue(route_result, dossier_id)
