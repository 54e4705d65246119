"""System events on a dossier (result routing: appointment, shipment, reminder): rules of
the table whose target is SAME, recorded by the portal itself."""

from __future__ import annotations

from django.db import transaction

from portal.tasks import enqueue_on_commit

from ..constants import CITIZEN_VISIBLE_ACTIONS, SAME, TRANSITIONS
from ..models import Dossier, DossierTransition
from ..policy import check_transition
from ..signals import dossier_transitioned
from .core import apply_transition, step_name


def dossier_record_event(*, dossier: Dossier, action: str, note: str = "",
                         locked: bool = False) -> DossierTransition:
    """A system event without a state change (result routing); the caller makes it idempotent
    (one appointment, one shipment per dossier). ``locked=True``: the caller already holds the
    row lock in this transaction and passes the locked instance, so it is not fetched again."""
    return apply_transition(dossier=dossier, action=action, acting_user=None, note=note,
                            locked=locked).entry


def dossier_record_events(*, events: list[tuple[Dossier, str]], action: str
                          ) -> list[DossierTransition]:
    """``dossier_record_event`` for many dossiers in one insert (batch result routing).

    The caller holds the row locks of every dossier in its open transaction; each event is a
    system event without a state change, so no queue count moves. After the commit the
    notices go out in one message for the page, and the ``dossier_transitioned`` signal is
    sent per event, as for one event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_record_events needs the caller's transaction and locks")
    if TRANSITIONS[action].target != SAME:
        raise ValueError(f"{action!r} changes the state: it is not a batch event")
    for dossier, note in events:
        check_transition(None, dossier, action, note)
    entries = DossierTransition.objects.bulk_create([
        DossierTransition(
            dossier=dossier, actor=None, actor_name="", action=action,
            from_state=dossier.state, to_state=dossier.state, step=dossier.current_step,
            step_name=step_name(dossier, dossier.current_step),
            unit=dossier.current_unit, to_unit=None, note=note or "", due_date=dossier.due_date,
        )
        for dossier, note in events
    ])
    if action in CITIZEN_VISIBLE_ACTIONS and entries:
        from ..tasks import notify_citizens

        enqueue_on_commit(notify_citizens, [entry.pk for entry in entries])

    def send_signals() -> None:
        for entry in entries:
            dossier_transitioned.send_robust(
                sender=Dossier, transition_id=entry.pk, dossier_id=entry.dossier_id,
                action=action, to_state=entry.to_state)

    transaction.on_commit(send_signals)
    return entries
