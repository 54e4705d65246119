"""The staff transition API takes, besides note and version, only the parameters of the action
asked for (dossiers.api.serializers.ACTION_PARAMETERS): anything else is a 400 field error."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
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
    received,
    submitted,
    units,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(clerk):  # noqa: F811
    api = APIClient()
    login_verified(api, clerk)
    return api


@pytest.mark.parametrize("action", ["receive", "request_supplement", "refuse_reception",
                                    "submit"])
def test_new_due_date_with_another_action_is_a_field_error(staff_api, submitted, action):  # noqa: F811
    response = staff_api.post(f"/api/v1/dossiers/{submitted.code}/transitions/",
                              {"action": action, "note": "Ghi chú", "new_due_date": "2030-01-01"},
                              format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["details"]) == ["new_due_date"]
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED
    assert not DossierTransition.objects.filter(dossier=submitted).exclude(
        action__in=[Action.CREATE, Action.SUBMIT]).exists()


def test_apologize_still_takes_its_new_due_date(staff_api, received):  # noqa: F811
    from dossiers.models import Dossier

    Dossier.objects.filter(pk=received.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1))
    received.refresh_from_db()
    new_date = timezone.localdate() + datetime.timedelta(days=5)
    response = staff_api.post(f"/api/v1/dossiers/{received.code}/transitions/",
                              {"action": "apologize", "note": "Xin lỗi vì chậm trễ",
                               "new_due_date": new_date.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    received.refresh_from_db()
    assert received.due_date == new_date
