from __future__ import annotations

import pytest

from tests.dossiers import conftest as dossier_fixtures

# Fixtures shared with the dossier tests.
_sms = dossier_fixtures._sms
citizen = dossier_fixtures.citizen
citizen_client = dossier_fixtures.citizen_client
clerk = dossier_fixtures.clerk
draft = dossier_fixtures.draft
leader = dossier_fixtures.leader
other_citizen = dossier_fixtures.other_citizen
processor = dossier_fixtures.processor
procedure = dossier_fixtures.procedure
received = dossier_fixtures.received
submitted = dossier_fixtures.submitted
units = dossier_fixtures.units


def run_to_return(dossier, clerk, processor, leader):
    from dossiers.services import dossier_act, dossier_return_result

    dossier = dossier_act(dossier=dossier, acting_user=clerk, action="forward")
    dossier = dossier_act(dossier=dossier, acting_user=processor, action="forward")
    dossier = dossier_act(dossier=dossier, acting_user=leader, action="approve")
    dossier = dossier_act(dossier=dossier, acting_user=clerk, action="mark_result_ready")
    # the hand-over itself (identity check at the desk) is another page's business
    return dossier_return_result(dossier=dossier, acting_user=clerk)


@pytest.fixture
def returned(received, clerk, processor, leader):
    return run_to_return(received, clerk, processor, leader)


VALUES = {"overall": "very_satisfied", "access_info": "satisfied",
          "procedure_rating": "satisfied", "staff_attitude": "very_satisfied",
          "timeliness": "not_satisfied", "result": "satisfied", "comment": "Cán bộ nhiệt tình."}
