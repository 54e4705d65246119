"""The citizen's journey through the sandbox's hosted page: pay or cancel, come back, see
the result; the receipt is issued as a PDF once the payment is confirmed."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from delivery.adapters import payment_create, payment_receipt_issue
from delivery.constants import PaymentStatus
from delivery.exceptions import PaymentError
from delivery.models import GeneratedDocument, Payment
from delivery.signals import payment_confirmed

pytestmark = pytest.mark.django_db


def relative(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def start(client, amount=35000):
    payment, url = payment_create(dossier_id=42, amount=amount,
                                  description="Lệ phí chứng thực bản sao")
    assert urlsplit(url).path == "/thanh-toan/thu-nghiem/"
    return payment, relative(url)


def test_pay_on_the_hosted_page_then_return(client, django_capture_on_commit_callbacks):
    received = []
    payment_confirmed.connect(lambda **kw: received.append(kw["dossier_id"]), weak=False,
                              dispatch_uid="flow-test")
    try:
        payment, pay_url = start(client)
        page = client.get(pay_url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Thanh toán" in html and "Hủy" in html and "35.000 VND" in html
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(pay_url, {"action": "pay"})
        assert response.status_code == 302
        # The IPN was handled before the browser came back.
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PAID
        back = client.get(relative(response["Location"]))
        assert urlsplit(response["Location"]).path == "/thanh-toan/ket-qua/"
        assert "Thanh toán thành công" in back.content.decode()
        # Reloading the return page changes nothing.
        client.get(relative(response["Location"]))
        assert received == [42]
    finally:
        payment_confirmed.disconnect(dispatch_uid="flow-test")


def test_cancel_on_the_hosted_page(client):
    payment, pay_url = start(client)
    response = client.post(pay_url, {"action": "cancel"})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["vnp_ResponseCode"] == ["24"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert "Bạn đã hủy thanh toán" in client.get(relative(response["Location"])).content.decode()


def test_a_return_before_the_callback_shows_pending_and_changes_nothing(client):
    from django.utils import timezone

    from delivery.payments.sandbox import SandboxGateway

    payment, _ = start(client)
    gateway = SandboxGateway()
    request = {"vnp_TmnCode": gateway.terminal, "vnp_Amount": "35000", "vnp_CurrCode": "VND",
               "vnp_TxnRef": payment.order_ref}
    result = gateway.result_params(request, paid=True, transaction_no="1", at=timezone.now())
    page = client.get("/thanh-toan/ket-qua/", result)
    assert "Đang chờ cổng thanh toán xác nhận" in page.content.decode()
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_tampered_request_or_return_is_refused(client):
    payment, pay_url = start(client)
    tampered = pay_url.replace("vnp_Amount=35000", "vnp_Amount=1")
    assert client.get(tampered).status_code == 400
    assert client.post(tampered, {"action": "pay"}).status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert client.get("/thanh-toan/ket-qua/", {"vnp_TxnRef": payment.order_ref,
                                               "vnp_ResponseCode": "00"}).status_code == 400


def test_the_hosted_page_only_exists_in_sandbox_mode(client, settings):
    _, pay_url = start(client)
    settings.PAYMENT_GATEWAY_BACKEND = "vnpay.gateway.VNPayGateway"
    assert client.get(pay_url).status_code == 404


def test_the_receipt_pdf_is_issued_once_paid(client):
    payment, pay_url = start(client)
    kwargs = dict(unit_name="UBND phường Hải Châu", parent_unit_name="UBND thành phố Đà Nẵng",
                  dossier_code="000.17.22.H56-261125-0007", payer_name="Lê Thị Ánh Tuyết",
                  procedure_name="Chứng thực bản sao từ bản chính")
    with pytest.raises(PaymentError):
        payment_receipt_issue(payment=payment, **kwargs)
    client.post(pay_url, {"action": "pay"})
    payment.refresh_from_db()
    document = payment_receipt_issue(payment=payment, **kwargs)
    again = payment_receipt_issue(payment=payment, **kwargs)
    assert document.pk == again.pk
    assert document.subject_key == f"payment:{payment.order_ref}"
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "Lê Thị Ánh Tuyết" in text and "Ba mươi lăm nghìn đồng" in text
    assert payment.order_ref in text and payment.gateway_transaction_id in text
    assert GeneratedDocument.objects.count() == 1
