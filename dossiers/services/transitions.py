"""Processing transitions by staff: moving between steps, the decision, the result at the
desk, its hand-over, the apology with a new appointment (Mẫu 04) and stopping the processing
(Mẫu 05). Each applies its rule
through ``core.apply_transition`` and adds only its own work."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import Action, SlipKind, StoredDocumentKind
from ..exceptions import DossierInvalid
from ..models import Dossier, StoredDocument
from ..routing import unit_for_step
from ..storage import private_storage
from ..uploads import inspect_upload
from .core import apply_transition, slip
from .reception import refusal


@transaction.atomic
def dossier_forward(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    def change(dossier: Dossier, target: str) -> list[str]:
        steps = dossier.steps  # the rule's guard (policy.no_next_step) checked there is a next
        dossier.current_step += 1
        dossier.current_unit = unit_for_step(receiving_unit=dossier.receiving_unit,
                                             step=steps[dossier.current_step])
        return ["current_step", "current_unit"]

    return apply_transition(dossier=dossier, action=Action.FORWARD, acting_user=acting_user,
                            note=note, expected_version=expected_version, change=change,
                            moves_step=True).dossier


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, acting_user, note: str,
                      expected_version: int | None = None) -> Dossier:
    def change(dossier: Dossier, target: str) -> list[str]:
        dossier.current_step -= 1  # the guard (policy.no_previous_step): not below step 0
        dossier.current_unit = unit_for_step(receiving_unit=dossier.receiving_unit,
                                             step=dossier.steps[dossier.current_step])
        return ["current_step", "current_unit"]

    return apply_transition(dossier=dossier, action=Action.SEND_BACK, acting_user=acting_user,
                            note=note, expected_version=expected_version, change=change,
                            moves_step=True).dossier


def _finished(dossier: Dossier, target: str) -> list[str]:
    dossier.finished_at = timezone.now()
    return ["finished_at"]


@transaction.atomic
def dossier_approve(*, dossier: Dossier, acting_user, note: str = "",
                    expected_version: int | None = None) -> Dossier:
    return apply_transition(dossier=dossier, action=Action.APPROVE, acting_user=acting_user,
                            note=note, expected_version=expected_version,
                            change=_finished).dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, acting_user, note: str,
                   expected_version: int | None = None) -> Dossier:
    return refusal(dossier, action=Action.REFUSE, acting_user=acting_user, note=note,
                   expected_version=expected_version)


@transaction.atomic
def dossier_mark_result_ready(*, dossier: Dossier, acting_user, note: str = "",
                              result_summary: str = "", result_file: UploadedFile | None = None,
                              expected_version: int | None = None) -> Dossier:
    """The result is at the desk (and, if a file is given, in the citizen's e-document store)."""
    def change(dossier: Dossier, target: str) -> list[str]:
        dossier.current_unit = dossier.receiving_unit  # the result goes back to the desk
        dossier.result_summary = result_summary or dossier.procedure_version.document.get(
            "result_document", "")
        fields = ["result_summary", "current_unit"]
        if result_file is not None and dossier.applicant_id:
            info = inspect_upload(result_file)
            name = private_storage.save(info["storage_name"], result_file)
            dossier.result_document = StoredDocument.objects.create(
                owner_id=dossier.applicant_id, kind=StoredDocumentKind.RESULT,
                title=dossier.result_summary, file=name, sha256=info["sha256"],
                size=info["size"], content_type=info["content_type"],
                original_name=info["original_name"], source_dossier=dossier,
            )
            fields.append("result_document")
        return fields

    return apply_transition(dossier=dossier, action=Action.MARK_RESULT_READY,
                            acting_user=acting_user, note=note,
                            expected_version=expected_version, change=change).dossier


@transaction.atomic
def dossier_return_result(*, dossier: Dossier, acting_user, note: str = "",
                          expected_version: int | None = None) -> Dossier:
    return apply_transition(dossier=dossier, action=Action.RETURN_RESULT,
                            acting_user=acting_user, note=note,
                            expected_version=expected_version).dossier


@transaction.atomic
def dossier_apologize(*, dossier: Dossier, acting_user, note: str,
                      new_due_date: datetime.date | None,
                      expected_version: int | None = None) -> Dossier:
    """Records the apology letter (Mẫu 04) for a late dossier with a new appointment."""
    old: list[datetime.date | None] = []

    def change(dossier: Dossier, target: str) -> list[str]:
        if not new_due_date or (dossier.due_date and new_due_date <= dossier.due_date):
            raise DossierInvalid(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."),
                                 code="new_due_date")
        if new_due_date < timezone.localdate():
            raise DossierInvalid(_("Ngày hẹn mới không được ở quá khứ."), code="new_due_date")
        old.append(dossier.due_date)
        dossier.due_date = new_due_date
        dossier.apology_count += 1
        dossier.apology_reason = note
        return ["due_date", "apology_count", "apology_reason"]

    dossier, entry = apply_transition(dossier=dossier, action=Action.APOLOGIZE,
                                      acting_user=acting_user, note=note,
                                      expected_version=expected_version, change=change)
    slip(dossier, SlipKind.APOLOGY, entry, reason=note,
         received_at=dossier.received_at.isoformat() if dossier.received_at else None,
         original_appointment=old[0].isoformat() if old[0] else None,
         new_appointment=new_due_date.isoformat())
    return dossier


@transaction.atomic
def dossier_stop(*, dossier: Dossier, acting_user, note: str,
                 expected_version: int | None = None) -> Dossier:
    """Stops processing for good (TT 03/2025 Mẫu 05, national status 8): the citizen did not
    supplement within the time given, or asked to stop. The state is final, so the clock
    stops with it (``clock.CLOCK_RUNNING_STATES``); the citizen is notified like for every
    visible action and gets the notice with the reason."""
    from_state: list[str] = []

    def change(dossier: Dossier, target: str) -> list[str]:
        from_state.append(dossier.state)
        dossier.finished_at = timezone.now()
        return ["finished_at"]

    dossier, entry = apply_transition(dossier=dossier, action=Action.STOP,
                                      acting_user=acting_user, note=note,
                                      expected_version=expected_version, change=change)
    slip(dossier, SlipKind.STOP, entry, reason=note, from_state=from_state[0],
         received_at=dossier.received_at.isoformat() if dossier.received_at else None,
         supplement_requested_at=(dossier.supplement_requested_at.isoformat()
                                  if dossier.supplement_requested_at else None),
         supplement_items=list(dossier.supplement_items or []),
         stopped_at=entry.created_at.isoformat())
    return dossier
