"""A test per guard (issue 14 §4): a confirmed payment of another amount never pays the
dossier's fee, and the counter never hands a result over without the recipient's signature."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.testing import login_verified
from delivery.adapters import payment_create
from delivery.constants import PaymentStatus
from delivery.models import Payment, PickupAppointment
from delivery.payments.sandbox import SandboxGateway
from dossiers.constants import Action, DossierState
from dossiers.exceptions import DossierInvalid
from dossiers.models import DossierTransition
from dossiers.selectors import fee_outstanding
from dossiers.services import dossier_receive
from tests.factories import make_dossier, make_procedure

from .conftest import FEE
from .helpers import path_and_params

pytestmark = pytest.mark.django_db(transaction=True)
IPN = "/callbacks/payments/sandbox/ipn"
NATIONAL_ID = "048090001234"


def test_a_confirmed_payment_of_another_amount_does_not_pay_the_fee(
        client, citizen, clerk, paid_procedure, units):
    dossier = make_dossier(state="submitted", procedure=paid_procedure, citizen=citizen,
                           units=units)
    # Money for this dossier, but not its fee (say, a postage charge): paid at the gateway...
    payment, url = payment_create(dossier_id=dossier.pk, amount=FEE - 20_000, fee="postage",
                                  description="Cuoc buu chinh")
    _path, params = path_and_params(url)
    paid = SandboxGateway().result_params(params, paid=True, transaction_no="87654321",
                                          at=timezone.now())
    assert client.post(IPN, paid).json()["RspCode"] == "00"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    # ...the fee is still owed: no "paid" event, and the desk cannot receive the dossier yet.
    assert not DossierTransition.objects.filter(dossier=dossier, action=Action.PAY).exists()
    assert fee_outstanding(dossier) == FEE
    with pytest.raises(DossierInvalid) as refused:
        dossier_receive(dossier=dossier, acting_user=clerk)
    assert refused.value.code == "fee_unpaid"


def test_the_counter_does_not_hand_over_without_the_recipients_signature(
        client, citizen, clerk, processor, leader, units):
    dossier = make_dossier(state="result_ready", procedure=make_procedure(), citizen=citizen,
                           units=units, clerk=clerk, processor=processor, leader=leader,
                           national_id=NATIONAL_ID)
    assert PickupAppointment.objects.filter(dossier_id=dossier.pk).exists()
    login_verified(client, clerk)
    url = f"/can-bo/tra-ket-qua/{dossier.code}/"
    response = client.post(url, {"nguoi_nhan": "chinh_chu", "cccd": NATIONAL_ID,
                                 "da_kiem_tra": "on"})
    assert response.status_code == 200
    assert "đã ký nhận" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY
    assert PickupAppointment.objects.get(dossier_id=dossier.pk).collected_at is None

    response = client.post(url, {"nguoi_nhan": "chinh_chu", "cccd": NATIONAL_ID,
                                 "da_kiem_tra": "on", "da_ky_nhan": "on"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
