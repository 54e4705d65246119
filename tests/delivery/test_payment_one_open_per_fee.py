"""One fee, one charge (issue 13, finding 14): a dossier's fee has at most one open payment,
so paying twice reuses it; money the gateway still takes twice for one fee is recorded as an
overpayment and listed for the unit's clerks, who record the refund (who and when)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.testing import login_verified
from delivery.constants import PaymentStatus
from delivery.models import Payment
from delivery.payments.sandbox import SandboxGateway
from dossiers.constants import Action
from dossiers.models import DossierTransition

from .conftest import FEE
from .helpers import path_and_params, submitted_dossier

pytestmark = pytest.mark.django_db
IPN = "/callbacks/payments/sandbox/ipn"
REFUNDS = "/can-bo/tra-ket-qua/hoan-tien/"


def start_payment(client, dossier) -> dict[str, str]:
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302
    path, params = path_and_params(response["Location"])
    assert path == "/thanh-toan/thu-nghiem/"
    return params


def paid_answer(payment, transaction_no="14022581"):
    gateway = SandboxGateway()
    request = {"vnp_TmnCode": gateway.terminal, "vnp_Amount": str(payment.amount),
               "vnp_CurrCode": "VND", "vnp_TxnRef": payment.order_ref}
    return gateway.result_params(request, paid=True, transaction_no=transaction_no,
                                 at=timezone.now())


def test_paying_twice_reuses_the_open_payment(client, citizen, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    first = start_payment(client, dossier)
    second = start_payment(client, dossier)  # a second tab, a double click, a return later
    assert second["vnp_TxnRef"] == first["vnp_TxnRef"]
    assert Payment.objects.filter(dossier_id=dossier.pk).count() == 1
    # Once the citizen cancelled on the gateway's page, the next click opens a new payment.
    cancel = SandboxGateway().result_params(first, paid=False, transaction_no="0",
                                            at=timezone.now())
    assert client.post(IPN, cancel).json()["RspCode"] == "00"
    third = start_payment(client, dossier)
    assert third["vnp_TxnRef"] != first["vnp_TxnRef"]
    assert list(Payment.objects.filter(dossier_id=dossier.pk).order_by("pk")
                .values_list("status", flat=True)) == [PaymentStatus.CANCELLED,
                                                       PaymentStatus.PENDING]


def test_the_database_refuses_a_second_open_payment_for_a_fee(citizen, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    Payment.objects.create(order_ref="DVC-A", dossier_id=dossier.pk, amount=FEE,
                           description="x", gateway="sandbox")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order_ref="DVC-B", dossier_id=dossier.pk, amount=FEE,
                               description="x", gateway="sandbox")
    # A closed payment does not count: another attempt may follow a cancelled one.
    Payment.objects.filter(order_ref="DVC-A").update(status=PaymentStatus.CANCELLED)
    Payment.objects.create(order_ref="DVC-C", dossier_id=dossier.pk, amount=FEE,
                           description="x", gateway="sandbox")


def test_a_second_paid_callback_for_a_paid_fee_is_an_overpayment_to_refund(
        client, citizen, clerk, other_clerk, paid_procedure, units,
        django_capture_on_commit_callbacks):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    start_payment(client, dossier)
    first = Payment.objects.get(dossier_id=dossier.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(IPN, paid_answer(first)).json()["RspCode"] == "00"
    # Another attempt at the same fee, opened before the fix (or by a gateway race), is paid
    # too: the gateway has taken the fee twice.
    second = Payment.objects.create(order_ref="DVC-SECOND", dossier_id=dossier.pk, amount=FEE,
                                    description=first.description, gateway="sandbox")
    with django_capture_on_commit_callbacks(execute=True) as announced:
        assert client.post(IPN, paid_answer(second, "99990001")).json()["RspCode"] == "00"
        # The gateway retries its call: still one overpayment.
        assert client.post(IPN, paid_answer(second, "99990001")).json()["RspCode"] == "02"
    assert announced == []  # no second "fee paid" for the dossier
    assert DossierTransition.objects.filter(dossier=dossier, action=Action.PAY).count() == 1
    second.refresh_from_db()
    assert second.status == PaymentStatus.PAID  # the money was taken: a fact, kept

    # The ward's clerk sees it on the counter and in the refund list; another ward does not.
    login_verified(client, other_clerk)
    assert "DVC-SECOND" not in client.get(REFUNDS).content.decode()
    login_verified(client, clerk)
    assert "hoan-tien" in client.get("/can-bo/tra-ket-qua/").content.decode()
    page = client.get(REFUNDS).content.decode()
    assert "DVC-SECOND" in page and dossier.code in page and first.order_ref in page
    from delivery.models import Overpayment

    overpayment = Overpayment.objects.get()
    assert (overpayment.payment, overpayment.fee_paid_by, overpayment.amount,
            overpayment.unit) == (second, first, FEE, units["ward"])

    # Another unit's clerk cannot record the refund; the ward's clerk does, once.
    login_verified(client, other_clerk)
    assert client.post(f"{REFUNDS}{overpayment.pk}/", {"ghi_chu": "x"}).status_code == 404
    overpayment.refresh_from_db()
    assert overpayment.refunded_at is None
    login_verified(client, clerk)
    response = client.post(f"{REFUNDS}{overpayment.pk}/", {"ghi_chu": "UNC 123 ngày 02/12"})
    assert response.status_code == 302
    overpayment.refresh_from_db()
    assert overpayment.refunded_by == clerk and overpayment.refunded_at is not None
    assert overpayment.refund_note == "UNC 123 ngày 02/12"
    when = overpayment.refunded_at
    client.post(f"{REFUNDS}{overpayment.pk}/", {"ghi_chu": "again"})
    overpayment.refresh_from_db()
    assert overpayment.refunded_at == when and overpayment.refund_note == "UNC 123 ngày 02/12"
    assert "Đã hoàn trả" in client.get(REFUNDS).content.decode()


def test_paid_after_the_attempt_was_closed_is_an_overpayment_too(
        client, citizen, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    params = start_payment(client, dossier)
    payment = Payment.objects.get()
    cancel = SandboxGateway().result_params(params, paid=False, transaction_no="0",
                                            at=timezone.now())
    assert client.post(IPN, cancel).json()["RspCode"] == "00"
    # The gateway then says the closed attempt was paid after all: the money is not lost.
    assert client.post(IPN, paid_answer(payment)).json()["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    from delivery.models import Overpayment

    assert Overpayment.objects.get().payment == payment
    assert not DossierTransition.objects.filter(dossier=dossier, action=Action.PAY).exists()


def test_the_admin_lists_overpayments_within_the_staff_scope(
        client, citizen, paid_procedure, units, django_user_model):
    from delivery.models import Overpayment

    dossier = submitted_dossier(paid_procedure, citizen, units)
    payment = Payment.objects.create(order_ref="DVC-OVER", dossier_id=dossier.pk, amount=FEE,
                                     description="x", gateway="sandbox",
                                     status=PaymentStatus.PAID)
    Overpayment.objects.create(payment=payment, dossier_id=dossier.pk, unit=units["ward"],
                               amount=FEE, reason="fee_already_paid")
    root = django_user_model.objects.create_superuser("root", password="x")
    login_verified(client, root)
    page = client.get("/admin/delivery/overpayment/")
    assert page.status_code == 200 and "DVC-OVER" in page.content.decode()
    response = client.post("/admin/delivery/overpayment/", {
        "action": "mark_refunded", "_selected_action": [Overpayment.objects.get().pk]})
    assert response.status_code == 302
    assert Overpayment.objects.get().refunded_by == root
