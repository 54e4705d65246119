"""Signals other apps listen to instead of being called by ratings (reports refreshes its
statistics on ``rating_submitted``, as it does on ``dossiers.signals.dossier_transitioned``)."""

from django.dispatch import Signal

# Sent after the transaction that created or edited a rating commits (send_robust).
# sender=Rating; kwargs: rating_id, dossier_id
rating_submitted = Signal()
