"""Postal provider adapters, chosen by ``settings.POSTAL_PROVIDER_BACKEND`` (a dotted path to a
``PostalProvider``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from portal.backends import backend_class

from ..exceptions import GatewayNotConfigured
from .base import CreatedShipment, Party, PostalProvider, ShipmentRequest, StatusUpdate

__all__ = [
    "CreatedShipment", "Party", "PostalProvider", "ShipmentRequest", "StatusUpdate",
    "get_provider",
]


def get_provider(name: str | None = None) -> PostalProvider:
    """The configured provider; ``name`` (a shipment's stored ``provider``) must be its name."""
    try:
        provider_class = backend_class("POSTAL_PROVIDER_BACKEND")
    except ImproperlyConfigured as exc:
        raise GatewayNotConfigured(str(exc)) from exc
    if name is not None and name != provider_class.name:
        raise GatewayNotConfigured(f"no postal provider {name!r}")
    return provider_class()
