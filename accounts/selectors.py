"""Reads about accounts: who someone is by identifier, and which units a staff member acts in.

The dossier queue builds on ``staff_units`` and ``user_can_act_in_unit``: a role held at a unit
applies to that unit only, except a district admin's, which covers the unit's whole subtree.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_otp import devices_for_user

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
    return bool(user.is_staff or staff_assignments(user).exists())


def staff_units(user: User, role: str | None = None) -> QuerySet[Unit]:
    """Units the user acts in with ``role`` (any role when None); a district admin's
    assignment covers its unit and every unit below it. Superusers act everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    query = Q(pk__in=[])
    for assignment in staff_assignments(user, role=role):
        if assignment.role in SUBTREE_ROLES:
            query |= Q(path__startswith=assignment.unit.path)
        else:
            query |= Q(pk=assignment.unit_id)
    return Unit.objects.filter(query)


def user_holds_role_at(user: User, unit_ids, roles) -> bool:
    """One of ``roles`` is held at one of ``unit_ids`` (a unit and its ancestors, say); one
    query, where going through ``staff_units`` costs two per role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return staff_assignments(user).filter(role__in=list(roles), unit_id__in=list(unit_ids)
                                          ).exists()


def user_can_act_in_unit(user: User, unit: Unit, role: str | None = None) -> bool:
    return staff_units(user, role).filter(pk=unit.pk).exists()


def staff_manageable_units(user: User) -> QuerySet[Unit]:
    """Units whose staff the user may create and deactivate."""
    return staff_units(user, StaffRole.DISTRICT_ADMIN)


def can_manage_staff(user: User) -> bool:
    return staff_manageable_units(user).exists()


def staff_members_in_scope(user: User) -> QuerySet[User]:
    """Staff with at least one assignment (active or not) in a unit the user manages."""
    units = staff_manageable_units(user)
    return (
        User.objects.filter(staff_assignments__unit__in=units)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("full_name", "username")
    )


def confirmed_devices(user: User) -> list:
    return list(devices_for_user(user, confirmed=True))


def has_otp_device(user: User) -> bool:
    return bool(confirmed_devices(user))
