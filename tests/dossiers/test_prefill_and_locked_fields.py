"""Issue 15 §4: nothing the portal already knows is typed again. A field bound to the
applicant's data is prefilled; an identity fact verified at registration is locked, and the
server keeps the verified value whatever is posted. A document the online form replaces is
not asked for online, and still is at the counter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import CitizenProfile
from dossiers.constants import Channel, DossierState
from dossiers.filing_steps import DOCUMENTS, filing_steps
from dossiers.models import Dossier
from dossiers.selectors import missing_documents
from dossiers.services import (
    dossier_create_draft,
    dossier_file_in_person,
    dossier_submit,
    dossier_update_draft,
)
from tests.factories import make_procedure, procedure_document

from .conftest import pdf

pytestmark = pytest.mark.django_db

CCCD = "048090001234"  # Đà Nẵng, a man born in 1990
BORN = datetime.date(1990, 5, 17)


@pytest.fixture
def procedure(db):
    document = procedure_document()
    document["fields"] += [
        {"key": "ho_ten_nguoi_yeu_cau", "label": "Họ tên người yêu cầu", "type": "text",
         "bind": "full_name"},
        {"key": "cccd_nguoi_yeu_cau", "label": "Số CCCD người yêu cầu", "type": "national-id",
         "bind": "cccd"},
        {"key": "ngay_sinh_nguoi_yeu_cau", "label": "Ngày sinh người yêu cầu", "type": "date",
         "bind": "date_of_birth"},
        {"key": "so_dien_thoai", "label": "Số điện thoại liên hệ", "type": "phone",
         "bind": "phone"},
    ]
    document["documents"][0]["replaced_by_online_form"] = True  # the paper "Tờ khai"
    return make_procedure(**document)


@pytest.fixture
def citizen(citizen):
    CitizenProfile.objects.create(user=citizen, national_id=CCCD, date_of_birth=BORN)
    citizen.phone_verified_at = timezone.now()
    citizen.save(update_fields=["phone_verified_at"])
    return citizen


def _post(units, **extra):
    data = {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
            "noi_tiep_nhan": units["ward"].pk, "cach_nhan_ket_qua": "pickup",
            "ho_ten_nguoi_yeu_cau": "Kẻ Mạo Danh", "cccd_nguoi_yeu_cau": "001199000001",
            "ngay_sinh_nguoi_yeu_cau": "1999-01-01", "so_dien_thoai": "0912345678"}
    data.update(extra)
    return data


def _input(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[html.rindex("<input", 0, start):html.index(">", start) + 1]


def test_a_verified_citizen_finds_bound_fields_filled_and_identity_locked(
        citizen_client, procedure):
    html = citizen_client.get(reverse("dossiers:file", args=[procedure.code])).content.decode()
    name, cccd = _input(html, "ho_ten_nguoi_yeu_cau"), _input(html, "cccd_nguoi_yeu_cau")
    born, phone = _input(html, "ngay_sinh_nguoi_yeu_cau"), _input(html, "so_dien_thoai")
    assert 'value="Nguyễn Văn An"' in name and "disabled" in name
    assert f'value="{CCCD}"' in cccd and "disabled" in cccd
    assert 'value="1990-05-17"' in born and "disabled" in born
    # A contact is prefilled, and stays editable (a dossier may give another phone).
    assert 'value="0905123456"' in phone and "disabled" not in phone
    assert "không sửa được ở đây" in html


def test_posted_identity_values_are_ignored_and_the_verified_ones_stored(
        citizen_client, procedure, units, citizen):
    response = citizen_client.post(reverse("dossiers:file", args=[procedure.code]),
                                   {**_post(units), "nop": "1",
                                    "tep__giay-chung-sinh": pdf("gcs.pdf")})
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.data["ho_ten_nguoi_yeu_cau"] == "Nguyễn Văn An"
    assert dossier.data["cccd_nguoi_yeu_cau"] == CCCD
    assert dossier.data["ngay_sinh_nguoi_yeu_cau"] == "1990-05-17"
    assert dossier.data["so_dien_thoai"] == "+84912345678"  # editable: the posted one


def test_the_services_enforce_the_lock_whatever_the_caller_sends(procedure, units, citizen):
    forged = {"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
              "ho_ten_nguoi_yeu_cau": "Kẻ Mạo Danh", "cccd_nguoi_yeu_cau": "001199000001",
              "ngay_sinh_nguoi_yeu_cau": "1999-01-01", "so_dien_thoai": "0905123456"}
    draft = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                                 data=forged)
    assert draft.data["cccd_nguoi_yeu_cau"] == CCCD
    draft = dossier_update_draft(dossier=draft, acting_user=citizen, data=forged)
    assert draft.data["ho_ten_nguoi_yeu_cau"] == "Nguyễn Văn An"
    Dossier.objects.filter(pk=draft.pk).update(data=forged)  # written behind the services
    draft.refresh_from_db()
    from dossiers.services import dossier_attach
    dossier_attach(dossier=draft, acting_user=citizen, document_key="giay-chung-sinh",
                   upload=pdf())
    submitted = dossier_submit(dossier=draft, acting_user=citizen)
    assert submitted.data["cccd_nguoi_yeu_cau"] == CCCD
    assert submitted.data["ngay_sinh_nguoi_yeu_cau"] == "1990-05-17"


def test_an_unverified_account_is_prefilled_but_may_edit(client, procedure, units,
                                                         django_user_model):
    user = django_user_model.objects.create_user(
        username="cd_moi", password="x", full_name="Lê Thị Cúc", phone="+84905000111")
    CitizenProfile.objects.create(user=user, national_id=CCCD, date_of_birth=BORN)
    client.force_login(user)
    url = reverse("dossiers:file", args=[procedure.code])
    html = client.get(url).content.decode()
    name = _input(html, "ho_ten_nguoi_yeu_cau")
    assert 'value="Lê Thị Cúc"' in name and "disabled" not in name
    response = client.post(url, {**_post(units, ho_ten_nguoi_yeu_cau="Lê Thị Cúc Hoa",
                                         cccd_nguoi_yeu_cau=CCCD), "nhap": "1"})
    assert response.status_code == 302
    assert Dossier.objects.get(applicant=user).data["ho_ten_nguoi_yeu_cau"] == "Lê Thị Cúc Hoa"


def test_a_replaced_document_is_not_asked_online(citizen_client, procedure, units, citizen):
    url = reverse("dossiers:file", args=[procedure.code])
    # The documents step asks for the birth certificate, never for the replaced declaration.
    documents = next(step for step in filing_steps(procedure.versions.get())
                     if step.kind == DOCUMENTS)
    assert "tep__giay-chung-sinh" in documents.field_names
    assert "tep__to-khai" not in documents.field_names
    response = citizen_client.post(url, {**_post(units), "nop": "1",
                                         "tep__giay-chung-sinh": pdf("gcs.pdf")})
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.state == DossierState.SUBMITTED
    assert not dossier.attachments.filter(document_key="to-khai").exists()


def test_the_procedure_page_keeps_its_promise(client, procedure):
    html = client.get(reverse("procedures:detail", args=[procedure.code])).content.decode()
    assert "Nộp trực tuyến: không cần tải lên" in html


def test_a_replaced_document_is_still_required_at_the_counter(procedure, units, clerk_client,
                                                              clerk):
    page = clerk_client.get(reverse("dossiers_staff:reception"), {"thu_tuc": procedure.code})
    assert 'name="tep__to-khai"' in page.content.decode()
    dossier = dossier_file_in_person(
        acting_user=clerk, intake_unit=units["ward"], procedure=procedure, place=units["ward"],
        applicant_name="Lê Văn Cường", data={
            "ho_ten_tre": "Lê Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-11-01",
            "ho_ten_nguoi_yeu_cau": "Lê Văn Cường", "cccd_nguoi_yeu_cau": CCCD,
            "ngay_sinh_nguoi_yeu_cau": "1990-05-17", "so_dien_thoai": "0905000111"})
    assert dossier.channel == Channel.IN_PERSON
    assert {d["key"] for d in missing_documents(dossier)} == {"to-khai", "giay-chung-sinh"}
