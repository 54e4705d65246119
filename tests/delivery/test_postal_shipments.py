"""Public postal service: S10 tracking numbers, one shipment per idempotency key, and signed
status callbacks through HTTP that only ever move a shipment forward."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from delivery.adapters import shipment_create
from delivery.constants import ShipmentStatus
from delivery.exceptions import IdempotencyConflict
from delivery.models import Shipment, ShipmentEvent
from delivery.postal import Party
from delivery.postal.s10 import check_digit, is_valid_s10, make_s10
from delivery.postal.sandbox import SIGNATURE_HEADER, SandboxPostalProvider
from delivery.samples import TZ
from delivery.signals import shipment_delivered, shipment_failed

pytestmark = pytest.mark.django_db
URL = "/callbacks/postal/sandbox/status"
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=TZ)

SENDER = Party(name="UBND phường Hải Châu", phone="0236 3821 000",
               address="270 Trần Phú, phường Hải Châu, thành phố Đà Nẵng")
RECEIVER = Party(name="Nguyễn Thị Hồng Nhung", phone="0905 123 456",
                 address="12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng")


def book(key="dossier:42:result", **overrides):
    kwargs = dict(dossier_id=42, idempotency_key=key, sender=SENDER, receiver=RECEIVER,
                  weight_grams=250, cod_amount=0, contents="Giấy khai sinh",
                  reference="000.17.22.H56-261125-0007")
    kwargs.update(overrides)
    return shipment_create(**kwargs)


@pytest.fixture
def events():
    seen = []

    def delivered(sender, shipment, dossier_id, **kw):
        seen.append(("delivered", dossier_id))

    def failed(sender, shipment, dossier_id, attempt, is_final, **kw):
        seen.append(("failed", attempt, is_final))

    shipment_delivered.connect(delivered, weak=False)
    shipment_failed.connect(failed, weak=False)
    yield seen
    shipment_delivered.disconnect(delivered)
    shipment_failed.disconnect(failed)


def post(client, shipment, status, *, minutes=0, attempt=0, event_id=None, secret=None):
    provider = SandboxPostalProvider(secret=secret) if secret else SandboxPostalProvider()
    body, headers = provider.build_callback(
        tracking_number=shipment.tracking_number, status=status,
        occurred_at=T0 + timedelta(minutes=minutes), attempt=attempt, event_id=event_id,
        note="Bưu tá Hồ Văn Lâm",
    )
    return client.post(URL, body, content_type="application/json",
                       headers={SIGNATURE_HEADER: headers[SIGNATURE_HEADER]})


# --- S10 -------------------------------------------------------------------------------------

def test_s10_check_digit_matches_the_upu_example():
    assert check_digit("47312482") == 9
    assert make_s10("RR", 47312482, "GB") == "RR473124829GB"
    assert is_valid_s10("RR473124829GB")
    assert not is_valid_s10("RR473124828GB")
    assert not is_valid_s10("RR47312482GB")


def test_s10_check_digit_special_cases():
    # remainder 1 → 10 → 0, remainder 0 → 11 → 5
    serial_ten = next(f"{n:08d}" for n in range(10**5)
                      if sum(int(d) * w for d, w in zip(f"{n:08d}", (8, 6, 4, 2, 3, 5, 9, 7),
                                                        strict=True)) % 11 == 1)
    serial_eleven = "00000000"
    assert check_digit(serial_ten) == 0
    assert check_digit(serial_eleven) == 5


# --- booking -----------------------------------------------------------------------------------

def test_booking_twice_with_one_key_makes_one_shipment():
    first = book()
    second = book()
    assert first.pk == second.pk
    assert Shipment.objects.count() == 1
    assert is_valid_s10(first.tracking_number)
    assert first.tracking_number.startswith("EB") and first.tracking_number.endswith("VN")
    assert first.status == ShipmentStatus.CREATED
    assert first.request["receiver"]["name"] == "Nguyễn Thị Hồng Nhung"


def test_tracking_numbers_are_deterministic_per_key_and_distinct_across_keys():
    provider = SandboxPostalProvider()
    assert provider.tracking_number_for("a") == provider.tracking_number_for("a")
    assert book("k1").tracking_number != book("k2").tracking_number


def test_reusing_a_key_for_different_data_is_a_conflict():
    book()
    with pytest.raises(IdempotencyConflict):
        book(weight_grams=900)


def test_weight_must_be_positive():
    with pytest.raises(ValueError):
        book(weight_grams=0)


# --- callbacks -----------------------------------------------------------------------------------

def test_callback_url_is_outside_the_language_prefix():
    assert reverse("delivery_callbacks:postal-status") == URL


def test_the_normal_journey_ends_delivered_and_signals_once(
        client, events, django_capture_on_commit_callbacks):
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        for minutes, status in [(0, "accepted"), (60, "in_transit"), (120, "delivered")]:
            response = post(client, shipment, status, minutes=minutes)
            assert response.status_code == 200, response.content
            assert response.json()["applied"] is True
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.status_at == T0 + timedelta(minutes=120)
    assert list(shipment.events.values_list("status", flat=True)) == [
        "accepted", "in_transit", "delivered"]
    assert events == [("delivered", 42)]


def test_out_of_order_callbacks_never_move_a_shipment_back(
        client, events, django_capture_on_commit_callbacks):
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, shipment, "in_transit", minutes=60).json()["applied"] is True
        late = post(client, shipment, "accepted", minutes=0)
    assert late.status_code == 200
    assert late.json() == {"ok": True, "tracking_number": shipment.tracking_number,
                           "status": "in_transit", "applied": False, "duplicate": False}
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    stale = ShipmentEvent.objects.get(status="accepted")
    assert stale.applied is False  # kept in the history all the same


def test_delivered_is_final(client, events, django_capture_on_commit_callbacks):
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, shipment, "delivered", minutes=200)
        for status, attempt in [("failed", 1), ("in_transit", 0), ("accepted", 0)]:
            assert post(client, shipment, status, minutes=300,
                        attempt=attempt).json()["applied"] is False
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert events == [("delivered", 42)]


def test_failed_attempts_count_up_and_the_last_is_final(
        client, events, django_capture_on_commit_callbacks, settings):
    settings.POSTAL_MAX_ATTEMPTS = 3
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, shipment, "in_transit", minutes=10)
        post(client, shipment, "failed", minutes=100, attempt=1)
        post(client, shipment, "failed", minutes=50, attempt=1, event_id="late-copy")
        post(client, shipment, "failed", minutes=200, attempt=2)
        assert post(client, shipment, "in_transit", minutes=210).json()["applied"] is False
        post(client, shipment, "failed", minutes=300, attempt=3)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.FAILED and shipment.attempts == 3
    assert events == [("failed", 1, False), ("failed", 2, False), ("failed", 3, True)]


def test_delivery_after_a_failed_attempt(client, events, django_capture_on_commit_callbacks):
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, shipment, "failed", minutes=100, attempt=1)
        post(client, shipment, "delivered", minutes=1500)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and shipment.attempts == 1
    assert events == [("failed", 1, False), ("delivered", 42)]


def test_a_repeated_event_is_acknowledged_as_a_duplicate(
        client, events, django_capture_on_commit_callbacks):
    shipment = book()
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, shipment, "delivered", minutes=5)
        second = post(client, shipment, "delivered", minutes=5)
    assert first.json()["applied"] is True
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert ShipmentEvent.objects.count() == 1
    assert events == [("delivered", 42)]


def test_a_bad_signature_is_refused_with_a_json_error(client):
    shipment = book()
    response = post(client, shipment, "delivered", secret="someone-else")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "invalid_signature",
                                         "message": "Chữ ký không hợp lệ.",
                                         "details": None}}
    body, _ = SandboxPostalProvider().build_callback(
        tracking_number=shipment.tracking_number, status="delivered", occurred_at=T0)
    assert client.post(URL, body, content_type="application/json").status_code == 401
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CREATED


def _signed(client, payload):
    from django.conf import settings

    from delivery.postal.sandbox import body_signature

    body = json.dumps(payload).encode()
    return client.post(URL, body, content_type="application/json", headers={
        SIGNATURE_HEADER: body_signature(body, settings.POSTAL_SANDBOX_SECRET)})


@pytest.mark.parametrize("change", [
    {"status": "teleported"},
    {"occurred_at": "hôm qua"},
    {"occurred_at": "2026-11-26T08:00:00"},  # no offset
    {"tracking_number": "EB123456784VN"},  # bad check digit
    {"status": "failed", "attempt": 0},
    {"event_id": None, "tracking_number": None},
])
def test_malformed_callbacks_get_400(client, change):
    shipment = book()
    payload = {"event_id": "e1", "tracking_number": shipment.tracking_number,
               "status": "accepted", "occurred_at": T0.isoformat(), "attempt": 0}
    payload.update(change)
    payload = {k: v for k, v in payload.items() if v is not None}
    response = _signed(client, payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_callback"


def test_not_json_gets_400(client):
    from django.conf import settings

    from delivery.postal.sandbox import body_signature

    body = b"<xml/>"
    response = client.post(URL, body, content_type="application/xml", headers={
        SIGNATURE_HEADER: body_signature(body, settings.POSTAL_SANDBOX_SECRET)})
    assert response.status_code == 400


def test_an_unknown_tracking_number_gets_404(client):
    response = _signed(client, {"event_id": "e1", "tracking_number": make_s10("EB", 1),
                                "status": "accepted", "occurred_at": T0.isoformat()})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "shipment_not_found"


def test_only_post_is_allowed(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_callbacks_need_no_csrf_token():
    from django.test import Client

    shipment = book()
    assert post(Client(enforce_csrf_checks=True), shipment, "accepted").status_code == 200
