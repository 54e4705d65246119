"""The facts every signed-in request checks (staff assignments, two-factor device) are read with
the user in one query (accounts.selectors.load_guard_facts), and say the same as the separate
checks they replace."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import IdentifierBackend
from accounts.models import StaffAssignment
from accounts.selectors import has_otp_device, is_staff_member, staff_assignment_flags
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db

GUARD_TABLES = ("accounts_staffassignment", "otp_totp_totpdevice", "otp_static_staticdevice")


@pytest.fixture
def units():
    return make_unit_tree()


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user("cd_an", password="x", full_name="An",
                                                 phone="+84905111222")


def facts(user):
    loaded = IdentifierBackend().get_user(user.pk)
    return (loaded.guard_has_assignment, loaded.guard_has_active_assignment,
            loaded.guard_is_staff_member, loaded.guard_has_device)


def test_a_signed_in_page_reads_the_guard_facts_in_one_query(client, citizen):
    client.force_login(citizen)
    client.get("/ho-so/")  # the first request of a session renews its expiry (a write)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ho-so/").status_code == 200
    guard = [q["sql"] for q in queries if any(t in q["sql"] for t in GUARD_TABLES)]
    assert len(guard) == 1
    assert len(queries) <= 5  # session, user, guard facts, the page's count and rows


def test_facts_match_the_separate_checks(citizen, units, django_user_model):
    assert facts(citizen) == (False, False, False, False)

    clerk = django_user_model.objects.create_user("clerk", password="x")
    assignment = StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    assert facts(clerk) == (True, True, True, False)
    TOTPDevice.objects.create(user=clerk, name="app", confirmed=False)
    assert facts(clerk)[3] is False  # an unconfirmed device is not a device yet
    StaticDevice.objects.create(user=clerk, name="backup", confirmed=True)
    assert facts(clerk)[3] is True

    units["ward"].is_active = False
    units["ward"].save()
    assert facts(clerk) == (True, True, False, True)  # not staff in a closed unit
    StaffAssignment.objects.filter(pk=assignment.pk).update(is_active=False)
    assert facts(clerk)[:3] == (True, False, False)

    for user in (citizen, clerk):
        loaded = IdentifierBackend().get_user(user.pk)
        fresh = django_user_model.objects.get(pk=user.pk)  # no facts loaded: queries
        assert staff_assignment_flags(loaded) == staff_assignment_flags(fresh)
        assert is_staff_member(loaded) == is_staff_member(fresh)
        assert has_otp_device(loaded) == has_otp_device(fresh)


def test_an_enrolled_citizen_is_still_asked_for_the_code(client, citizen):
    TOTPDevice.objects.create(user=citizen, name="app", confirmed=True)
    client.force_login(citizen)
    response = client.get("/ho-so/")
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize("staff", [False, True])
def test_sliding_expiry_is_renewed_once_per_hundredth_of_the_idle_window(
        client, citizen, units, settings, monkeypatch, staff):
    from accounts import middleware
    from accounts.testing import login_verified

    now = [2_000_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    if staff:
        StaffAssignment.objects.create(user=citizen, unit=units["ward"], role="clerk")
        login_verified(client, citizen)
        idle, every = settings.STAFF_SESSION_IDLE_SECONDS, 60
    else:
        client.force_login(citizen)
        idle = settings.CITIZEN_SESSION_IDLE_SECONDS
        every = idle // 100
    assert middleware.renew_interval(idle) == every

    def renewed_at():
        client.get("/ho-so/")
        assert client.session.get_expiry_age() == idle
        return client.session["_renewed_at"]

    first = renewed_at()
    now[0] += every - 1
    assert renewed_at() == first  # no session write yet
    now[0] += 1
    assert renewed_at() == first + every
