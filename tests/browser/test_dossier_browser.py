"""A citizen files a level-3 dossier online; a clerk of the ward receives and forwards it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from dossiers.models import Dossier
from tests.factories import make_procedure, make_unit_tree
from tests.pdfs import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _session_cookie(user, live_server, *, verified: bool):
    client = Client()
    if verified:
        login_verified(client, user)
    else:
        client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def test_citizen_files_and_clerk_receives_and_forwards(live_server, browser, tmp_path,
                                                       django_user_model, settings):
    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    units = make_unit_tree()
    procedure = make_procedure(level=3, delivery_methods=["pickup"])
    citizen = django_user_model.objects.create_user(
        username="cd_browser", password="x", full_name="Võ Thị Hoa", phone="+84905111222")
    clerk = django_user_model.objects.create_user(username="mc_clerk", password="x",
                                                  full_name="Cán bộ Một Cửa")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)

    citizen_context = browser.new_context(locale="vi-VN")
    citizen_context.add_cookies([_session_cookie(citizen, live_server, verified=False)])
    page = citizen_context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/thu-tuc/{procedure.code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(f"**/ho-so/nop/{procedure.code}/")
    page.get_by_label("Họ và tên trẻ").fill("Võ Minh Khang")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_label("Ngày sinh").fill("2026-11-20")
    page.get_by_label("Cơ quan tiếp nhận (nơi cư trú)").select_option(label="Phường Khuê Trung")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    assert "Bước 2/4: Giấy tờ" in page.locator(".step-progress").inner_text()
    # Each file is stored as soon as it is chosen.
    page.get_by_label("Chọn tệp: Tờ khai đăng ký khai sinh").set_input_files(str(scan))
    page.get_by_text("Đã lưu tệp to-khai.pdf").wait_for()
    page.get_by_label("Chọn tệp: Giấy chứng sinh").set_input_files(str(scan))
    page.locator("[data-document-row=giay-chung-sinh] .file-item").wait_for()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()  # pickup, the only way
    assert "Kiểm tra lại" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/ho-so/000.01.10.H17-*/")
    dossier = Dossier.objects.get(applicant=citizen)
    assert page.locator("#trang-thai").inner_text().startswith("Đã nộp, chờ tiếp nhận")
    assert dossier.code in page.locator("h1").inner_text()
    citizen_context.close()

    clerk_context = browser.new_context(locale="vi-VN")
    clerk_context.add_cookies([_session_cookie(clerk, live_server, verified=True)])
    page = clerk_context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/can-bo/ho-so/")
    page.get_by_role("link", name=dossier.code).click()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    assert page.locator("#trang-thai").inner_text().startswith("Đã tiếp nhận")
    page.locator(".action-forward textarea").fill("Chuyển chuyên viên thẩm định")
    page.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert page.locator("#trang-thai").inner_text().startswith("Đang xử lý")
    page.screenshot(path=str(tmp_path / "staff-dossier.png"))
    clerk_context.close()
    dossier.refresh_from_db()
    assert (dossier.state, dossier.current_step) == ("in_progress", 1)
    assert list(dossier.transitions.values_list("action", flat=True)) == [
        "create", "submit", "receive", "forward"]
