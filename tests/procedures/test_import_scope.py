"""The JSON import and the bulk actions obey the admin change page's scope (issue 13, #2).

A district admin saw the city-wide catalogue and other districts' procedures read-only on the
change page, yet the API import, the admin's own import page and the publish/archive actions
rewrote them, and the import renamed shared sectors.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import StaffRole
from accounts.models import User
from accounts.services import district_admin_group, staff_create
from accounts.testing import login_verified
from procedures.models import Procedure, ProcedureVersion, Sector
from procedures.policy import may_change_procedure
from tests.factories import make_procedure, make_unit_tree, procedure_document

pytestmark = pytest.mark.django_db

API_IMPORT = "/api/v1/staff/procedures/import/"
ADMIN_IMPORT = "/admin/procedures/procedure/import/"
CHANGELIST = "/admin/procedures/procedure/"


@pytest.fixture
def world(db):
    units = make_unit_tree()
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    admin_a = staff_create(acting_user=root, username="qt.camle", full_name="QT Cẩm Lệ",
                           password="Quan-tri-cam-le-2026", unit=units["district"],
                           role=StaffRole.DISTRICT_ADMIN)
    citywide = make_procedure(code="1.000003", name="Thủ tục toàn thành phố")
    mine = make_procedure(code="1.000001", name="Thủ tục của Cẩm Lệ")
    theirs = make_procedure(code="1.000002", name="Thủ tục của Hải Châu")
    Procedure.objects.filter(pk=mine.pk).update(owner_unit=units["district"])
    Procedure.objects.filter(pk=theirs.pk).update(owner_unit=units["other_district"])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    return {"units": units, "root": root, "admin_a": admin_a, "citywide": citywide,
            "mine": mine, "theirs": theirs}


@pytest.fixture
def admin_client(client, world):
    login_verified(client, world["admin_a"])
    return client


def snapshot():
    return (sorted(Procedure.objects.values_list("code", "name", "status", "owner_unit_id")),
            ProcedureVersion.objects.count(),
            sorted(Sector.objects.values_list("code", "name", "name_en")))


def test_policy(world):
    admin_a = world["admin_a"]
    assert may_change_procedure(admin_a, world["mine"])
    assert not may_change_procedure(admin_a, world["citywide"])
    assert not may_change_procedure(admin_a, world["theirs"])
    assert may_change_procedure(world["root"], world["citywide"])


@pytest.mark.parametrize("target", ["citywide", "theirs"])
def test_api_import_refuses_a_procedure_outside_scope(admin_client, world, target):
    before = snapshot()
    code = world[target].code
    response = admin_client.post(API_IMPORT, procedure_document(code=code, name="Đã bị sửa"),
                                 content_type="application/json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "out_of_scope" and "không thuộc đơn vị bạn quản lý" in error[
        "message"]
    assert snapshot() == before


def test_api_import_of_its_own_procedure_publishes_a_new_version(admin_client, world):
    response = admin_client.post(API_IMPORT, procedure_document(code="1.000001",
                                                                name="Tên mới của Cẩm Lệ"),
                                 content_type="application/json")
    assert response.status_code == 201, response.content
    mine = Procedure.objects.get(code="1.000001")
    assert mine.name == "Tên mới của Cẩm Lệ" and mine.current_version == 2
    assert mine.owner_unit == world["units"]["district"]


def test_a_new_procedure_belongs_to_the_importing_admins_unit(admin_client, world):
    response = admin_client.post(API_IMPORT, procedure_document(code="1.000009"),
                                 content_type="application/json")
    assert response.status_code == 201, response.content
    assert Procedure.objects.get(code="1.000009").owner_unit == world["units"]["district"]
    # Another of its units may be named; a unit outside is refused.
    response = admin_client.post(
        f"{API_IMPORT}?owner_unit={world['units']['ward'].code}",
        procedure_document(code="1.000010"), content_type="application/json")
    assert response.status_code == 201
    assert Procedure.objects.get(code="1.000010").owner_unit == world["units"]["ward"]
    before = snapshot()
    response = admin_client.post(
        f"{API_IMPORT}?owner_unit={world['units']['other_ward'].code}",
        procedure_document(code="1.000011"), content_type="application/json")
    assert response.status_code == 403 and snapshot() == before


def test_superuser_imports_city_wide(client, world):
    login_verified(client, world["root"])
    response = client.post(API_IMPORT, procedure_document(code="1.000012"),
                           content_type="application/json")
    assert response.status_code == 201
    assert Procedure.objects.get(code="1.000012").owner_unit is None


def test_admin_without_a_unit_cannot_import_city_wide(client, world):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user("cauhinh", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_procedure"))
    login_verified(client, user)
    before = snapshot()
    response = client.post(API_IMPORT, procedure_document(code="1.000013"),
                           content_type="application/json")
    assert response.status_code == 403 and "toàn thành phố" in response.json()["error"][
        "message"]
    assert snapshot() == before


def test_import_cannot_create_or_rename_a_sector(admin_client, world):
    before = snapshot()
    response = admin_client.post(API_IMPORT, procedure_document(
        code="1.000001", sector={"code": "ho-tich", "name": "Đã đổi tên"}),
        content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["path"] == "/sector/name"
    response = admin_client.post(API_IMPORT, procedure_document(
        code="1.000001", sector={"code": "linh-vuc-moi", "name": "Lĩnh vực mới"}),
        content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["details"][0]["path"] == "/sector/code"
    assert snapshot() == before
    # The sector admin is the superuser's too.
    world["admin_a"].groups.add(district_admin_group())
    sector = Sector.objects.get(code="ho-tich")
    response = admin_client.post(f"/admin/procedures/sector/{sector.pk}/change/",
                                 {"code": "ho-tich", "name": "Đã đổi tên", "name_en": ""})
    assert response.status_code == 403
    assert admin_client.post("/admin/procedures/sector/add/", {
        "code": "moi", "name": "Mới"}).status_code == 403
    assert snapshot() == before


def test_admin_import_page_refuses_in_vietnamese(admin_client, world):
    world["admin_a"].groups.add(district_admin_group())
    before = snapshot()
    upload = SimpleUploadedFile("p.json", json.dumps(procedure_document(
        code="1.000003", name="Đã bị sửa")).encode(), content_type="application/json")
    response = admin_client.post(ADMIN_IMPORT, {"file": upload})
    assert response.status_code == 200
    assert "không thuộc đơn vị bạn quản lý" in response.content.decode()
    assert snapshot() == before
    upload = SimpleUploadedFile("p.json", json.dumps(procedure_document(
        code="1.000001", name="Sửa hợp lệ")).encode(), content_type="application/json")
    response = admin_client.post(ADMIN_IMPORT, {"file": upload})
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.000001").name == "Sửa hợp lệ"


@pytest.mark.parametrize("action", ["archive_selected", "publish_selected", "delete_selected"])
def test_bulk_actions_skip_procedures_outside_scope(admin_client, world, action):
    world["admin_a"].groups.add(district_admin_group())
    Procedure.objects.update(status="draft")
    before = snapshot()
    response = admin_client.post(CHANGELIST, {
        "action": action, "post": "yes", "_selected_action": [
            world["citywide"].pk, world["theirs"].pk]})
    assert response.status_code in (200, 302, 403)
    assert snapshot() == before
    response = admin_client.post(CHANGELIST, {
        "action": action, "post": "yes", "_selected_action": [world["mine"].pk]})
    if action == "delete_selected":
        # Published once, so its versions protect it; the point is it was allowed to try.
        assert response.status_code in (200, 302)
    else:
        assert Procedure.objects.get(pk=world["mine"].pk).status == {
            "archive_selected": "archived", "publish_selected": "published"}[action]
