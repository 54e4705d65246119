"""Ready results are routed in pages (``route_results``, celery-batches): the same outcomes as
one ``route`` per dossier, written in bulk, with retries and nothing routed twice."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from celery_batches import SimpleRequest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from delivery import services
from delivery.constants import DocumentKind, PickupReason
from delivery.models import GeneratedDocument, PickupAppointment, Shipment
from delivery.tasks import route_results, sweep_unrouted
from dossiers.constants import Action, DossierState
from dossiers.models import DossierNotice, DossierTransition
from dossiers.services import dossier_receive, dossier_record_payment

from .conftest import FEE
from .helpers import finish, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def message(dossier_id: int, attempt: int = 0) -> SimpleRequest:
    """One buffered ``route_results.delay(dossier_id)`` message, as the worker hands it over."""
    return SimpleRequest(
        id=str(uuid.uuid4()), name=route_results.name, args=(dossier_id,),
        kwargs={"attempt": attempt} if attempt else {}, delivery_info={}, hostname="test",
        ignore_result=True, reply_to=None, correlation_id=None, request_dict={})


def ready_unrouted(procedure, citizen, units, clerk, processor, leader, n=1, postal=False):
    """Dossiers in result_ready whose routing message was lost (as if the broker was down)."""
    dossiers = []
    with mock.patch.object(route_results, "apply_async"):
        for i in range(n):
            dossier = submitted_dossier(procedure, citizen, units, postal=postal)
            dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref=f"B-{i}")
            dossier = dossier_receive(dossier=dossier, acting_user=clerk)
            dossiers.append(finish(dossier, clerk, processor, leader))
    assert not PickupAppointment.objects.filter(dossier_id__in=[d.pk for d in dossiers]).exists()
    return dossiers


def test_result_ready_is_routed_through_the_batch_task(citizen, clerk, processor, leader,
                                                       paid_procedure, units):
    with mock.patch.object(route_results, "apply_async",
                           wraps=route_results.apply_async) as sent:
        dossier = submitted_dossier(paid_procedure, citizen, units)
        dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="B-one")
        dossier = finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor,
                         leader)
    assert [call.kwargs["args"] for call in sent.call_args_list] == [(dossier.pk,)]
    assert sent.call_args.kwargs.get("queue") is None  # routed by CELERY_TASK_ROUTES
    from django.conf import settings
    assert settings.CELERY_TASK_ROUTES[route_results.name] == {"queue": "routing"}
    appointment = PickupAppointment.objects.get(dossier_id=dossier.pk)
    assert appointment.reason == PickupReason.CHOSEN


def test_a_page_routes_each_dossier_once_with_the_single_path_outcomes(
        citizen, clerk, processor, leader, paid_procedure, units):
    desk = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader, n=3)
    postal = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader,
                            postal=True)[0]
    services.route(dossier_id=desk[0].pk)  # already routed before the page runs
    missing = 10**9
    page = [message(d.pk) for d in desk] + [message(desk[1].pk), message(postal.pk),
                                            message(missing)]

    outcomes = route_results(page)

    assert outcomes == {desk[0].pk: "at_desk", desk[1].pk: "scheduled",
                        desk[2].pk: "scheduled", postal.pk: "shipped", missing: "skipped"}
    for dossier in desk:
        assert PickupAppointment.objects.filter(dossier_id=dossier.pk).count() == 1
        events = DossierTransition.objects.filter(dossier=dossier,
                                                  action=Action.SCHEDULE_PICKUP)
        assert events.count() == 1
        event = events.get()
        assert event.from_state == event.to_state == DossierState.RESULT_READY
        assert "Mời ông/bà nhận kết quả tại" in event.note
        assert DossierNotice.objects.filter(transition=event).exclude(sent_at=None).count() == 1
        assert GeneratedDocument.objects.filter(dossier_id=dossier.pk,
                                                kind=DocumentKind.PICKUP_SLIP).count() == 1
    assert Shipment.objects.filter(dossier_id=postal.pk).count() == 1
    assert not PickupAppointment.objects.filter(dossier_id=postal.pk).exists()

    # The same page delivered again (a redelivered message) changes nothing.
    before = DossierTransition.objects.count(), DossierNotice.objects.count()
    again = route_results(page)
    assert set(again.values()) == {"at_desk", "in_transit", "skipped"}
    assert (DossierTransition.objects.count(), DossierNotice.objects.count()) == before
    assert sweep_unrouted() == 0


def test_a_page_costs_the_same_queries_for_2_or_12_dossiers(citizen, clerk, processor,
                                                             leader, paid_procedure, units):
    dossiers = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader, n=14)
    counts = []
    for page in (dossiers[:2], dossiers[2:]):
        with mock.patch("portal.tasks.enqueue"), CaptureQueriesContext(connection) as queries:
            outcomes = services.route_many(dossier_ids=[d.pk for d in page])
        assert set(outcomes.values()) == {"scheduled"}
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8, counts


def test_a_transient_failure_resends_each_dossier_with_backoff(citizen, clerk, processor,
                                                               leader, paid_procedure, units):
    first, second = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader,
                                   n=2)
    with mock.patch.object(services, "route_many", side_effect=OperationalError("gone")), \
            mock.patch.object(route_results, "apply_async") as resent:
        assert route_results([message(first.pk), message(second.pk, attempt=3)]) == {}
    calls = {call.kwargs["args"][0]: call.kwargs for call in resent.call_args_list}
    assert calls[first.pk]["kwargs"] == {"attempt": 1}
    assert 0 <= calls[first.pk]["countdown"] <= 1
    assert calls[second.pk]["kwargs"] == {"attempt": 4}
    assert 0 <= calls[second.pk]["countdown"] <= 8

    # Past max_retries the message is dropped; the dossier is still found by the sweep.
    with mock.patch.object(services, "route_many", side_effect=OperationalError("gone")), \
            mock.patch.object(route_results, "apply_async") as resent:
        route_results([message(first.pk, attempt=10)])
    assert not resent.called
    assert sweep_unrouted() == 2
    assert PickupAppointment.objects.filter(dossier_id__in=[first.pk, second.pk]).count() == 2


def test_a_postal_failure_in_a_page_does_not_stop_the_desk_dossiers(
        citizen, clerk, processor, leader, paid_procedure, units):
    desk = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader, n=2)
    postal = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader,
                            postal=True)[0]
    with mock.patch.object(services, "shipment_create", side_effect=OperationalError("post")), \
            mock.patch.object(route_results, "apply_async") as resent:
        route_results([message(d.pk) for d in (*desk, postal)])
    # The desk page committed before the postal dossier failed; all three are retried, and the
    # retry is a no-op for the two already at the desk.
    assert PickupAppointment.objects.filter(dossier_id__in=[d.pk for d in desk]).count() == 2
    assert {call.kwargs["args"][0] for call in resent.call_args_list} == {
        desk[0].pk, desk[1].pk, postal.pk}
    assert route_results([message(d.pk) for d in (*desk, postal)]) == {
        desk[0].pk: "at_desk", desk[1].pk: "at_desk", postal.pk: "shipped"}


def test_a_page_of_notices_tries_every_one_then_retries_only_the_unsent(
        citizen, clerk, processor, leader, paid_procedure, units):
    from citizens.sms import SmsDeliveryError
    from dossiers import tasks as dossier_tasks

    with mock.patch.object(dossier_tasks.notify_citizens, "apply_async"):
        dossiers = ready_unrouted(paid_procedure, citizen, units, clerk, processor, leader, n=3)
        services.route_many(dossier_ids=[d.pk for d in dossiers])
    events = list(DossierTransition.objects.filter(action=Action.SCHEDULE_PICKUP)
                  .order_by("pk").values_list("pk", flat=True))
    assert len(events) == 3
    real_send = dossier_tasks.send_sms
    calls = []

    def flaky(*, to, body):
        calls.append(body)
        if len(calls) == 2:
            raise SmsDeliveryError("gateway timeout")
        return real_send(to=to, body=body)

    with mock.patch.object(dossier_tasks, "send_sms", side_effect=flaky), \
            pytest.raises(SmsDeliveryError):
        dossier_tasks.notify_citizens.run(events)
    assert len(calls) == 3  # the failure did not stop the third notice
    sent = DossierNotice.objects.filter(transition_id__in=events).exclude(sent_at=None)
    assert sent.count() == 2
    assert dossier_tasks.notify_citizens.run(events) == 1  # the retry sends only the missing one
    assert sent.count() == 3
