"""The whole path of a level-4 dossier with a fee: submit, pay online (sandbox hosted page
and the signed IPN), receive, process, result ready, routing by post or to the desk, and the
PDFs rendered on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.testing import login_verified
from delivery.constants import DocumentKind, PaymentStatus, ShipmentStatus
from delivery.models import GeneratedDocument, Payment, PickupAppointment, Shipment
from delivery.payments.sandbox import SandboxGateway
from delivery.postal.sandbox import SandboxPostalProvider
from dossiers.constants import Action, DossierState
from dossiers.exceptions import DossierInvalid
from dossiers.models import DossierNotice, DossierTransition
from dossiers.services import dossier_receive

from .conftest import FEE
from .helpers import finish, path_and_params, pdf_text, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)
IPN = "/callbacks/payments/sandbox/ipn"
POSTAL = "/callbacks/postal/sandbox/status"


def vn_date(day) -> str:
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def pay_through_sandbox(client, dossier):
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302
    path, params = path_and_params(response["Location"])
    assert path == "/thanh-toan/thu-nghiem/"
    assert params["vnp_Amount"] == str(FEE)  # computed by the server
    assert client.get(path, params).status_code == 200
    response = client.post(f"{path}?{response['Location'].split('?', 1)[1]}", {"action": "pay"})
    assert response.status_code == 302
    _return_path, result = path_and_params(response["Location"])
    assert client.get("/thanh-toan/ket-qua/", result).status_code == 200
    return result


def test_full_path_paid_online_delivered_by_post(client, citizen, clerk, processor, leader,
                                                 paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units, postal=True)
    client.force_login(citizen)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Thanh toán lệ phí trực tuyến" in page and "50.000" in page

    with pytest.raises(DossierInvalid) as refused:
        dossier_receive(dossier=dossier, acting_user=clerk)
    assert refused.value.code == "fee_unpaid"
    assert "chưa nộp lệ phí" in refused.value.message

    result = pay_through_sandbox(client, dossier)
    payment = Payment.objects.get(dossier_id=dossier.pk)
    assert payment.status == PaymentStatus.PAID and payment.amount == FEE
    pay = DossierTransition.objects.get(dossier=dossier, action=Action.PAY)
    assert pay.from_state == pay.to_state == DossierState.SUBMITTED
    assert DossierNotice.objects.filter(transition=pay).exists()
    receipt = GeneratedDocument.objects.get(kind=DocumentKind.PAYMENT_RECEIPT)
    text = pdf_text(receipt)
    assert "BIÊN LAI" in text and dossier.code in text and "50.000" in text

    # The gateway retries its signed IPN: answered "already confirmed", nothing doubles.
    replay = client.post(IPN, result)
    assert replay.json()["RspCode"] == "02"
    assert DossierTransition.objects.filter(dossier=dossier, action=Action.PAY).count() == 1
    assert GeneratedDocument.objects.filter(kind=DocumentKind.PAYMENT_RECEIPT).count() == 1

    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Đã thanh toán lệ phí trực tuyến" in page
    assert f"/giay-to/{receipt.pk}/" in page

    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    receipt_pdf = GeneratedDocument.objects.get(kind=DocumentKind.RECEIPT, dossier_id=dossier.pk)
    text = pdf_text(receipt_pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code in text and vn_date(dossier.due_date) in text

    dossier = finish(dossier, clerk, processor, leader)
    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    assert shipment.request["receiver"]["address"].startswith("12 Lê Duẩn")
    assert shipment.request["sender"]["name"] == units["ward"].name
    ship = DossierTransition.objects.get(dossier=dossier, action=Action.SHIP)
    assert shipment.tracking_number in ship.note
    label = GeneratedDocument.objects.get(kind=DocumentKind.POSTAL_LABEL, dossier_id=dossier.pk)
    assert shipment.tracking_number in pdf_text(label)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert shipment.tracking_number in page

    provider = SandboxPostalProvider()
    body, headers = provider.build_callback(
        tracking_number=shipment.tracking_number, status=ShipmentStatus.DELIVERED,
        occurred_at=timezone.now())
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    for _ in range(2):  # replayed callback: one return
        response = client.post(POSTAL, body, content_type="application/json", **headers)
        assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    returned = DossierTransition.objects.get(dossier=dossier, action=Action.RETURN_RESULT)
    assert returned.actor is None and shipment.tracking_number in returned.note


def test_ward_pickup_at_the_counter_with_qr(client, citizen, clerk, processor, leader,
                                            paid_procedure, units, settings):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    pay_through_sandbox(client, dossier)
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    dossier = finish(dossier, clerk, processor, leader)

    appointment = PickupAppointment.objects.get(dossier_id=dossier.pk)
    assert appointment.earliest_date > timezone.localdate()
    assert appointment.unit == units["ward"]
    event = DossierTransition.objects.get(dossier=dossier, action=Action.SCHEDULE_PICKUP)
    assert DossierNotice.objects.filter(transition=event).count() == 1
    slip = GeneratedDocument.objects.get(kind=DocumentKind.PICKUP_SLIP, dossier_id=dossier.pk)
    text = pdf_text(slip)
    assert "PHIẾU HẸN NHẬN KẾT QUẢ" in text and dossier.code in text
    assert vn_date(appointment.earliest_date) in text

    login_verified(client, clerk)
    qr = f"{settings.PORTAL_BASE_URL}/ho-so/tra-cuu/?code={dossier.code}"
    response = client.get("/can-bo/tra-ket-qua/", {"q": qr})
    assert response.status_code == 302 and dossier.code in response["Location"]
    url = response["Location"]
    assert "Xác nhận trả kết quả" in client.get(url).content.decode()

    # Wrong CCCD for the owner: refused, nothing changes.
    client.post(url, {"nguoi_nhan": "chinh_chu", "cccd": "048090009999",
                      "da_kiem_tra": "on", "da_ky_nhan": "on"})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY
    # An authorised person without the authorisation document: refused.
    client.post(url, {"nguoi_nhan": "uy_quyen", "cccd": "048090005555", "ho_ten": "Lê Thị C",
                      "da_kiem_tra": "on", "da_ky_nhan": "on"})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY

    response = client.post(url, {"nguoi_nhan": "chinh_chu", "cccd": "048090001234",
                                 "da_kiem_tra": "on", "da_ky_nhan": "on"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    appointment.refresh_from_db()
    assert appointment.handed_over_by == clerk and appointment.signature_confirmed
    assert appointment.identity_checked and appointment.collected_at
    returned = DossierTransition.objects.get(dossier=dossier, action=Action.RETURN_RESULT)
    assert returned.actor == clerk and "1234" in returned.note


def test_exemption_needs_proof_and_skips_payment(citizen, clerk, paid_procedure, units):
    from dossiers.services import dossier_attach, dossier_create_draft, dossier_submit
    from tests.dossiers.conftest import pdf

    draft = dossier_create_draft(
        procedure=paid_procedure, applicant=citizen, place=units["ward"],
        data={"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"},
        fee_exemption="ho-ngheo")
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=draft, acting_user=citizen, document_key=key, upload=pdf())
    with pytest.raises(DossierInvalid) as missing:
        dossier_submit(dossier=draft, acting_user=citizen)
    assert missing.value.code == "fee_exemption_proof"
    dossier_attach(dossier=draft, acting_user=citizen, document_key="mien-phi", upload=pdf())
    dossier = dossier_submit(dossier=draft, acting_user=citizen)
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)  # no payment needed
    assert dossier.state == DossierState.RECEIVED
    assert not Payment.objects.exists()


def test_forged_and_tampered_callbacks_change_nothing(client, citizen, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    other = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/", {"amount": "1"})
    _path, params = path_and_params(response["Location"])
    assert params["vnp_Amount"] == str(FEE)  # the browser cannot choose the amount
    gateway = SandboxGateway()
    paid = gateway.result_params(params, paid=True, transaction_no="12345678",
                                 at=timezone.now())
    forged = {**paid, "vnp_SecureHash": "0" * 128}
    assert client.post(IPN, forged).json()["RspCode"] == "97"
    tampered = gateway.signed({**paid, "vnp_Amount": str(FEE - 1000)})
    assert client.post(IPN, tampered).json()["RspCode"] == "04"
    # Correctly signed, but about another order: never marks another dossier paid.
    other_order = gateway.signed({**paid, "vnp_TxnRef": "DVC-UNKNOWN"})
    assert client.post(IPN, other_order).json()["RspCode"] == "01"
    assert not DossierTransition.objects.filter(action=Action.PAY).exists()
    assert client.post(IPN, paid).json()["RspCode"] == "00"
    assert DossierTransition.objects.filter(action=Action.PAY).get().dossier_id == dossier.pk
    assert not DossierTransition.objects.filter(dossier=other, action=Action.PAY).exists()


def test_documents_only_for_owner_and_unit_staff(client, citizen, other_citizen, clerk,
                                                 paid_procedure, units, django_user_model):
    from tests.dossiers.conftest import make_staff

    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    pay_through_sandbox(client, dossier)
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    document = GeneratedDocument.objects.get(kind=DocumentKind.RECEIPT)
    url = f"/giay-to/{document.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    outsider = make_staff(django_user_model, "clerk-other", units["other_ward"], "clerk")
    login_verified(client, outsider)
    assert client.get(url).status_code == 404
    login_verified(client, clerk)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404
    # Mẫu 05 on demand from the staff page, from the audit trail; byte-stable.
    login_verified(client, clerk)
    client.post(f"/giay-to/ho-so/{dossier.code}/phieu-kiem-soat/")
    client.post(f"/giay-to/ho-so/{dossier.code}/phieu-kiem-soat/")
    sheet = GeneratedDocument.objects.get(kind=DocumentKind.CONTROL_SHEET)
    text = pdf_text(sheet)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and dossier.code in text
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert f"/giay-to/{sheet.pk}/" in page


def test_pickup_reminders_repeat_every_n_days_up_to_the_maximum(
        citizen, clerk, processor, leader, paid_procedure, units, settings):
    from delivery.tasks import remind_pickups
    from dossiers.models import DossierNotice
    from dossiers.services import dossier_record_payment

    settings.PICKUP_REMINDER_MAX = 2
    dossier = submitted_dossier(paid_procedure, citizen, units)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="TEST")
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    dossier = finish(dossier, clerk, processor, leader)
    appointment = PickupAppointment.objects.filter(dossier_id=dossier.pk)
    days = settings.PICKUP_REMINDER_DAYS
    assert remind_pickups() == 0  # not yet N days

    appointment.update(created_at=timezone.now() - timedelta(days=days + 1))
    assert remind_pickups() == 1
    assert remind_pickups() == 0  # same day: nothing again
    appointment.update(reminded_at=timezone.now() - timedelta(days=days - 1))
    assert remind_pickups() == 0  # the interval runs from the last reminder
    appointment.update(reminded_at=timezone.now() - timedelta(days=days + 1))
    assert remind_pickups() == 1
    appointment.update(reminded_at=timezone.now() - timedelta(days=days + 1))
    assert remind_pickups() == 0  # PICKUP_REMINDER_MAX reached
    assert appointment.get().reminders_sent == 2

    reminders = DossierTransition.objects.filter(dossier=dossier, action=Action.REMIND_PICKUP)
    assert [r.note.split(":")[0] for r in reminders.order_by("pk")] == ["Lần nhắc 1", "Lần nhắc 2"]
    assert DossierNotice.objects.filter(transition__in=reminders).exclude(sent_at=None).count() == 2


def test_a_collected_result_is_not_reminded(client, citizen, clerk, processor, leader,
                                            paid_procedure, units, settings):
    from delivery.tasks import remind_pickups
    from dossiers.services import dossier_record_payment

    dossier = submitted_dossier(paid_procedure, citizen, units)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="TEST")
    dossier = finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor,
                     leader)
    PickupAppointment.objects.filter(dossier_id=dossier.pk).update(
        created_at=timezone.now() - timedelta(days=settings.PICKUP_REMINDER_DAYS + 1),
        collected_at=timezone.now())
    assert remind_pickups() == 0


def test_behind_a_proxy_the_gateway_gets_the_citizens_address(client, citizen, paid_procedure,
                                                               units, settings):
    settings.NUM_PROXIES = 1
    dossier = submitted_dossier(paid_procedure, citizen, units, postal=False)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/", REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    _path, params = path_and_params(response["Location"])
    assert params["vnp_IpAddr"] == "203.0.113.7"
