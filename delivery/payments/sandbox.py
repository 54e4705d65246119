"""A built-in gateway that behaves like VNPay, so the whole flow runs without a bank contract.

The portal itself serves the "hosted payment page" (``delivery.views.sandbox_pay``). Requests and
answers are signed like VNPay's: HMAC-SHA512 over the parameters sorted by name and URL-encoded
(``quote_plus``), excluding the hash fields.
Differences from VNPay: ``vnp_Amount`` is in đồng, not đồng×100; and each direction has its own
key, derived from the one configured secret. With one key for both, the payment request the
portal signs (it is in the citizen's address bar) verified as the gateway's answer: replayed to
the IPN it marked the order failed and the real "paid" answer was then refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from portal.baseurl import origin_of

from ..exceptions import InvalidCallback, InvalidSignature
from .base import GatewayResult, PaymentRequest

HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
SUCCESS = "00"
CANCELLED_BY_CUSTOMER = "24"
# VNPay's vnp_ResponseCode values that end a transaction unpaid (its IPN documentation). "07"
# (money taken, transaction flagged as suspicious) is deliberately absent: it is not a failure,
# so such an answer leaves the order pending for a person to look at.
FAILURE_CODES = frozenset({"09", "10", "11", "12", "13", "51", "65", "75", "79", "99"})
# vnp_TransactionStatus of a finished transaction: paid, or failed with an error.
TRANSACTION_FAILED = "02"
# A gateway answer always carries these; without any of them it is not an answer.
RESULT_FIELDS = ("vnp_TmnCode", "vnp_Amount", "vnp_CurrCode", "vnp_TxnRef", "vnp_ResponseCode",
                 "vnp_TransactionStatus", "vnp_TransactionNo", "vnp_PayDate")
# Labels of the two directions; each key is HMAC(secret, label), so neither verifies the other.
REQUEST_DIRECTION = b"dvc-payment/portal-to-gateway/request"
RESULT_DIRECTION = b"dvc-payment/gateway-to-portal/result"


def canonical_query(params: dict[str, str]) -> str:
    items = sorted((k, str(v)) for k, v in params.items() if k not in HASH_FIELDS and v != "")
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def sign(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_query(params).encode(), hashlib.sha512).hexdigest()


def direction_key(secret: str, direction: bytes) -> str:
    return hmac.new(secret.encode(), direction, hashlib.sha256).hexdigest()


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
        secret = secret or settings.PAYMENT_SANDBOX_SECRET
        self.request_key = direction_key(secret, REQUEST_DIRECTION)
        self.result_key = direction_key(secret, RESULT_DIRECTION)
        self.terminal = terminal or settings.PAYMENT_SANDBOX_TMN_CODE

    @staticmethod
    def _with_hash(params: dict[str, str], key: str) -> dict[str, str]:
        clean = {k: str(v) for k, v in params.items() if k not in HASH_FIELDS}
        return {**clean, "vnp_SecureHash": sign(clean, key)}

    @staticmethod
    def _hash_matches(params: dict[str, str], key: str) -> bool:
        given = params.get("vnp_SecureHash", "")
        return bool(given) and hmac.compare_digest(given.lower(), sign(params, key))

    # --- merchant side ---------------------------------------------------------------------

    def signed_request(self, params: dict[str, str]) -> dict[str, str]:
        """The portal's signature on a payment request (portal → gateway)."""
        return self._with_hash(params, self.request_key)

    def create_payment_url(self, request: PaymentRequest) -> str:
        params = self.signed_request({
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
        # The hosted page lives on the portal: the configured address, else the origin the
        # citizen returns to (the address in use), so the browser never changes origin.
        origin = settings.PORTAL_BASE_URL.rstrip("/") or origin_of(request.return_url)
        base = origin + reverse("delivery:sandbox-pay")
        return f"{base}?{urlencode(params)}"

    def _verify(self, params: dict[str, str]) -> GatewayResult:
        """A gateway answer: signed with the answer key (a request the portal signed never
        passes), from this merchant's terminal, complete, and with a final outcome. Anything
        else raises; it never becomes a "failed" payment."""
        if not self._hash_matches(params, self.result_key):
            raise InvalidSignature("vnp_SecureHash does not match")
        if params.get("vnp_TmnCode") != self.terminal:
            raise InvalidSignature("vnp_TmnCode is not this merchant")
        missing = [name for name in RESULT_FIELDS if not params.get(name)]
        if missing:
            raise InvalidCallback(f"gateway answer without {', '.join(missing)}")
        amount_text = params["vnp_Amount"]
        if not amount_text.isascii() or not amount_text.isdigit():
            raise InvalidCallback("vnp_Amount is not a whole number")
        code, status = params["vnp_ResponseCode"], params["vnp_TransactionStatus"]
        success = code == SUCCESS and status == SUCCESS
        cancelled = code == CANCELLED_BY_CUSTOMER and status != SUCCESS
        failed = code in FAILURE_CODES and status == TRANSACTION_FAILED
        if not (success or cancelled or failed):
            raise InvalidCallback(
                f"no final outcome in vnp_ResponseCode={code!r}, "
                f"vnp_TransactionStatus={status!r}")
        return GatewayResult(
            order_ref=params["vnp_TxnRef"],
            amount=int(amount_text),
            currency=params["vnp_CurrCode"],
            success=success,
            cancelled=cancelled,
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

    def signed(self, params: dict[str, str]) -> dict[str, str]:
        """The gateway's signature on an answer (gateway → portal: IPN and return)."""
        return self._with_hash(params, self.result_key)

    def verify_request(self, params: dict[str, str]) -> None:
        """The hosted page refuses a payment request the merchant did not sign (an answer of
        the gateway, signed with the other key, is not a request either)."""
        if not self._hash_matches(params, self.request_key):
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
