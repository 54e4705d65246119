"""The interface every payment gateway adapter implements (sandbox, VNPay, the national
payment platform…). Services only talk to this interface; views only pass raw parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class PaymentRequest:
    order_ref: str
    amount: int  # VND, integer
    currency: str
    description: str
    return_url: str
    client_ip: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class GatewayResult:
    """A verified answer from the gateway, about one order (return redirect or IPN)."""

    order_ref: str
    amount: int
    currency: str
    success: bool
    cancelled: bool
    response_code: str
    transaction_id: str
    bank_code: str
    paid_at: datetime | None


class PaymentGateway(Protocol):
    name: str
    display_name: str

    def create_payment_url(self, request: PaymentRequest) -> str:
        """Where to redirect the citizen's browser to pay."""
        ...

    def verify_return(self, params: dict[str, str]) -> GatewayResult:
        """Check the browser redirect back to the portal; raises InvalidSignature."""
        ...

    def verify_callback(self, params: dict[str, str]) -> GatewayResult:
        """Check the gateway's server-to-server call (IPN); raises InvalidSignature."""
        ...
