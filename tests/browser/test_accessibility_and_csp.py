"""The main citizen and clerk pages in a real browser: no Content-Security-Policy violation,
zero serious or critical axe-core findings, usable on a 360 px phone, and filing works with the
keyboard alone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from tests.factories import make_procedure, make_unit_tree
from tests.pdfs import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def _cookie(user, live_server, *, staff):
    client = Client()
    if staff:
        login_verified(client, user)
    else:
        client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}


@pytest.fixture
def portal(django_user_model, settings):
    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    from dossiers.services import (
        dossier_attach,
        dossier_create_draft,
        dossier_receive,
        dossier_submit,
    )

    units = make_unit_tree()
    procedure = make_procedure(level=3, delivery_methods=["pickup"], online_payment=False)
    citizen = django_user_model.objects.create_user(
        "cd_a11y", password="x", full_name="Võ Thị Hoa", phone="+84905111222")
    clerk = django_user_model.objects.create_user("mc_a11y", password="x", full_name="Cán bộ")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                                   data={"ho_ten_tre": "Võ Minh Khang", "gioi_tinh": "nam",
                                         "ngay_sinh": "2026-11-20"})
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key,
                       upload=SimpleUploadedFile(f"{key}.pdf", PDF,
                                                 content_type="application/pdf"))
    dossier = dossier_receive(dossier=dossier_submit(dossier=dossier, acting_user=citizen),
                              acting_user=clerk)
    return {"units": units, "procedure": procedure, "citizen": citizen, "clerk": clerk,
            "dossier": dossier}


def _pages(portal):
    code, ref = portal["procedure"].code, portal["dossier"].code
    return {
        None: ["/", "/thu-tuc/", f"/thu-tuc/{code}/", f"/thu-tuc/{code}/huong-dan/",
               "/tai-khoan/dang-nhap/", "/cong-dan/dang-ky/", "/ho-so/tra-cuu/"],
        "citizen": ["/ho-so/", f"/ho-so/{ref}/", f"/ho-so/nop/{code}/", "/cong-dan/dia-chi/"],
        "clerk": ["/can-bo/", "/can-bo/ho-so/", f"/can-bo/ho-so/{ref}/",
                  "/can-bo/ho-so/tiep-nhan/"],
    }


def _context(browser, live_server, portal, who, **options):
    context = browser.new_context(locale="vi-VN", **options)
    if who:
        context.add_cookies([_cookie(portal[who], live_server, staff=who == "clerk")])
    return context


def test_no_csp_violation_on_main_pages(live_server, browser, portal):
    violations = []
    for who, urls in _pages(portal).items():
        context = _context(browser, live_server, portal, who)
        context.add_init_script(RECORD_CSP)
        page = context.new_page()
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (who, url, response.status)
            page.wait_for_load_state("load")
            violations += [f"{url}: {v}" for v in page.evaluate("window.__csp")]
        context.close()
    assert violations == []


def test_axe_finds_no_serious_problem(live_server, browser, portal):
    findings = []
    for who, urls in _pages(portal).items():
        # axe is injected as a script, which the portal's own CSP would rightly block.
        context = _context(browser, live_server, portal, who, bypass_csp=True)
        page = context.new_page()
        for url in urls:
            page.goto(live_server.url + url)
            page.add_script_tag(path=str(AXE))
            results = page.evaluate(
                "async () => (await axe.run(document, {runOnly: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")
            findings += [f"{url}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for v in results
                         if v["impact"] in ("serious", "critical")]
        context.close()
    assert findings == []


def test_pages_fit_a_360px_phone(live_server, browser, portal):
    too_wide = []
    for who, urls in _pages(portal).items():
        context = _context(browser, live_server, portal, who,
                           viewport={"width": 360, "height": 740}, is_mobile=True)
        page = context.new_page()
        for url in urls:
            page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide.append(f"{url}: {width}px")
        context.close()
    assert too_wide == []


def test_keyboard_only_filing(live_server, browser, portal, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    context = _context(browser, live_server, portal, "citizen")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/ho-so/nop/{portal['procedure'].code}/")

    def tab_to(label):
        seen = []
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement; const l = e && e.labels && "
                "e.labels[0]; return l ? l.textContent : (e && e.innerText) || ''; }")
            focused = " ".join(focused.split())
            seen.append(focused)
            if focused.startswith(label):
                return
        raise AssertionError(f"could not reach {label!r} with Tab: {seen}")

    # Step 1: where to file, then the form's own questions.
    tab_to("Cơ quan tiếp nhận")
    page.keyboard.press("ArrowDown")
    tab_to("Họ và tên trẻ")
    page.keyboard.type("Võ Minh Khang")
    tab_to("Giới tính")
    page.keyboard.press("ArrowDown")
    tab_to("Ngày sinh")
    # A date input takes the digits in the browser's own order (dd/mm or mm/dd).
    page.keyboard.type("20112026")
    if page.evaluate("document.activeElement.value") != "2026-11-20":
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type("11202026")
    assert page.evaluate("document.activeElement.value") == "2026-11-20"

    def next_step():
        tab_to("Lưu và tiếp tục")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(".error-summary").count() == 0, page.content()[:2000]

    next_step()
    # Step 2: each document's file input is reached by Tab and named for its document.
    for name in ("Tờ khai", "Giấy chứng sinh"):
        tab_to(f"Chọn tệp: {name}")
        focused = page.evaluate("() => document.activeElement.outerHTML")
        assert 'type="file"' in focused, focused
        # Space would open the operating system's file dialog, which is outside the page (and
        # flaky to intercept headless); the file is given to the focused input instead.
        page.locator(":focus").set_input_files(str(scan))
    page.locator(".file-item").nth(1).wait_for()  # both uploaded (no eval under the CSP)
    next_step()  # step 3: how the result is received (the desk, by default)
    next_step()  # the review page
    tab_to("Nộp hồ sơ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    errors = page.locator(".errorlist, .message-error, .error-summary").all_inner_texts()
    assert errors == []
    page.wait_for_url("**/ho-so/000.01.*-*/")
    assert page.locator("#trang-thai").inner_text().startswith("Đã nộp")
    context.close()
