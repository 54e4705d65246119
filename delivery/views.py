"""Thin views: the sandbox's hosted payment page, the citizen's return page, and the
server-to-server callbacks of the payment gateway and the postal provider."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from dossiers.access import citizen_required, may_read_dossier_file, staff_required
from dossiers.forms import normalize_dossier_code
from dossiers.models import Dossier
from dossiers.selectors import citizen_dossier, dossier_by_ref, staff_dossier
from dossiers.services import personal_data_access_record
from portal.api.errors import domain_error_response
from portal.baseurl import public_base_url
from portal.clientip import client_address
from portal.files import private_file_response
from portal.tasks import enqueue
from portal.web import domain_errors_as_messages

from . import adapters, selectors, services
from .constants import DocumentKind
from .exceptions import DeliveryError, InvalidSignature
from .forms import HandOverForm, RefundForm
from .models import GeneratedDocument, Payment, PickupAppointment
from .payments import get_gateway
from .tasks import render_dossier_document


def _sandbox_gateway():
    if settings.PAYMENT_GATEWAY_BACKEND != settings.SANDBOX_PAYMENT_GATEWAY:
        raise Http404
    return get_gateway()


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
    adapters.payment_handle_callback(params=result, gateway=gateway)
    # The return URL was signed by the merchant with the shared secret, so it is trusted;
    # only the scheme is checked.
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={urlsplit(return_url).netloc}, require_https=False
    ):
        return_url = public_base_url(request) + "/"
    separator = "&" if "?" in return_url else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{urlencode(result)}")


@require_http_methods(["GET"])
def payment_return(request: HttpRequest) -> HttpResponse:
    try:
        payment, result = selectors.payment_from_return(params=request.GET.dict())
    except DeliveryError:
        return render(request, "delivery/payment_return.html", {"invalid": True}, status=400)
    dossier = receipt = None
    if payment is not None and request.user.is_authenticated:
        # Back to the dossier only for its owner: the return URL can be forwarded.
        dossier = Dossier.objects.filter(pk=payment.dossier_id,
                                         applicant_id=request.user.pk).first()
    if dossier is not None and payment.status == "paid":
        receipt = GeneratedDocument.objects.filter(
            kind=DocumentKind.PAYMENT_RECEIPT, subject_key=f"payment:{payment.order_ref}",
        ).order_by("-pk").first()
    return render(request, "delivery/payment_return.html", {
        "payment": payment, "gateway_success": result.success, "cancelled": result.cancelled,
        "dossier": dossier, "receipt": receipt,
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payment_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay-style IPN: always HTTP 200 with ``RspCode``/``Message`` the gateway understands."""
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    try:
        outcome = adapters.payment_handle_callback(params=params, gateway=get_gateway())
    except DeliveryError:
        return JsonResponse({"RspCode": "99", "Message": "Unknown error"})
    return JsonResponse(outcome.as_gateway_response())


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
def postal_callback(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "method_not_allowed", "Chỉ chấp nhận POST.")
    if not settings.POSTAL_PROVIDER_BACKEND:
        return _error(404, "provider_not_configured", "Chưa cấu hình đơn vị bưu chính.")
    headers = {key: value for key, value in request.headers.items()}
    try:
        outcome = adapters.shipment_handle_callback(body=request.body, headers=headers)
    except DeliveryError as exc:  # the provider reads the envelope, not a page
        return domain_error_response(exc)
    shipment = outcome.shipment
    return JsonResponse({
        "ok": True, "tracking_number": shipment.tracking_number, "status": shipment.status,
        "applied": outcome.applied, "duplicate": outcome.duplicate,
    })


# --- the dossier workflow: pay, download, counter ---------------------------------------------


@citizen_required
@require_POST
def pay_dossier(request: HttpRequest, ref: str) -> HttpResponse:
    """"Thanh toán lệ phí trực tuyến": opens a payment of the amount the server computes."""
    dossier = citizen_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    with domain_errors_as_messages(request):
        return HttpResponseRedirect(services.dossier_payment_start(
            dossier=dossier, client_ip=client_address(request) or "127.0.0.1",
            return_url=public_base_url(request) + reverse("delivery:payment-return")))
    return redirect("dossiers:detail", ref=dossier.ref)


def _dossier_of(document: GeneratedDocument) -> Dossier | None:
    dossier_id = document.dossier_id
    if dossier_id is None and document.subject_key.startswith("payment:"):
        dossier_id = Payment.objects.filter(order_ref=document.subject_key[8:]).values_list(
            "dossier_id", flat=True).first()
    return Dossier.objects.select_related("receiving_unit", "current_unit").filter(
        pk=dossier_id).first() if dossier_id else None


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A dossier's PDF, for its owner and the unit's staff; to anyone else it does not exist."""
    document = GeneratedDocument.objects.filter(pk=pk).first()
    dossier = _dossier_of(document) if document else None
    if not may_read_dossier_file(request, dossier, purpose="document"):
        raise Http404
    return private_file_response(document.file, content_type="application/pdf",
                                 filename=f"{document.kind}-{(dossier.code or dossier.pk)}.pdf")


@require_http_methods(["GET"])
def pickup_authorisation(request: HttpRequest, ref: str) -> HttpResponse:
    """The authorisation letter scanned at the counter, under the rule of the dossier's files
    (owner, or the handling unit's staff with two-factor and a read-audit row)."""
    dossier = dossier_by_ref(ref)
    if not may_read_dossier_file(request, dossier, purpose="authorisation"):
        raise Http404
    appointment = PickupAppointment.objects.filter(dossier_id=dossier.pk).first()
    if appointment is None or not appointment.authorisation:
        raise Http404
    extension = appointment.authorisation.name.rpartition(".")[2]
    return private_file_response(
        appointment.authorisation,
        content_type=appointment.authorisation_content_type or "application/octet-stream",
        filename=f"giay-uy-quyen-{dossier.code or dossier.pk}.{extension}")


@staff_required
@require_POST
def control_sheet_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    """Mẫu 05 on demand, rendered by a worker from the audit trail."""
    dossier = staff_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    enqueue(render_dossier_document, DocumentKind.CONTROL_SHEET, dossier.pk, None)
    messages.success(request, _("Đang tạo Phiếu kiểm soát (Mẫu 05); tệp PDF sẽ có trong mục "
                                "Giấy tờ điện tử sau ít giây."))
    return redirect("dossiers_staff:detail", ref=dossier.ref)


@staff_required
def counter_find(request: HttpRequest) -> HttpResponse:
    """The result counter: type the dossier code or scan the QR of the pickup slip."""
    query = request.GET.get("q", "")
    if query:
        code = normalize_dossier_code(services.code_from_scan(query))
        dossier = staff_dossier(request.user, code)
        if dossier is not None:
            return redirect("delivery_staff:counter", ref=dossier.ref)
        messages.error(request, _("Không tìm thấy hồ sơ %(code)s trong đơn vị của bạn.")
                       % {"code": code})
    return render(request, "delivery/counter_find.html", {
        "q": query,
        "refunds_owed": selectors.overpayments_for_staff(request.user)
        .filter(refunded_at__isnull=True).count(),
    })


@staff_required
def counter_dossier(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = staff_dossier(request.user, ref)
    if dossier is None:
        raise Http404
    form = HandOverForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors_as_messages(request):
            services.pickup_hand_over(
                dossier=dossier, acting_user=request.user,
                collector_is_owner=data["nguoi_nhan"] == "chinh_chu",
                collector_national_id=data["cccd"], collector_name=data.get("ho_ten", ""),
                authorisation=data.get("giay_uy_quyen"),
                identity_checked=data["da_kiem_tra"], signature_confirmed=data["da_ky_nhan"])
            messages.success(request, _("Đã trả kết quả hồ sơ %(code)s.") % {"code": dossier.ref})
            return redirect("delivery_staff:counter", ref=dossier.ref)
    personal_data_access_record(dossier=dossier, user=request.user, purpose="counter")
    return render(request, "delivery/counter_dossier.html", {
        "dossier": dossier, "form": form,
        "appointment": PickupAppointment.objects.filter(dossier_id=dossier.pk).first(),
    })


# --- overpayments: money taken twice for one fee, to refund -----------------------------------


@staff_required
@require_http_methods(["GET"])
def overpayment_list(request: HttpRequest) -> HttpResponse:
    """Refunds owed in the viewer's units, open ones first; each says who refunded it, when."""
    overpayments = list(selectors.overpayments_for_staff(request.user)[:500])
    codes = dict(Dossier.objects.filter(pk__in={o.dossier_id for o in overpayments})
                 .values_list("pk", "code"))
    rows = [{"overpayment": o, "dossier_code": codes.get(o.dossier_id) or o.dossier_id,
             "may_refund": o.refunded_at is None
             and selectors.overpayment_may_refund(request.user, o)}
            for o in overpayments]
    return render(request, "delivery/overpayments.html", {"rows": rows, "form": RefundForm()})


@staff_required
@require_POST
def overpayment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    overpayment = selectors.overpayments_for_staff(request.user).filter(pk=pk).first()
    if overpayment is None:
        raise Http404
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ghi chú hoàn trả không hợp lệ."))
        return redirect("delivery_staff:overpayments")
    try:
        adapters.overpayment_mark_refunded(overpayment=overpayment, acting_user=request.user,
                                           note=form.cleaned_data["ghi_chu"])
    except DeliveryError:
        messages.error(request, _("Chỉ cán bộ một cửa của đơn vị được ghi nhận hoàn trả."))
    else:
        messages.success(request, _("Đã ghi nhận hoàn trả giao dịch %(ref)s.")
                         % {"ref": overpayment.payment.order_ref})
    return redirect("delivery_staff:overpayments")
