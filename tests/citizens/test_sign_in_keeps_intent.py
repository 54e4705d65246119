"""A citizen sent to sign in from the filing form comes back to it: through sign-in,
registration and phone verification, `next` is kept (and only ever a local path)."""

import pytest
from django.test import Client

from tests.citizens.helpers import PASSWORD, last_sms_code, make_citizen, registration_data
from tests.factories import make_procedure

pytestmark = pytest.mark.django_db
FILING = "/ho-so/nop/1.001193/"


@pytest.fixture
def procedure(db):
    return make_procedure()


def test_filing_form_sends_to_login_that_says_why_and_links_registration_with_next(
    client, procedure
):
    response = client.get(FILING)
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith("/tai-khoan/dang-nhap/") and "next=" in login_url
    page = client.get(login_url).content.decode()
    assert "Vui lòng đăng nhập để nộp hồ sơ trực tuyến" in page
    assert 'href="/cong-dan/dang-ky/?next=%2Fho-so%2Fnop%2F1.001193%2F"' in page


def test_login_without_filing_intent_is_generic(client, procedure):
    page = client.get("/tai-khoan/dang-nhap/?next=/ho-so/").content.decode()
    assert "nộp hồ sơ trực tuyến" not in page and "Vui lòng đăng nhập để tiếp tục" in page
    assert "nộp hồ sơ trực tuyến" not in client.get("/tai-khoan/dang-nhap/").content.decode()


def test_register_then_verify_lands_on_the_filing_form(
    client, procedure, _sms_outbox, django_capture_on_commit_callbacks
):
    form_page = client.get(f"/cong-dan/dang-ky/?next={FILING}").content.decode()
    assert f'name="next" value="{FILING}"' in form_page
    assert 'href="/tai-khoan/dang-nhap/?next=%2Fho-so%2Fnop%2F1.001193%2F"' in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cong-dan/dang-ky/", {**registration_data(), "next": FILING})
    assert response["Location"] == "/cong-dan/dang-ky/xac-minh/"
    response = client.post("/cong-dan/dang-ky/xac-minh/", {"code": last_sms_code(_sms_outbox)})
    assert response.status_code == 302 and response["Location"] == FILING
    assert client.get(FILING).status_code == 200


def test_sign_in_with_unverified_phone_verifies_then_returns_to_the_filing_form(
    procedure, _sms_outbox, django_capture_on_commit_callbacks
):
    make_citizen(verified=False)
    client = Client()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "0905123456",
                                                     "password": PASSWORD, "next": FILING})
    assert response.status_code == 302
    verify_url = response["Location"]
    assert verify_url.startswith("/cong-dan/xac-minh/") and "next=" in verify_url
    assert f'name="next" value="{FILING}"' in client.get(verify_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cong-dan/xac-minh/", {"action": "send", "channel": "sms", "next": FILING})
    response = client.post("/cong-dan/xac-minh/", {"action": "confirm", "channel": "sms",
                                                  "code": last_sms_code(_sms_outbox),
                                                  "next": FILING})
    assert response.status_code == 302 and response["Location"] == FILING


def test_a_foreign_next_is_ignored_everywhere(client, _sms_outbox,
                                              django_capture_on_commit_callbacks):
    evil = "https://evil.example/phish"
    login = client.get(f"/tai-khoan/dang-nhap/?next={evil}").content.decode()
    assert 'name="next"' not in login and 'href="/cong-dan/dang-ky/"' in login
    register = client.get(f"/cong-dan/dang-ky/?next={evil}").content.decode()
    assert 'name="next"' not in register
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cong-dan/dang-ky/", {**registration_data(), "next": evil})
    response = client.post("/cong-dan/dang-ky/xac-minh/", {"code": last_sms_code(_sms_outbox)})
    assert response["Location"] == "/cong-dan/ho-so/"


def test_account_page_is_not_titled_like_the_dossier_list(client, citizen):
    client.force_login(citizen)
    page = client.get("/cong-dan/ho-so/").content.decode()
    assert "<h1>Tài khoản của tôi</h1>" in page
    assert "<h1>Hồ sơ của tôi</h1>" not in page
