"""NĐ 118/2025: a dossier is received regardless of the administrative boundary within the
province, and the citizen chooses where to collect the result: any active one-stop desk of
the province. The choice is made on the "Nhận kết quả" step, shown on "Kiểm tra lại" and on
the dossier page; the appointment is made at that desk and its clerk hands the result over
(the hand-over rule of the transition table names the pickup desk)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.testing import login_verified
from delivery.models import PickupAppointment
from dossiers.constants import DossierState
from dossiers.exceptions import DossierInvalid
from dossiers.filing_steps import DELIVERY, filing_steps
from dossiers.models import Dossier
from dossiers.services import dossier_create_draft, dossier_update_draft
from tests.factories import make_dossier
from units.models import Unit

WRONG_DESK = "Nơi nhận kết quả phải là bộ phận một cửa đang hoạt động"


@pytest.fixture
def draft(procedure, citizen, units):
    return dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"])


def _delivery_url(dossier) -> tuple[str, int]:
    step = next(s for s in filing_steps(dossier.procedure_version) if s.kind == DELIVERY)
    return reverse("dossiers:edit", args=[dossier.ref]) + f"?buoc={step.number}", step.number


def _review_url(dossier) -> str:
    steps = filing_steps(dossier.procedure_version)
    return reverse("dossiers:edit", args=[dossier.ref]) + f"?buoc={len(steps)}"


@pytest.mark.django_db
def test_the_citizen_chooses_another_communes_desk_and_the_review_shows_it(
        citizen_client, draft, units):
    url, number = _delivery_url(draft)
    page = citizen_client.get(url).content.decode()
    select = re.search(r'<select[^>]*name="noi_nhan_ket_qua".*?</select>', page, re.S).group(0)
    assert "Nơi nhận kết quả" in page
    # The province's desks are offered; the receiving unit is the default.
    assert units["other_ward"].name in select
    assert re.search(rf'<option value="{units["ward"].pk}"[^>]*selected', select)

    response = citizen_client.post(url, {"buoc": number, "cach_nhan_ket_qua": "pickup",
                                         "noi_nhan_ket_qua": units["other_ward"].pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.pickup_unit == units["other_ward"]
    assert draft.pickup_desk == units["other_ward"]

    review = citizen_client.get(_review_url(draft)).content.decode()
    assert "Nơi nhận kết quả" in review and units["other_ward"].name in review
    # Back on the step, the choice is the one selected.
    page = citizen_client.get(url).content.decode()
    assert re.search(rf'<option value="{units["other_ward"].pk}"[^>]*selected', page)


@pytest.mark.django_db
def test_choosing_the_receiving_unit_keeps_the_default(citizen_client, draft, units):
    Dossier.objects.filter(pk=draft.pk).update(pickup_unit=units["other_ward"])
    url, number = _delivery_url(draft)
    citizen_client.post(url, {"buoc": number, "cach_nhan_ket_qua": "pickup",
                              "noi_nhan_ket_qua": units["ward"].pk})
    draft.refresh_from_db()
    assert draft.pickup_unit is None and draft.pickup_desk == units["ward"]


@pytest.fixture
def elsewhere(units):
    province = Unit.objects.create(code="000.00.00.H16", name="Tỉnh Quảng Nam", kind="province")
    outside = Unit.objects.create(code="000.01.00.H16", name="Phường Hội An", kind="ward",
                                  parent=province)
    closed = Unit.objects.create(code="000.01.12.H17", name="Phường Đã Sáp Nhập", kind="ward",
                                 parent=units["other_district"], is_active=False)
    return {"outside": outside, "closed": closed}


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["outside", "closed"])
def test_a_desk_outside_the_province_or_closed_is_refused(citizen_client, draft, units,
                                                          elsewhere, which):
    url, number = _delivery_url(draft)
    response = citizen_client.post(url, {"buoc": number, "cach_nhan_ket_qua": "pickup",
                                         "noi_nhan_ket_qua": elsewhere[which].pk})
    assert response.status_code == 200
    assert WRONG_DESK in response.content.decode()
    draft.refresh_from_db()
    assert draft.pickup_unit is None


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["outside", "closed"])
def test_the_filing_services_refuse_a_desk_outside_the_province(procedure, citizen, units,
                                                                draft, elsewhere, which):
    with pytest.raises(DossierInvalid) as refused:
        dossier_update_draft(dossier=draft, acting_user=citizen, data=draft.data,
                             pickup_unit=elsewhere[which])
    assert WRONG_DESK in refused.value.message
    draft.refresh_from_db()
    assert draft.pickup_unit is None
    with pytest.raises(DossierInvalid):
        dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                             pickup_unit=elsewhere[which])
    assert Dossier.objects.filter(applicant=citizen).count() == 1


@pytest.mark.django_db
def test_moving_the_draft_to_another_province_drops_the_chosen_desk(citizen, draft, units,
                                                                   elsewhere):
    dossier_update_draft(dossier=draft, acting_user=citizen, data=draft.data,
                         pickup_unit=units["other_ward"])
    draft = dossier_update_draft(dossier=draft, acting_user=citizen, data=draft.data,
                                 place=elsewhere["outside"])
    assert draft.pickup_unit is None


def _hand_over(client, dossier):
    url = reverse("delivery_staff:counter", args=[dossier.ref])
    return client.post(url, {"nguoi_nhan": "chinh_chu", "cccd": "048090001234",
                             "da_kiem_tra": "on", "da_ky_nhan": "on"})


@pytest.mark.django_db(transaction=True)
def test_the_result_waits_at_the_chosen_desk_whose_clerk_hands_it_over(
        client, procedure, citizen, units, clerk, processor, leader, other_clerk):
    dossier = make_dossier(state="result_ready", procedure=procedure, citizen=citizen,
                           units=units, clerk=clerk, processor=processor, leader=leader,
                           national_id="048090001234", pickup_unit=units["other_ward"])
    appointment = PickupAppointment.objects.get(dossier_id=dossier.pk)
    assert appointment.unit == units["other_ward"]
    assert appointment.address == (units["other_ward"].address or units["other_ward"].name)

    client.force_login(citizen)
    detail = client.get(reverse("dossiers:detail", args=[dossier.ref])).content.decode()
    assert "Nơi nhận kết quả" in detail and units["other_ward"].name in detail

    # The receiving ward's clerk does not hold the result: the chosen desk does.
    login_verified(client, clerk)
    _hand_over(client, dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RESULT_READY

    login_verified(client, other_clerk)
    found = client.get(reverse("delivery_staff:counter_find"), {"q": dossier.code})
    assert found.status_code == 302 and dossier.ref in found["Location"]
    response = _hand_over(client, dossier)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    appointment.refresh_from_db()
    assert appointment.handed_over_by == other_clerk


@pytest.mark.django_db(transaction=True)
def test_without_a_choice_the_receiving_units_clerk_hands_it_over(
        client, procedure, citizen, units, clerk, processor, leader, other_clerk):
    dossier = make_dossier(state="result_ready", procedure=procedure, citizen=citizen,
                           units=units, clerk=clerk, processor=processor, leader=leader,
                           national_id="048090001234")
    assert PickupAppointment.objects.get(dossier_id=dossier.pk).unit == units["ward"]
    login_verified(client, other_clerk)
    assert client.get(reverse("delivery_staff:counter", args=[dossier.ref])).status_code == 404
    login_verified(client, clerk)
    _hand_over(client, dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED


def _paper(procedure, units, **extra):
    from .conftest import pdf

    return {"thu_tuc": procedure.code, "noi_cu_tru": units["ward"].pk,
            "ho_ten_nguoi_nop": "Lê Văn Cường", "cccd_nguoi_nop": "048090001234",
            "dien_thoai": "0905000111", "kenh": "1",
            "ho_ten_tre": "Lê Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-11-01",
            "tep__to-khai": pdf(), **extra}


@pytest.mark.django_db
def test_the_clerk_at_any_desk_records_where_the_result_is_collected(client, other_clerk,
                                                                     procedure, units):
    login_verified(client, other_clerk)  # a clerk of Hải Châu 1, for a Khuê Trung resident
    url = reverse("dossiers_staff:reception") + f"?thu_tuc={procedure.code}"
    assert 'name="noi_nhan_ket_qua"' in client.get(url).content.decode()
    response = client.post(url, _paper(procedure, units,
                                       noi_nhan_ket_qua=units["other_ward"].pk))
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Lê Văn Cường")
    assert dossier.receiving_unit == units["ward"]
    assert dossier.pickup_unit == units["other_ward"]


@pytest.mark.django_db
def test_the_clerk_cannot_record_a_desk_outside_the_province(client, other_clerk, procedure,
                                                             units, elsewhere):
    login_verified(client, other_clerk)
    url = reverse("dossiers_staff:reception") + f"?thu_tuc={procedure.code}"
    response = client.post(url, _paper(procedure, units,
                                       noi_nhan_ket_qua=elsewhere["outside"].pk))
    assert response.status_code == 200 and WRONG_DESK in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lê Văn Cường").exists()
