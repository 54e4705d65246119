"""Stopping a dossier (TT 03/2025 Mẫu 05, national status 8): through the staff page and the
API, by the roles of the table only, with a reason; the notice is generated, the citizen told
and the clock stops for good."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.testing import login_verified
from delivery.constants import DocumentKind
from delivery.models import GeneratedDocument
from dossiers.constants import NATIONAL_STATUS, Action, DossierState, SlipKind
from dossiers.models import Dossier, DossierNotice, DossierSlip
from tests.factories import make_dossier

pytestmark = pytest.mark.django_db

REASON = "Quá thời hạn bổ sung hồ sơ mà công dân chưa bổ sung."


def _dossier(state, procedure, citizen, units, clerk, processor, leader):
    return make_dossier(state=state, procedure=procedure, citizen=citizen, units=units,
                        clerk=clerk, processor=processor, leader=leader)


def _assert_stopped(dossier_id: int) -> Dossier:
    dossier = Dossier.objects.get(pk=dossier_id)
    assert dossier.state == DossierState.STOPPED
    assert NATIONAL_STATUS[dossier.state] == 8
    assert dossier.finished_at is not None
    # The clock stopped for good: never running, never overdue, even long after the date.
    assert not dossier.clock_running and not dossier.is_overdue
    later = dossier.due_date + datetime.timedelta(days=30)
    assert not Dossier.objects.overdue(later).filter(pk=dossier.pk).exists()
    assert not Dossier.objects.clock_running().filter(pk=dossier.pk).exists()
    slip = DossierSlip.objects.get(dossier=dossier, kind=SlipKind.STOP)
    assert slip.data["reason"] == REASON
    document = GeneratedDocument.objects.get(kind=DocumentKind.STOP_NOTICE,
                                             subject_key=f"slip:{slip.pk}")
    assert document.dossier_id == dossier.pk
    entry = dossier.transitions.get(action=Action.STOP)
    notice = DossierNotice.objects.get(transition=entry)
    assert notice.sent_at is not None and "dừng giải quyết" in notice.body
    return dossier


def test_clerk_stops_a_dossier_waiting_for_a_supplement_on_the_staff_page(
        client, procedure, citizen, units, clerk, processor, leader,
        django_capture_on_commit_callbacks):
    dossier = _dossier("supplement_requested", procedure, citizen, units, clerk, processor,
                       leader)
    login_verified(client, clerk)
    page = client.get(reverse("dossiers_staff:detail", args=[dossier.code])).content.decode()
    # Offered through the policy, behind a confirmation with the reason required.
    assert 'class="card action-ends-case action-stop"' in page
    assert "Xác nhận: Dừng giải quyết hồ sơ" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dossiers_staff:act", args=[dossier.code]),
                                {"action": "stop", "note": REASON, "version": dossier.version})
    assert response.status_code == 302
    _assert_stopped(dossier.pk)
    # Final: nothing more to do on it.
    page = client.get(reverse("dossiers_staff:detail", args=[dossier.code])).content.decode()
    assert "action-stop" not in page


def test_leader_stops_a_dossier_in_progress_through_the_api(
        procedure, citizen, units, clerk, processor, leader, django_capture_on_commit_callbacks):
    dossier = make_dossier(state="in_progress", step=2, procedure=procedure, citizen=citizen,
                           units=units, clerk=clerk, processor=processor, leader=leader)
    api = APIClient()
    login_verified(api, leader)
    url = f"/api/v1/dossiers/{dossier.code}/transitions/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"action": "stop", "note": REASON, "version": dossier.version},
                            format="json")
    assert response.status_code == 200, response.content
    _assert_stopped(dossier.pk)
    # The statistics drop it, as they drop a withdrawn dossier.
    from reports.models import DossierFact
    from reports.services import stats_refresh_dossier

    stats_refresh_dossier(dossier_id=dossier.pk)
    assert not DossierFact.objects.filter(dossier_id=dossier.pk).exists()


def test_stop_is_refused_without_a_reason(procedure, citizen, units, clerk, processor, leader):
    dossier = _dossier("received", procedure, citizen, units, clerk, processor, leader)
    api = APIClient()
    login_verified(api, clerk)
    response = api.post(f"/api/v1/dossiers/{dossier.code}/transitions/",
                        {"action": "stop", "note": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "note_required"
    client = Client()
    login_verified(client, clerk)
    client.post(reverse("dossiers_staff:act", args=[dossier.code]),
                {"action": "stop", "note": "", "version": dossier.version})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED
    assert not DossierSlip.objects.filter(dossier=dossier, kind=SlipKind.STOP).exists()


def test_stop_is_refused_for_a_role_not_in_the_table(procedure, citizen, units, clerk,
                                                     processor, leader):
    dossier = make_dossier(state="in_progress", step=1, procedure=procedure, citizen=citizen,
                           units=units, clerk=clerk, processor=processor, leader=leader)
    api = APIClient()
    login_verified(api, processor)
    response = api.post(f"/api/v1/dossiers/{dossier.code}/transitions/",
                        {"action": "stop", "note": REASON}, format="json")
    assert response.status_code == 403
    client = Client()
    login_verified(client, processor)
    page = client.get(reverse("dossiers_staff:detail", args=[dossier.code])).content.decode()
    assert "action-stop" not in page
    client.post(reverse("dossiers_staff:act", args=[dossier.code]),
                {"action": "stop", "note": REASON, "version": dossier.version})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_PROGRESS
    # Nor by the citizen, nor from a state outside the table's sources.
    citizen_api = APIClient()
    citizen_api.force_login(citizen)
    assert citizen_api.post(f"/api/v1/dossiers/{dossier.code}/transitions/",
                            {"action": "stop", "note": REASON},
                            format="json").status_code in (403, 404)
    approved = make_dossier(state="approved", procedure=procedure, citizen=citizen, units=units,
                            clerk=clerk, processor=processor, leader=leader)
    api = APIClient()
    login_verified(api, leader)
    response = api.post(f"/api/v1/dossiers/{approved.code}/transitions/",
                        {"action": "stop", "note": REASON}, format="json")
    assert response.status_code == 409
