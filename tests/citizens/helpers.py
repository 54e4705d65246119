"""Builders shared by the accounts/citizens tests."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

VALID_CCCD = "048095001234"  # Đà Nẵng, male born 1995
VALID_DOB = datetime.date(1995, 5, 15)
PASSWORD = "Khong-de-doan-2026"


def registration_data(**overrides):
    data = {
        "full_name": "Nguyễn Văn An", "national_id": VALID_CCCD,
        "date_of_birth": VALID_DOB.isoformat(), "phone": "0905 123 456",
        "email": "an@example.vn", "password1": PASSWORD, "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def make_citizen(*, national_id=VALID_CCCD, dob=VALID_DOB, phone="+84905123456",
                 verified=True, email="an@example.vn", full_name="Nguyễn Văn An"):
    from citizens.services import citizen_register

    user = citizen_register(full_name=full_name, national_id=national_id, date_of_birth=dob,
                            phone=phone, email=email, password=PASSWORD)
    if verified:
        user.phone_verified_at = user.email_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at", "email_verified_at"])
    return user


def last_sms_code(outbox) -> str:
    assert outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", outbox[-1]["body"]).group(1)


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def other_citizen(db):
    return make_citizen(national_id="001203004545", dob=datetime.date(2003, 1, 2),
                        phone="0912000111", email="binh@example.vn", full_name="Trần Thị Bình")


def sign_in(client, identifier, password=PASSWORD):
    """Signs in through the real page (axes needs a request); True when it succeeded."""
    response = client.post("/tai-khoan/dang-nhap/", {"username": identifier,
                                                     "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def seed_privacy_notice():
    """The notice that migration citizens 0003 seeds. A transactional test's flush removes
    data migrations' rows, and registration asks for consent to the notice in force."""
    import datetime
    import importlib

    from citizens.models import PrivacyNotice

    seed = importlib.import_module("citizens.migrations.0003_seed_privacy_notice")
    notice, _created = PrivacyNotice.objects.get_or_create(version=seed.VERSION, defaults={
        "text_vi": seed.TEXT_VI, "text_en": seed.TEXT_EN,
        "published_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)})
    return notice
