import json
from pathlib import Path

import pytest

from procedures.services import procedure_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_catalogue():
    for path in sorted((ROOT / "procedures/demo").glob("*.json")):
        procedure_import(document=json.loads(path.read_text(encoding="utf-8")))


def test_citizen_finds_birth_registration_and_opens_it(live_server, page, demo_catalogue):
    page.goto(f"{live_server.url}/thu-tuc/")
    assert page.locator("h1").inner_text() == "Danh mục thủ tục hành chính"
    page.get_by_label("Tìm thủ tục").fill("khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url("**/thu-tuc/?q=khai+sinh*")
    results = page.locator(".procedure-card h2 a")
    titles = results.all_inner_texts()
    assert "Đăng ký khai sinh" in titles
    assert all("khai sinh" in title.lower() for title in titles)

    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()
    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_enabled()


def test_catalogue_is_usable_on_a_phone(live_server, phone_page, demo_catalogue):
    phone_page.goto(f"{live_server.url}/thu-tuc/?q=dang+ky+khai+sinh")
    assert phone_page.locator(".procedure-card").count() >= 1
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"
