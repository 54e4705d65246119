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
    """A verified, complete answer from the gateway about one order (return redirect or IPN).
    Neither ``success`` nor ``cancelled``: the gateway said the payment failed."""

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
        """Check the browser redirect back to the portal; raises InvalidSignature, or
        InvalidCallback for an answer without a final outcome."""
        ...

    def verify_callback(self, params: dict[str, str]) -> GatewayResult:
        """Check the gateway's server-to-server call (IPN). Raises InvalidSignature unless it
        is signed as an answer of the gateway (a payment request the portal signed is never
        one), and InvalidCallback unless it is complete with a final outcome: the result is
        then exactly one of success, cancelled or failed."""
        ...
