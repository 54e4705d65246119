import datetime

import pytest
from django.utils import timezone

from dossiers.constants import TRANSITIONS, Action, DossierState
from dossiers.exceptions import (
    ConcurrentUpdate,
    DossierInvalid,
    NotPermitted,
    TransitionNotAllowed,
)
from dossiers.models import AppendOnlyError, DossierSlip, DossierTransition
from dossiers.services import (
    dossier_act,
    dossier_apologize,
    dossier_approve,
    dossier_attach,
    dossier_create_draft,
    dossier_forward,
    dossier_mark_result_ready,
    dossier_receive,
    dossier_refuse_reception,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_submit,
    dossier_supplement,
    dossier_withdraw,
)

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_transition_table_names_every_action_once():
    assert set(TRANSITIONS) == set(Action) - {Action.CREATE}


def test_submit_assigns_code_due_date_and_snapshots(draft, citizen, units):
    dossier = dossier_submit(dossier=draft, acting_user=citizen)
    today = timezone.localdate()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.code == f"{units['ward'].code}-{today:%y%m%d}-0001"
    assert dossier.procedure_version.number == 1
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.data["ngay_sinh"] == "2026-11-20"
    assert dossier.due_date is not None
    assert list(dossier.transitions.values_list("action", flat=True)) == ["create", "submit"]


def test_submit_refuses_missing_documents_and_invalid_data(procedure, citizen, units):
    dossier = dossier_create_draft(procedure=procedure, applicant=citizen, place=units["ward"],
                                   data={"ho_ten_tre": "Bé"})
    with pytest.raises(DossierInvalid) as exc:
        dossier_submit(dossier=dossier, acting_user=citizen)
    assert exc.value.code == "invalid_data"
    dossier.data = {"ho_ten_tre": "Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-01-02"}
    dossier.save()
    with pytest.raises(DossierInvalid) as exc:
        dossier_submit(dossier=dossier, acting_user=citizen)
    assert exc.value.code == "missing_documents"
    assert "Giấy chứng sinh" in exc.value.message


def test_full_happy_path_with_roles(received, clerk, processor, leader):
    dossier = received
    assert dossier.state == DossierState.RECEIVED
    assert DossierSlip.objects.filter(dossier=dossier, kind="01").exists()
    with pytest.raises(NotPermitted):
        dossier_forward(dossier=dossier, acting_user=processor)  # step 0 is the clerk's
    dossier = dossier_forward(dossier=dossier, acting_user=clerk, note="Chuyển thẩm định")
    assert (dossier.state, dossier.current_step) == (DossierState.IN_PROGRESS, 1)
    with pytest.raises(NotPermitted):
        dossier_approve(dossier=dossier, acting_user=processor)
    dossier = dossier_forward(dossier=dossier, acting_user=processor)
    with pytest.raises(TransitionNotAllowed):
        dossier_forward(dossier=dossier, acting_user=leader)  # no step after the last
    dossier = dossier_approve(dossier=dossier, acting_user=leader)
    dossier = dossier_mark_result_ready(dossier=dossier, acting_user=clerk,
                                       result_file=pdf("kq.pdf"))
    assert dossier.result_document.kind == "result"
    dossier = dossier_return_result(dossier=dossier, acting_user=clerk)
    assert dossier.state == DossierState.RETURNED
    history = list(dossier.transitions.values_list("action", "from_state", "to_state"))
    assert history[-3:] == [("approve", "in_progress", "approved"),
                            ("mark_result_ready", "approved", "result_ready"),
                            ("return_result", "result_ready", "returned")]


def test_staff_of_another_ward_cannot_act(submitted, other_clerk):
    with pytest.raises(NotPermitted):
        dossier_receive(dossier=submitted, acting_user=other_clerk)


def test_illegal_transition_has_a_vietnamese_message(draft, clerk):
    with pytest.raises(TransitionNotAllowed) as exc:
        dossier_receive(dossier=draft, acting_user=clerk)
    assert "Bản nháp" in exc.value.message


def test_send_back_needs_a_reason(received, clerk, processor):
    dossier = dossier_forward(dossier=received, acting_user=clerk)
    with pytest.raises(DossierInvalid):
        dossier_send_back(dossier=dossier, acting_user=processor, note="")
    dossier = dossier_send_back(dossier=dossier, acting_user=processor, note="Thiếu chữ ký")
    assert (dossier.state, dossier.current_step) == (DossierState.RECEIVED, 0)


def test_supplement_at_reception_goes_back_to_submitted(submitted, clerk, citizen):
    dossier = dossier_request_supplement(dossier=submitted, acting_user=clerk,
                                         note="Giấy chứng sinh bị mờ\nThiếu trang 2")
    assert dossier.supplement_items == ["Giấy chứng sinh bị mờ", "Thiếu trang 2"]
    assert DossierSlip.objects.get(dossier=dossier, kind="02").data["items"][1] == "Thiếu trang 2"
    with pytest.raises(DossierInvalid):
        dossier_supplement(dossier=dossier, acting_user=citizen)
    dossier_attach(dossier=dossier, acting_user=citizen, document_key="giay-chung-sinh",
                   upload=pdf("ro.pdf"))
    dossier = dossier_supplement(dossier=dossier, acting_user=citizen)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.attachments.filter(is_supplement=True).count() == 1


def test_supplement_during_processing_restarts_the_deadline(received, clerk, processor,
                                                            citizen):
    dossier = dossier_forward(dossier=received, acting_user=clerk)
    dossier = dossier_request_supplement(dossier=dossier, acting_user=processor,
                                         note="Bổ sung xác nhận cư trú")
    dossier = dossier_supplement(dossier=dossier, acting_user=citizen, note="Đã bổ sung")
    assert (dossier.state, dossier.current_step) == (DossierState.RECEIVED, 0)
    assert dossier.received_at >= received.received_at
    assert dossier.supplement_count == 1


def test_refuse_reception_and_withdraw(submitted, clerk, citizen, draft):
    with pytest.raises(DossierInvalid):
        dossier_refuse_reception(dossier=submitted, acting_user=clerk, note=" ")
    dossier = dossier_refuse_reception(dossier=submitted, acting_user=clerk,
                                       note="Không thuộc thẩm quyền")
    assert dossier.state == DossierState.REFUSED and dossier.finished_at
    with pytest.raises(TransitionNotAllowed):
        dossier_withdraw(dossier=dossier, acting_user=citizen)


def test_only_the_applicant_can_withdraw(submitted, other_citizen, citizen):
    with pytest.raises(NotPermitted):
        dossier_withdraw(dossier=submitted, acting_user=other_citizen)
    assert dossier_withdraw(dossier=submitted, acting_user=citizen).state == "withdrawn"


def test_apology_records_a_new_appointment(received, clerk):
    new = received.due_date + datetime.timedelta(days=7)
    with pytest.raises(DossierInvalid):
        dossier_apologize(dossier=received, acting_user=clerk, note="Chậm", new_due_date=None)
    dossier = dossier_apologize(dossier=received, acting_user=clerk, note="Cần xác minh",
                                new_due_date=new)
    assert dossier.due_date == new and dossier.apology_count == 1
    slip = DossierSlip.objects.get(dossier=dossier, kind="04")
    assert slip.data["new_appointment"] == new.isoformat()


def test_stale_version_is_a_conflict(submitted, clerk):
    version = submitted.version
    dossier_act(dossier=submitted, acting_user=clerk, action="receive",
                expected_version=version)
    with pytest.raises(ConcurrentUpdate):
        dossier_act(dossier=submitted, acting_user=clerk, action="request_supplement",
                    note="x", expected_version=version)


def test_audit_rows_are_append_only(submitted):
    entry = DossierTransition.objects.filter(dossier=submitted).first()
    entry.note = "sửa"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_overdue_is_derived(received):
    from dossiers.models import Dossier

    Dossier.objects.filter(pk=received.pk).update(due_date=datetime.date(2020, 1, 1))
    received.refresh_from_db()
    assert received.is_overdue
    assert Dossier.objects.overdue().filter(pk=received.pk).exists()
