"""Reads about accounts: who someone is by identifier, and which units a staff member acts in.

The dossier queue builds on ``staff_units`` and ``user_can_act_in_unit``: a role held at a unit
applies to that unit only, except a district admin's, which covers the unit's whole subtree.
"""

from __future__ import annotations

import functools
import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_otp import device_classes, devices_for_user

from portal.validators import normalize_vn_phone
from units.models import Unit

from .constants import SUBTREE_ROLES, StaffRole
from .models import StaffAssignment, User


def normalize_identifier(raw: str) -> tuple[str, str]:
    """Returns (kind, value) with kind one of 'cccd', 'phone', 'username'."""
    value = (raw or "").strip()
    if re.fullmatch(r"\d{12}", value):
        return "cccd", value
    if re.fullmatch(r"[+\d\s.\-()]{9,20}", value):
        try:
            return "phone", normalize_vn_phone(value)
        except ValidationError:
            pass
    return "username", value


def user_by_identifier(identifier: str) -> User | None:
    """The account a sign-in identifier names: a CCCD, a mobile number or a staff username."""
    kind, value = normalize_identifier(identifier)
    if not value:
        return None
    if kind == "cccd":
        query = Q(citizen_profile__national_id=value)
    elif kind == "phone":
        query = Q(phone=value)
    else:
        query = Q(username=value)
    return User.objects.filter(query).first()


def staff_assignments(user: User, *, role: str | None = None) -> QuerySet[StaffAssignment]:
    qs = StaffAssignment.objects.active().filter(user_id=user.pk).select_related("unit")
    if role:
        qs = qs.filter(role=role)
    return qs


def is_staff_member(user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    if hasattr(user, "guard_is_staff_member"):  # loaded with the user (load_guard_facts)
        return user.guard_is_staff_member
    return staff_assignments(user).exists()


def staff_units(user: User, role: str | None = None) -> QuerySet[Unit]:
    """Units the user acts in with ``role`` (any role when None); a district admin's
    assignment covers its unit and every unit below it. Superusers act everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(_staff_units_query(user, role))


def request_assignments(user: User) -> list[StaffAssignment] | None:
    """The active assignments of the request's own user (the one ``load_guard_facts``
    loaded), read once per request with their units; None for any other user object, whose
    checks keep querying. The staff dossier page asks "may act here?" once per action."""
    if not hasattr(user, "guard_is_staff_member"):
        return None
    memo = getattr(user, "_assignments_memo", None)
    if memo is None:
        memo = list(staff_assignments(user)) if user.guard_is_staff_member else []
        user._assignments_memo = memo
    return memo


def _staff_units_query(user: User, role: str | None) -> Q:
    assignments = request_assignments(user)
    if assignments is None:
        assignments = staff_assignments(user, role=role)
    elif role:
        assignments = [a for a in assignments if a.role == role]
    query = Q(pk__in=[])
    for assignment in assignments:
        if assignment.role in SUBTREE_ROLES:
            query |= Q(path__startswith=assignment.unit.path)
        else:
            query |= Q(pk=assignment.unit_id)
    return query


def user_holds_role_at(user: User, unit_ids, roles) -> bool:
    """One of ``roles`` is held at one of ``unit_ids`` (a unit and its ancestors, say); one
    query, where going through ``staff_units`` costs two per role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    assignments = request_assignments(user)
    if assignments is not None:
        roles, unit_ids = set(roles), set(unit_ids)
        return any(a.role in roles and a.unit_id in unit_ids for a in assignments)
    return staff_assignments(user).filter(role__in=list(roles), unit_id__in=list(unit_ids)
                                          ).exists()


def acts_in_any_unit(user: User, unit_ids) -> bool:
    """One of ``unit_ids`` is among ``staff_units(user)``. For the request's own user an
    assignment at one of the units answers without a query (callers pass a unit with all its
    ancestors, so that is the usual case); only a district admin's subtree, which also covers
    the units below its own, still needs the units table."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    unit_ids = set(unit_ids)
    assignments = None if user.is_superuser else request_assignments(user)
    if assignments is not None:
        if any(a.unit_id in unit_ids for a in assignments):
            return True
        if not any(a.role in SUBTREE_ROLES for a in assignments):
            return False
    return staff_units(user).filter(pk__in=unit_ids).exists()


def user_can_act_in_unit(user: User, unit: Unit, role: str | None = None) -> bool:
    return staff_units(user, role).filter(pk=unit.pk).exists()


def staff_manageable_units(user: User) -> QuerySet[Unit]:
    """Units whose staff the user may create and deactivate."""
    return staff_units(user, StaffRole.DISTRICT_ADMIN)


def can_manage_staff(user: User) -> bool:
    return staff_manageable_units(user).exists()


def staff_members_in_scope(user: User) -> QuerySet[User]:
    """Staff with at least one assignment (active or not) in a unit the user manages: whom
    it may see in its lists and take out of its units. Seeing is not managing: see
    ``users_manageable_by`` for whose account it may edit."""
    units = staff_manageable_units(user)
    return (
        User.objects.filter(staff_assignments__unit__in=units)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name", "username")
    )


# --- Scope of staff administration ----------------------------------------------------------
# One function per kind of object, used by the admin, the staff pages and the services alike:
# a second path to the same write is where a scope check gets forgotten.

def users_manageable_by(user: User) -> QuerySet[User]:
    """Accounts whose details, password, activity and assignments ``user`` may change.

    The superuser: every account. A district admin: only accounts created as staff in one of
    its units (``created_in_unit``, written once by ``staff_create``) that hold nothing
    beyond its reach: no assignment outside its units, no district-admin role, no admin-site
    access (``is_staff``) or superuser flag, no citizen profile. An assignment alone proves
    nothing (it is what an attacker would add first), so a citizen, the superuser or a peer
    admin can never come into scope.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    units = staff_manageable_units(user)
    return (
        User.objects.filter(created_in_unit__in=units, is_superuser=False, is_staff=False,
                            citizen_profile__isnull=True)
        .exclude(pk=user.pk)
        .exclude(staff_assignments__role=StaffRole.DISTRICT_ADMIN)
        .exclude(pk__in=StaffAssignment.objects.exclude(unit__in=units).values("user_id"))
    )


def may_manage_user(user: User, target: User) -> bool:
    return users_manageable_by(user).filter(pk=target.pk).exists()


def roles_grantable_by(user: User) -> list[StaffRole]:
    """Roles ``user`` may give in its units: a district admin is made by the superuser only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return list(StaffRole)
    if not can_manage_staff(user):
        return []
    return [StaffRole.CLERK, StaffRole.PROCESSOR, StaffRole.LEADER]


def assignments_manageable_by(user: User) -> QuerySet[StaffAssignment]:
    """Assignments ``user`` may change: in its units, of an account it manages, with a role it
    may grant. Others in its units stay visible (``staff_members_in_scope``), read-only."""
    qs = StaffAssignment.objects.all()
    if user.is_superuser:
        return qs
    return qs.filter(unit__in=staff_manageable_units(user),
                     user__in=users_manageable_by(user),
                     role__in=roles_grantable_by(user))


def may_assign(user: User, *, target: User, unit: Unit, role: str) -> bool:
    """May ``user`` give ``target`` the role ``role`` in ``unit``?"""
    if role not in roles_grantable_by(user):
        return False
    if user.is_superuser:
        return True
    return (staff_manageable_units(user).filter(pk=unit.pk).exists()
            and may_manage_user(user, target))


def confirmed_devices(user: User) -> list:
    return list(devices_for_user(user, confirmed=True))


def has_otp_device(user: User) -> bool:
    if hasattr(user, "guard_has_device"):  # loaded by load_guard_facts
        return user.guard_has_device
    return bool(confirmed_devices(user))


@functools.cache
def _guard_facts_sql() -> str:
    """One statement, four EXISTS: any staff assignment, an active one, an active one in an
    active unit, a confirmed two-factor device of any kind. Plain SQL (the same on SQLite and
    PostgreSQL): built by the ORM, the subqueries cost more to compile than to run."""
    from django.db import connection

    from units.models import Unit

    quote = connection.ops.quote_name
    assignments, units = quote(StaffAssignment._meta.db_table), quote(Unit._meta.db_table)
    devices = " OR ".join(
        f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} d "  # noqa: S608 - model names
        f"WHERE d.{quote(model._meta.get_field('user').column)} = %(user)s "
        f"AND d.{quote(model._meta.get_field('confirmed').column)})"
        for model in device_classes()) or "0 = 1"
    # Identifiers from model metadata, quoted; the user id is a query parameter.
    return (f"SELECT EXISTS (SELECT 1 FROM {assignments} a WHERE a.user_id = %(user)s), "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {assignments} a WHERE a.user_id = %(user)s "
            f"AND a.is_active), "
            f"EXISTS (SELECT 1 FROM {assignments} a JOIN {units} u ON u.id = a.unit_id "
            f"WHERE a.user_id = %(user)s AND a.is_active AND u.is_active), "
            f"({devices})")


def load_guard_facts(user: User) -> User:
    """Reads, in one query, what every request of a signed-in user checks (the staff
    assignment flags of AccountGuardMiddleware, ``is_staff_member`` of the staff views, the
    two-factor device of the OTP check) and keeps it on the user object: the facts are those
    of the request's start, as the separate checks read them before."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_guard_facts_sql(), {"user": user.pk})
        row = cursor.fetchone()
    (user.guard_has_assignment, user.guard_has_active_assignment,
     user.guard_is_staff_member, user.guard_has_device) = (bool(value) for value in row)
    return user


def staff_assignment_flags(user: User) -> tuple[bool, bool]:
    """(has any staff assignment, has an active one): from the facts loaded with the user
    when there are, else one query."""
    if hasattr(user, "guard_has_assignment"):
        return user.guard_has_assignment, user.guard_has_active_assignment
    flags = list(StaffAssignment.objects.filter(user_id=user.pk)
                 .values_list("is_active", flat=True))
    return bool(flags), any(flags)
