"""Postal provider adapters, chosen by ``settings.POSTAL_PROVIDER``."""

from __future__ import annotations

from django.conf import settings

from ..exceptions import GatewayNotConfigured
from .base import CreatedShipment, Party, PostalProvider, ShipmentRequest, StatusUpdate

__all__ = [
    "CreatedShipment", "Party", "PostalProvider", "ShipmentRequest", "StatusUpdate",
    "get_provider",
]


def get_provider(name: str | None = None) -> PostalProvider:
    name = name or settings.POSTAL_PROVIDER
    if name == "sandbox":
        from .sandbox import SandboxPostalProvider

        return SandboxPostalProvider()
    raise GatewayNotConfigured(f"no postal provider {name!r}")
