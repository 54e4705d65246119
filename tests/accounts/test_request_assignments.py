"""The request's own user reads its active assignments once (accounts.selectors
.request_assignments); every "may act / may see" answer from them is the same as the answer the
database gives for a freshly loaded user, and costs no further query."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import IdentifierBackend
from accounts.models import StaffAssignment, User
from accounts.selectors import acts_in_any_unit, staff_units, user_holds_role_at
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_unit_tree()


def request_user(user) -> User:
    """The user as a request sees it: loaded by the backend with the guard facts."""
    loaded = IdentifierBackend().get_user(user.pk)
    assert hasattr(loaded, "guard_is_staff_member")
    return loaded


def plain_user(user) -> User:
    return User.objects.get(pk=user.pk)


def unit_sets(units):
    names = list(units)
    for size in (1, 2):
        for combo in itertools.combinations(names, size):
            yield combo, {units[name].pk for name in combo}


@pytest.mark.parametrize("role,at", [("clerk", "ward"), ("processor", "district"),
                                     ("district_admin", "district"), ("leader", "city")])
def test_answers_match_the_database_for_every_unit_set(units, django_user_model, role, at):
    staff = django_user_model.objects.create_user(f"ra_{role}", password="x")
    StaffAssignment.objects.create(user=staff, unit=units[at], role=role)
    StaffAssignment.objects.create(user=staff, unit=units["other_ward"], role="clerk",
                                   is_active=False)
    fast = request_user(staff)
    for combo, ids in unit_sets(units):
        expected_units = staff_units(plain_user(staff)).filter(pk__in=ids).exists()
        assert acts_in_any_unit(fast, ids) == expected_units, combo
        for roles in ({role}, {"clerk"}, {"leader", role}):
            expected = user_holds_role_at(plain_user(staff), ids, roles)
            assert user_holds_role_at(fast, ids, roles) == expected, (combo, roles)


def test_a_district_admin_reaches_a_ward_below_without_its_ancestors(units,
                                                                     django_user_model):
    admin = django_user_model.objects.create_user("ra_admin", password="x")
    StaffAssignment.objects.create(user=admin, unit=units["district"], role="district_admin")
    fast = request_user(admin)
    # An intake unit is passed alone, without its ancestors: only the subtree reaches it.
    assert acts_in_any_unit(fast, {units["ward"].pk})
    assert not acts_in_any_unit(fast, {units["other_ward"].pk})


def test_one_query_for_many_questions(units, django_user_model):
    clerk = django_user_model.objects.create_user("ra_clerk", password="x")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    fast = request_user(clerk)
    ward_path = {units["city"].pk, units["district"].pk, units["ward"].pk}
    with CaptureQueriesContext(connection) as captured:
        for _ in range(5):
            assert user_holds_role_at(fast, ward_path, {"clerk"})
            assert not user_holds_role_at(fast, ward_path, {"leader"})
            assert acts_in_any_unit(fast, ward_path)
            assert not acts_in_any_unit(fast, {units["other_ward"].pk})
    assert len(captured) == 1


def test_a_plain_user_object_keeps_asking_the_database(units, django_user_model):
    """Outside a request (a task, the shell) nothing is remembered: a revoked assignment
    counts at once."""
    clerk = django_user_model.objects.create_user("ra_plain", password="x")
    assignment = StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    user = plain_user(clerk)
    assert user_holds_role_at(user, {units["ward"].pk}, {"clerk"})
    assignment.is_active = False
    assignment.save()
    assert not user_holds_role_at(user, {units["ward"].pk}, {"clerk"})
    assert not acts_in_any_unit(user, {units["ward"].pk})


def test_an_inactive_unit_grants_nothing(units, django_user_model):
    clerk = django_user_model.objects.create_user("ra_closed", password="x")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    units["ward"].is_active = False
    units["ward"].save()
    fast = request_user(clerk)
    assert not user_holds_role_at(fast, {units["ward"].pk}, {"clerk"})
    assert not acts_in_any_unit(fast, {units["ward"].pk})
