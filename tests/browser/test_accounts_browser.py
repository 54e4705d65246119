"""In a real browser: a citizen registers, verifies the phone and signs in again; a ward clerk
signs in for the first time and enrols an authenticator app."""

import base64
import re

import pytest
from django_otp.oath import TOTP

from accounts.constants import StaffRole
from accounts.models import StaffAssignment, User
from tests.citizens.helpers import PASSWORD
from tests.factories import make_unit_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms_outbox(settings):
    from citizens import sms

    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    sms.outbox.clear()
    return sms.outbox


def test_citizen_registers_verifies_and_signs_in(page, live_server, sms_outbox):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số CCCD (số định danh cá nhân)").fill("048095001234")
    page.get_by_label("Ngày sinh").fill("1995-05-15")
    page.get_by_label("Số điện thoại di động").fill("0905 123 456")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.locator("#id_consent").check()  # explicit consent (issue 17)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/cong-dan/dang-ky/xac-minh/")
    assert "+84******456" in page.content()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác minh", exact=True).click()
    page.wait_for_url("**/cong-dan/ho-so/")
    assert page.locator("#national-id").inner_text() == "048095001234"
    assert "Đã xác minh" in page.content()

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Số CCCD hoặc số điện thoại").fill("+84 905 123 456")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/cong-dan/ho-so/")
    assert "Nguyễn Văn An" in page.content()


def test_clerk_enrols_totp_on_first_sign_in(page, live_server):
    units = make_unit_tree()
    clerk = User.objects.create_user("motcua.kt", password=PASSWORD, full_name="Trần Thị Bình")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role=StaffRole.CLERK)

    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Số CCCD hoặc số điện thoại").fill("motcua.kt")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/dang-ky/**")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã xác thực").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Xác nhận và bật").click()
    assert page.locator(".backup-codes li").count() == 10
    page.get_by_role("link", name="Tôi đã lưu, tiếp tục").click()
    page.wait_for_url("**/can-bo/")
    assert "Phường Khuê Trung" in page.content() and "Cán bộ một cửa" in page.content()
