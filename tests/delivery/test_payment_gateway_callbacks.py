"""The sandbox gateway's server-to-server callback (IPN): only a correctly signed call about a
known pending order with the exact amount and currency marks it paid, exactly once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from delivery.adapters import payment_create, payment_handle_callback
from delivery.constants import PaymentStatus
from delivery.models import Payment, PaymentCallbackLog
from delivery.payments.sandbox import SandboxGateway, sign
from delivery.signals import payment_confirmed

pytestmark = pytest.mark.django_db
IPN = "/callbacks/payments/sandbox/ipn"


@pytest.fixture
def confirmed():
    received = []

    def receiver(sender, payment, dossier_id, **kwargs):
        received.append((payment.order_ref, dossier_id))

    payment_confirmed.connect(receiver, weak=False)
    yield received
    payment_confirmed.disconnect(receiver)


def open_payment(order_ref="DVC-0001", amount=35000, dossier_id=42):
    payment, _url = payment_create(dossier_id=dossier_id, amount=amount,
                                   description="Lệ phí chứng thực", order_ref=order_ref)
    return payment


def gateway_answer(payment, *, paid=True, **overrides):
    gateway = SandboxGateway()
    request = {"vnp_TmnCode": gateway.terminal, "vnp_Amount": str(payment.amount),
               "vnp_CurrCode": "VND", "vnp_TxnRef": payment.order_ref,
               "vnp_OrderInfo": payment.description}
    from django.utils import timezone

    params = gateway.result_params(request, paid=paid, transaction_no="14022581",
                                   at=timezone.now())
    params.update(overrides)
    if overrides:
        params = gateway.signed(params)
    return params


def ipn(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200
    return response.json()


def test_ipn_url_is_outside_the_language_prefix():
    assert reverse("delivery_callbacks:payment-ipn") == IPN


def test_a_valid_callback_marks_the_order_paid_and_fires_the_signal_once(
        client, confirmed, django_capture_on_commit_callbacks):
    payment = open_payment()
    with django_capture_on_commit_callbacks(execute=True):
        answer = ipn(client, gateway_answer(payment))
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.gateway_transaction_id == "14022581"
    assert payment.paid_at is not None
    assert confirmed == [("DVC-0001", 42)]
    log = PaymentCallbackLog.objects.get()
    assert log.payment == payment and log.changed_status and log.result_code == "00"


def test_a_replayed_callback_changes_nothing_and_says_already_confirmed(
        client, confirmed, django_capture_on_commit_callbacks):
    payment = open_payment()
    params = gateway_answer(payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, params)["RspCode"] == "00"
    paid_at = Payment.objects.get().paid_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(3):
            assert ipn(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert callbacks == []
    assert confirmed == [("DVC-0001", 42)]
    assert Payment.objects.get().paid_at == paid_at
    assert PaymentCallbackLog.objects.filter(changed_status=True).count() == 1
    assert PaymentCallbackLog.objects.count() == 4


def test_a_forged_signature_is_refused_and_logged(client, confirmed):
    payment = open_payment()
    params = gateway_answer(payment)
    params["vnp_SecureHash"] = sign(params, "not-the-secret")
    assert ipn(client, params)["RspCode"] == "97"
    unsigned = {k: v for k, v in gateway_answer(payment).items() if k != "vnp_SecureHash"}
    assert ipn(client, unsigned)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert set(PaymentCallbackLog.objects.values_list("result_code", flat=True)) == {"97"}
    assert confirmed == []


def test_tampering_with_a_signed_field_breaks_the_signature(client):
    payment = open_payment(amount=35000)
    params = gateway_answer(payment)
    params["vnp_Amount"] = "1000"
    assert ipn(client, params)["RspCode"] == "97"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_signed_callback_with_another_amount_is_refused(client, confirmed):
    payment = open_payment(amount=35000)
    answer = ipn(client, gateway_answer(payment, vnp_Amount="3500"))
    assert answer == {"RspCode": "04", "Message": "Invalid amount"}
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert confirmed == []


def test_a_signed_callback_in_another_currency_is_refused(client, confirmed):
    payment = open_payment()
    assert ipn(client, gateway_answer(payment, vnp_CurrCode="USD"))["RspCode"] == "05"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_an_unknown_order_is_reported_and_no_other_order_is_touched(client, confirmed):
    mine = open_payment(order_ref="DVC-MINE")
    other = open_payment(order_ref="DVC-OTHER", dossier_id=43)
    ghost = Payment(order_ref="DVC-GHOST", amount=35000, description="x")
    assert ipn(client, gateway_answer(ghost))["RspCode"] == "01"
    assert ipn(client, gateway_answer(mine))["RspCode"] == "00"
    other.refresh_from_db()
    assert other.status == PaymentStatus.PENDING
    assert Payment.objects.get(order_ref="DVC-MINE").status == PaymentStatus.PAID


def test_another_merchant_terminal_is_refused(client):
    payment = open_payment()
    assert ipn(client, gateway_answer(payment, vnp_TmnCode="OTHER001"))["RspCode"] == "97"


def test_failed_after_paid_is_ignored(client, confirmed, django_capture_on_commit_callbacks):
    payment = open_payment()
    with django_capture_on_commit_callbacks(execute=True):
        ipn(client, gateway_answer(payment))
        late_failure = gateway_answer(payment, vnp_ResponseCode="51",
                                      vnp_TransactionStatus="02")
        assert ipn(client, late_failure)["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert confirmed == [("DVC-0001", 42)]


def test_paid_after_failed_does_not_resurrect_the_order(client, confirmed):
    payment = open_payment()
    ipn(client, gateway_answer(payment, vnp_ResponseCode="51", vnp_TransactionStatus="02"))
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert ipn(client, gateway_answer(payment))["RspCode"] == "02"
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert confirmed == []


def test_the_hook_passed_in_runs_exactly_once(django_capture_on_commit_callbacks):
    payment = open_payment()
    calls = []
    params = gateway_answer(payment)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            payment_handle_callback(params=params, on_paid=calls.append)
    assert [p.order_ref for p in calls] == ["DVC-0001"]


def test_post_form_callbacks_are_accepted_without_csrf():
    from django.test import Client

    payment = open_payment()
    response = Client(enforce_csrf_checks=True).post(IPN, gateway_answer(payment))
    assert response.json()["RspCode"] == "00"


def test_amounts_must_be_positive_whole_dong():
    from delivery.exceptions import PaymentError

    for amount in (0, -5, 1.5, True):
        with pytest.raises(PaymentError):
            payment_create(dossier_id=1, amount=amount, description="x")


# --- one key per direction; only a complete answer ends a payment (issue 13, finding 4) ------


def payment_request_params(payment):
    """What the citizen's browser carries to the gateway: the request the portal signed."""
    from urllib.parse import parse_qsl, urlsplit

    from delivery.payments import PaymentRequest

    url = SandboxGateway().create_payment_url(PaymentRequest(
        order_ref=payment.order_ref, amount=payment.amount, currency=payment.currency,
        description=payment.description, return_url="http://127.0.0.1:8000/thanh-toan/ket-qua/",
        client_ip="127.0.0.1", created_at=payment.created_at))
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def test_a_payment_request_replayed_as_the_callback_is_refused(client, confirmed,
                                                               django_capture_on_commit_callbacks):
    payment = open_payment()
    request_params = payment_request_params(payment)
    assert request_params["vnp_TxnRef"] == payment.order_ref
    assert ipn(client, request_params)["RspCode"] == "97"
    # Nor is it a gateway answer on the return page.
    assert client.get("/thanh-toan/ket-qua/", request_params).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    # The real answer still goes through.
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, gateway_answer(payment))["RspCode"] == "00"
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert confirmed == [("DVC-0001", 42)]


def test_a_gateway_answer_is_not_a_payment_request(client):
    payment = open_payment()
    response = client.get("/thanh-toan/thu-nghiem/", gateway_answer(payment))
    assert response.status_code == 400
    assert client.post("/thanh-toan/thu-nghiem/?" + "&".join(
        f"{k}={v}" for k, v in gateway_answer(payment).items()), {"action": "cancel"}
    ).status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING


@pytest.mark.parametrize("change", [
    {"vnp_ResponseCode": None},
    {"vnp_TransactionStatus": None},
    {"vnp_TransactionNo": None},
    {"vnp_CurrCode": None},
    {"vnp_PayDate": None},
    {"vnp_Amount": None},
    {"vnp_ResponseCode": "ZZ", "vnp_TransactionStatus": "02"},  # unknown code
    {"vnp_ResponseCode": "07", "vnp_TransactionStatus": "00"},  # taken, flagged as suspicious
    {"vnp_ResponseCode": "00", "vnp_TransactionStatus": "01"},  # not finished
    {"vnp_ResponseCode": "51", "vnp_TransactionStatus": "00"},  # contradictory
])
def test_an_incomplete_answer_leaves_the_order_pending(client, confirmed, change,
                                                       django_capture_on_commit_callbacks):
    payment = open_payment()
    params = gateway_answer(payment)
    for key, value in change.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    params = SandboxGateway().signed(params)
    assert ipn(client, params) == {"RspCode": "99", "Message": "Unknown error"}
    assert client.get("/thanh-toan/ket-qua/", params).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.response_code == ""
    log = PaymentCallbackLog.objects.get()
    assert log.result_code == "99" and not log.changed_status and log.payment == payment
    # The well-formed "paid" answer that follows is applied.
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(client, gateway_answer(payment))["RspCode"] == "00"
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert confirmed == [("DVC-0001", 42)]


def test_each_direction_has_its_own_key():
    gateway = SandboxGateway()
    assert gateway.request_key != gateway.result_key
    assert settings_secret() not in (gateway.request_key, gateway.result_key)


def settings_secret():
    from django.conf import settings

    return settings.PAYMENT_SANDBOX_SECRET
