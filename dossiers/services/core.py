"""The one way a dossier changes state: ``apply_transition`` locks the row, checks the rule
of ``constants.TRANSITIONS`` (state, role, step, unit, note), sets the rule's target, saves
with ``update_fields`` and appends a ``DossierTransition``. Every transition service calls it,
then does its own extra work (slips, result files). Also the audit helpers the services share.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from portal.tasks import enqueue_on_commit
from units.models import Unit

from .. import calendar
from ..constants import CITIZEN_VISIBLE_ACTIONS
from ..exceptions import ConcurrentUpdate
from ..models import Dossier, DossierSlip, DossierTransition
from ..policy import check_transition, target_of
from ..selectors import processing_days, queue_touch
from ..signals import dossier_transitioned


def lock(dossier: Dossier, expected_version: int | None = None) -> Dossier:
    locked = (Dossier.objects.select_for_update(of=("self",))
              .select_related("procedure_version", "procedure", "receiving_unit", "current_unit")
              .get(pk=dossier.pk))
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentUpdate(
            _("Hồ sơ %(code)s vừa được người khác cập nhật. Vui lòng tải lại trang.")
            % {"code": locked.ref}
        )
    return locked


def display_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def step_name(dossier: Dossier, step: int) -> str:
    steps = dossier.steps
    return steps[step].get("name", "") if step < len(steps) else ""


def record(
    dossier: Dossier, *, action: str, from_state: str, actor, note: str = "",
    unit: Unit | None = None, to_unit: Unit | None = None, step: int | None = None,
) -> DossierTransition:
    """Appends the audit row of ``action``; notifies the citizen and the listeners on commit."""
    step = dossier.current_step if step is None else step
    entry = DossierTransition.objects.create(
        dossier=dossier, actor=actor, actor_name=display_name(actor), action=action,
        from_state=from_state, to_state=dossier.state, step=step,
        step_name=step_name(dossier, step),
        unit=unit or dossier.current_unit, to_unit=to_unit, note=note or "",
        due_date=dossier.due_date,
    )
    if action in CITIZEN_VISIBLE_ACTIONS:
        from ..tasks import notify_citizen

        enqueue_on_commit(notify_citizen, entry.pk)
    if from_state != dossier.state or entry.to_unit_id:
        # Before and after the commit: a count cached in between is dropped by the second touch.
        touched = (dossier.current_unit_id, entry.unit_id, entry.to_unit_id)
        queue_touch(touched)
        transaction.on_commit(lambda: queue_touch(touched))
    transaction.on_commit(lambda: dossier_transitioned.send_robust(
        sender=Dossier, transition_id=entry.pk, dossier_id=dossier.pk, action=action,
        to_state=dossier.state,
    ))
    return entry


def save(dossier: Dossier, fields: list[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


def slip(dossier: Dossier, kind: str, entry: DossierTransition, **extra: Any) -> DossierSlip:
    data = {
        "agency": dossier.receiving_unit.name,
        "agency_code": dossier.receiving_unit.code,
        "code": dossier.code,
        "applicant": {
            "name": dossier.applicant_name, "address": dossier.applicant_address,
            "phone": dossier.applicant_phone, "email": dossier.applicant_email,
        },
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure.name,
                      "version": dossier.procedure_version.number},
        "officer": entry.actor_name,
        "created_at": entry.created_at.isoformat(),
        **extra,
    }
    return DossierSlip.objects.create(dossier=dossier, kind=kind, transition=entry, data=data)


def start_clock(dossier: Dossier, now: datetime.datetime) -> list[str]:
    """Complete reception: the processing clock starts at the first step; returns the fields."""
    dossier.received_at = now
    dossier.due_date = calendar.due_date_for(now, processing_days(dossier))
    dossier.original_due_date = dossier.due_date
    dossier.current_step = 0
    dossier.current_unit = dossier.receiving_unit
    return ["received_at", "due_date", "original_due_date", "current_step", "current_unit"]


class Applied(NamedTuple):
    dossier: Dossier
    entry: DossierTransition


# The service's own changes to the locked dossier, given the target state; returns the fields
# it changed. It runs after the rule's check and may still refuse (raise).
Change = Callable[[Dossier, str], list[str]]


def apply_transition(
    *, dossier: Dossier, action: str, acting_user, note: str = "",
    expected_version: int | None = None, change: Change | None = None, locked: bool = False,
    moves_step: bool = False,
) -> Applied:
    """Applies the rule of ``action`` to ``dossier``; the caller holds a transaction.

    ``locked``: the caller already holds the row lock and passes the locked instance.
    ``moves_step``: the change moves the dossier to another step (forward, send back), so
    the audit row names the step and unit it left and the unit it went to."""
    if not (locked and transaction.get_connection().in_atomic_block):
        dossier = lock(dossier, expected_version)
    check_transition(acting_user, dossier, action, note)
    target = target_of(dossier, action)
    from_state, from_step, from_unit = dossier.state, dossier.current_step, dossier.current_unit
    fields = change(dossier, target) if change is not None else []
    if target != from_state:
        dossier.state = target
        fields = ["state", *fields]
    if fields:
        save(dossier, fields)
    if moves_step:
        entry = record(dossier, action=action, from_state=from_state, actor=acting_user,
                       note=note, unit=from_unit, to_unit=dossier.current_unit, step=from_step)
    else:
        entry = record(dossier, action=action, from_state=from_state, actor=acting_user,
                       note=note)
    return Applied(dossier, entry)
