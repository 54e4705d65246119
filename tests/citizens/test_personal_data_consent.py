"""Issue 17 (Law 91/2025/QH15): registration asks for explicit consent to the stated purposes,
with no pre-ticked box and a link to the privacy notice; the consent is recorded with the
notice's version, only when an account is actually created."""

import pytest
from django.test import Client

from accounts.models import User
from citizens.models import ConsentRecord, PrivacyNotice
from tests.citizens.helpers import make_citizen, registration_data

pytestmark = pytest.mark.django_db
URL = "/cong-dan/dang-ky/"


def test_the_notice_is_seeded_and_public_with_purposes_controller_and_rights(client):
    notice = PrivacyNotice.objects.get()
    assert notice.version and notice.text_en
    text = client.get("/cong-dan/quyen-rieng-tu/").content.decode()
    for fragment in ("Ủy ban nhân dân thành phố", "giải quyết thủ tục hành chính",
                     "Thông báo cho bạn", "ẩn danh", "91/2025/QH15", notice.version):
        assert fragment in text, fragment


def test_the_form_shows_an_unticked_box_linking_the_notice(client):
    html = client.get(URL).content.decode()
    box = html[html.index('name="consent"') - 120:html.index('name="consent"') + 80]
    assert 'type="checkbox"' in box and "checked" not in box
    assert 'href="/cong-dan/quyen-rieng-tu/"' in html and "Tôi đồng ý" in html


def test_registration_without_consent_fails_in_vietnamese_and_creates_nothing(client):
    data = registration_data()
    del data["consent"]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "cần đồng ý với Thông báo xử lý dữ liệu cá nhân" in response.content.decode()
    assert not User.objects.exists() and not ConsentRecord.objects.exists()


def test_consent_is_recorded_with_the_version_purposes_and_address(client):
    response = Client(REMOTE_ADDR="10.1.2.3").post(URL, registration_data())
    assert response.status_code == 302
    user = User.objects.get(phone="+84905123456")
    consent = ConsentRecord.objects.get(user=user)
    assert consent.notice == PrivacyNotice.objects.get()
    assert set(consent.purposes) == {"procedures", "notifications", "statistics"}
    assert consent.ip == "10.1.2.3" and consent.withdrawn_at is None


def test_no_consent_row_for_an_existing_account_and_the_same_next_step(client):
    make_citizen()
    response = client.post(URL, registration_data())
    assert response.status_code == 302 and response["Location"] == "/cong-dan/dang-ky/xac-minh/"
    assert not ConsentRecord.objects.exists()


def test_without_a_notice_in_force_registration_is_refused_not_a_server_error(client):
    """Nobody can consent to a notice that does not exist (removed by an operator, or a
    database restored without it): a clear refusal, never a 500, and no account."""
    PrivacyNotice.objects.all().delete()
    response = client.post(URL, registration_data())
    assert response.status_code == 200
    assert "Chưa thể đăng ký trực tuyến lúc này" in response.content.decode()
    assert not User.objects.exists() and not ConsentRecord.objects.exists()
