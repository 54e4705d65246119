from __future__ import annotations

import pytest

from tests.dossiers import conftest as dossier_fixtures
from tests.factories import advance_dossier

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
    # the hand-over itself (identity check at the desk) is another page's business
    return advance_dossier(dossier, state="returned", clerk=clerk, processor=processor,
                           leader=leader)


@pytest.fixture
def returned(received, clerk, processor, leader):
    return run_to_return(received, clerk, processor, leader)


VALUES = {"overall": "very_satisfied", "access_info": "satisfied",
          "procedure_rating": "satisfied", "staff_attitude": "very_satisfied",
          "timeliness": "not_satisfied", "result": "satisfied", "comment": "Cán bộ nhiệt tình."}


NATIONAL_ID = "048090001234"


def hand_over_at_counter(dossier, clerk, processor, leader):
    """Processes an online dossier to its result, then hands it over at the desk of its unit
    (the pickup appointment, the identity check, the signature): the citizen stood there."""
    from delivery.services import pickup_hand_over, route
    from dossiers.models import Dossier

    dossier = advance_dossier(dossier, state="result_ready", clerk=clerk, processor=processor,
                              leader=leader)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_national_id=NATIONAL_ID)
    assert route(dossier_id=dossier.pk) == "scheduled"
    return pickup_hand_over(dossier=dossier, acting_user=clerk, collector_is_owner=True,
                            collector_national_id=NATIONAL_ID, identity_checked=True,
                            signature_confirmed=True)


@pytest.fixture
def returned_at_counter(received, clerk, processor, leader):
    return hand_over_at_counter(received, clerk, processor, leader)


@pytest.fixture
def returned_in_person(procedure, units, clerk, processor, leader):
    """A paper dossier received at the ward's desk, result returned (by the generic action)."""
    from dossiers.services import dossier_file_in_person

    dossier = dossier_file_in_person(
        acting_user=clerk, intake_unit=units["ward"], procedure=procedure, place=units["ward"],
        applicant_name="Lê Văn Khách", applicant_national_id=NATIONAL_ID,
        data={"ho_ten_tre": "Lê Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"})
    return run_to_return(dossier, clerk, processor, leader)
