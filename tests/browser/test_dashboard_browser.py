"""A city admin opens the statistics dashboard (Chart.js from static files, no inline script)
and drills down from district to ward to procedure to the dossier list."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from reports.services import stats_rebuild
from tests.factories import make_procedure, make_unit_tree
from tests.reports.conftest import at, d, make_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_renders_charts_and_drills_down(live_server, page, django_user_model):
    units = make_unit_tree()
    procedure = make_procedure(code="1.004873", name="Xác nhận tình trạng hôn nhân")
    w, o = units["ward"], units["other_ward"]
    make_dossier(procedure, w, "000.01.10.H17-261102-0001", state="returned", channel="2",
                 received=at(2), due=d(5), finished=at(4))
    make_dossier(procedure, w, "000.01.10.H17-261102-0002", state="in_progress",
                 received=at(2), due=d(5))
    make_dossier(procedure, o, "000.01.11.H17-261103-0001", state="returned",
                 received=at(3), due=d(5), finished=at(10))
    stats_rebuild()
    admin = django_user_model.objects.create_user(username="tp_admin", password="x",
                                                  full_name="Quản trị Thành phố")
    StaffAssignment.objects.create(user=admin, unit=units["city"], role="district_admin")
    client = Client()
    login_verified(client, admin)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)

    page.goto(f"{live_server.url}/can-bo/thong-ke/?tu=2026-11-01&den=2026-11-30")
    page.wait_for_selector("html[data-charts='ready']")
    assert page.locator("#don-vi-dang-xem").inner_text() == "Thành phố Đà Nẵng"
    assert page.locator("[data-figure='received'] .value").inner_text() == "3"
    assert page.locator("[data-figure='overdue_now'] .value").inner_text() == "1"
    assert page.locator("#chart-received").bounding_box()["height"] > 50

    page.locator("#bang-don-vi").get_by_role("link", name="Quận Cẩm Lệ").click()
    page.wait_for_selector("#don-vi-dang-xem:text('Quận Cẩm Lệ')")
    assert page.locator("[data-figure='received'] .value").inner_text() == "2"
    page.locator("#bang-don-vi").get_by_role("link", name="Phường Khuê Trung").click()
    page.wait_for_selector("#don-vi-dang-xem:text('Phường Khuê Trung')")
    page.locator("#bang-thu-tuc").get_by_role("link", name="1.004873").click()
    page.wait_for_selector("#bang-ho-so")
    listing = page.locator("#bang-ho-so").inner_text()
    assert "000.01.10.H17-261102-0001" in listing and "000.01.10.H17-261102-0002" in listing
    assert "000.01.11.H17" not in listing
    # the district's own ranking lists the ward; the overdue list names the owner unit
    page.go_back()
    page.go_back()
    assert "Phường Khuê Trung" in page.locator("#bang-xep-hang-phuong").inner_text()
    assert "Phường Khuê Trung" in page.locator("#bang-qua-han").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [u for u in missing if "/static/" in u], missing
