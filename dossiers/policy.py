"""Who may do what to a dossier now, and where a transition leads: the one reading of
``constants.TRANSITIONS``.

Services raise ``check_transition``'s error; views, the API, the templates (``{% may %}``,
dossiers/templatetags/dossier_policy.py) and the delivery panel ask ``may_perform``. A rule
copied into a view or a template as a state string drifts from the table; asking here does not.
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.constants import StaffRole
from accounts.selectors import user_holds_role_at
from units.models import Unit

from .constants import (
    CITIZEN,
    COMPUTED,
    PICKUP_UNIT,
    RECEIVING_UNIT,
    SAME,
    STEP_ROLE,
    SYSTEM,
    TRANSITIONS,
    Action,
    DossierState,
)
from .exceptions import DossierError, DossierInvalid, NotPermitted, TransitionNotAllowed
from .models import Dossier
from .routing import path_ids


def staff_may_act(user, unit: Unit, roles) -> bool:
    """The user holds one of ``roles`` in ``unit`` or one of its ancestors."""
    if user is None:
        return False
    return user_holds_role_at(user, path_ids(unit), roles)


def acting_unit(dossier: Dossier, action: str) -> Unit:
    """The unit whose staff the rule of ``action`` asks for."""
    if TRANSITIONS[action].unit == RECEIVING_UNIT:
        return dossier.receiving_unit
    if TRANSITIONS[action].unit == PICKUP_UNIT:
        return dossier.pickup_desk
    return dossier.current_unit


def in_source_state(dossier: Dossier, action: str) -> bool:
    return dossier.state in TRANSITIONS[action].sources


def holds_rule_role(user, dossier: Dossier, action: str) -> bool:
    """``user`` is whom the rule names, whatever the state: the applicant for a citizen
    action, the portal itself (``user`` None) for a system one, otherwise staff holding the
    role (the current step's role for ``STEP_ROLE``) in the rule's unit or above it."""
    rule = TRANSITIONS[action]
    if user is None and SYSTEM in rule.roles:
        return True
    if CITIZEN in rule.roles:
        return user is not None and dossier.applicant_id is not None \
            and user.pk == dossier.applicant_id
    roles = set(rule.roles) - {SYSTEM}
    if STEP_ROLE in roles:
        step = dossier.current_step_spec
        roles = {step["role"]} if step else set()
    return staff_may_act(user, acting_unit(dossier, action), roles)


def _state_label(state: str) -> str:
    return str(DossierState(state).label) if state else ""


def denial(user, dossier: Dossier, action: str, note: str | None = None) -> DossierError | None:
    """Why ``user`` may not perform ``action`` on ``dossier`` now, or None when they may.

    ``note=None`` leaves the note out (a button is shown before its note is typed)."""
    rule = TRANSITIONS[action]
    if not in_source_state(dossier, action):
        return TransitionNotAllowed(
            _("Không thể “%(action)s” hồ sơ đang ở trạng thái “%(state)s”.")
            % {"action": Action(action).label, "state": _state_label(dossier.state)})
    if note is not None and rule.note_required and not note.strip():
        return DossierInvalid(_("Vui lòng nhập lý do hoặc nội dung."), code="note_required")
    if holds_rule_role(user, dossier, action):
        refusal = import_string(rule.guard)(dossier) if rule.guard else None
        return TransitionNotAllowed(refusal) if refusal else None
    if CITIZEN in rule.roles:
        return NotPermitted(_("Chỉ người nộp hồ sơ mới thực hiện được thao tác này."))
    unit = acting_unit(dossier, action)
    return NotPermitted(_("Bạn không có vai trò phù hợp tại %(unit)s để thực hiện thao tác này.")
                        % {"unit": unit.name})


def check_transition(user, dossier: Dossier, action: str, note: str = "") -> None:
    """Raises unless ``user`` may perform ``action`` on ``dossier`` with ``note`` now."""
    error = denial(user, dossier, action, note or "")
    if error is not None:
        raise error


def may_perform(user, dossier: Dossier, action: str) -> bool:
    """May this person (None: the portal itself) do this to this dossier now?"""
    return denial(user, dossier, action) is None


def staff_actions(user, dossier: Dossier) -> list[str]:
    """The buttons of the staff dossier page: the staff actions ``user`` may perform now."""
    from .constants import STAFF_ACTIONS

    return [action for action in STAFF_ACTIONS if may_perform(user, dossier, action)]


# --- targets ---------------------------------------------------------------------------------


def target_of(dossier: Dossier, action: str) -> str:
    """The state ``action`` leads ``dossier`` to, read from the table before any change."""
    rule = TRANSITIONS[action]
    if rule.target == SAME:
        return dossier.state
    if rule.target == COMPUTED:
        return import_string(rule.compute)(dossier)
    return rule.target


def target_after_supplement(dossier: Dossier) -> str:
    """Asked at reception, the completed filing waits for reception again; asked later, it
    is received anew."""
    if dossier.supplement_from_state == DossierState.SUBMITTED:
        return DossierState.SUBMITTED
    return DossierState.RECEIVED


def target_after_send_back(dossier: Dossier) -> str:
    """Back to the reception step (step 0) is "received" again; otherwise still in progress."""
    return DossierState.RECEIVED if dossier.current_step <= 1 else DossierState.IN_PROGRESS


def no_next_step(dossier: Dossier) -> str | None:
    if dossier.current_step + 1 >= len(dossier.steps):
        return _("Đây là bước cuối của quy trình; hãy phê duyệt hoặc từ chối.")
    return None


def no_previous_step(dossier: Dossier) -> str | None:
    if dossier.current_step == 0:
        return _("Hồ sơ đang ở bước đầu tiên, không thể trả lại.")
    return None


# --- files -----------------------------------------------------------------------------------


def may_attach(user, dossier: Dossier) -> bool:
    """The applicant adds files to a draft or a requested supplement; desk staff scan the
    paper of a dossier they are receiving (at its unit or at the office that took it in)."""
    if dossier.applicant_id and user.pk == dossier.applicant_id:
        return dossier.state in (DossierState.DRAFT, DossierState.SUPPLEMENT_REQUESTED)
    return dossier.state in (DossierState.RECEIVED, DossierState.SUBMITTED) and bool(
        staff_may_act(user, dossier.current_unit, {StaffRole.CLERK})
        or (dossier.intake_unit_id
            and staff_may_act(user, dossier.intake_unit, {StaffRole.CLERK})))
