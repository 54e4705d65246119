"""Domain errors of the delivery app; views turn them into responses."""

from __future__ import annotations


class DeliveryError(Exception):
    code = "delivery_error"


class InvalidSignature(DeliveryError):
    code = "invalid_signature"


class UnknownDocumentKind(DeliveryError):
    code = "unknown_document_kind"


class GatewayNotConfigured(DeliveryError):
    code = "gateway_not_configured"


class PaymentError(DeliveryError):
    code = "payment_error"


class ShipmentNotFound(DeliveryError):
    code = "shipment_not_found"


class InvalidCallback(DeliveryError):
    code = "invalid_callback"


class IdempotencyConflict(DeliveryError):
    """The same idempotency key was reused with different shipment data."""

    code = "idempotency_conflict"
