"""Routing never loses work: duplicate runs change nothing, a broker outage during
result_ready is caught by the sweep, and a failed delivery falls back to the desk."""

from __future__ import annotations

from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from delivery.constants import DocumentKind, PickupReason, ShipmentStatus
from delivery.models import GeneratedDocument, PickupAppointment, Shipment
from delivery.postal.sandbox import SandboxPostalProvider
from delivery.tasks import (
    reconcile_shipments,
    route_result,
    route_results,
    sweep_documents,
    sweep_unrouted,
)
from dossiers.constants import Action, DossierState
from dossiers.models import DossierNotice, DossierTransition
from dossiers.services import dossier_receive, dossier_record_payment

from .conftest import FEE
from .helpers import finish, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def ready(procedure, citizen, units, clerk, processor, leader, **kwargs):
    dossier = submitted_dossier(procedure, citizen, units, **kwargs)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="TEST-1")
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    return finish(dossier, clerk, processor, leader)


def test_duplicate_runs_make_one_appointment_one_notice(citizen, clerk, processor, leader,
                                                        paid_procedure, units):
    dossier = ready(paid_procedure, citizen, units, clerk, processor, leader)
    for _ in range(3):
        route_result.delay(dossier.pk)
        route_result(dossier.pk)
    assert PickupAppointment.objects.filter(dossier_id=dossier.pk).count() == 1
    events = DossierTransition.objects.filter(dossier=dossier, action=Action.SCHEDULE_PICKUP)
    assert events.count() == 1
    assert DossierNotice.objects.filter(transition__in=events).count() == 1
    assert GeneratedDocument.objects.filter(kind=DocumentKind.PICKUP_SLIP).count() == 1


def test_duplicate_runs_make_one_shipment(citizen, clerk, processor, leader, paid_procedure,
                                          units):
    dossier = ready(paid_procedure, citizen, units, clerk, processor, leader, postal=True)
    for _ in range(3):
        route_result(dossier.pk)
    assert Shipment.objects.filter(dossier_id=dossier.pk).count() == 1
    assert DossierTransition.objects.filter(dossier=dossier, action=Action.SHIP).count() == 1


def test_broker_down_during_result_ready_then_sweep_routes(citizen, clerk, processor, leader,
                                                           paid_procedure, units):
    with mock.patch.object(route_results, "apply_async",
                           side_effect=OperationalError("Connection refused")):
        dossier = ready(paid_procedure, citizen, units, clerk, processor, leader)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY  # committed, no error for the clerk
    assert not PickupAppointment.objects.exists()
    assert sweep_unrouted() == 1
    assert PickupAppointment.objects.filter(dossier_id=dossier.pk).count() == 1
    assert sweep_unrouted() == 0


def test_unrendered_pdfs_are_swept(citizen, clerk, processor, leader, paid_procedure, units):
    from delivery.tasks import render_dossier_document

    with mock.patch.object(render_dossier_document, "apply_async",
                           side_effect=OperationalError("down")):
        dossier = ready(paid_procedure, citizen, units, clerk, processor, leader)
    assert not GeneratedDocument.objects.filter(dossier_id=dossier.pk).exists()
    assert sweep_documents() >= 2
    kinds = set(GeneratedDocument.objects.filter(dossier_id=dossier.pk)
                .values_list("kind", flat=True))
    assert {DocumentKind.RECEIPT, DocumentKind.PICKUP_SLIP} <= kinds
    before = GeneratedDocument.objects.count()
    sweep_documents()
    assert GeneratedDocument.objects.count() == before  # byte-stable: nothing new


def test_final_failed_delivery_falls_back_to_pickup(client, citizen, clerk, processor, leader,
                                                    paid_procedure, units, settings):
    settings.POSTAL_MAX_ATTEMPTS = 2
    dossier = ready(paid_procedure, citizen, units, clerk, processor, leader, postal=True)
    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    provider = SandboxPostalProvider()
    for attempt in (1, 2):
        body, headers = provider.build_callback(
            tracking_number=shipment.tracking_number, status=ShipmentStatus.FAILED,
            occurred_at=timezone.now(), attempt=attempt, note="Không có người nhận")
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        assert client.post("/callbacks/postal/sandbox/status", body,
                           content_type="application/json", **headers).status_code == 200
        exists = PickupAppointment.objects.filter(dossier_id=dossier.pk).exists()
        assert exists == (attempt == 2)
    appointment = PickupAppointment.objects.get(dossier_id=dossier.pk)
    assert appointment.reason == PickupReason.POSTAL_FAILED
    event = DossierTransition.objects.get(dossier=dossier, action=Action.SCHEDULE_PICKUP)
    assert "Bưu chính không phát được" in event.note
    assert DossierNotice.objects.filter(transition=event).exists()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY


def test_reconciliation_applies_a_lost_delivered_callback(citizen, clerk, processor, leader,
                                                          paid_procedure, units):
    dossier = ready(paid_procedure, citizen, units, clerk, processor, leader, postal=True)
    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    SandboxPostalProvider().simulate(tracking_number=shipment.tracking_number,
                                     status=ShipmentStatus.DELIVERED, occurred_at=timezone.now())
    Shipment.objects.filter(pk=shipment.pk).update(
        updated_at=timezone.now() - timezone.timedelta(days=2))
    assert reconcile_shipments() == 1
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    assert reconcile_shipments() == 0


def test_overdue_scan_alerts_leader_once_a_day(citizen, clerk, leader, paid_procedure, units,
                                               mailoutbox):
    from delivery.tasks import scan_overdue
    from dossiers.models import Dossier

    leader.email = "leader@example.vn"
    leader.save(update_fields=["email"])
    dossier = submitted_dossier(paid_procedure, citizen, units)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="TEST-2")
    dossier = dossier_receive(dossier=dossier, acting_user=clerk)
    Dossier.objects.filter(pk=dossier.pk).update(
        due_date=timezone.localdate() - timezone.timedelta(days=3))
    assert scan_overdue() == 1
    assert scan_overdue() == 0
    assert [m.to for m in mailoutbox if dossier.code in m.subject] == [["leader@example.vn"]]


def test_result_is_handed_over_only_through_the_counter(client, citizen, clerk, processor,
                                                        leader, paid_procedure, units):
    from accounts.testing import login_verified

    dossier = ready(paid_procedure, citizen, units, clerk, processor, leader)
    login_verified(client, clerk)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'value="return_result"' not in page
    assert f"/can-bo/tra-ket-qua/{dossier.code}/" in page
    response = client.post(f"/api/v1/dossiers/{dossier.code}/transitions/",
                           {"action": "return_result", "note": "đã trả"},
                           content_type="application/json")
    assert response.status_code in (400, 409)
    assert response.json()["error"]["code"] == "handover_required"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY
