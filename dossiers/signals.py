"""Signals other apps listen to instead of reaching into the dossier workflow."""

from django.dispatch import Signal

# Sent after the transaction that recorded a transition commits (send_robust: a failing
# receiver is logged and cannot undo or break the committed move).
# kwargs: transition_id, dossier_id, action, to_state
# Its receivers are listed in settings.DOSSIER_AFTER_TRANSITION (connected by DossiersConfig).
dossier_transitioned = Signal()
