"""A first-time citizen files a dossier alone (issue 15): short steps from the procedure's
sections, drafts saved with any subset of answers (and by themselves), files kept as soon as
they are chosen, every problem of a failed submit at once, a postal address typed in the
form. All through the real pages, without JavaScript."""

import copy
import re

import pytest
from django.urls import reverse

from citizens.models import DeliveryAddress
from dossiers.constants import DossierState
from dossiers.models import Dossier, DossierAttachment, StoredDocument
from dossiers.services import dossier_attach, dossier_create_draft
from dossiers.storage import private_storage
from tests.factories import BASE_DOCUMENT, make_procedure

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _edit(dossier, step=1):
    url = reverse("dossiers:edit", args=[dossier.ref])
    return url + (f"?buoc={step}" if step > 1 else "")


def _visible(html: str) -> str:
    return re.sub(r'<span class="visually-hidden">.*?</span>', "", html)


@pytest.fixture
def new_draft(procedure, citizen, units):
    return dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])


# --- §1 drafts -------------------------------------------------------------------------------


def test_the_draft_button_is_never_blocked_by_required_checks(citizen_client, procedure):
    page = citizen_client.get(reverse("dossiers:file", args=[procedure.code])).content.decode()
    button = re.search(r'<button[^>]*name="nhap"[^>]*>', page).group(0)
    assert "formnovalidate" in button
    ho_ten = re.search(r'<input[^>]*name="ho_ten_tre"[^>]*>', page).group(0)
    assert " required" not in ho_ten  # needed to submit (marked *), not to save


def test_a_draft_saves_with_a_required_field_empty(citizen_client, procedure, units, citizen):
    url = reverse("dossiers:file", args=[procedure.code])
    response = citizen_client.post(url, {"buoc": "1", "noi_tiep_nhan": units["ward"].pk,
                                         "ho_ten_tre": "", "ngay_sinh": "2026-11-20",
                                         "nhap": "1"})
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302 and response["Location"] == _edit(dossier)
    assert dossier.state == DossierState.DRAFT
    assert dossier.data == {"ngay_sinh": "2026-11-20"}


def test_a_draft_refuses_only_badly_formatted_answers(citizen_client, new_draft):
    response = citizen_client.post(_edit(new_draft), {
        "buoc": "1", "noi_tiep_nhan": new_draft.receiving_unit_id, "ho_ten_tre": "Bé An",
        "cccd_me": "12ab", "nhap": "1"})
    new_draft.refresh_from_db()
    assert response.status_code == 200
    assert new_draft.data == {"ho_ten_tre": "Bé An"}  # the good answer is kept
    assert 'value="12ab"' in response.content.decode()  # the bad one stays on screen


def test_autosave_answers_json_with_the_time_and_persists(citizen_client, new_draft):
    response = citizen_client.post(reverse("dossiers:autosave", args=[new_draft.ref]),
                                   {"buoc": "1", "ho_ten_tre": "Nguyễn Bé",
                                    "noi_tiep_nhan": new_draft.receiving_unit_id})
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"]) and body["errors"] == {}
    new_draft.refresh_from_db()
    assert new_draft.data["ho_ten_tre"] == "Nguyễn Bé"
    page = citizen_client.get(_edit(new_draft)).content.decode()
    autosave_url = reverse("dossiers:autosave", args=[new_draft.ref])
    assert f'data-autosave-url="{autosave_url}"' in page
    assert 'aria-live="polite"' in page and "Đã lưu lúc" in page


def test_autosave_of_a_new_filing_creates_the_draft(citizen_client, procedure, units, citizen):
    url = reverse("dossiers:autosave_new", args=[procedure.code])
    assert citizen_client.post(url, {"buoc": "1", "ho_ten_tre": "A"}).json()["saved_at"] is None
    assert not Dossier.objects.filter(applicant=citizen).exists()
    body = citizen_client.post(url, {"buoc": "1", "ho_ten_tre": "A",
                                     "noi_tiep_nhan": units["ward"].pk}).json()
    dossier = Dossier.objects.get(applicant=citizen)
    assert body["edit_url"] == _edit(dossier) and dossier.data == {"ho_ten_tre": "A"}


def test_autosave_of_another_citizens_draft_is_404(client, new_draft, other_citizen):
    client.force_login(other_citizen)
    url = reverse("dossiers:autosave", args=[new_draft.ref])
    assert client.post(url, {"buoc": "1", "ho_ten_tre": "X"}).status_code == 404


def test_drafts_are_listed_with_procedure_name_and_last_change(citizen_client, new_draft):
    from django.utils import timezone

    page = citizen_client.get(reverse("dossiers:mine")).content.decode()
    assert "Bản nháp chưa nộp" in page and "Đăng ký khai sinh" in page
    changed = timezone.localtime(new_draft.updated_at).strftime("%d/%m/%Y %H:%M")
    assert f"sửa lần cuối {changed}" in page
    assert "Bản nháp " + str(new_draft.uuid)[:8] not in page
    assert reverse("dossiers:delete_draft", args=[new_draft.ref]) in page


def test_a_draft_and_its_files_are_deleted_after_confirmation(
        citizen_client, new_draft, citizen, django_capture_on_commit_callbacks):
    item = dossier_attach(dossier=new_draft, acting_user=citizen, document_key="to-khai",
                          upload=pdf())
    name = item.file.name
    url = reverse("dossiers:delete_draft", args=[new_draft.ref])
    confirm = citizen_client.get(url).content.decode()
    assert "Xoá bản nháp này?" in confirm and 'method="post"' in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(url)
    assert response["Location"] == reverse("dossiers:mine")
    assert not Dossier.objects.filter(pk=new_draft.pk).exists()
    assert not DossierAttachment.objects.exists() and not StoredDocument.objects.exists()
    assert not private_storage.exists(name)


def test_another_citizen_cannot_delete_a_draft(client, new_draft, other_citizen):
    client.force_login(other_citizen)
    url = reverse("dossiers:delete_draft", args=[new_draft.ref])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Dossier.objects.filter(pk=new_draft.pk).exists()


def test_a_submitted_dossier_cannot_be_deleted(citizen_client, submitted):
    url = reverse("dossiers:delete_draft", args=[submitted.ref])
    assert citizen_client.post(url).status_code == 404


# --- §2 files and errors ---------------------------------------------------------------------


def test_a_failed_submit_keeps_files_and_delivery_and_lists_every_problem(
        citizen_client, procedure, units, citizen):
    url = reverse("dossiers:file", args=[procedure.code])
    response = citizen_client.post(url, {
        "buoc": "1", "noi_tiep_nhan": units["ward"].pk, "ho_ten_tre": "", "gioi_tinh": "nam",
        "ngay_sinh": "2026-11-20", "cach_nhan_ket_qua": "postal", "tep__to-khai": pdf(),
        "nop": "1"})
    page = response.content.decode()
    dossier = Dossier.objects.get(applicant=citizen)
    assert dossier.state == DossierState.DRAFT
    assert list(dossier.attachments.values_list("document_key", flat=True)) == ["to-khai"]
    assert dossier.delivery_method == "postal"
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1".*?</div>',
                        page, re.S).group(0)
    assert f'href="{_edit(dossier)}#id_ho_ten_tre"' in summary
    assert f'href="{_edit(dossier, 2)}#id_tep__giay-chung-sinh"' in summary
    assert f'href="{_edit(dossier, 3)}#id_dia_chi_nhan"' in summary
    assert "Giấy chứng sinh" in summary and "Vui lòng chọn địa chỉ nhận kết quả" in summary
    delivery = citizen_client.get(_edit(dossier, 3)).content.decode()
    assert re.search(r'<input[^>]*value="postal"[^>]*checked', delivery)


def test_files_posted_with_a_step_that_has_errors_are_kept(citizen_client, new_draft):
    response = citizen_client.post(_edit(new_draft, 2), {
        "buoc": "2", "tep__to-khai": pdf("to-khai.pdf"),
        "tep__giay-chung-sinh": pdf("x.exe", b"MZ\x90\x00 not a document"), "tiep": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "to-khai.pdf" in page and 'name="xoa_tep"' in page  # listed with a remove button
    assert new_draft.attachments.filter(document_key="to-khai").exists()


def test_the_remove_button_detaches_a_file(citizen_client, new_draft, citizen):
    item = dossier_attach(dossier=new_draft, acting_user=citizen, document_key="to-khai",
                          upload=pdf())
    response = citizen_client.post(_edit(new_draft, 2), {"buoc": "2", "xoa_tep": item.pk})
    assert response["Location"] == _edit(new_draft, 2)
    assert not new_draft.attachments.exists()


def test_upload_endpoint_stores_the_file_at_once(citizen_client, new_draft, other_citizen,
                                                 client):
    url = reverse("dossiers:upload", args=[new_draft.ref])
    response = citizen_client.post(url, {"document_key": "to-khai", "file": pdf("tk.pdf")})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "tk.pdf" and body["size"].endswith("KB")
    assert new_draft.attachments.get().pk == body["id"]
    bad = citizen_client.post(url, {"document_key": "khong-co", "file": pdf()})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "document_key"
    client.force_login(other_citizen)
    assert client.post(url, {"document_key": "to-khai", "file": pdf()}).status_code == 404


def test_hint_and_error_ids_match_aria_describedby(citizen_client, units, citizen):
    document = copy.deepcopy(BASE_DOCUMENT)
    document["fields"][0]["help_text"] = "Ghi đúng như trong giấy chứng sinh."
    procedure = make_procedure(**document)
    response = citizen_client.post(reverse("dossiers:file", args=[procedure.code]), {
        "buoc": "1", "noi_tiep_nhan": units["ward"].pk, "ngay_sinh": "20/11", "nhap": "1"})
    page = response.content.decode()
    ho_ten = re.search(r'<input[^>]*name="ho_ten_tre"[^>]*>', page).group(0)
    assert 'aria-describedby="id_ho_ten_tre_helptext"' in ho_ten
    assert 'id="id_ho_ten_tre_helptext"' in page
    ngay = re.search(r'<input[^>]*name="ngay_sinh"[^>]*>', page).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', ngay).group(1).split()
    assert "id_ngay_sinh_error" in described
    for target in described:
        assert f'id="{target}"' in page
    assert 'href="#id_ngay_sinh"' in page  # the step's own error summary


def test_each_document_name_is_shown_once(citizen_client, new_draft):
    page = _visible(citizen_client.get(_edit(new_draft, 2)).content.decode())
    assert page.count("Giấy chứng sinh") == 1
    assert page.count("Tờ khai đăng ký khai sinh") == 1


# --- §3 postal address -----------------------------------------------------------------------


def test_a_postal_address_typed_in_the_form_is_saved_and_used(citizen_client, new_draft,
                                                              units, citizen):
    page = citizen_client.get(_edit(new_draft, 3)).content.decode()
    assert f'<optgroup label="{units["city"].name}">' in page and 'name="so_nha_nhan"' in page
    post = {"buoc": "3", "cach_nhan_ket_qua": "postal", "tinh_nhan": units["city"].pk,
            "xa_nhan": units["ward"].pk, "so_nha_nhan": "12 Lê Duẩn",
            "nguoi_nhan": "Nguyễn Văn An", "dien_thoai_nhan": "0905123456", "tiep": "1"}
    response = citizen_client.post(_edit(new_draft, 3), post)
    assert response["Location"] == _edit(new_draft, 4)
    address = DeliveryAddress.objects.get(owner=citizen)
    assert address.ward == units["ward"] and address.street == "12 Lê Duẩn"
    new_draft.refresh_from_db()
    assert new_draft.delivery_method == "postal"
    assert new_draft.delivery_address["id"] == address.pk
    assert new_draft.delivery_address["one_line"].startswith("12 Lê Duẩn, Phường Khuê Trung")
    citizen_client.post(_edit(new_draft, 3), post)  # the same address again: reused
    assert DeliveryAddress.objects.filter(owner=citizen).count() == 1


def test_a_half_typed_postal_address_says_what_is_missing(citizen_client, new_draft, units):
    response = citizen_client.post(_edit(new_draft, 3), {
        "buoc": "3", "cach_nhan_ket_qua": "postal", "xa_nhan": units["ward"].pk,
        "nguoi_nhan": "An", "dien_thoai_nhan": "0905123456", "tiep": "1"})
    assert "Vui lòng nhập số nhà, tên đường." in response.content.decode()
    assert not DeliveryAddress.objects.exists()


def test_an_address_answer_missing_or_given_is_not_a_server_error(citizen_client, units,
                                                                   citizen):
    """An address field is a textarea (no input_type): its error-summary link, and then its
    answer on the review page, once crashed the birth registration's review page (found by
    tests/browser/test_citizen_journey.py)."""
    document = copy.deepcopy(BASE_DOCUMENT)
    document["fields"].append({"key": "noi_cu_tru_me", "label": "Nơi cư trú của người mẹ",
                               "type": "address", "required": True})
    procedure = make_procedure(**document)
    dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])
    response = citizen_client.post(_edit(dossier, 4), {"buoc": "4", "nop": "1"})
    assert response.status_code == 200
    assert f'href="{_edit(dossier)}#id_noi_cu_tru_me"' in response.content.decode()
    dossier.data = {"noi_cu_tru_me": "45 Lê Lợi, Hải Châu"}
    dossier.save(update_fields=["data"])
    review = citizen_client.get(_edit(dossier, 4))
    assert review.status_code == 200 and "45 Lê Lợi, Hải Châu" in review.content.decode()


# --- §4 steps and review ---------------------------------------------------------------------


def test_steps_follow_the_procedures_sections(citizen_client, units, citizen):
    document = copy.deepcopy(BASE_DOCUMENT)
    for field in document["fields"][:2]:
        field["section"] = "Thông tin của trẻ"
    for field in document["fields"][2:]:
        field["section"] = "Ngày sinh và cha mẹ"
    procedure = make_procedure(**document)
    dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])
    first = citizen_client.get(_edit(dossier)).content.decode()
    assert "Bước 1/5: Thông tin của trẻ" in first
    assert 'name="ho_ten_tre"' in first and 'name="ngay_sinh"' not in first
    response = citizen_client.post(_edit(dossier), {
        "buoc": "1", "noi_tiep_nhan": units["ward"].pk, "ho_ten_tre": "Bé", "tiep": "1"})
    assert response["Location"] == _edit(dossier, 2)
    second = citizen_client.get(_edit(dossier, 2)).content.decode()
    assert "Bước 2/5: Ngày sinh và cha mẹ" in second and 'name="ngay_sinh"' in second
    assert f'href="{_edit(dossier)}"' in second  # "Quay lại"
    assert "Bước 3/5: Giấy tờ" in citizen_client.get(_edit(dossier, 3)).content.decode()


def test_a_procedure_without_sections_has_four_steps(citizen_client, new_draft):
    page = citizen_client.get(_edit(new_draft, 2)).content.decode()
    assert "Bước 2/4: Giấy tờ" in page
    assert "Bước 1/4: Thông tin" in citizen_client.get(_edit(new_draft)).content.decode()


def test_the_review_page_shows_every_answer_with_change_links(citizen_client, new_draft,
                                                              citizen):
    citizen_client.post(_edit(new_draft), {
        "buoc": "1", "noi_tiep_nhan": new_draft.receiving_unit_id, "ho_ten_tre": "Bé Na",
        "gioi_tinh": "nu", "ngay_sinh": "2026-11-20", "tiep": "1"})
    dossier_attach(dossier=new_draft, acting_user=citizen, document_key="to-khai",
                   upload=pdf("tokhai.pdf"))
    page = citizen_client.get(_edit(new_draft, 4)).content.decode()
    assert "Bước 4/4: Kiểm tra lại" in page
    assert "Bé Na" in page and "Nữ" in page and "20/11/2026" in page
    assert "tokhai.pdf" in page and "Nhận kết quả tại bộ phận một cửa" in page
    assert f'href="{_edit(new_draft)}#id_ho_ten_tre"' in page
    assert f'href="{_edit(new_draft, 2)}#id_tep__to-khai"' in page
    assert page.count(">Sửa<") >= 7
    assert 'name="nop"' in page


def test_submit_from_the_review_page(citizen_client, new_draft, citizen):
    citizen_client.post(_edit(new_draft), {
        "buoc": "1", "noi_tiep_nhan": new_draft.receiving_unit_id, "ho_ten_tre": "Bé Na",
        "gioi_tinh": "nu", "ngay_sinh": "2026-11-20", "tiep": "1"})
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=new_draft, acting_user=citizen, document_key=key, upload=pdf())
    response = citizen_client.post(_edit(new_draft, 4), {"buoc": "4", "nop": "1"})
    new_draft.refresh_from_db()
    assert new_draft.state == DossierState.SUBMITTED
    assert response["Location"] == reverse("dossiers:detail", args=[new_draft.code])
