"""Issue 15, "done means": a first-time citizen on a 360 × 740 phone files a birth registration
alone, from the home page's search box to the receipt of the paid fee, as a new user.

Every page the citizen sees is checked the same way: it does not scroll sideways, axe-core finds
no serious or critical problem, and a screenshot is saved as
bench/results/screens/journey-NN-<step>.png for a person to look at (bench/results/
citizen-journey.md lists them, with the count of screens and typed fields)."""

import json
import re
from pathlib import Path

import pytest

from dossiers.models import Dossier
from procedures.services import procedure_import
from tests.citizens.helpers import PASSWORD
from units.services import units_load_from_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "bench" / "results" / "screens"
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
AXE_RUN = ("async () => (await axe.run(document, {runOnly: "
           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
           ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
           ".map(v => v.id + ' (' + v.impact + ') ' + "
           "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
LATE_FEE = 8000


@pytest.fixture
def demo_city(settings):
    """Today's Đà Nẵng and the demo birth registration, with a fee paid online: registering
    late (after 60 days) costs a fee the city sets; the demo file, for the usual on-time case,
    has none, and the journey must reach the payment step."""
    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    loaded = units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    for path in sorted((ROOT / "procedures/demo").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["code"] == "1.001193":
            document["fees"] = [{"name": "Lệ phí đăng ký khai sinh quá hạn", "amount": LATE_FEE,
                                 "note": "Mức thu minh họa cho phép thử."}]
        procedure_import(document=document, owner_unit=loaded.province)


@pytest.fixture
def sms_outbox(settings):
    from citizens import sms

    sms.outbox.clear()
    return sms.outbox


class Journey:
    """The citizen's phone: counts the screens seen and the fields typed into, and checks each
    screen as it arrives."""

    def __init__(self, page):
        self.page = page
        self.screens: list[str] = []
        self.typed: list[str] = []
        self.loads: list[str] = []  # every page the browser loads, screenshot or not
        page.on("load", lambda loaded: self.loads.append(loaded.url))

    def screen(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
            f"{name}: the page scrolls sideways ({page.url})"
        # Through the devtools protocol, which the portal's own CSP does not block (a script
        # tag would rightly be).
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        findings = page.evaluate(AXE_RUN)
        assert findings == [], f"{name}: {findings}"
        self.screens.append(name)
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"journey-{len(self.screens):02d}-{name}.png"),
                        full_page=True)

    def type(self, label: str, text: str, **options) -> None:
        self.page.get_by_label(label, **options).fill(text)
        self.typed.append(label)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (230, 230, 220)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_first_time_citizen_files_a_birth_registration_alone(
        live_server, phone_page, demo_city, sms_outbox, tmp_path):
    page = phone_page
    journey = Journey(page)
    good = tmp_path / "giay-chung-sinh.png"
    good.write_bytes(_png())
    identity = tmp_path / "cccd.png"
    identity.write_bytes(_png())
    bad = tmp_path / "cccd.pdf"
    bad.write_bytes(b"this is not a PDF at all")

    # Home page: search in the citizen's words.
    page.goto(f"{live_server.url}/")
    journey.screen("home")
    journey.type("Bạn cần làm thủ tục gì?", "giấy khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    journey.screen("search-results")
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).first.click()
    journey.screen("procedure")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()

    # Told to sign in; a first-timer registers and verifies the phone.
    page.wait_for_url(re.compile(r".*/tai-khoan/dang-nhap/\?next=.+"))
    reason = page.locator("#login-reason").inner_text()
    assert "Vui lòng đăng nhập để nộp hồ sơ trực tuyến" in reason
    journey.screen("sign-in")
    page.locator("#register-link").click()
    page.wait_for_url(re.compile(r".*/cong-dan/dang-ky/\?next=.+"))
    journey.screen("register")
    journey.type("Họ và tên", "Nguyễn Văn An")
    journey.type("Số CCCD (số định danh cá nhân)", "048 095 001 234")
    journey.type("Ngày sinh", "15/05/1995")
    journey.type("Số điện thoại di động", "0905 123 456")
    journey.type("Mật khẩu", PASSWORD, exact=True)
    journey.type("Nhập lại mật khẩu", PASSWORD)
    # Explicit consent to the privacy notice: an unticked box of its own (issue 17).
    page.get_by_role("checkbox", name=re.compile("Tôi đồng ý")).check()
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/cong-dan/dang-ky/xac-minh/")
    journey.screen("verify-phone")
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)
    journey.type("Mã xác thực", code)
    page.get_by_role("button", name="Xác minh").click()

    # Back on the form, the identity already there and locked.
    page.wait_for_url("**/ho-so/nop/1.001193/")
    journey.screen("form-identity-prefilled")
    assert page.locator(".step-progress").inner_text().startswith("Bước 1/4")
    for label, value in (("Họ, chữ đệm và tên người yêu cầu", "Nguyễn Văn An"),
                         ("Số định danh cá nhân của người yêu cầu", "048095001234")):
        field = page.get_by_label(label)
        assert field.input_value() == value
        assert field.is_disabled(), f"{label} can be changed"
    assert page.get_by_label("Số điện thoại liên hệ").input_value() == "0905123456"

    # A partial draft: where to file, the child's name and sex, then "Lưu nháp".
    page.get_by_label("Cơ quan tiếp nhận (nơi cư trú)").select_option(label="Phường Hải Châu")
    journey.type("Họ, chữ đệm và tên của trẻ", "NGUYỄN MINH KHÔI")
    page.locator("#id_child_sex").select_option("nam")
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu bản nháp lúc").wait_for()
    journey.screen("draft-saved")
    dossier = Dossier.objects.get(applicant__username__isnull=False)
    assert dossier.state == "draft"
    assert dossier.data["child_full_name"] == "NGUYỄN MINH KHÔI"

    # Leave (to the home page), come back through "Hồ sơ của tôi" and resume.
    page.get_by_role("link", name="Cổng Dịch vụ công").first.click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Hồ sơ của tôi").click()
    journey.screen("my-dossiers-draft")
    page.get_by_role("link", name="Tiếp tục Đăng ký khai sinh").click()
    page.wait_for_url(f"**/ho-so/{dossier.ref}/sua/**")
    assert page.get_by_label("Họ, chữ đệm và tên của trẻ").input_value() == "NGUYỄN MINH KHÔI"
    journey.screen("draft-resumed")
    page.get_by_label("Ngày, tháng, năm sinh").fill("2026-09-02")
    journey.typed.append("Ngày, tháng, năm sinh")
    journey.type("Nơi sinh", "Bệnh viện Phụ sản – Nhi Đà Nẵng")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Documents: one good photo, one file that is not what it claims to be.
    page.wait_for_url("**buoc=2**")
    page.get_by_label("Chọn tệp: Giấy chứng sinh").set_input_files(str(good))
    page.get_by_text("Đã lưu tệp giay-chung-sinh.png").wait_for()
    page.get_by_label("Chọn tệp: Giấy tờ tùy thân").set_input_files(str(bad))
    bad_row = page.locator("[data-document-row=giay-to-tuy-than]")
    bad_row.locator("[data-upload-text]").filter(has_not_text="Đang tải lên").wait_for()
    journey.screen("documents-good-and-bad")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # The bad file comes back with its reason; the good one is still there.
    page.wait_for_url("**buoc=2**")
    assert "không phải PDF" in bad_row.locator(".errorlist").inner_text()
    good_row = page.locator("[data-document-row=giay-chung-sinh]")
    assert "giay-chung-sinh.png" in good_row.locator(".file-item").inner_text()
    journey.screen("documents-bad-file-refused")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**buoc=3**")
    journey.screen("delivery")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**buoc=4**")
    journey.screen("review-incomplete")

    # Submitted with answers missing: every problem at once, the good file still attached.
    page.get_by_role("button", name="Nộp hồ sơ").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "loi"
    problems = summary.locator("li").all_inner_texts()
    for expected in ("Họ, chữ đệm và tên người mẹ", "Số định danh cá nhân của người mẹ",
                     "Quan hệ của người đi đăng ký với trẻ", "Giấy tờ tùy thân"):
        assert any(expected in p for p in problems), (expected, problems)
    assert "giay-chung-sinh.png" in page.locator("dl.answers").nth(1).inner_text()
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    assert list(dossier.attachments.values_list("original_name", flat=True)) == \
        ["giay-chung-sinh.png"]
    journey.screen("submit-errors-listed")

    # Each problem links to its question: the rest of the answers, then the missing document.
    summary.get_by_role("link", name="Họ, chữ đệm và tên người mẹ").click()
    page.wait_for_url("**/sua/#id_mother_full_name")
    page.locator("#id_child_ethnicity").select_option("kinh")
    page.locator("#id_child_nationality").select_option("viet_nam")
    journey.type("Họ, chữ đệm và tên người mẹ", "TRẦN THỊ HOA")
    journey.type("Năm sinh của người mẹ", "1997")
    page.locator("#id_mother_ethnicity").select_option("kinh")
    journey.type("Số định danh cá nhân của người mẹ", "048197004521")
    journey.type("Nơi cư trú của người mẹ", "45 Lê Lợi, phường Hải Châu, thành phố Đà Nẵng")
    page.locator("#id_requester_relationship").select_option("cha")
    journey.screen("answers-completed")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**buoc=2**")
    page.get_by_label("Chọn tệp: Giấy tờ tùy thân").set_input_files(str(identity))
    page.get_by_text("Đã lưu tệp cccd.png").wait_for()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Postal delivery, the address typed right in the form.
    page.wait_for_url("**buoc=3**")
    page.get_by_label("Nhận kết quả qua bưu chính công ích").check()
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Đà Nẵng")
    page.get_by_label("Phường/xã").select_option(label="Phường Hải Châu")
    journey.type("Số nhà, tên đường, thôn/tổ", "45 Lê Lợi")
    journey.screen("postal-address")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Review, then submit.
    page.wait_for_url("**buoc=4**")
    assert "45 Lê Lợi" in page.locator("dl.answers").last.inner_text()
    journey.screen("review-complete")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r".*/ho-so/000\.\S+/$"))
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert dossier.delivery_method == "postal"
    assert dossier.delivery_address["street"] == "45 Lê Lợi"
    journey.screen("submitted-fee-due")

    # Pay in the sandbox, back on the dossier with the receipt.
    page.get_by_role("button", name="Thanh toán lệ phí trực tuyến").click()
    page.wait_for_url("**/thanh-toan/thu-nghiem/**")
    journey.screen("sandbox-payment")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Thanh toán thành công" in page.content()
    journey.screen("payment-result")
    page.locator("#back-to-dossier").click()
    page.wait_for_url(f"**/ho-so/{dossier.code}/")
    journey.screen("dossier-paid-with-receipt")
    assert page.locator("#trang-thai").inner_text() == "Đã nộp, chờ tiếp nhận"
    assert "bộ phận một cửa để tiếp nhận" in page.locator("#next-step").inner_text()
    receipt = page.get_by_role("link", name="Biên lai thu điện tử")
    assert receipt.count() == 1
    pdf = page.request.get(live_server.url + receipt.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"

    # Withdrawing asks first (and this citizen does not withdraw).
    page.get_by_role("link", name="Rút hồ sơ").click()
    page.wait_for_url(f"**/ho-so/{dossier.code}/rut/")
    assert page.get_by_role("button", name="Xác nhận rút hồ sơ").is_visible()
    assert page.get_by_label("Lý do rút hồ sơ").count() == 1
    journey.screen("withdrawal-asks-confirmation")
    page.get_by_role("link", name="Quay lại").last.click()
    page.wait_for_url(f"**/ho-so/{dossier.code}/")
    dossier.refresh_from_db()
    assert dossier.state == "submitted"

    # The counts for bench/results/citizen-journey.md.
    print(f"\nscreenshots={len(journey.screens)} page loads={len(journey.loads)} "
          f"typed={len(journey.typed)}: {journey.typed}")
    print("\n".join(journey.loads))
