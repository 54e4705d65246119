"""A first-time citizen files alone on a 360 px phone and on a desktop (issue 15): the draft
saves itself, a file uploads with progress and can be removed, the postal address is typed in
the form, the review page lists everything, a failed submit shows every problem at once; no
page scrolls sideways. Screenshots go to bench/results/screens/filing-*.png."""

from pathlib import Path

import pytest
from django.test import Client

from dossiers.models import Dossier
from tests.factories import make_procedure, make_unit_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "results" / "screens"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        page.url


def _shot(page, name: str, size: str) -> None:
    _no_sideways_scroll(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"filing-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_first_time_citizen_files_alone(live_server, browser, tmp_path, django_user_model,
                                          settings, size):
    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    make_unit_tree()
    procedure = make_procedure()
    citizen = django_user_model.objects.create_user(
        username="cd_steps", password="x", full_name="Võ Thị Hoa", phone="+84905111222")
    photo = tmp_path / "giay-chung-sinh.png"
    photo.write_bytes(_png())
    client = Client()
    client.force_login(citizen)
    context = browser.new_context(locale="vi-VN", viewport=VIEWPORTS[size],
                                  is_mobile=size == "phone", has_touch=size == "phone")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Step 1: a few answers, then the draft saves itself.
    page.goto(f"{live_server.url}/ho-so/nop/{procedure.code}/")
    assert "Bước 1/4: Thông tin" in page.locator(".step-progress").inner_text()
    page.get_by_label("Cơ quan tiếp nhận (nơi cư trú)").select_option(label="Phường Khuê Trung")
    page.get_by_label("Họ và tên trẻ").fill("Võ Minh Khang")
    page.get_by_label("Giới tính").select_option("nam")
    page.get_by_text("Đã lưu lúc").wait_for()
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.data == {"ho_ten_tre": "Võ Minh Khang", "gioi_tinh": "nam"}
    assert f"/ho-so/{dossier.uuid}/sua/" in page.url  # reloading opens the draft
    _shot(page, "1-draft-autosave", size)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Step 2: a photo uploads at once, with its name and size and a remove button.
    assert "Bước 2/4: Giấy tờ" in page.locator(".step-progress").inner_text()
    page.get_by_label("Chọn tệp: Giấy chứng sinh").set_input_files(str(photo))
    page.get_by_text("Đã lưu tệp giay-chung-sinh.png").wait_for()
    row = page.locator("[data-document-row=giay-chung-sinh] .file-item")
    assert "giay-chung-sinh.png" in row.inner_text()
    _shot(page, "2-upload", size)
    page.get_by_label("Chọn tệp: Tờ khai đăng ký khai sinh").set_input_files(str(photo))
    page.locator("[data-document-row=to-khai] .file-item").wait_for()
    page.locator("[data-document-row=to-khai]").get_by_role("button", name="Bỏ tệp").click()
    page.wait_for_load_state()
    assert page.locator("[data-document-row=to-khai] .file-item").count() == 0
    assert page.locator("[data-document-row=giay-chung-sinh] .file-item").count() == 1
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Step 3: postal delivery; the address is typed right here.
    assert "Bước 3/4: Nhận kết quả" in page.locator(".step-progress").inner_text()
    assert not page.get_by_label("Số nhà, tên đường, thôn/tổ").is_visible()
    page.get_by_label("Nhận kết quả qua bưu chính công ích").check()
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Đà Nẵng")
    page.get_by_label("Phường/xã").select_option(label="Phường Khuê Trung, Quận Cẩm Lệ")
    page.get_by_label("Số nhà, tên đường, thôn/tổ").fill("12 Lê Duẩn")
    _shot(page, "3-postal-address", size)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Step 4: everything on one page; the missing document and the empty date are listed
    # at once, the summary takes the focus and links to the fields.
    assert "Kiểm tra lại" in page.locator("h1").inner_text()
    assert "12 Lê Duẩn" in page.content()
    _shot(page, "4-review", size)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.id") == "loi"
    assert "Tờ khai đăng ký khai sinh" in summary.inner_text()
    assert "Ngày sinh" in summary.inner_text()
    _shot(page, "5-error-summary", size)
    summary.get_by_role("link", name="Ngày sinh").click()
    page.wait_for_url("**/sua/#id_ngay_sinh")
    page.get_by_label("Ngày sinh").fill("2026-11-20")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_label("Chọn tệp: Tờ khai đăng ký khai sinh").set_input_files(str(photo))
    page.locator("[data-document-row=to-khai] .file-item").wait_for()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/ho-so/000.01.10.H17-*/")
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert dossier.delivery_address["street"] == "12 Lê Duẩn"
    _shot(page, "6-submitted", size)
    context.close()
