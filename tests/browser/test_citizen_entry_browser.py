"""A first-time citizen on a 360 px phone: the header shows how to sign in, sign-in and
registration lead back to the filing form, and the procedure page fits the screen.
Screenshots go to bench/results/screens/ for a person to look at."""

import json
import re
from pathlib import Path

import pytest

from procedures.services import procedure_import
from tests.citizens.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "bench/results/screens"
FILING = "/ho-so/nop/1.001193/"


@pytest.fixture
def birth_registration():
    path = ROOT / "procedures/demo/1.001193.json"
    return procedure_import(document=json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def sms_outbox(settings):
    from citizens import sms

    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    sms.outbox.clear()
    return sms.outbox


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"


def fully_on_screen(page, locator):
    box = locator.bounding_box()
    assert box is not None and locator.is_visible()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box


def test_header_at_360px_shows_sign_in_and_registration(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/")
    no_sideways_scroll(phone_page)
    header = phone_page.locator(".site-header")
    fully_on_screen(phone_page, header.get_by_role("link", name="Đăng nhập", exact=True))
    fully_on_screen(phone_page, header.get_by_role("link", name="Đăng ký", exact=True))
    for link in phone_page.locator(".main-nav a").all():
        fully_on_screen(phone_page, link)
    # Nothing in the header scrolls sideways on its own either.
    overflowing = phone_page.evaluate("""() => [...document.querySelectorAll('.site-header *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 &&
                     getComputedStyle(e).overflowX !== 'visible').length""")
    assert overflowing == 0
    shot(phone_page, "header-360")


def test_login_register_verify_lands_on_the_filing_form(live_server, phone_page,
                                                        birth_registration, sms_outbox):
    page = phone_page
    page.goto(f"{live_server.url}/thu-tuc/1.001193/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_url(re.compile(r".*/tai-khoan/dang-nhap/\?next=.+"))
    reason = page.locator("#login-reason").inner_text()
    assert "Vui lòng đăng nhập để nộp hồ sơ trực tuyến" in reason
    no_sideways_scroll(page)
    shot(page, "login-with-reason-360")
    page.locator("#register-link").click()
    page.wait_for_url(re.compile(r".*/cong-dan/dang-ky/\?next=.+"))
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số CCCD (số định danh cá nhân)").fill("048 095 001 234")
    page.get_by_label("Ngày sinh").fill("15/05/1995")
    page.get_by_label("Số điện thoại di động").fill("0905 123 456")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.locator("#id_consent").check()  # explicit consent (issue 17)
    no_sideways_scroll(page)
    shot(page, "register-360")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/cong-dan/dang-ky/xac-minh/")
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác minh").click()
    page.wait_for_url(f"**{FILING}")
    assert page.url.endswith(FILING)
    shot(page, "filing-after-registration-360")


def test_procedure_documents_table_fits_360px(live_server, phone_page, birth_registration):
    phone_page.goto(f"{live_server.url}/thu-tuc/1.001193/")
    no_sideways_scroll(phone_page)
    table = phone_page.locator("section:has(h2:text('Thành phần hồ sơ')) table")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    name_cell = table.locator("tbody tr").first.locator("td").nth(1)
    assert name_cell.bounding_box()["width"] >= 250, "document names squeezed"
    shot(phone_page, "procedure-documents-360")
