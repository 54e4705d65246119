import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.testing import login_verified
from dossiers.constants import DossierState

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(citizen):
    client = APIClient()
    client.force_login(citizen)
    return client


@pytest.fixture
def staff_api(clerk):
    client = APIClient()
    login_verified(client, clerk)
    return client


def test_citizen_files_through_the_api(api, procedure, units):
    response = api.post("/api/v1/dossiers/", {
        "procedure": procedure.code, "place": units["ward"].code,
        "data": {"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-01"},
    }, format="json")
    assert response.status_code == 201, response.content
    ref = response.json()["ref"]
    assert response.json()["code"] is None and response.json()["state"] == "draft"
    early = api.post(f"/api/v1/dossiers/{ref}/submit/")
    assert early.status_code == 400
    assert early.json()["error"]["code"] == "missing_documents"
    for key in ("to-khai", "giay-chung-sinh"):
        r = api.post(f"/api/v1/dossiers/{ref}/attachments/",
                     {"document_key": key, "file": pdf()}, format="multipart")
        assert r.status_code == 201, r.content
    bad = api.post(f"/api/v1/dossiers/{ref}/attachments/",
                   {"document_key": "to-khai", "file": pdf(content=b"GIF89a")},
                   format="multipart")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "file_type"
    submitted = api.post(f"/api/v1/dossiers/{ref}/submit/")
    assert submitted.status_code == 200
    code = submitted.json()["code"]
    detail = api.get(f"/api/v1/dossiers/{code}/").json()
    assert [h["action"] for h in detail["history"]] == ["create", "submit"]
    assert api.get("/api/v1/dossiers/").json()["results"][0]["code"] == code


def test_other_citizens_get_404(submitted, other_citizen):
    client = APIClient()
    client.force_login(other_citizen)
    assert client.get(f"/api/v1/dossiers/{submitted.code}/").status_code == 404
    response = client.post(f"/api/v1/dossiers/{submitted.code}/transitions/",
                           {"action": "withdraw"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_staff_queue_and_transitions_with_conflict(staff_api, submitted):
    queue = staff_api.get("/api/v1/queue/").json()
    assert [d["code"] for d in queue["results"]] == [submitted.code]
    url = f"/api/v1/dossiers/{submitted.code}/transitions/"
    ok = staff_api.post(url, {"action": "receive", "version": submitted.version}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == DossierState.RECEIVED
    late = staff_api.post(url, {"action": "receive", "version": submitted.version},
                          format="json")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "conflict"
    again = staff_api.post(url, {"action": "receive"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transition_not_allowed"


def test_citizen_cannot_use_the_queue(api):
    assert api.get("/api/v1/queue/").status_code == 403


def test_public_track_has_no_personal_data(submitted):
    client = APIClient()
    body = client.get(f"/api/v1/track/{submitted.code}/").json()
    assert body["state"] == "submitted" and "due_date" in body
    assert "applicant_name" not in body and "data" not in body
    assert client.get("/api/v1/track/khong-co/").status_code == 404


def test_schema_lists_the_dossier_endpoints(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in ("/api/v1/dossiers/", "/api/v1/dossiers/{ref}/submit/",
                 "/api/v1/dossiers/{ref}/transitions/", "/api/v1/queue/",
                 "/api/v1/track/{code}/"):
        assert path in schema["paths"]
