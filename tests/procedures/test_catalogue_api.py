import pytest
from django.contrib.auth.models import Permission

from accounts.testing import login_verified
from procedures.models import Procedure
from tests.factories import make_procedure, procedure_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_procedure()
    make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", name_en="Copies",
                   sector={"code": "chung-thuc", "name": "Chứng thực"}, level=3,
                   delivery_methods=["pickup"], online_payment=False)


def test_list_search_filters_and_pagination(client, catalogue):
    body = client.get("/api/v1/procedures/", {"q": "KHAI SINH"}).json()
    assert body["count"] == 1 and body["results"][0]["code"] == "1.001193"
    assert body["results"][0]["delivery_methods"] == ["pickup", "postal"]
    assert client.get("/api/v1/procedures/", {"level": 3}).json()["count"] == 1
    assert client.get("/api/v1/procedures/", {"sector": "ho-tich"}).json()["count"] == 1
    assert client.get("/api/v1/procedures/", {"page_size": 1}).json()["next"]


def test_detail_includes_fields_and_documents(client, catalogue):
    body = client.get("/api/v1/procedures/1.001193/").json()
    assert [f["key"] for f in body["fields"]] == ["ho_ten_tre", "gioi_tinh", "ngay_sinh", "cccd_me"]
    assert body["fields"][1]["choices"][1] == {"value": "nu", "label": "Nữ"}
    assert body["documents"][1]["reusable"] is True
    assert body["steps"][1]["role"] == "processor"
    assert body["version"] == 1


def test_errors_are_structured_json(client, catalogue):
    response = client.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    response = client.get("/api/v1/procedures/", {"level": "9"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "level" in response.json()["error"]["details"]
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_staff_import_and_export(client, django_user_model):
    from accounts.models import StaffAssignment
    from procedures.models import Sector
    from tests.factories import make_unit_tree

    # A district admin: what it imports belongs to its district (procedures.policy), and it
    # names an existing sector (only the superuser creates them).
    units = make_unit_tree()
    Sector.objects.create(code="ho-tich", name="Hộ tịch", name_en="Civil status")
    user = django_user_model.objects.create_user("cauhinh", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_procedure"))
    StaffAssignment.objects.create(user=user, unit=units["district"], role="district_admin")
    login_verified(client, user)

    response = client.post("/api/v1/staff/procedures/import/", procedure_document(),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "1.001193"
    assert Procedure.objects.get().owner_unit == units["district"]
    exported = client.get("/api/v1/staff/procedures/1.001193/export/").json()
    assert exported["fields"][0]["key"] == "ho_ten_tre"

    bad = procedure_document(level=9)
    response = client.post("/api/v1/staff/procedures/import/", bad, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_configuration"
    assert error["details"] == [{"path": "/level", "message": error["details"][0]["message"]}]
    assert Procedure.objects.get().level == 4


def test_staff_api_refuses_citizens_and_anonymous(client, django_user_model):
    assert client.post("/api/v1/staff/procedures/import/", {}, content_type="application/json"
                       ).status_code in (401, 403)
    citizen = django_user_model.objects.create_user("congdan", password="x")
    client.force_login(citizen)
    response = client.post("/api/v1/staff/procedures/import/", procedure_document(),
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Procedure.objects.exists()


def test_openapi_schema_is_valid(client):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/procedures/{code}/" in schema["paths"]
    assert client.get("/api/docs/").status_code == 200
