"""The staff dashboard (scope, drill-down, live overdue list), exports, public page and API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from accounts.testing import login_verified
from reports.services import stats_rebuild

from .conftest import make_staff

NOV = {"tu": "2026-11-01", "den": "2026-11-30"}


@pytest.fixture
def built(november):
    stats_rebuild()
    return november


@pytest.fixture
def city_admin(django_user_model, units):
    return make_staff(django_user_model, "city-admin", units["city"], "district_admin")


@pytest.fixture
def admin_client(client, city_admin):
    login_verified(client, city_admin)
    return client


def test_dashboard_for_the_city(admin_client, built, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = admin_client.get("/can-bo/thong-ke/", NOV)
    assert response.status_code == 200
    page = response.content.decode()
    assert units["district"].name in page and units["other_district"].name in page
    assert 'data-figure="received"' in page
    # The live cards: G overdue; nothing waiting for reception past its working hours.
    assert re.search(r'data-figure="overdue_now".*?class="value">1<', page, re.S)
    assert re.search(r'data-figure="late_to_acknowledge_now".*?class="value">0<', page, re.S)
    assert 'id="chart-data"' in page and "vendor/chartjs/chart.umd.min.js" in page
    # no inline script: only external files and the json_script data block
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'style="' not in page


def test_drill_down_district_ward_procedure_dossiers(admin_client, built, units,
                                                     paid_procedure):
    page = admin_client.get("/can-bo/thong-ke/", {**NOV, "don_vi": units["district"].pk})
    assert units["ward"].name in page.content.decode()
    page = admin_client.get("/can-bo/thong-ke/", {**NOV, "don_vi": units["ward"].pk})
    text = page.content.decode()
    assert paid_procedure.name in text and f"thu_tuc={paid_procedure.pk}" in text
    listing = admin_client.get("/can-bo/thong-ke/ho-so/", {
        **NOV, "don_vi": units["ward"].pk, "thu_tuc": paid_procedure.pk}).content.decode()
    codes = set(re.findall(r'/can-bo/ho-so/([A-Z])/"', listing))
    assert codes == {"A", "B", "C", "D", "E", "G", "I"}  # F withdrawn, H never received


def test_ward_clerk_sees_only_their_ward(client, django_user_model, units, built):
    clerk = make_staff(django_user_model, "clerk-w", units["ward"], "clerk")
    login_verified(client, clerk)
    assert client.get("/can-bo/thong-ke/", NOV).status_code == 200
    assert client.get("/can-bo/thong-ke/", {"don_vi": units["other_ward"].pk}).status_code == 403
    assert client.get("/can-bo/thong-ke/", {"don_vi": units["city"].pk}).status_code == 403


def test_staff_pages_need_two_factor(client, city_admin, built):
    client.force_login(city_admin)  # password only: sent to enrol a second factor
    response = client.get("/can-bo/thong-ke/")
    assert response.status_code in (302, 403) and "/can-bo/" not in response.get("Location", "")


def test_csv_and_xlsx_exports_with_vietnamese_headers(admin_client, built, units):
    response = admin_client.get("/can-bo/thong-ke/xuat/don-vi.csv", NOV)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Đơn vị", "Tiếp nhận", "Trực tiếp"]
    assert rows[1][0] == units["district"].name and rows[1][1] == "7"
    response = admin_client.get("/can-bo/thong-ke/xuat/qua-han.xlsx", NOV)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Mã hồ sơ", "Thủ tục"]
    assert sheet["A2"].value == "G"
    for table in ("tong-hop", "thu-tuc", "xep-hang-phuong", "theo-thoi-gian"):
        assert admin_client.get(f"/can-bo/thong-ke/xuat/{table}.xlsx", NOV).status_code == 200
    assert admin_client.get("/can-bo/thong-ke/xuat/khac.csv").status_code == 404


def test_public_page_has_figures_but_no_personal_data(client, built, units):
    response = client.get(f"/thong-ke/{units['city'].code}/", NOV)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Văn An" not in page and ">G<" not in page
    assert units["district"].name in page
    assert client.get("/thong-ke/").status_code == 200


def test_api_figures_in_schema_and_overdue_for_staff_only(admin_client, built, units):
    client = admin_client
    response = client.get("/api/v1/stats/figures/", {
        "unit": units["city"].code, "from": "2026-11-01", "to": "2026-11-30"})
    body = response.json()
    assert body["figures"]["received"] == 8 and body["figures"]["on_time_rate"] == 71.4
    assert body["previous_period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    # Live counts: G is in progress past its appointment; no online filing waits for reception.
    assert (body["overdue_now"], body["late_to_acknowledge_now"]) == (1, 0)
    rows = client.get("/api/v1/stats/procedures/", {"unit": units["city"].code,
                                                    "from": "2026-11-01", "to": "2026-11-30"})
    assert [r["key"] for r in rows.json()["rows"]] == ["1.004873", "2.000635"]
    from django.test import Client

    anonymous = Client()
    assert anonymous.get("/api/v1/stats/overdue/", {"unit": units["city"].code}).status_code in (
        401, 403)
    overdue = admin_client.get("/api/v1/stats/overdue/", {"unit": units["city"].code}).json()
    assert [r["code"] for r in overdue] == ["G"]
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/stats/figures/" in schema


def test_transitions_keep_the_rollup_current(submitted, clerk,
                                             django_capture_on_commit_callbacks):
    from django.utils import timezone

    from dossiers.services import dossier_receive, dossier_withdraw
    from reports.models import DossierFact, StatRollup

    with django_capture_on_commit_callbacks(execute=True):
        dossier_receive(dossier=submitted, acting_user=clerk)
    cell = StatRollup.objects.get(grain="M", unit=submitted.receiving_unit)
    assert cell.received == 1 and cell.received_online == 1
    assert cell.day == timezone.localdate().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_withdraw(dossier=submitted, acting_user=submitted.applicant)
    assert not StatRollup.objects.exists() and not DossierFact.objects.exists()


def test_rebuild_command(built, capsys):
    from django.core.management import call_command

    call_command("rebuild_stats")
    assert "8" in capsys.readouterr().out
