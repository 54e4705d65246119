"""Thin views: the sandbox's hosted payment page, the citizen's return page, and the
server-to-server callbacks of the payment gateway and the postal provider."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .exceptions import DeliveryError, InvalidCallback, InvalidSignature, ShipmentNotFound
from .payments import get_gateway


def _sandbox_gateway():
    if settings.PAYMENT_GATEWAY != "sandbox":
        raise Http404
    from .payments.sandbox import SandboxGateway

    return SandboxGateway()


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest) -> HttpResponse:
    """The gateway's hosted page, played by the portal in sandbox mode."""
    gateway = _sandbox_gateway()
    params = request.GET.dict()
    try:
        gateway.verify_request(params)
    except InvalidSignature:
        return render(request, "delivery/sandbox_pay.html", {"invalid": True}, status=400)
    return_url = params.get("vnp_ReturnUrl", "")
    if request.method == "GET":
        return render(request, "delivery/sandbox_pay.html", {
            "order_ref": params.get("vnp_TxnRef"), "amount": int(params.get("vnp_Amount", 0)),
            "description": params.get("vnp_OrderInfo", ""), "merchant": params.get("vnp_TmnCode"),
        })
    paid = request.POST.get("action") == "pay"
    result = gateway.result_params(
        params, paid=paid, transaction_no=f"{secrets.randbelow(10**8):08d}", at=timezone.now()
    )
    # A real gateway calls the merchant's IPN URL from its servers before redirecting the
    # browser; the sandbox makes that call in-process through the same service.
    services.payment_handle_callback(params=result, gateway=gateway)
    # The return URL was signed by the merchant with the shared secret, so it is trusted;
    # only the scheme is checked.
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={urlsplit(return_url).netloc}, require_https=False
    ):
        return_url = settings.PORTAL_BASE_URL.rstrip("/") + "/"
    separator = "&" if "?" in return_url else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{urlencode(result)}")


@require_http_methods(["GET"])
def payment_return(request: HttpRequest) -> HttpResponse:
    try:
        payment, result = selectors.payment_from_return(params=request.GET.dict())
    except DeliveryError:
        return render(request, "delivery/payment_return.html", {"invalid": True}, status=400)
    return render(request, "delivery/payment_return.html", {
        "payment": payment, "gateway_success": result.success, "cancelled": result.cancelled,
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay-style IPN: always HTTP 200 with ``RspCode``/``Message`` the gateway understands."""
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    try:
        outcome = services.payment_handle_callback(params=params, gateway=get_gateway())
    except DeliveryError:
        return JsonResponse({"RspCode": "99", "Message": "Unknown error"})
    return JsonResponse(outcome.as_gateway_response())


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
def postal_callback(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "Chỉ chấp nhận POST.")
    if settings.POSTAL_PROVIDER != "sandbox":
        return _error(404, "provider_not_configured", "Chưa cấu hình đơn vị bưu chính.")
    headers = {key: value for key, value in request.headers.items()}
    try:
        outcome = services.shipment_handle_callback(body=request.body, headers=headers)
    except InvalidSignature:
        return _error(401, "invalid_signature", "Chữ ký không hợp lệ.")
    except InvalidCallback as exc:
        return _error(400, "invalid_callback", str(exc))
    except ShipmentNotFound:
        return _error(404, "shipment_not_found", "Không tìm thấy bưu gửi.")
    shipment = outcome.shipment
    return JsonResponse({
        "ok": True, "tracking_number": shipment.tracking_number, "status": shipment.status,
        "applied": outcome.applied, "duplicate": outcome.duplicate,
    })
