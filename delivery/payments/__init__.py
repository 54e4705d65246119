"""Payment gateway adapters, chosen by ``settings.PAYMENT_GATEWAY_BACKEND`` (a dotted path to a
``PaymentGateway``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from portal.backends import backend_class

from ..exceptions import GatewayNotConfigured
from .base import GatewayResult, PaymentGateway, PaymentRequest

__all__ = ["GatewayResult", "PaymentGateway", "PaymentRequest", "get_gateway"]


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The configured gateway; ``name`` (a payment's stored ``gateway``) must be its name."""
    try:
        gateway_class = backend_class("PAYMENT_GATEWAY_BACKEND")
    except ImproperlyConfigured as exc:
        raise GatewayNotConfigured(str(exc)) from exc
    if name is not None and name != gateway_class.name:
        raise GatewayNotConfigured(f"no payment gateway {name!r}")
    return gateway_class()
