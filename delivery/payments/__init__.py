"""Payment gateway adapters, chosen by ``settings.PAYMENT_GATEWAY``."""

from __future__ import annotations

from django.conf import settings

from ..exceptions import GatewayNotConfigured
from .base import GatewayResult, PaymentGateway, PaymentRequest

__all__ = ["GatewayResult", "PaymentGateway", "PaymentRequest", "get_gateway"]


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    if name == "sandbox":
        from .sandbox import SandboxGateway

        return SandboxGateway()
    raise GatewayNotConfigured(f"no payment gateway {name!r}")
