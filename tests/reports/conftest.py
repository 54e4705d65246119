"""A hand-built month of dossiers (November 2026) with known figures; see test_figures.py."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.dossiers import conftest as dossier_fixtures
from tests.factories import make_procedure

# Fixtures shared with the dossier tests.
_sms = dossier_fixtures._sms
citizen = dossier_fixtures.citizen
clerk = dossier_fixtures.clerk
draft = dossier_fixtures.draft
leader = dossier_fixtures.leader
make_staff = dossier_fixtures.make_staff
processor = dossier_fixtures.processor
procedure = dossier_fixtures.procedure
submitted = dossier_fixtures.submitted
units = dossier_fixtures.units

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: int, hour: int = 9, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=TZ)


def d(day: int, month: int = 11) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.fixture
def paid_procedure(db):
    return make_procedure(code="1.004873", name="Xác nhận tình trạng hôn nhân",
                          fees=[{"name": "Lệ phí", "amount": 8000}])


@pytest.fixture
def level3_procedure(db):
    return make_procedure(code="2.000635", name="Cấp bản sao trích lục hộ tịch", level=3,
                          delivery_methods=["pickup"], online_payment=False)


def make_dossier(procedure, unit, code, *, state, channel="1", received=None, due=None,
                 finished=None, supplements=0, delivery="pickup", original_due=None,
                 first_receive=None, applicant=None):
    from dossiers.models import Dossier, DossierTransition

    version = procedure.versions.get(number=procedure.current_version)
    dossier = Dossier.objects.create(
        code=code, procedure=procedure, procedure_version=version, receiving_unit=unit,
        current_unit=unit, state=state, channel=channel, applicant=applicant,
        applicant_name="Nguyễn Văn An", submitted_at=first_receive or received,
        received_at=received, due_date=due, original_due_date=original_due or due,
        finished_at=finished, supplement_count=supplements, delivery_method=delivery,
    )
    if first_receive or received:
        DossierTransition.objects.create(dossier=dossier, action="receive", from_state="submitted",
                                         to_state="received", unit=unit,
                                         created_at=first_receive or received)
    return dossier


@pytest.fixture
def november(units, paid_procedure, level3_procedure, citizen):
    """Ward: A…I; other ward: J. Expected figures are in test_figures.py."""
    from delivery.models import Payment
    from dossiers.models import DossierAttachment, StoredDocument

    w, o, p = units["ward"], units["other_ward"], paid_procedure
    out = {
        # in person, on time, 2 working days
        "A": make_dossier(p, w, "A", state="returned", channel="1", received=at(2),
                          due=d(5), finished=at(4), applicant=citizen),
        # online, over the 24 Nov holiday: 2 working days, on time, result by post, paid
        "B": make_dossier(p, w, "B", state="returned", channel="2", received=at(20),
                          due=d(26), finished=at(25), delivery="postal", applicant=citizen),
        # online, a supplement restarted the clock: finished after the first appointment
        # (5 Nov) but before the restarted one (12 Nov): on time
        "C": make_dossier(p, w, "C", state="approved", channel="2", first_receive=at(2),
                          received=at(9), due=d(12), finished=at(11), supplements=1),
        # by post, two supplement requests: late although before the appointment
        "D": make_dossier(p, w, "D", state="returned", channel="3", first_receive=at(3),
                          received=at(10), due=d(13), finished=at(12), supplements=2),
        # late; an apology moved the appointment to 12 Nov, still late against 5 Nov
        "E": make_dossier(p, w, "E", state="returned", channel="1", received=at(2),
                          due=d(12), original_due=d(5), finished=at(10)),
        # withdrawn: excluded everywhere
        "F": make_dossier(p, w, "F", state="withdrawn", channel="2", received=at(2),
                          due=d(5), finished=at(3)),
        # still in progress, appointment passed: overdue now
        "G": make_dossier(p, w, "G", state="in_progress", channel="1", received=at(2),
                          due=d(5)),
        # refused at reception (never received): excluded
        "H": make_dossier(p, w, "H", state="refused", channel="2", finished=at(2)),
        # refused after reception, on time, no result to deliver
        "I": make_dossier(p, w, "I", state="refused", channel="1", received=at(2), due=d(5),
                          finished=at(4)),
        # other ward, level 3 procedure without fee, online
        "J": make_dossier(level3_procedure, o, "J", state="returned", channel="2",
                          received=at(3), due=d(5), finished=at(4)),
    }
    Payment.objects.create(order_ref="PAY-B", dossier_id=out["B"].pk, description="Lệ phí",
                           amount=8000, gateway="sandbox", status="paid")
    Payment.objects.create(order_ref="PAY-C", dossier_id=out["C"].pk, description="Lệ phí",
                           amount=8000, gateway="sandbox", status="pending")
    stored = StoredDocument.objects.create(owner=citizen, title="Giấy chứng sinh", file="x.pdf",
                                           sha256="0" * 64, size=1, content_type="application/pdf",
                                           original_name="x.pdf")
    for dossier, reused in ((out["A"], None), (out["B"], None), (out["B"], stored)):
        DossierAttachment.objects.create(dossier=dossier, document_key="k", file="x.pdf",
                                         sha256="0" * 64, size=1, content_type="application/pdf",
                                         original_name="x.pdf", stored_document=reused,
                                         source="store" if reused else "upload")
    return out


def rate(dossier, overall, created, **criteria):
    from ratings.models import Rating

    values = {"access_info": overall, "procedure_rating": overall, "staff_attitude": overall,
              "timeliness": overall, "result": overall, **criteria}
    rating = Rating.objects.create(dossier=dossier, unit=dossier.receiving_unit,
                                   procedure=dossier.procedure, overall=overall,
                                   source="online", **values)
    type(rating).objects.filter(pk=rating.pk).update(created_at=created)
    return rating

