import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.constants import Channel, DossierState
from dossiers.models import Dossier, PersonalDataAccess

pytestmark = pytest.mark.django_db


def bulk_dossiers(n, *, procedure, unit, state=DossierState.SUBMITTED, due=None):
    version = procedure.versions.get(number=procedure.current_version)
    today = timezone.localdate()
    Dossier.objects.bulk_create(
        Dossier(code=f"{unit.code}-X-{state[:3]}-{i:05d}", procedure=procedure,
                procedure_version=version, receiving_unit=unit, current_unit=unit,
                state=state, channel=Channel.ONLINE, applicant_name=f"Người {i}",
                submitted_at=timezone.now(),
                due_date=due or today + datetime.timedelta(days=i % 7))
        for i in range(n))


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_has_a_bounded_number_of_queries(clerk_client, procedure, units, rows,
                                               django_assert_max_num_queries):
    bulk_dossiers(rows, procedure=procedure, unit=units["ward"])
    bulk_dossiers(3, procedure=procedure, unit=units["other_ward"])
    with django_assert_max_num_queries(14):
        response = clerk_client.get(reverse("dossiers_staff:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'class="count-cho-tiep-nhan">{rows}<' in page
    assert units["other_ward"].code not in page  # another ward's dossiers are not listed


def test_queue_tabs_and_filters(clerk_client, procedure, units):
    bulk_dossiers(2, procedure=procedure, unit=units["ward"])
    bulk_dossiers(1, procedure=procedure, unit=units["ward"], state=DossierState.RECEIVED,
                  due=datetime.date(2020, 1, 1))
    page = clerk_client.get(reverse("dossiers_staff:queue"), {"tab": "qua-han"}).content.decode()
    assert 'class="count-qua-han">1<' in page
    assert "-X-rec-00000" in page and "-X-sub-" not in page
    page = clerk_client.get(reverse("dossiers_staff:queue"),
                            {"tab": "cho-tiep-nhan", "channel": "1"}).content.decode()
    assert "-X-sub-" not in page


def test_staff_pages_require_two_factor(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("dossiers_staff:queue")).status_code in (302, 403)


def test_clerk_receives_and_forwards_from_the_dossier_page(clerk_client, submitted, clerk):
    url = reverse("dossiers_staff:detail", args=[submitted.code])
    page = clerk_client.get(url).content.decode()
    assert "0012" not in page or "******" in page
    assert "Tiếp nhận" in page and "Từ chối tiếp nhận" in page
    assert PersonalDataAccess.objects.filter(user=clerk, dossier=submitted).exists()
    act = reverse("dossiers_staff:act", args=[submitted.code])
    clerk_client.post(act, {"action": "receive", "version": submitted.version})
    submitted.refresh_from_db()
    assert submitted.state == DossierState.RECEIVED
    # A second click with the stale version is a conflict, shown as a message.
    response = clerk_client.post(act, {"action": "receive", "version": submitted.version - 1},
                                 follow=True)
    assert "vừa được người khác cập nhật" in response.content.decode()
    clerk_client.post(act, {"action": "forward", "version": submitted.version,
                            "note": "Chuyển thẩm định"})
    submitted.refresh_from_db()
    assert (submitted.state, submitted.current_step) == (DossierState.IN_PROGRESS, 1)
    sheet = clerk_client.get(reverse("dossiers_staff:control_sheet", args=[submitted.code]))
    assert "Chuyển thẩm định" in sheet.content.decode()
    # The page and the PDF (Mẫu 06) read one definition of each hand-over's result.
    from delivery.contexts import control_sheet_context

    rows = control_sheet_context(submitted).handovers
    assert rows and all(f"<td>{row.result}</td>" in sheet.content.decode() for row in rows)
    assert "Sớm hạn" not in sheet.content.decode()


def test_staff_of_another_ward_gets_404(client, submitted, other_clerk):
    from accounts.testing import login_verified

    login_verified(client, other_clerk)
    url = reverse("dossiers_staff:detail", args=[submitted.code])
    assert client.get(url).status_code == 404


def test_any_office_reception_routes_to_the_competent_unit(client, other_clerk, procedure,
                                                           units):
    from accounts.testing import login_verified

    from .conftest import pdf

    login_verified(client, other_clerk)  # a clerk of Hải Châu 1 …
    url = reverse("dossiers_staff:reception")
    assert "1.001193" in client.get(url).content.decode()
    response = client.post(f"{url}?thu_tuc={procedure.code}", {
        "thu_tuc": procedure.code, "noi_cu_tru": units["ward"].pk,  # … for a Khuê Trung resident
        "ho_ten_nguoi_nop": "Lê Văn Cường", "cccd_nguoi_nop": "048090001234",
        "dien_thoai": "0905000111", "kenh": "1",
        "ho_ten_tre": "Lê Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-11-01",
        "tep__to-khai": pdf(),
    })
    dossier = Dossier.objects.get(applicant_name="Lê Văn Cường")
    assert response.status_code == 302
    assert dossier.receiving_unit == units["ward"] and dossier.intake_unit == units["other_ward"]
    assert dossier.state == DossierState.RECEIVED and dossier.channel == Channel.IN_PERSON
    assert dossier.code.startswith(units["ward"].code)
    assert dossier.applicant is None and dossier.attachments.count() == 1


def test_district_level_procedure_goes_to_the_district(other_clerk, units):
    from dossiers.services import dossier_file_in_person
    from tests.factories import make_procedure

    district_procedure = make_procedure(code="1.001612", name="Đăng ký hộ kinh doanh",
                                        receiving_unit_kind="district", fields=[],
                                        steps=[{"name": "Tiếp nhận", "role": "clerk",
                                                "unit_kind": "district", "days": 0}])
    dossier = dossier_file_in_person(
        acting_user=other_clerk, intake_unit=units["other_ward"], procedure=district_procedure,
        place=units["ward"], applicant_name="Phạm Thị Dung")
    assert dossier.receiving_unit == units["district"]


def test_answers_read_as_labels_dates_and_yes_no():
    from types import SimpleNamespace

    from dossiers.display import answers

    version = SimpleNamespace(document={"fields": [
        {"key": "gioi_tinh", "label": "Giới tính", "type": "select",
         "choices": [{"value": "nam", "label": "Nam"}]},
        {"key": "ngay_sinh", "label": "Ngày sinh", "type": "date"},
        {"key": "lien_thong", "label": "Liên thông", "type": "checkbox"},
        {"key": "ghi_chu", "label": "Ghi chú", "type": "text"},
    ]})
    dossier = SimpleNamespace(procedure_version=version, data={
        "gioi_tinh": "nam", "ngay_sinh": "2026-11-01", "lien_thong": False, "ghi_chu": None})
    assert answers(dossier) == [("Giới tính", "Nam"), ("Ngày sinh", "01/11/2026"),
                                ("Liên thông", "Không"), ("Ghi chú", "–")]


def test_tab_counts_follow_every_transition(clerk_client, submitted):
    import re

    def counts():
        page = clerk_client.get("/can-bo/ho-so/").content.decode()
        return {key: int(value) for key, value in
                re.findall(r'class="count-([a-z-]+)">(\d+)<', page)}

    assert counts()["cho-tiep-nhan"] == 1
    response = clerk_client.post(f"/can-bo/ho-so/{submitted.code}/thao-tac/",
                                 {"action": "receive", "note": "", "version": submitted.version})
    assert response.status_code == 302
    after = counts()
    assert (after["cho-tiep-nhan"], after["dang-xu-ly"]) == (0, 1)
