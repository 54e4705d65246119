import pytest
from django.urls import reverse

from dossiers.constants import DossierState
from dossiers.models import Dossier, PersonalDataAccess
from dossiers.services import dossier_create_draft

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def _post_data(units, **extra):
    data = {"ho_ten_tre": "Nguyễn Văn Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20",
            "noi_tiep_nhan": units["ward"].pk, "cach_nhan_ket_qua": "pickup"}
    data.update(extra)
    return data


def test_procedure_page_links_to_the_filing_form(client, procedure):
    response = client.get(reverse("procedures:detail", args=[procedure.code]))
    assert reverse("dossiers:file", args=[procedure.code]).encode() in response.content


def test_anonymous_visitors_must_sign_in(client, procedure):
    response = client.get(reverse("dossiers:file", args=[procedure.code]))
    assert response.status_code in (302, 403)


def test_citizen_saves_a_draft_then_submits(citizen_client, procedure, units, citizen):
    url = reverse("dossiers:file", args=[procedure.code])
    page = citizen_client.get(url)
    assert "Họ và tên trẻ" in page.content.decode()
    response = citizen_client.post(url, {**_post_data(units, ho_ten_tre=""), "nhap": "1",
                                         "tep__to-khai": pdf()})
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302 and dossier.state == DossierState.DRAFT
    assert response["Location"] == reverse("dossiers:edit", args=[dossier.uuid])
    assert dossier.attachments.count() == 1

    edit = reverse("dossiers:edit", args=[dossier.uuid])
    response = citizen_client.post(edit, {**_post_data(units), "nop": "1"})
    assert "Giấy chứng sinh" in response.content.decode()  # still missing → error shown
    response = citizen_client.post(edit, {**_post_data(units), "nop": "1",
                                          "tep__giay-chung-sinh": pdf("gcs.pdf")})
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.code
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.code])
    detail = citizen_client.get(response["Location"]).content.decode()
    assert dossier.code in detail and "Đã nộp, chờ tiếp nhận" in detail


def test_postal_delivery_needs_an_address(citizen_client, procedure, units):
    url = reverse("dossiers:file", args=[procedure.code])
    response = citizen_client.post(url, {**_post_data(units, cach_nhan_ket_qua="postal"),
                                         "nop": "1", "tep__to-khai": pdf(),
                                         "tep__giay-chung-sinh": pdf()})
    assert "Vui lòng chọn địa chỉ nhận kết quả" in response.content.decode()


def test_another_citizens_dossier_is_404(client, submitted, other_citizen):
    client.force_login(other_citizen)
    assert client.get(reverse("dossiers:detail", args=[submitted.code])).status_code == 404
    attachment = submitted.attachments.first()
    url = reverse("dossiers:attachment", args=[submitted.code, attachment.pk])
    assert client.get(url).status_code == 404


def test_owner_and_staff_download_files_through_the_checked_view(
        citizen_client, submitted, clerk, client):
    attachment = submitted.attachments.first()
    url = reverse("dossiers:attachment", args=[submitted.code, attachment.pk])
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    from accounts.testing import login_verified

    login_verified(client, clerk)
    assert client.get(url).status_code == 200
    assert PersonalDataAccess.objects.filter(user=clerk, purpose="file").count() == 1


def test_supplement_and_withdraw_from_the_dossier_page(citizen_client, submitted, clerk):
    from dossiers.services import dossier_request_supplement

    dossier_request_supplement(dossier=submitted, acting_user=clerk, note="Ảnh bị mờ")
    page = citizen_client.get(reverse("dossiers:detail", args=[submitted.code])).content.decode()
    assert "Ảnh bị mờ" in page
    citizen_client.post(reverse("dossiers:supplement", args=[submitted.code]),
                        {"note": "Gửi lại", "tep__giay-chung-sinh": pdf("moi.pdf")})
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED
    citizen_client.post(reverse("dossiers:withdraw", args=[submitted.code]),
                        {"note": "Nộp nhầm thủ tục"})
    submitted.refresh_from_db()
    assert submitted.state == DossierState.WITHDRAWN


def test_my_dossiers_lists_only_mine(citizen_client, submitted, procedure, units,
                                     other_citizen):
    dossier_create_draft(procedure=procedure, applicant=other_citizen, place=units["ward"])
    page = citizen_client.get(reverse("dossiers:mine")).content.decode()
    assert submitted.code in page
    assert page.count("Đăng ký khai sinh") == 1


def test_public_tracking_shows_state_only_and_is_throttled(client, submitted):
    url = reverse("dossiers:track")
    page = client.get(url, {"code": submitted.code}).content.decode()
    assert "Đã nộp, chờ tiếp nhận" in page
    assert "Nguyễn Văn An" not in page and "+84905123456" not in page
    statuses = {client.get(url, {"code": "x"}).status_code for _ in range(25)}
    assert 429 in statuses


def test_results_board_masks_names(client, received, clerk, processor, leader, units):
    from dossiers.services import dossier_approve, dossier_forward

    d = dossier_forward(dossier=received, acting_user=clerk)
    d = dossier_forward(dossier=d, acting_user=processor)
    dossier_approve(dossier=d, acting_user=leader)
    page = client.get(reverse("dossiers:board", args=[units["ward"].code])).content.decode()
    assert received.code in page
    assert "N*** V*** An" in page and "Nguyễn Văn An" not in page
    assert "Đúng hạn" in page
