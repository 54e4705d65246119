"""A built-in gateway that behaves like VNPay, so the whole flow runs without a bank contract.

The portal itself serves the "hosted payment page" (``delivery.views.sandbox_pay``). Requests and
answers are signed like VNPay's: HMAC-SHA512 over the parameters sorted by name and URL-encoded
(``quote_plus``), excluding the hash fields.
One difference from VNPay: ``vnp_Amount`` is in đồng, not đồng×100.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from ..exceptions import InvalidSignature
from .base import GatewayResult, PaymentRequest

HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
SUCCESS = "00"
CANCELLED_BY_CUSTOMER = "24"


def canonical_query(params: dict[str, str]) -> str:
    items = sorted((k, str(v)) for k, v in params.items() if k not in HASH_FIELDS and v != "")
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def sign(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_query(params).encode(), hashlib.sha512).hexdigest()


def format_date(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError:
        return None


class SandboxGateway:
    name = "sandbox"
    display_name = "Cổng thanh toán thử nghiệm"

    def __init__(self, *, secret: str | None = None, terminal: str | None = None) -> None:
        self.secret = secret or settings.PAYMENT_SANDBOX_SECRET
        self.terminal = terminal or settings.PAYMENT_SANDBOX_TMN_CODE

    # --- merchant side ---------------------------------------------------------------------

    def signed(self, params: dict[str, str]) -> dict[str, str]:
        clean = {k: str(v) for k, v in params.items() if k not in HASH_FIELDS}
        return {**clean, "vnp_SecureHash": sign(clean, self.secret)}

    def create_payment_url(self, request: PaymentRequest) -> str:
        params = self.signed({
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": self.terminal,
            "vnp_Amount": str(request.amount),
            "vnp_CurrCode": request.currency,
            "vnp_TxnRef": request.order_ref,
            "vnp_OrderInfo": request.description,
            "vnp_OrderType": "billpayment",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": request.return_url,
            "vnp_IpAddr": request.client_ip,
            "vnp_CreateDate": format_date(request.created_at),
        })
        base = settings.PORTAL_BASE_URL.rstrip("/") + reverse("delivery:sandbox-pay")
        return f"{base}?{urlencode(params)}"

    def _verify(self, params: dict[str, str]) -> GatewayResult:
        given = params.get("vnp_SecureHash", "")
        expected = sign(params, self.secret)
        if not given or not hmac.compare_digest(given.lower(), expected):
            raise InvalidSignature("vnp_SecureHash does not match")
        if params.get("vnp_TmnCode") != self.terminal:
            raise InvalidSignature("vnp_TmnCode is not this merchant")
        try:
            amount = int(params.get("vnp_Amount", ""))
        except ValueError:
            amount = -1
        code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", code)
        return GatewayResult(
            order_ref=params.get("vnp_TxnRef", ""),
            amount=amount,
            currency=params.get("vnp_CurrCode", ""),
            success=code == SUCCESS and status == SUCCESS,
            cancelled=code == CANCELLED_BY_CUSTOMER,
            response_code=code,
            transaction_id=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=parse_date(params.get("vnp_PayDate", "")),
        )

    def verify_return(self, params: dict[str, str]) -> GatewayResult:
        return self._verify(params)

    def verify_callback(self, params: dict[str, str]) -> GatewayResult:
        return self._verify(params)

    # --- gateway side (what the bank would do) ---------------------------------------------

    def verify_request(self, params: dict[str, str]) -> None:
        """The hosted page refuses a payment request the merchant did not sign."""
        given = params.get("vnp_SecureHash", "")
        if not given or not hmac.compare_digest(given.lower(), sign(params, self.secret)):
            raise InvalidSignature("payment request is not signed by the merchant")

    def result_params(
        self, request_params: dict[str, str], *, paid: bool, transaction_no: str, at: datetime
    ) -> dict[str, str]:
        return self.signed({
            "vnp_TmnCode": request_params["vnp_TmnCode"],
            "vnp_Amount": request_params["vnp_Amount"],
            "vnp_CurrCode": request_params.get("vnp_CurrCode", "VND"),
            "vnp_TxnRef": request_params["vnp_TxnRef"],
            "vnp_OrderInfo": request_params.get("vnp_OrderInfo", ""),
            "vnp_BankCode": "NCB" if paid else "",
            "vnp_CardType": "ATM" if paid else "",
            "vnp_ResponseCode": SUCCESS if paid else CANCELLED_BY_CUSTOMER,
            "vnp_TransactionStatus": SUCCESS if paid else "02",
            "vnp_TransactionNo": transaction_no if paid else "0",
            "vnp_PayDate": format_date(at),
        })
