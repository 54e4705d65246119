"""Writes on dossiers, what other apps and the views call.

Every transition goes through ``core.apply_transition``: it locks the row, checks the rule of
``constants.TRANSITIONS`` (``policy.check_transition``), sets the rule's target, writes with
``update_fields`` and appends a ``DossierTransition``; notifications go out on commit.
Reads (fees, missing documents, the current version) are in ``dossiers.selectors``; who may
do what, in ``dossiers.policy``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..constants import HANDOVER_ONLY_ACTIONS, Action
from ..exceptions import TransitionNotAllowed
from ..models import Dossier, PersonalDataAccess
from .core import apply_transition
from .events import dossier_record_event, dossier_record_events
from .fees import dossier_record_payment
from .filing import (
    delivery_address_snapshot,
    dossier_attach,
    dossier_create_draft,
    dossier_delete_draft,
    dossier_detach,
    dossier_submit,
    dossier_supplement,
    dossier_update_draft,
    dossier_withdraw,
    submit_problems,
    validate_data,
)
from .reception import (
    dossier_file_in_person,
    dossier_receive,
    dossier_refuse_reception,
    dossier_request_supplement,
)
from .transitions import (
    dossier_apologize,
    dossier_approve,
    dossier_forward,
    dossier_mark_result_ready,
    dossier_refuse,
    dossier_return_result,
    dossier_send_back,
    dossier_stop,
)

__all__ = [
    "SERVICES",
    "apply_transition",
    "delivery_address_snapshot",
    "dossier_act",
    "dossier_apologize",
    "dossier_approve",
    "dossier_attach",
    "dossier_create_draft",
    "dossier_delete_draft",
    "dossier_detach",
    "dossier_file_in_person",
    "dossier_forward",
    "dossier_mark_result_ready",
    "dossier_receive",
    "dossier_record_event",
    "dossier_record_events",
    "dossier_record_payment",
    "dossier_refuse",
    "dossier_refuse_reception",
    "dossier_request_supplement",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement",
    "dossier_update_draft",
    "dossier_withdraw",
    "personal_data_access_record",
    "submit_problems",
    "validate_data",
]

SERVICES = {
    Action.WITHDRAW: dossier_withdraw,
    Action.SUPPLEMENT: dossier_supplement,
    Action.RECEIVE: dossier_receive,
    Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
    Action.REFUSE_RECEPTION: dossier_refuse_reception,
    Action.FORWARD: dossier_forward,
    Action.SEND_BACK: dossier_send_back,
    Action.APPROVE: dossier_approve,
    Action.REFUSE: dossier_refuse,
    Action.MARK_RESULT_READY: dossier_mark_result_ready,
    Action.RETURN_RESULT: dossier_return_result,
    Action.APOLOGIZE: dossier_apologize,
    Action.STOP: dossier_stop,
}


def dossier_act(*, dossier: Dossier, acting_user, action: str, note: str = "",
                expected_version: int | None = None, **extra: Any) -> Dossier:
    """One entry point for views and the API: dispatches to the action's service."""
    service = SERVICES.get(action)
    if service is None:
        raise TransitionNotAllowed(_("Thao tác không hợp lệ."), code="unknown_action")
    if action in HANDOVER_ONLY_ACTIONS:
        raise TransitionNotAllowed(
            _("Trả kết quả phải thực hiện tại trang Trả kết quả, sau khi kiểm tra giấy tờ tùy "
              "thân của người nhận."), code="handover_required")
    if action == Action.APOLOGIZE:
        extra.setdefault("new_due_date", None)
    return service(dossier=dossier, acting_user=acting_user, note=note,
                   expected_version=expected_version, **extra)


# --- audit of reads ----------------------------------------------------------------------------


def personal_data_access_record(*, dossier: Dossier, user, purpose: str) -> None:
    PersonalDataAccess.objects.create(dossier=dossier, user=user, purpose=purpose[:64])
