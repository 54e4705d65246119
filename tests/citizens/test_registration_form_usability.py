"""The registration form for a first-time citizen on a phone: passwords kept on an error,
rules shown before typing and errors in Vietnamese, a CCCD typed with spaces, dates day first."""

import pytest
from django.contrib.auth import get_user_model

from tests.citizens.helpers import PASSWORD, VALID_CCCD, registration_data

pytestmark = pytest.mark.django_db
URL = "/cong-dan/dang-ky/"


def test_password_rules_are_shown_before_typing(client):
    page = client.get(URL).content.decode()
    assert "Ít nhất 8 ký tự" in page and "không chỉ gồm chữ số" in page
    assert 'aria-describedby="id_password1_helptext"' in page
    assert 'id="id_password1_helptext"' in page


def test_an_error_elsewhere_keeps_the_passwords(client):
    page = client.post(URL, registration_data(phone="12345")).content.decode()
    assert "Số điện thoại di động không hợp lệ" in page
    assert f'value="{PASSWORD}"' in page


@pytest.mark.parametrize("password, message", [
    ("Ab1-xyz", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
    ("90512345678", "Mật khẩu không được chỉ gồm chữ số."),
    ("password", "Mật khẩu này quá phổ biến"),
    ("nguyen.an.2026", "quá giống với họ tên hoặc thư điện tử"),
])
def test_password_errors_are_in_vietnamese(client, password, message):
    page = client.post(URL, registration_data(password1=password, password2=password,
                                              email="nguyen.an.2026@example.vn")
                       ).content.decode()
    assert message in page
    assert "This password" not in page and "too short" not in page
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("typed", ["048 095 001 234", "048.095.001.234", " 048095001234 "])
def test_a_cccd_typed_with_spaces_or_dots_is_accepted(client, typed):
    page = client.get(URL).content.decode()
    assert 'maxlength="12"' not in page  # the browser must not cut "048 095 001 234"
    response = client.post(URL, registration_data(national_id=typed))
    assert response.status_code == 302
    from citizens.models import CitizenProfile

    assert CitizenProfile.objects.get().national_id == VALID_CCCD


def test_dates_are_day_first(client):
    page = client.get(URL).content.decode()
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    assert "15/05/1995" in page  # the example in the help text
    response = client.post(URL, registration_data(date_of_birth="15/05/1995"))
    assert response.status_code == 302
    page = client.post(URL, registration_data(date_of_birth="15/05/1995",
                                              phone="1")).content.decode()
    assert 'value="15/05/1995"' in page  # shown back day first
    page = client.post(URL, registration_data(date_of_birth="05/15/1995")).content.decode()
    assert "ngày/tháng/năm" in page
