"""A provider that behaves like VNPost's public postal service API, for development and tests.

Tracking numbers are S10 ("EB" + 8 digits + check digit + "VN") derived from the idempotency
key, so booking twice with one key gives one number, as the real API does with a client
reference. Status callbacks are JSON signed with HMAC-SHA256 of the raw body, hex, in the
``X-Postal-Signature`` header as ``sha256=<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime

from ..constants import ShipmentStatus
from ..exceptions import InvalidCallback, InvalidSignature
from .base import CreatedShipment, ShipmentRequest, StatusUpdate
from .s10 import is_valid_s10, make_s10

SIGNATURE_HEADER = "X-Postal-Signature"
CALLBACK_STATUSES = {
    ShipmentStatus.ACCEPTED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED,
    ShipmentStatus.FAILED,
}


def body_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# What the sandbox "provider" knows about its items, set by the dev simulator and tests
# (a real provider answers from its own tracking system).
TRACKING: dict[str, dict] = {}


class SandboxPostalProvider:
    name = "sandbox"
    service = "EB"

    def simulate(self, *, tracking_number: str, status: str, occurred_at: datetime,
                 attempt: int = 0, note: str = "") -> None:
        """Record a status on the provider side without calling the portal back."""
        TRACKING[tracking_number] = {
            "event_id": f"{tracking_number}-{status}-{attempt}-{occurred_at:%Y%m%d%H%M%S}",
            "tracking_number": tracking_number, "status": status,
            "occurred_at": occurred_at.isoformat(), "attempt": attempt, "note": note,
        }

    def track(self, tracking_number: str) -> StatusUpdate | None:
        payload = TRACKING.get(tracking_number)
        if payload is None:
            return None
        return StatusUpdate(
            event_id=payload["event_id"], tracking_number=tracking_number,
            status=payload["status"], occurred_at=parse_datetime(payload["occurred_at"]),
            attempt=int(payload["attempt"]), note=payload["note"], payload=dict(payload),
        )

    def __init__(self, *, secret: str | None = None) -> None:
        self.secret = secret or settings.POSTAL_SANDBOX_SECRET

    def tracking_number_for(self, idempotency_key: str) -> str:
        digest = hashlib.sha256(f"{self.name}:{idempotency_key}".encode()).digest()
        return make_s10(self.service, int.from_bytes(digest[:8], "big") % 100_000_000)

    def create_shipment(self, request: ShipmentRequest) -> CreatedShipment:
        return CreatedShipment(tracking_number=self.tracking_number_for(request.idempotency_key))

    def build_callback(
        self, *, tracking_number: str, status: str, occurred_at: datetime, attempt: int = 0,
        note: str = "", event_id: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """What the provider would POST to the portal; used by tests and the dev simulator."""
        stamp = f"{occurred_at:%Y%m%d%H%M%S}"
        payload = {
            "event_id": event_id or f"{tracking_number}-{status}-{attempt}-{stamp}",
            "tracking_number": tracking_number,
            "status": status,
            "occurred_at": occurred_at.isoformat(),
            "attempt": attempt,
            "note": note,
        }
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return body, {SIGNATURE_HEADER: body_signature(body, self.secret)}

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> StatusUpdate:
        given = headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given, body_signature(body, self.secret)):
            raise InvalidSignature("Chữ ký không hợp lệ.")  # X-Postal-Signature: not the body's
        try:
            payload = json.loads(body)
            update = StatusUpdate(
                event_id=str(payload["event_id"])[:64],
                tracking_number=str(payload["tracking_number"]),
                status=str(payload["status"]),
                occurred_at=parse_datetime(str(payload["occurred_at"])),
                attempt=int(payload.get("attempt") or 0),
                note=str(payload.get("note") or "")[:300],
                payload=payload,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidCallback(f"malformed callback: {exc}") from exc
        if update.occurred_at is None or update.occurred_at.tzinfo is None:
            raise InvalidCallback("occurred_at must be an ISO 8601 time with an offset")
        if update.status not in CALLBACK_STATUSES:
            raise InvalidCallback(f"unknown status {update.status!r}")
        if not is_valid_s10(update.tracking_number):
            raise InvalidCallback("tracking_number is not a valid S10 identifier")
        if update.status == ShipmentStatus.FAILED and update.attempt < 1:
            raise InvalidCallback("a failed delivery needs an attempt number")
        return update
