"""Issue 17 (Law 91/2025/QH15): a citizen downloads all their data (JSON, PDF), asks for a
correction or deletion; the city's staff answer within two working days from a queue;
deletion keeps the dossiers and the audit and removes the rest; the staff access log of one
citizen's data exports as CSV."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AccountEvent, StaffAssignment, User
from accounts.testing import login_verified
from citizens.models import (
    CitizenProfile,
    ConsentRecord,
    DataSubjectRequest,
    DeliveryAddress,
    PrivacyNotice,
    VerificationCode,
)
from citizens.services import consent_record_create
from dossiers.calendar import add_working_days
from dossiers.models import Dossier, DossierTransition, PersonalDataAccess, StoredDocument
from dossiers.services import personal_data_access_record
from tests.citizens.helpers import make_citizen, sign_in
from tests.factories import make_dossier, make_procedure, make_unit_tree

pytestmark = pytest.mark.django_db
MINE, QUEUE = "/cong-dan/du-lieu-cua-toi/", "/can-bo/yeu-cau-du-lieu/"


@pytest.fixture
def world(db):
    units = make_unit_tree()
    procedure = make_procedure()
    owner = make_citizen()
    consent_record_create(user=owner, notice=PrivacyNotice.objects.get(), ip="10.0.0.9")
    clerk = User.objects.create_user("clerk", password="x", full_name="Lê Văn Cán Bộ")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    admin = User.objects.create_user("qt", password="x", full_name="Quản trị", is_staff=True)
    StaffAssignment.objects.create(user=admin, unit=units["district"], role="district_admin")
    dossier = make_dossier(state="received", procedure=procedure, citizen=owner, units=units,
                           clerk=clerk)
    personal_data_access_record(dossier=dossier, user=clerk, purpose="xem hồ sơ")
    from citizens.services import delivery_address_create
    delivery_address_create(owner=owner, ward=units["ward"], street="45 Trần Thủ Độ",
                            recipient_name="Nguyễn Văn An", recipient_phone="0905111222")
    return {"units": units, "owner": owner, "clerk": clerk, "admin": admin,
            "dossier": dossier}


def owner_client(world):
    client = Client()
    client.force_login(world["owner"])
    return client


def test_download_json_has_every_kind_of_personal_data(world):
    response = owner_client(world).get(MINE + "tai-ve.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["full_name"] == "Nguyễn Văn An"
    assert data["account"]["national_id"] == "048095001234"
    assert data["addresses"][0]["address"].startswith("45 Trần Thủ Độ")
    assert data["consents"][0]["notice_version"] == PrivacyNotice.objects.get().version
    dossier = data["dossiers"][0]
    assert dossier["code"] == world["dossier"].code and dossier["data"]
    assert [h["action"] for h in dossier["history"]][-1] == "receive"
    assert data["staff_access_log"] == [
        {"dossier": world["dossier"].code, "staff": "Lê Văn Cán Bộ", "purpose": "xem hồ sơ",
         "at": data["staff_access_log"][0]["at"]}]
    assert "notices_sent" in data and "ratings" in data and data["stored_documents"]


def test_download_pdf_and_the_page(world):
    client = owner_client(world)
    page = client.get(MINE)
    assert page.status_code == 200 and "tai-ve.pdf" in page.content.decode()
    assert 'href="/cong-dan/du-lieu-cua-toi/"' in client.get("/cong-dan/ho-so/").content.decode()
    response = client.get(MINE + "tai-ve.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_downloads_are_rate_limited_and_need_sign_in(world):
    assert Client().get(MINE + "tai-ve.json").status_code == 302
    client = owner_client(world)
    statuses = [client.get(MINE + "tai-ve.json").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 302
    assert "quá nhiều lần" in client.get(MINE).content.decode()


def test_a_request_is_due_two_working_days_later_and_listed_for_staff(world):
    client = owner_client(world)
    response = client.post(MINE, {"kind": "correction", "text": "Sai ngày sinh: 16/05/1995"})
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get()
    local = timezone.localtime(request.created_at)
    assert timezone.localtime(request.due_at).date() == add_working_days(local.date(), 2)
    assert "Chỉnh sửa dữ liệu" in client.get(MINE).content.decode()
    staff = Client()
    login_verified(staff, world["admin"])
    page = staff.get(QUEUE).content.decode()
    assert "Sai ngày sinh" in page and "Quá hạn" not in page
    DataSubjectRequest.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert "Quá hạn" in staff.get(QUEUE).content.decode()


def test_an_empty_correction_is_refused_in_vietnamese(world):
    response = owner_client(world).post(MINE, {"kind": "correction", "text": ""})
    assert response.status_code == 200
    assert "ghi rõ nội dung yêu cầu" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_only_city_level_staff_see_the_queue(world):
    clerk = Client()
    login_verified(clerk, world["clerk"])
    assert clerk.get(QUEUE).status_code == 403
    assert owner_client(world).get(QUEUE).status_code in (302, 403)
    root = Client()
    login_verified(root, User.objects.create_superuser("root", password="x"))
    assert root.get(QUEUE).status_code == 200


def test_answering_a_deletion_erases_personal_data_and_keeps_the_state_record(
    world, django_capture_on_commit_callbacks
):
    owner, dossier = world["owner"], world["dossier"]
    VerificationCode.objects.create(user=owner, purpose="verify_phone", channel="sms",
                                    destination=owner.phone, nonce="n",
                                    expires_at=timezone.now())
    owner_client(world).post(MINE, {"kind": "deletion", "text": ""})
    request = DataSubjectRequest.objects.get()
    transitions = DossierTransition.objects.filter(dossier=dossier).count()
    staff = Client()
    login_verified(staff, world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{QUEUE}{request.pk}/tra-loi/",
                              {"answer": "Đã xoá dữ liệu theo yêu cầu."})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.full_name == "Người dùng đã xoá"
    assert owner.phone is None and owner.email == "" and not owner.is_active
    assert not owner.has_usable_password()
    assert not CitizenProfile.objects.filter(user=owner).exists()
    assert not DeliveryAddress.objects.filter(owner=owner).exists()
    assert not VerificationCode.objects.filter(user=owner).exists()
    # The state's record stays: the dossier, its data snapshot, its history and the audit.
    kept = Dossier.objects.get(pk=dossier.pk)
    assert kept.applicant_name == dossier.applicant_name and kept.data == dossier.data
    assert DossierTransition.objects.filter(dossier=dossier).count() == transitions
    assert PersonalDataAccess.objects.filter(dossier=dossier).exists()
    assert StoredDocument.objects.filter(owner=owner).exists()  # attached to the dossier
    assert ConsentRecord.objects.get(user=owner).withdrawn_at is not None
    assert AccountEvent.objects.filter(user=owner, kind="personal_data_erased",
                                       actor=world["admin"]).exists()
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_by == world["admin"]
    assert not sign_in(Client(), "048095001234") and not sign_in(Client(), "0905123456")
    # Answered once: a second answer is refused without a 500.
    again = staff.post(f"{QUEUE}{request.pk}/tra-loi/", {"answer": "lần nữa"}, follow=True)
    assert "đã được trả lời" in again.content.decode()


def test_erasure_removes_store_items_no_dossier_uses(world, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from citizens.services import citizen_erase
    owner = world["owner"]
    spare = StoredDocument(owner=owner, kind="upload", title="Ảnh CCCD", sha256="0" * 64,
                           size=3, content_type="image/jpeg", original_name="cccd.jpg")
    spare.file.save("spare-cccd.jpg", ContentFile(b"abc"), save=True)
    name = spare.file.name
    with django_capture_on_commit_callbacks(execute=True):
        citizen_erase(user=owner, acting_user=world["admin"])
    assert not StoredDocument.objects.filter(pk=spare.pk).exists()
    assert not spare.file.storage.exists(name)


def test_staff_access_log_exports_per_citizen_as_csv(world):
    staff = Client()
    login_verified(staff, world["admin"])
    response = staff.get(f"{QUEUE}cong-dan/{world['owner'].pk}/nhat-ky-truy-cap.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Lê Văn Cán Bộ" in text and world["dossier"].code in text and "xem hồ sơ" in text
    clerk = Client()
    login_verified(clerk, world["clerk"])
    assert clerk.get(f"{QUEUE}cong-dan/{world['owner'].pk}/nhat-ky-truy-cap.csv"
                     ).status_code == 403
