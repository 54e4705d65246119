"""The interface every postal provider adapter implements (sandbox, VNPost…)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True, kw_only=True)
class ShipmentRequest:
    idempotency_key: str
    sender: Party
    receiver: Party
    weight_grams: int
    cod_amount: int = 0
    contents: str = ""
    reference: str = ""  # the dossier code printed on the label


@dataclass(frozen=True, kw_only=True)
class CreatedShipment:
    tracking_number: str


@dataclass(frozen=True, kw_only=True)
class StatusUpdate:
    """A verified status callback."""

    event_id: str
    tracking_number: str
    status: str
    occurred_at: datetime
    attempt: int
    note: str
    payload: dict


class PostalProvider(Protocol):
    name: str

    def create_shipment(self, request: ShipmentRequest) -> CreatedShipment:
        """Book a pickup; the provider treats ``idempotency_key`` as its client reference."""
        ...

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> StatusUpdate:
        """Verify and parse a status callback; raises InvalidSignature or InvalidCallback."""
        ...

    def track(self, tracking_number: str) -> StatusUpdate | None:
        """The provider's latest status of an item (reconciliation of lost callbacks); None
        when the provider knows nothing newer than creation."""
        ...
