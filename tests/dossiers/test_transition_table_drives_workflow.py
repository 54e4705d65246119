"""The transition table drives the workflow (issue 14 §1, §4).

1. Every action of ``TRANSITIONS``, from each of its source states, performed through the path
   people use (the web pages, the API, the counter, the gateway's and the router's services),
   ends in the table's target AND in the state the workflow is documented to reach (EXPECTED):
   a service setting its state by hand fails the first, a target changed in the table fails
   the second.
2. ``may_perform`` is the one answer: the staff page shows exactly the buttons it allows, and
   the API accepts exactly the actions it allows, for a matrix of people, units and states.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.testing import login_verified
from dossiers.constants import (
    CITIZEN,
    SAME,
    STAFF_ACTIONS,
    SYSTEM,
    TRANSITIONS,
    Action,
    DossierState,
)
from dossiers.models import Dossier
from dossiers.policy import may_perform, target_of
from tests.factories import advance_dossier, make_dossier, make_procedure

S = DossierState
NATIONAL_ID = "048090001234"
FEE = 50_000

# The documented workflow (DOMAIN.md), independent of the table: (action, source, variant) ->
# the state the dossier ends in. Variants: the step a processing dossier is at, or the state
# a supplement was asked for from.
EXPECTED: dict[tuple[str, str, str], str] = {
    (Action.SUBMIT, S.DRAFT, ""): S.SUBMITTED,
    **{(Action.WITHDRAW, source, ""): S.WITHDRAWN
       for source in (S.DRAFT, S.SUBMITTED, S.RECEIVED, S.SUPPLEMENT_REQUESTED,
                      S.IN_PROGRESS)},
    (Action.RECEIVE, S.SUBMITTED, ""): S.RECEIVED,
    (Action.REQUEST_SUPPLEMENT, S.SUBMITTED, ""): S.SUPPLEMENT_REQUESTED,
    (Action.REQUEST_SUPPLEMENT, S.RECEIVED, ""): S.SUPPLEMENT_REQUESTED,
    (Action.REQUEST_SUPPLEMENT, S.IN_PROGRESS, ""): S.SUPPLEMENT_REQUESTED,
    (Action.REFUSE_RECEPTION, S.SUBMITTED, ""): S.REFUSED,
    (Action.SUPPLEMENT, S.SUPPLEMENT_REQUESTED, "from submitted"): S.SUBMITTED,
    (Action.SUPPLEMENT, S.SUPPLEMENT_REQUESTED, "from received"): S.RECEIVED,
    (Action.FORWARD, S.RECEIVED, ""): S.IN_PROGRESS,
    (Action.FORWARD, S.IN_PROGRESS, "step 1"): S.IN_PROGRESS,
    (Action.SEND_BACK, S.IN_PROGRESS, "step 1"): S.RECEIVED,
    (Action.SEND_BACK, S.IN_PROGRESS, "step 2"): S.IN_PROGRESS,
    (Action.APPROVE, S.IN_PROGRESS, "step 2"): S.APPROVED,
    (Action.REFUSE, S.IN_PROGRESS, "step 2"): S.REFUSED,
    (Action.MARK_RESULT_READY, S.APPROVED, ""): S.RESULT_READY,
    (Action.RETURN_RESULT, S.RESULT_READY, ""): S.RETURNED,
    (Action.APOLOGIZE, S.RECEIVED, ""): S.RECEIVED,
    (Action.APOLOGIZE, S.IN_PROGRESS, "step 1"): S.IN_PROGRESS,
    (Action.APOLOGIZE, S.APPROVED, ""): S.APPROVED,
    (Action.STOP, S.SUPPLEMENT_REQUESTED, "from received"): S.STOPPED,
    (Action.STOP, S.RECEIVED, ""): S.STOPPED,
    (Action.STOP, S.IN_PROGRESS, "step 1"): S.STOPPED,
    (Action.PAY, S.SUBMITTED, ""): S.SUBMITTED,
    (Action.PAY, S.SUPPLEMENT_REQUESTED, ""): S.SUPPLEMENT_REQUESTED,
    (Action.SCHEDULE_PICKUP, S.RESULT_READY, ""): S.RESULT_READY,
    (Action.SHIP, S.RESULT_READY, "postal"): S.RESULT_READY,
    (Action.REMIND_PICKUP, S.RESULT_READY, ""): S.RESULT_READY,
}


def test_every_rule_and_source_state_is_exercised():
    covered = {(action, source) for action, source, _variant in EXPECTED}
    declared = {(action, source) for action, rule in TRANSITIONS.items()
                for source in rule.sources}
    assert covered == declared


@pytest.fixture
def people(citizen, clerk, processor, leader, other_clerk, other_citizen):
    return {"citizen": citizen, "clerk": clerk, "processor": processor, "leader": leader,
            "other_clerk": other_clerk, "other_citizen": other_citizen}


def _client(user, *, staff: bool) -> Client:
    client = Client()
    if staff:
        login_verified(client, user)
    else:
        client.force_login(user)
    return client


def _build(action, source, variant, *, people, units, procedure):
    """A dossier in ``source`` (at the step or with the history ``variant`` names)."""
    from dossiers.services import dossier_request_supplement

    staff = {k: people[k] for k in ("clerk", "processor", "leader")}
    common = {"procedure": procedure, "citizen": people["citizen"], "units": units,
              "national_id": NATIONAL_ID, "postal": variant == "postal", **staff}
    if source == S.SUPPLEMENT_REQUESTED:
        origin = S.SUBMITTED if variant in ("", "from submitted") else S.RECEIVED
        dossier = make_dossier(state=origin, **common)
        return dossier_request_supplement(dossier=dossier, acting_user=people["clerk"],
                                          note="Bổ sung bản chụp giấy chứng sinh")
    step = int(variant.split()[1]) if variant.startswith("step") else None
    if source == S.IN_PROGRESS:
        step = step or 1
    return make_dossier(state=source, step=step, **common)


def _perform(action, dossier, *, people):
    """Performs ``action`` the way it happens in the portal; returns the dossier re-read."""
    from delivery.services import route
    from dossiers.services import dossier_record_event, dossier_record_payment

    ref = dossier.ref
    citizen = _client(people["citizen"], staff=False)
    by_step = {0: "clerk", 1: "processor", 2: "leader"}
    if action == Action.SUBMIT:
        assert citizen.post(f"/api/v1/dossiers/{ref}/submit/").status_code == 200
    elif action == Action.WITHDRAW:
        citizen.post(reverse("dossiers:withdraw", args=[ref]), {"note": "Không còn nhu cầu."})
    elif action == Action.SUPPLEMENT:
        citizen.post(reverse("dossiers:supplement", args=[ref]), {"note": "Đã bổ sung."})
    elif action == Action.RETURN_RESULT:
        with transaction.atomic():
            assert route(dossier_id=dossier.pk) == "scheduled"
        counter = _client(people["clerk"], staff=True)
        response = counter.post(reverse("delivery_staff:counter", args=[ref]), {
            "nguoi_nhan": "chinh_chu", "cccd": NATIONAL_ID, "da_kiem_tra": "on",
            "da_ky_nhan": "on"})
        assert response.status_code == 302
    elif action == Action.PAY:
        assert dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="T-1")
    elif action in (Action.SCHEDULE_PICKUP, Action.SHIP):
        with transaction.atomic():
            assert route(dossier_id=dossier.pk) in ("scheduled", "shipped")
        assert dossier.transitions.filter(action=action).exists()
    elif action == Action.REMIND_PICKUP:
        with transaction.atomic():
            dossier_record_event(dossier=dossier, action=action, note="Nhắc nhận kết quả")
    else:
        role = "leader" if action in (Action.APPROVE, Action.REFUSE) else (
            by_step[dossier.current_step] if action in (Action.FORWARD, Action.SEND_BACK)
            else "clerk")
        staff = _client(people[role], staff=True)
        form = {"action": action, "version": dossier.version, "note": "Lý do, nội dung."}
        if action == Action.APOLOGIZE:
            form["new_due_date"] = (dossier.due_date + datetime.timedelta(days=30)).isoformat()
        response = staff.post(reverse("dossiers_staff:act", args=[ref]), form)
        assert response.status_code == 302
    return Dossier.objects.get(pk=dossier.pk)


@pytest.mark.parametrize(("action", "source", "variant"), list(EXPECTED),
                         ids=[f"{a}-{s}-{v}".strip("-") for a, s, v in EXPECTED])
def test_each_action_ends_in_the_tables_target(action, source, variant, people, units):
    fee = FEE if action == Action.PAY else 0
    procedure = make_procedure(fees=[{"name": "Lệ phí", "amount": fee}])
    dossier = _build(action, source, variant, people=people, units=units, procedure=procedure)
    assert dossier.state == source
    target = target_of(dossier, action)
    history = dossier.transitions.count()

    after = _perform(action, dossier, people=people)

    assert after.state == target, "the service did not apply the table's target"
    assert after.state == EXPECTED[(action, source, variant)], "the table's target changed"
    rule = TRANSITIONS[action]
    if rule.target == SAME:
        assert after.state == source
    entry = after.transitions.filter(action=action).latest("id")
    assert (entry.from_state, entry.to_state) == (source, after.state)
    assert after.transitions.count() > history


# --- one policy: the staff page's buttons and the API agree with may_perform -------------------

STATES = ["submitted", "received", "in_progress:1", "in_progress:2", "approved",
          "result_ready", "supplement_requested"]
PEOPLE = ["citizen", "other_citizen", "clerk", "processor", "leader", "other_clerk"]
STAFF_PEOPLE = {"clerk", "processor", "leader", "other_clerk"}
API_ACTIONS = [a for a in TRANSITIONS
               if a not in (Action.SUBMIT, Action.RETURN_RESULT)
               and TRANSITIONS[a].roles != {SYSTEM}]


def _buttons(page: str) -> set[str]:
    return {action for action in TRANSITIONS if f"action-{action}\"" in page}


def _api_accepts(client, dossier, action) -> bool:
    """Posts the action to the API and rolls it back, so every action meets the same dossier."""
    body = {"action": action, "note": "Lý do, nội dung.", "version": dossier.version}
    if action == Action.APOLOGIZE:
        body["new_due_date"] = (dossier.due_date + datetime.timedelta(days=30)).isoformat()
    with transaction.atomic():
        response = client.post(f"/api/v1/dossiers/{dossier.ref}/transitions/", body,
                               content_type="application/json")
        transaction.set_rollback(True)
    assert response.status_code in (200, 403, 404, 409), (action, response.content)
    return response.status_code == 200


@pytest.mark.parametrize("state", STATES)
def test_may_perform_is_what_the_page_shows_and_the_api_accepts(state, people, units,
                                                                procedure):
    name, _, step = state.partition(":")
    dossier = make_dossier(state=name, step=int(step) if step else None, procedure=procedure,
                           citizen=people["citizen"], units=units, clerk=people["clerk"],
                           processor=people["processor"], leader=people["leader"])
    for who in PEOPLE:
        user = people[who]
        staff = who in STAFF_PEOPLE
        client = _client(user, staff=staff)
        allowed = {a for a in TRANSITIONS if may_perform(user, dossier, a)}
        if staff:
            response = client.get(reverse("dossiers_staff:detail", args=[dossier.ref]))
            page = response.content.decode() if response.status_code == 200 else ""
            assert _buttons(page) == allowed & set(STAFF_ACTIONS), (who, state)
            counter_link = reverse("delivery_staff:counter", args=[dossier.ref]) in page
            assert counter_link == (Action.RETURN_RESULT in allowed), (who, state)
        else:
            assert not allowed - {a for a, r in TRANSITIONS.items() if CITIZEN in r.roles}
        accepted = {a for a in API_ACTIONS if _api_accepts(client, dossier, a)}
        assert accepted == allowed & set(API_ACTIONS), (who, state)


def test_the_receiving_desk_marks_the_result_ready_wherever_the_last_step_was(
        people, units, django_user_model):
    """A district-level last step: the result goes back to the ward's desk, whose clerk may
    mark it ready although the dossier sits at the district; another ward's clerk may not."""
    from accounts.models import StaffAssignment

    procedure = make_procedure(steps=[
        {"name": "Tiếp nhận", "role": "clerk", "unit_kind": "ward", "days": 0},
        {"name": "Thẩm định", "role": "processor", "unit_kind": "ward", "days": 0.5},
        {"name": "Ký duyệt", "role": "leader", "unit_kind": "district", "days": 0.5},
    ])
    district_leader = django_user_model.objects.create_user("dl", password="x",
                                                            full_name="Lãnh đạo quận")
    StaffAssignment.objects.create(user=district_leader, unit=units["district"], role="leader")
    dossier = make_dossier(state="in_progress", step=2, procedure=procedure,
                           citizen=people["citizen"], units=units, clerk=people["clerk"],
                           processor=people["processor"], leader=district_leader)
    dossier = advance_dossier(dossier, state="approved", leader=district_leader)
    assert dossier.current_unit == units["district"]

    for user, allowed in ((people["clerk"], True), (people["other_clerk"], False)):
        assert may_perform(user, dossier, Action.MARK_RESULT_READY) is allowed
        client = _client(user, staff=True)
        page = client.get(reverse("dossiers_staff:detail", args=[dossier.ref]))
        assert ('action-mark_result_ready"' in page.content.decode()) is allowed, page
        assert _api_accepts(client, dossier, Action.MARK_RESULT_READY) is allowed
