"""Signals the dossier workflow connects to. Each is sent once per state change, after commit."""

from __future__ import annotations

from django.dispatch import Signal

# sender=Payment class; kwargs: payment (Payment), dossier_id (int)
payment_confirmed = Signal()
# sender=Shipment class; kwargs: shipment (Shipment), dossier_id (int)
shipment_delivered = Signal()
# sender=Shipment class; kwargs: shipment, dossier_id, attempt (int), is_final (bool)
shipment_failed = Signal()
