"""Refusals of the delivery app (``portal.exceptions.DomainError``)."""

from __future__ import annotations

from portal.exceptions import DomainError


class DeliveryError(DomainError):
    code = "delivery_error"


class InvalidSignature(DeliveryError):
    code = "invalid_signature"
    http_status = 401


class UnknownDocumentKind(DeliveryError):
    code = "unknown_document_kind"


class GatewayNotConfigured(DeliveryError):
    code = "gateway_not_configured"
    http_status = 503


class PaymentError(DeliveryError):
    code = "payment_error"
    http_status = 502


class ShipmentNotFound(DeliveryError):
    code = "shipment_not_found"
    http_status = 404


class InvalidCallback(DeliveryError):
    code = "invalid_callback"


class IdempotencyConflict(DeliveryError):
    """The same idempotency key was reused with different shipment data."""

    code = "idempotency_conflict"
    http_status = 409
