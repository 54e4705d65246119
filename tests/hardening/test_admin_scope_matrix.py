"""Admin scope matrix: every admin URL of the accounts and procedures models, and the staff
procedure API × (superuser, admin of district A, admin of district B, clerk) × objects inside
and outside each admin's scope (issue 13).

Each attempt runs in a savepoint that is rolled back, so one world serves a whole table; what
an attempt wrote is read inside the savepoint before the rollback. A refused write must leave
the database as it was; an allowed one must have happened.

Scope, as accounts.selectors and procedures.policy define it:
- a district admin *sees* the staff with an assignment in its units and every procedure;
- it *changes* only accounts created as staff in its units (``users_manageable_by``), their
  assignments, and the procedures its units own; deleting accounts and assignments, creating
  accounts in the admin, granting district-admin and editing sectors are the superuser's.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from accounts.constants import StaffRole
from accounts.models import StaffAssignment, User
from accounts.services import staff_create
from accounts.testing import login_verified
from procedures.models import Procedure, Sector
from procedures.services import procedure_export
from tests.accounts.admin_forms import admin_form_data
from tests.citizens.helpers import make_citizen
from tests.factories import make_procedure, make_unit_tree

pytestmark = pytest.mark.django_db

ACTORS = ["superuser", "admin_a", "admin_b", "clerk"]
NEW_PASSWORD = "Mat-khau-moi-2026-xyz"


class _Rollback(Exception):
    pass


@dataclass
class World:
    units: dict
    users: dict
    objects: dict
    # Which objects each actor may change, and which it sees at all (admin querysets).
    manages: dict = field(default_factory=dict)
    sees: dict = field(default_factory=dict)

    def client(self, actor: str) -> Client:
        """A fresh signed-in session per attempt: a rolled-back attempt may take the row of
        a session it rotated with it."""
        client = Client()
        login_verified(client, self.users[actor])
        return client


@pytest.fixture
def world(db) -> World:
    units = make_unit_tree()
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    admin_a = staff_create(acting_user=root, username="qt.a", full_name="QT A",
                           password="Quan-tri-a-2026-xyz", unit=units["district"],
                           role=StaffRole.DISTRICT_ADMIN)
    admin_b = staff_create(acting_user=root, username="qt.b", full_name="QT B",
                           password="Quan-tri-b-2026-xyz", unit=units["other_district"],
                           role=StaffRole.DISTRICT_ADMIN)
    staff_a = staff_create(acting_user=admin_a, username="cb.a", full_name="Cán bộ A",
                           password="Can-bo-a-2026-xyz", unit=units["ward"],
                           role=StaffRole.CLERK, email="cb.a@example.vn")
    staff_b = staff_create(acting_user=admin_b, username="cb.b", full_name="Cán bộ B",
                           password="Can-bo-b-2026-xyz", unit=units["other_ward"],
                           role=StaffRole.CLERK, email="cb.b@example.vn")
    citizen = make_citizen()
    # The review's attack, half done: a citizen holding an assignment in A's ward.
    planted = make_citizen(national_id="001203004545", dob=datetime.date(2003, 1, 2),
                           phone="0912000111",
                           email="planted@example.vn", full_name="Trần Thị Bình")
    StaffAssignment.objects.create(user=planted, unit=units["ward"], role=StaffRole.CLERK)
    proc_a = make_procedure(code="1.000001", name="Thủ tục A", status="draft")
    proc_b = make_procedure(code="1.000002", name="Thủ tục B", status="draft")
    citywide = make_procedure(code="1.000003", name="Thủ tục toàn thành phố", status="draft")
    Procedure.objects.filter(pk=proc_a.pk).update(owner_unit=units["district"])
    Procedure.objects.filter(pk=proc_b.pk).update(owner_unit=units["other_district"])
    assignment = StaffAssignment.objects.get
    objects = {
        "staff_a": staff_a, "staff_b": staff_b, "citizen": citizen, "planted": planted,
        "root": root,
        "asg_a": assignment(user=staff_a), "asg_b": assignment(user=staff_b),
        "asg_planted": assignment(user=planted),
        "proc_a": Procedure.objects.get(pk=proc_a.pk),
        "proc_b": Procedure.objects.get(pk=proc_b.pk),
        "citywide": Procedure.objects.get(pk=citywide.pk),
    }
    clerk = User.objects.get(pk=staff_a.pk)  # a clerk: staff, but no admin-site access
    everything = set(objects)
    return World(
        units=units,
        users={"superuser": root, "admin_a": admin_a, "admin_b": admin_b, "clerk": clerk},
        objects=objects,
        manages={"superuser": everything, "admin_a": {"staff_a", "asg_a", "proc_a"},
                 "admin_b": {"staff_b", "asg_b", "proc_b"}, "clerk": set()},
        sees={"superuser": everything,
              "admin_a": {"staff_a", "planted", "asg_a", "asg_planted", "proc_a", "proc_b",
                          "citywide"},
              "admin_b": {"staff_b", "asg_b", "proc_a", "proc_b", "citywide"},
              "clerk": set()},
    )


def attempt(world: World, actor: str, method: str, url: str, data: Any = None,
            probe=lambda: None, **extra):
    """Sends the request in a savepoint; returns (response, probe before, probe after)."""
    client = world.client(actor)
    outcome = {}
    try:
        with transaction.atomic():
            outcome["before"] = probe()
            if method == "get":
                outcome["response"] = client.get(url)
            else:
                outcome["response"] = client.post(url, data, **extra)
            outcome["after"] = probe()
            raise _Rollback
    except _Rollback:
        pass
    return outcome["response"], outcome["before"], outcome["after"]


def to_login(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


class Failures(list):
    def check(self, ok: bool, actor: str, what: str, response, detail: str = ""):
        if not ok:
            self.append(f"{actor:10} {what} -> {response.status_code} {detail}")

    def assert_none(self):
        assert not self, "\n" + "\n".join(self)


# --- accounts: users ------------------------------------------------------------------------

USER_OBJECTS = ["staff_a", "staff_b", "citizen", "planted", "root"]


def user_probe(world, key):
    pk = world.objects[key].pk
    return lambda: User.objects.filter(pk=pk).values_list(
        "email", "is_active", "password").first()


def test_user_admin_lists_and_add(world):
    failures = Failures()
    for actor in ACTORS:
        for url in ("/admin/accounts/user/", "/admin/accounts/user/add/"):
            response, _, _ = attempt(world, actor, "get", url)
            if actor == "clerk":
                expected = to_login(response)
            elif url.endswith("add/"):
                expected = response.status_code == (200 if actor == "superuser" else 403)
            else:
                expected = response.status_code == 200
            failures.check(expected, actor, f"GET {url}", response)
        response, _, after = attempt(
            world, actor, "post", "/admin/accounts/user/add/",
            {"username": "moi", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
             "usable_password": "true", "staff_assignments-TOTAL_FORMS": "0",
             "staff_assignments-INITIAL_FORMS": "0"},
            probe=lambda: User.objects.filter(username="moi").exists())
        created_ok = after if actor == "superuser" else not after
        failures.check(created_ok, actor, "POST user add", response, f"created={after}")
    # Listed accounts: only the staff of one's units.
    for actor, expected in (("admin_a", {"cb.a", "planted"}), ("admin_b", {"cb.b"})):
        response, _, _ = attempt(world, actor, "get", "/admin/accounts/user/")
        listed = {u.username if u.username != world.objects["planted"].username else "planted"
                  for u in response.context["cl"].queryset}
        failures.check(listed == expected, actor, "changelist rows", response, str(listed))
    failures.assert_none()


def test_user_admin_change_password_delete(world):
    failures = Failures()
    for key in USER_OBJECTS:
        obj = world.objects[key]
        change = f"/admin/accounts/user/{obj.pk}/change/"
        base = world.client("superuser").get(change)
        data = admin_form_data(base, email=f"doi.{key}@example.vn")
        data.pop("is_active", None)  # and switch the account off
        for actor in ACTORS:
            manages, sees = key in world.manages[actor], key in world.sees[actor]
            # Change page: editable, read-only, or "no such object".
            response, _, _ = attempt(world, actor, "get", change)
            if actor == "clerk":
                ok = to_login(response)
            elif sees:
                ok = response.status_code == 200 and (
                    'name="email"' in response.content.decode()) == manages
            else:
                ok = response.status_code == 302
            failures.check(ok, actor, f"GET change {key}", response)
            # Change POST: email and is_active.
            response, before, after = attempt(world, actor, "post", change, data,
                                              probe=user_probe(world, key))
            changed = before != after
            if actor == "clerk":
                ok = to_login(response) and not changed
            elif manages:
                ok = response.status_code == 302 and after[:2] == (
                    f"doi.{key}@example.vn", False)
            else:
                ok = response.status_code in ((403,) if sees else (302,)) and not changed
            failures.check(ok, actor, f"POST change {key}", response, f"changed={changed}")
            # Password.
            password = f"/admin/accounts/user/{obj.pk}/password/"
            response, before, after = attempt(
                world, actor, "post", password,
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                 "usable_password": "true"}, probe=user_probe(world, key))
            changed = before != after
            if actor == "clerk":
                ok = to_login(response) and not changed
            elif manages:
                ok = response.status_code == 302 and changed
            else:
                ok = response.status_code == 403 and not changed
            failures.check(ok, actor, f"POST password {key}", response, f"changed={changed}")
            response, _, _ = attempt(world, actor, "get", password)
            if actor == "clerk":
                ok = to_login(response)
            else:
                ok = response.status_code == (200 if manages else 403)
            failures.check(ok, actor, f"GET password {key}", response)
            # Delete: the superuser's alone.
            response, _, after = attempt(
                world, actor, "post", f"/admin/accounts/user/{obj.pk}/delete/", {"post": "yes"},
                probe=lambda pk=obj.pk: User.objects.filter(pk=pk).exists())
            if actor == "clerk":
                ok = to_login(response) and after
            elif actor == "superuser":
                ok = key == "root" or (response.status_code == 302 and not after)
            else:
                ok = response.status_code == 403 and after
            failures.check(ok, actor, f"POST delete {key}", response, f"exists={after}")
    failures.assert_none()


# --- accounts: staff assignments ------------------------------------------------------------

ASSIGNMENT_OBJECTS = ["asg_a", "asg_b", "asg_planted"]


def test_staff_assignment_admin(world):
    failures = Failures()
    for actor in ACTORS:
        response, _, _ = attempt(world, actor, "get", "/admin/accounts/staffassignment/")
        ok = to_login(response) if actor == "clerk" else response.status_code == 200
        failures.check(ok, actor, "GET assignment changelist", response)
        # Add: to which account, in which unit, which role.
        for target, role in (("staff_a", "processor"), ("staff_b", "processor"),
                             ("citizen", "clerk"), ("planted", "processor"),
                             ("root", "clerk"), ("staff_a", "district_admin")):
            user = world.objects[target]
            response, _, after = attempt(
                world, actor, "post", "/admin/accounts/staffassignment/add/",
                {"user": user.pk, "unit": world.units["ward"].pk, "role": role,
                 "is_active": "on"},
                probe=lambda pk=user.pk, role=role: StaffAssignment.objects.filter(
                    user_id=pk, unit=world.units["ward"], role=role).exists())
            allowed = actor == "superuser" or (
                actor == "admin_a" and target == "staff_a" and role != "district_admin")
            if actor == "clerk":
                ok = to_login(response) and not (after and target != "planted")
            elif allowed:
                ok = response.status_code == 302 and after
            else:
                ok = response.status_code in (200, 403) and (
                    not after or (target == "planted" and role == "clerk"))
            failures.check(ok, actor, f"POST assignment add {target} {role}", response,
                           f"exists={after}")
    for key in ASSIGNMENT_OBJECTS:
        obj = world.objects[key]
        change = f"/admin/accounts/staffassignment/{obj.pk}/change/"
        for actor in ACTORS:
            manages, sees = key in world.manages[actor], key in world.sees[actor]
            def probe(pk=obj.pk):
                return StaffAssignment.objects.filter(pk=pk).values_list(
                    "is_active", "role").first()

            response, before, after = attempt(
                world, actor, "post", change,
                {"user": obj.user_id, "unit": obj.unit_id, "role": "leader"}, probe=probe)
            changed = before != after
            if actor == "clerk":
                ok = to_login(response) and not changed
            elif manages:
                ok = response.status_code == 302 and after == (False, "leader")
            else:
                ok = response.status_code in ((403,) if sees else (302,)) and not changed
            failures.check(ok, actor, f"POST change {key}", response, f"changed={changed}")
            response, _, after = attempt(
                world, actor, "post", f"/admin/accounts/staffassignment/{obj.pk}/delete/",
                {"post": "yes"},
                probe=lambda pk=obj.pk: StaffAssignment.objects.filter(pk=pk).exists())
            if actor == "clerk":
                ok = to_login(response) and after
            elif actor == "superuser":
                ok = response.status_code == 302 and not after
            else:
                ok = response.status_code == 403 and after
            failures.check(ok, actor, f"POST delete {key}", response, f"exists={after}")
    failures.assert_none()


# --- procedures -----------------------------------------------------------------------------

PROCEDURE_OBJECTS = ["proc_a", "proc_b", "citywide"]


def procedure_probe(pk):
    return lambda: (Procedure.objects.filter(pk=pk).values_list(
        "name", "status", "owner_unit_id").first(), Sector.objects.count())


def test_procedure_admin_pages(world):
    failures = Failures()
    for actor in ACTORS:
        for url in ("/admin/procedures/procedure/", "/admin/procedures/procedure/add/",
                    "/admin/procedures/procedure/import/", "/admin/procedures/sector/"):
            response, _, _ = attempt(world, actor, "get", url)
            ok = to_login(response) if actor == "clerk" else response.status_code == 200
            failures.check(ok, actor, f"GET {url}", response)
    for key in PROCEDURE_OBJECTS:
        obj = world.objects[key]
        change = f"/admin/procedures/procedure/{obj.pk}/change/"
        data = admin_form_data(world.client("superuser").get(change), name="Tên đã bị sửa")
        for actor in ACTORS:
            manages = key in world.manages[actor]
            for suffix in ("preview/", "export/"):
                response, _, _ = attempt(world, actor, "get",
                                         f"/admin/procedures/procedure/{obj.pk}/{suffix}")
                ok = to_login(response) if actor == "clerk" else response.status_code == 200
                failures.check(ok, actor, f"GET {suffix} {key}", response)
            response, _, _ = attempt(world, actor, "get", change)
            if actor == "clerk":
                ok = to_login(response)
            else:
                ok = response.status_code == 200 and (
                    'name="name"' in response.content.decode()) == manages
            failures.check(ok, actor, f"GET change {key}", response)
            response, before, after = attempt(world, actor, "post", change, data,
                                              probe=procedure_probe(obj.pk))
            changed = before != after
            if actor == "clerk":
                ok = to_login(response) and not changed
            elif manages:
                ok = response.status_code == 302 and after[0][0] == "Tên đã bị sửa"
            else:
                ok = response.status_code == 403 and not changed
            failures.check(ok, actor, f"POST change {key}", response, f"changed={changed}")
            response, _, after = attempt(
                world, actor, "post", f"/admin/procedures/procedure/{obj.pk}/delete/",
                {"post": "yes"}, probe=lambda pk=obj.pk: Procedure.objects.filter(
                    pk=pk).exists())
            if actor == "clerk":
                ok = to_login(response) and after
            elif manages:
                ok = response.status_code == 302 and not after
            else:
                ok = response.status_code == 403 and after
            failures.check(ok, actor, f"POST delete {key}", response, f"exists={after}")
    failures.assert_none()


def test_procedure_import_and_bulk_actions(world):
    failures = Failures()
    for key in PROCEDURE_OBJECTS:
        obj = world.objects[key]
        document = procedure_export(procedure=obj)
        document["name"] = "Tên nhập đè"
        for actor in ACTORS:
            manages = key in world.manages[actor]
            upload = SimpleUploadedFile("p.json", json.dumps(document).encode(),
                                        content_type="application/json")
            response, before, after = attempt(
                world, actor, "post", "/admin/procedures/procedure/import/", {"file": upload},
                probe=procedure_probe(obj.pk))
            changed = before != after
            if actor == "clerk":
                ok = to_login(response) and not changed
            elif manages:
                ok = response.status_code == 302 and after[0][0] == "Tên nhập đè"
            else:
                ok = response.status_code == 200 and not changed and (
                    "không thuộc đơn vị bạn quản lý" in response.content.decode())
            failures.check(ok, actor, f"admin import {key}", response, f"changed={changed}")
            for action, expect in (("publish_selected", "published"),
                                   ("archive_selected", "archived"),
                                   ("delete_selected", None)):
                response, before, after = attempt(
                    world, actor, "post", "/admin/procedures/procedure/",
                    {"action": action, "post": "yes", "_selected_action": [obj.pk]},
                    probe=procedure_probe(obj.pk))
                changed = before != after
                if response.status_code >= 500:
                    ok = False
                elif actor == "clerk":
                    ok = to_login(response) and not changed
                elif manages:
                    ok = after[0] is None if expect is None else after[0][1] == expect
                else:
                    ok = not changed
                failures.check(ok, actor, f"action {action} {key}", response,
                               f"changed={changed}")
    # Sectors: the superuser's.
    sector = Sector.objects.get(code="ho-tich")
    for actor in ACTORS:
        response, _, after = attempt(
            world, actor, "post", f"/admin/procedures/sector/{sector.pk}/change/",
            {"code": "ho-tich", "name": "Đổi tên", "name_en": ""},
            probe=lambda: Sector.objects.get(code="ho-tich").name)
        if actor == "clerk":
            ok = to_login(response) and after == "Hộ tịch"
        elif actor == "superuser":
            ok = response.status_code == 302 and after == "Đổi tên"
        else:
            ok = response.status_code == 403 and after == "Hộ tịch"
        failures.check(ok, actor, "POST sector change", response, after)
    failures.assert_none()


def test_staff_procedure_api(world):
    failures = Failures()
    for actor in ACTORS:
        response, _, _ = attempt(world, actor, "get", "/api/v1/staff/procedures/")
        ok = response.status_code == (403 if actor == "clerk" else 200)
        failures.check(ok, actor, "GET staff list", response)
    for key in PROCEDURE_OBJECTS:
        obj = world.objects[key]
        document = procedure_export(procedure=obj)
        document["name"] = "Tên nhập đè"
        for actor in ACTORS:
            manages = key in world.manages[actor]
            response, _, _ = attempt(world, actor, "get",
                                     f"/api/v1/staff/procedures/{obj.code}/export/")
            ok = response.status_code == (403 if actor == "clerk" else 200)
            failures.check(ok, actor, f"GET export {key}", response)
            response, before, after = attempt(
                world, actor, "post", "/api/v1/staff/procedures/import/", json.dumps(document),
                probe=procedure_probe(obj.pk), content_type="application/json")
            changed = before != after
            if manages:
                ok = response.status_code == 201 and after[0][0] == "Tên nhập đè"
            else:
                ok = response.status_code == 403 and not changed and "error" in response.json()
            failures.check(ok, actor, f"API import {key}", response, f"changed={changed}")
        # A new procedure: the superuser's is city-wide; an admin's is its district's.
        new = {**procedure_export(procedure=obj), "code": "1.000099"}
        for actor in ACTORS:
            response, _, after = attempt(
                world, actor, "post", "/api/v1/staff/procedures/import/", json.dumps(new),
                probe=lambda: Procedure.objects.filter(code="1.000099").values_list(
                    "owner_unit_id", flat=True).first(), content_type="application/json")
            expected_owner = {"superuser": None, "admin_a": world.units["district"].pk,
                              "admin_b": world.units["other_district"].pk}
            if actor == "clerk":
                ok = response.status_code == 403 and after is None
            else:
                ok = response.status_code == 201 and after == expected_owner[actor]
            failures.check(ok, actor, "API import new", response, f"owner={after}")
    failures.assert_none()
