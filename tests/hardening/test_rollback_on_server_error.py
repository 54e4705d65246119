"""A request that answers 5xx leaves nothing written: a clerk's receive that committed before
the page failed told the clerk "error" while the dossier had moved on, its audit row written."""

from __future__ import annotations

from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.testing import login_verified
from dossiers.constants import Action, DossierState
from dossiers.models import DossierTransition
from tests.dossiers.conftest import (  # noqa: F401 - fixtures
    _sms,
    citizen,
    clerk,
    draft,
    procedure,
    submitted,
    units,
)

pytestmark = pytest.mark.django_db


def _unchanged(dossier) -> None:
    version = dossier.version
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.version == version
    assert not DossierTransition.objects.filter(dossier=dossier, action=Action.RECEIVE).exists()


def test_a_receive_through_the_api_that_then_fails_is_rolled_back(clerk, submitted):  # noqa: F811
    api = APIClient()
    login_verified(api, clerk)
    api.raise_request_exception = False
    with mock.patch("dossiers.api.views.DossierDetailSerializer.get_history",
                    side_effect=RuntimeError("rendering failed after the write")):
        response = api.post(f"/api/v1/dossiers/{submitted.code}/transitions/",
                            {"action": "receive", "version": submitted.version}, format="json")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    _unchanged(submitted)


def test_a_receive_on_the_staff_page_that_then_fails_is_rolled_back(
        client, clerk, submitted):  # noqa: F811
    login_verified(client, clerk)
    client.raise_request_exception = False
    with mock.patch("dossiers.staff_views.messages.success",
                    side_effect=RuntimeError("failed after the write")):
        response = client.post(f"/can-bo/ho-so/{submitted.code}/thao-tac/",
                               {"action": "receive", "version": submitted.version})
    assert response.status_code == 500
    _unchanged(submitted)


def test_a_successful_receive_commits_and_its_side_effects_run_on_commit(
        client, clerk, submitted, django_capture_on_commit_callbacks):  # noqa: F811
    login_verified(client, clerk)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/can-bo/ho-so/{submitted.code}/thao-tac/",
                               {"action": "receive", "version": submitted.version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == DossierState.RECEIVED
    assert callbacks  # the notice to the citizen, queued for the commit


def test_side_effects_of_a_rolled_back_request_never_run(
        client, clerk, submitted, django_capture_on_commit_callbacks):  # noqa: F811
    login_verified(client, clerk)
    client.raise_request_exception = False
    with django_capture_on_commit_callbacks() as callbacks, \
            mock.patch("dossiers.staff_views.messages.success", side_effect=RuntimeError):
        response = client.post(f"/can-bo/ho-so/{submitted.code}/thao-tac/",
                               {"action": "receive", "version": submitted.version})
    assert response.status_code == 500
    assert callbacks == []
    _unchanged(submitted)
