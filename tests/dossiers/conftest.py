"""Fixtures for dossier tests: a unit tree, a published level-4 procedure, a citizen and
staff of the ward (clerk, processor, leader) with verified two-factor sessions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from tests.factories import advance_dossier, make_dossier, make_procedure, make_unit_tree
from tests.pdfs import PDF


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def pdf(name: str = "giay.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _sms(settings):
    from citizens import sms

    settings.SMS_BACKEND = "citizens.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def units(db):
    return make_unit_tree()


@pytest.fixture
def procedure(db):
    return make_procedure()


@pytest.fixture
def citizen(django_user_model):
    return django_user_model.objects.create_user(
        username="cd_nguyen", password="x", full_name="Nguyễn Văn An", phone="+84905123456",
        email="an@example.vn",
    )


@pytest.fixture
def other_citizen(django_user_model):
    return django_user_model.objects.create_user(
        username="cd_tran", password="x", full_name="Trần Thị Bình", phone="+84905999888")


def make_staff(django_user_model, username: str, unit, role: str):
    user = django_user_model.objects.create_user(username=username, password="x",
                                                 full_name=username.title())
    StaffAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def clerk(django_user_model, units):
    return make_staff(django_user_model, "clerk", units["ward"], "clerk")


@pytest.fixture
def processor(django_user_model, units):
    return make_staff(django_user_model, "processor", units["ward"], "processor")


@pytest.fixture
def leader(django_user_model, units):
    return make_staff(django_user_model, "leader", units["ward"], "leader")


@pytest.fixture
def other_clerk(django_user_model, units):
    return make_staff(django_user_model, "clerk2", units["other_ward"], "clerk")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def clerk_client(client, clerk):
    login_verified(client, clerk)
    return client


@pytest.fixture
def draft(procedure, citizen, units):
    return make_dossier(state="draft", procedure=procedure, citizen=citizen, units=units)


@pytest.fixture
def submitted(draft, citizen):
    from dossiers.services import dossier_submit

    return dossier_submit(dossier=draft, acting_user=citizen)


@pytest.fixture
def received(submitted, clerk):
    return advance_dossier(submitted, state="received", clerk=clerk)
