"""States, actions and the one table of allowed transitions of a dossier."""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import StaffRole


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    APPROVED = "approved", _("Đã phê duyệt")
    REFUSED = "refused", _("Từ chối")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    # TT 03/2025 Mẫu 05: processing stopped for good (the citizen did not supplement in time,
    # or asked to stop); national status 8.
    STOPPED = "stopped", _("Đã dừng giải quyết")


# National data-exchange status codes (DOMAIN.md), for export.
NATIONAL_STATUS = {
    DossierState.SUBMITTED: 1, DossierState.RECEIVED: 2, DossierState.REFUSED: 3,
    DossierState.IN_PROGRESS: 4, DossierState.SUPPLEMENT_REQUESTED: 5,
    DossierState.WITHDRAWN: 7, DossierState.APPROVED: 4, DossierState.RESULT_READY: 9,
    DossierState.RETURNED: 10, DossierState.STOPPED: 8,
}

FINISHED_STATES = frozenset({
    DossierState.APPROVED, DossierState.REFUSED, DossierState.RESULT_READY,
    DossierState.RETURNED, DossierState.WITHDRAWN, DossierState.STOPPED,
})
# The one definition of when the processing clock runs (dossiers/clock.py applies it): from
# complete reception until a decision. It stops while waiting for the citizen's supplement and
# restarts in full on supplement; a dossier not yet received has no running clock (it may be
# late to acknowledge instead, ACKNOWLEDGE_STATES).
CLOCK_RUNNING_STATES = frozenset({DossierState.RECEIVED, DossierState.IN_PROGRESS})
# States where an online filing waits for the desk to receive it or return it for supplement
# within the working hours of settings.ACKNOWLEDGE_WITHIN_WORKING_HOURS.
ACKNOWLEDGE_STATES = frozenset({DossierState.SUBMITTED})
# A result exists: ready at the desk, or returned (only then is it routed to the citizen).
RESULT_STATES = frozenset({DossierState.RESULT_READY, DossierState.RETURNED})


class Channel(models.TextChoices):
    """Values are the national data-exchange channel codes."""

    IN_PERSON = "1", _("Trực tiếp")
    ONLINE = "2", _("Trực tuyến")
    POSTAL = "3", _("Qua bưu chính công ích")


class Action(models.TextChoices):
    CREATE = "create", _("Tạo hồ sơ")
    SUBMIT = "submit", _("Nộp hồ sơ")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    REFUSE_RECEPTION = "refuse_reception", _("Từ chối tiếp nhận")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    APPROVE = "approve", _("Phê duyệt")
    REFUSE = "refuse", _("Từ chối giải quyết")
    MARK_RESULT_READY = "mark_result_ready", _("Có kết quả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả")
    STOP = "stop", _("Dừng giải quyết hồ sơ")
    # Events recorded by the system (no state change), shown and notified to the citizen.
    PAY = "pay", _("Đã thanh toán lệ phí trực tuyến")
    SCHEDULE_PICKUP = "schedule_pickup", _("Hẹn nhận kết quả tại bộ phận một cửa")
    SHIP = "ship", _("Gửi kết quả qua bưu chính")
    REMIND_PICKUP = "remind_pickup", _("Nhắc nhận kết quả")


CITIZEN = "citizen"
# A marker in the table: the portal itself (a task or a gateway callback), with no acting user.
SYSTEM = "system"
# A marker in the table: the role configured for the dossier's current processing step.
STEP_ROLE = "step"

# Targets that are not a state. SAME: an event (a payment, a shipment, an apology) recorded
# without changing the state. COMPUTED: the target depends on the dossier's history; the rule
# names the function (a dotted path) that computes it from the locked dossier.
SAME = "="
COMPUTED = "?"

# Whose staff may act: the unit of the current processing step, or the receiving unit's
# one-stop desk (the result goes back there, wherever the last step was done), or the desk
# where the citizen collects the result: the one they chose in the province (NĐ 118/2025),
# otherwise the receiving unit's (``Dossier.pickup_desk``).
CURRENT_UNIT = "current_unit"
RECEIVING_UNIT = "receiving_unit"
PICKUP_UNIT = "pickup_unit"


class Rule(NamedTuple):
    sources: frozenset[str]
    target: str  # a DossierState, SAME or COMPUTED (then ``compute`` names the function)
    roles: frozenset[str]
    note_required: bool = False
    unit: str = CURRENT_UNIT
    compute: str = ""  # dotted path of ``f(dossier) -> DossierState``, for COMPUTED only
    # Dotted path of ``f(dossier) -> str | None``: why the action is not possible now even in
    # a source state and for the right person (the message), or None.
    guard: str = ""


S = DossierState
R = StaffRole
TRANSITIONS: dict[str, Rule] = {
    Action.SUBMIT: Rule(frozenset({S.DRAFT}), S.SUBMITTED, frozenset({CITIZEN})),
    Action.WITHDRAW: Rule(
        frozenset({S.DRAFT, S.SUBMITTED, S.RECEIVED, S.SUPPLEMENT_REQUESTED, S.IN_PROGRESS}),
        S.WITHDRAWN, frozenset({CITIZEN}),
    ),
    Action.RECEIVE: Rule(frozenset({S.SUBMITTED}), S.RECEIVED, frozenset({R.CLERK})),
    Action.REQUEST_SUPPLEMENT: Rule(
        frozenset({S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS}), S.SUPPLEMENT_REQUESTED,
        frozenset({R.CLERK, R.PROCESSOR}), note_required=True,
    ),
    Action.REFUSE_RECEPTION: Rule(
        frozenset({S.SUBMITTED}), S.REFUSED, frozenset({R.CLERK}), note_required=True
    ),
    # Asked at reception, it waits for reception again; asked later, it is received anew.
    Action.SUPPLEMENT: Rule(frozenset({S.SUPPLEMENT_REQUESTED}), COMPUTED, frozenset({CITIZEN}),
                            compute="dossiers.policy.target_after_supplement"),
    Action.FORWARD: Rule(frozenset({S.RECEIVED, S.IN_PROGRESS}), S.IN_PROGRESS,
                         frozenset({STEP_ROLE}), guard="dossiers.policy.no_next_step"),
    # Back to the reception step means "received" again, otherwise still "in_progress".
    Action.SEND_BACK: Rule(frozenset({S.IN_PROGRESS}), COMPUTED, frozenset({STEP_ROLE}),
                           note_required=True, compute="dossiers.policy.target_after_send_back",
                           guard="dossiers.policy.no_previous_step"),
    Action.APPROVE: Rule(frozenset({S.IN_PROGRESS}), S.APPROVED, frozenset({R.LEADER})),
    Action.REFUSE: Rule(frozenset({S.IN_PROGRESS}), S.REFUSED, frozenset({R.LEADER}),
                        note_required=True),
    Action.MARK_RESULT_READY: Rule(frozenset({S.APPROVED}), S.RESULT_READY,
                                   frozenset({R.CLERK}), unit=RECEIVING_UNIT),
    # The desk where it is collected hands the result over, or the postal service reports it
    # delivered (system).
    Action.RETURN_RESULT: Rule(frozenset({S.RESULT_READY}), S.RETURNED,
                               frozenset({R.CLERK, SYSTEM}), unit=PICKUP_UNIT),
    Action.APOLOGIZE: Rule(frozenset({S.RECEIVED, S.IN_PROGRESS, S.APPROVED}), SAME,
                           frozenset({R.CLERK, R.LEADER}), note_required=True),
    # TT 03/2025 Mẫu 05: the end of a dossier that will not be decided (the citizen did not
    # supplement within the time given, or asked to stop). It ends the citizen's case like a
    # refusal, so the same people decide it: the one-stop clerk (the usual case, a dossier
    # waiting for a supplement that never came) and the unit's leader; the processor only
    # hands the dossier on. A reason is required: it is printed on the notice.
    Action.STOP: Rule(frozenset({S.SUPPLEMENT_REQUESTED, S.RECEIVED, S.IN_PROGRESS}), S.STOPPED,
                      frozenset({R.CLERK, R.LEADER}), note_required=True),
    # The fee is paid online before reception (a confirmed gateway callback).
    Action.PAY: Rule(frozenset({S.SUBMITTED, S.SUPPLEMENT_REQUESTED}), SAME,
                     frozenset({SYSTEM})),
    # Routing the result: an appointment at the desk, a shipment, a reminder.
    Action.SCHEDULE_PICKUP: Rule(frozenset({S.RESULT_READY}), SAME, frozenset({SYSTEM})),
    Action.SHIP: Rule(frozenset({S.RESULT_READY}), SAME, frozenset({SYSTEM})),
    Action.REMIND_PICKUP: Rule(frozenset({S.RESULT_READY}), SAME, frozenset({SYSTEM})),
}
del S, R

# Handing the result over needs the identity check of the counter page (or the postal
# provider's delivery report): it is never a plain button or API action.
HANDOVER_ONLY_ACTIONS = frozenset({Action.RETURN_RESULT})
STAFF_ACTIONS = [a for a, rule in TRANSITIONS.items()
                 if CITIZEN not in rule.roles and rule.roles != {SYSTEM}
                 and a not in HANDOVER_ONLY_ACTIONS]

# Events the citizen sees on their timeline and is notified about.
CITIZEN_VISIBLE_ACTIONS = frozenset({
    Action.SUBMIT, Action.WITHDRAW, Action.RECEIVE, Action.REQUEST_SUPPLEMENT,
    Action.REFUSE_RECEPTION, Action.SUPPLEMENT, Action.APPROVE, Action.REFUSE,
    Action.MARK_RESULT_READY, Action.RETURN_RESULT, Action.APOLOGIZE, Action.PAY,
    Action.SCHEDULE_PICKUP, Action.SHIP, Action.REMIND_PICKUP, Action.STOP,
})
# Actions that end the citizen's case: never one tap, never styled like the routine ones
# (the staff page puts them behind a confirmation with the reason required).
CASE_ENDING_ACTIONS = frozenset({Action.REFUSE_RECEPTION, Action.REFUSE, Action.STOP})


class SlipKind(models.TextChoices):
    """The forms of TT 03/2025/TT-VPCP (Phụ lục I), by their number. A slip row stores the data
    of a form filled in at a transition; the control sheet (06) and the logbook (07) are built
    from the audit trail on demand and never stored as slip rows. Slips stored under TT 01/2018
    used 01–04 for the same four forms (04 was the apology alone), so their codes stay valid."""

    RECEIPT = "01", _("Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "02", _("Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "03", _("Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "04", _("Mẫu 04 – Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    STOP = "05", _("Mẫu 05 – Thông báo dừng giải quyết hồ sơ")
    CONTROL_SHEET = "06", _("Mẫu 06 – Phiếu kiểm soát quá trình giải quyết hồ sơ")
    LOGBOOK = "07", _("Mẫu 07 – Sổ theo dõi hồ sơ")


class StoredDocumentKind(models.TextChoices):
    UPLOAD = "upload", _("Giấy tờ đã nộp")
    RESULT = "result", _("Kết quả đã được cấp")


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ thêm")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


SAME_DAY_CUTOFF_HOUR = 15
