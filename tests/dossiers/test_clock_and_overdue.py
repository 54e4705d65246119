"""One definition of when the processing clock runs, when a dossier is overdue and when an online
filing is late to acknowledge (dossiers/clock.py), and every consumer giving the same answer:
the model, the queryset, the queue tabs (page and API), the overdue scan, the dashboard, its
export and the statistics API. A consumer that swaps in another definition fails the table."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from accounts.testing import login_verified
from dossiers.calendar import WorkingTime, acknowledge_by
from dossiers.constants import CalendarExceptionKind, Channel, DossierState
from dossiers.models import CalendarException, Dossier

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(7 * 60)
S = DossierState


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def frozen(monkeypatch, settings):
    """Freezes django.utils.timezone.now (what the code reads the time from; localdate and
    localtime follow it). The repository has no freezegun: this is its one-line equivalent.
    The tests jump hours ahead, past the staff idle timeout, which is not what they test."""
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 24 * 3600

    def freeze(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


# --- the table: states × dates, one expected answer for every consumer -------------------------

YESTERDAY, TODAY, TOMORROW = -1, 0, 1
HOUR_AGO, IN_AN_HOUR = -1, 1

# code: (state, due date in days from today, acknowledgement deadline in hours from now,
#        overdue?, late to acknowledge?, due today?)
TABLE = {
    "REC-LATE": (S.RECEIVED, YESTERDAY, None, True, False, False),
    "REC-TODAY": (S.RECEIVED, TODAY, None, False, False, True),
    "REC-LATER": (S.RECEIVED, TOMORROW, None, False, False, False),
    "PROG-LATE": (S.IN_PROGRESS, YESTERDAY, None, True, False, False),
    "PROG-TODAY": (S.IN_PROGRESS, TODAY, None, False, False, True),
    # the clock is paused for the citizen: not overdue, whatever the date
    "SUPP-LATE": (S.SUPPLEMENT_REQUESTED, YESTERDAY, None, False, False, False),
    "SUPP-TODAY": (S.SUPPLEMENT_REQUESTED, TODAY, None, False, False, False),
    # not received yet: late to acknowledge (or not), never overdue
    "SUB-ACKLATE": (S.SUBMITTED, YESTERDAY, HOUR_AGO, False, True, False),
    "SUB-ACKOK": (S.SUBMITTED, YESTERDAY, IN_AN_HOUR, False, False, False),
    "SUB-TODAY": (S.SUBMITTED, TODAY, IN_AN_HOUR, False, False, False),
    "SUB-NOACK": (S.SUBMITTED, YESTERDAY, None, False, False, False),
    # decided: the clock has stopped for good
    "APPR-LATE": (S.APPROVED, YESTERDAY, None, False, False, False),
    "READY-LATE": (S.RESULT_READY, YESTERDAY, None, False, False, False),
    "REFU-LATE": (S.REFUSED, YESTERDAY, None, False, False, False),
}
OVERDUE = {code for code, row in TABLE.items() if row[3]}
LATE = {code for code, row in TABLE.items() if row[4]}
DUE_TODAY = {code for code, row in TABLE.items() if row[5]}


@pytest.fixture
def table(procedure, units):
    version = procedure.versions.get(number=procedure.current_version)
    now, today = timezone.now(), timezone.localdate()
    made = {}
    for code, (state, due, ack, *_expected) in TABLE.items():
        made[code] = Dossier.objects.create(
            code=f"CLK-{code}", procedure=procedure, procedure_version=version,
            receiving_unit=units["ward"], current_unit=units["ward"], state=state,
            channel=Channel.ONLINE, applicant_name="Nguyễn Văn An",
            submitted_at=now - datetime.timedelta(days=3),
            received_at=None if state == S.SUBMITTED else now - datetime.timedelta(days=2),
            due_date=today + datetime.timedelta(days=due),
            acknowledge_due_at=None if ack is None else now + datetime.timedelta(hours=ack),
            supplement_from_state=S.RECEIVED if state == S.SUPPLEMENT_REQUESTED else "",
        )
    cache.clear()
    return made


def codes(text: str) -> set[str]:
    return set(re.findall(r"CLK-([A-Z]+-[A-Z]+)", text))


def test_the_model_and_the_queryset_agree_with_the_table(table):
    assert {c for c, d in table.items() if d.is_overdue} == OVERDUE
    assert {c for c, d in table.items() if d.is_late_to_acknowledge} == LATE
    assert {d.code[4:] for d in Dossier.objects.overdue()} == OVERDUE
    assert {d.code[4:] for d in Dossier.objects.late_to_acknowledge()} == LATE
    assert {d.code[4:] for d in Dossier.objects.clock_running()} == {
        c for c, row in TABLE.items() if row[0] in (S.RECEIVED, S.IN_PROGRESS)}


def test_the_queue_tabs_agree_with_the_table(table, clerk, client):
    login_verified(client, clerk)
    for tab, expected in (("qua-han", OVERDUE), ("tre-tiep-nhan", LATE),
                          ("den-han-hom-nay", DUE_TODAY)):
        page = client.get("/can-bo/ho-so/", {"tab": tab}).content.decode()
        assert f'class="count-{tab}">{len(expected)}<' in page, tab
        listed = codes(page.split("<tbody>")[1])
        assert listed == expected, tab
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=clerk)[1]}")
    for tab, expected in (("qua-han", OVERDUE), ("tre-tiep-nhan", LATE)):
        body = api.get("/api/v1/queue/", {"tab": tab}).json()
        assert body["count"] == len(expected)
        assert {r["code"][4:] for r in body["results"]} == expected
        assert {r["code"][4:] for r in body["results"] if r["is_overdue"]} == expected & OVERDUE


def test_the_overdue_scan_alerts_on_the_table_s_overdue_dossiers_only(table, leader, mailoutbox):
    from delivery.models import OverdueAlert
    from delivery.tasks import scan_overdue

    leader.email = "leader@example.vn"
    leader.save(update_fields=["email"])
    assert scan_overdue() == len(OVERDUE)
    alerted = set(OverdueAlert.objects.values_list("dossier_id", flat=True))
    assert {c for c, d in table.items() if d.pk in alerted} == OVERDUE
    assert codes(" ".join(m.subject for m in mailoutbox)) == OVERDUE


def test_the_dashboard_its_export_and_the_statistics_api_agree_with_the_table(table, leader,
                                                                             client, units):
    login_verified(client, leader)
    page = client.get("/can-bo/thong-ke/").content.decode()
    card = re.search(r'data-figure="overdue_now".*?class="value">(\d+)<', page, re.S)
    late = re.search(r'data-figure="late_to_acknowledge_now".*?class="value">(\d+)<', page,
                     re.S)
    assert int(card.group(1)) == len(OVERDUE)
    assert int(late.group(1)) == len(LATE)
    assert codes(page.split('id="bang-qua-han"')[1]) == OVERDUE
    export = client.get("/can-bo/thong-ke/xuat/qua-han.csv").content.decode("utf-8-sig")
    assert codes(export) == OVERDUE
    headline = client.get("/can-bo/thong-ke/xuat/tong-hop.csv").content.decode("utf-8-sig")
    assert f"Trễ tiếp nhận (hiện tại),{len(LATE)}" in headline
    assert f"Đang quá hạn (hiện tại),{len(OVERDUE)}" in headline

    figures = client.get("/api/v1/stats/figures/", {"unit": units["ward"].code}).json()
    assert figures["overdue_now"] == len(OVERDUE)
    assert figures["late_to_acknowledge_now"] == len(LATE)
    listed = client.get("/api/v1/stats/overdue/", {"unit": units["ward"].code}).json()
    assert {r["code"][4:] for r in listed} == OVERDUE


def test_the_dashboard_s_postgresql_page_of_overdue_takes_the_clock_s_states(table, units):
    """overdue_page's raw SQL (PostgreSQL) and its ORM fallback give the same list."""
    from reports import selectors

    ids = [units["ward"].pk]
    assert {d.code[4:] for d in selectors.overdue_page(ids)} == OVERDUE
    assert {d.code[4:] for d in selectors.overdue(ids)} == OVERDUE
    assert selectors.live_counts(ids) == {"overdue": len(OVERDUE),
                                          "late_to_acknowledge": len(LATE)}


# --- the clock through the real transitions ---------------------------------------------------


def test_waiting_for_a_supplement_past_the_appointment_is_not_overdue(received, clerk, citizen,
                                                                      leader, mailoutbox):
    from delivery.tasks import scan_overdue
    from dossiers.services import dossier_request_supplement, dossier_supplement

    dossier = dossier_request_supplement(dossier=received, acting_user=clerk,
                                         note="Thiếu bản sao giấy chứng sinh")
    Dossier.objects.filter(pk=dossier.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=5))
    dossier.refresh_from_db()
    assert not dossier.is_overdue and not dossier.clock_running
    assert not Dossier.objects.overdue().filter(pk=dossier.pk).exists()
    leader.email = "leader@example.vn"
    leader.save(update_fields=["email"])
    assert scan_overdue() == 0 and mailoutbox == []

    # The supplement restarts the clock: a new appointment, from now.
    dossier = dossier_supplement(dossier=dossier, acting_user=citizen, note="Đã bổ sung")
    assert dossier.state == S.RECEIVED and dossier.clock_running
    assert dossier.due_date >= timezone.localdate() and not dossier.is_overdue


def test_a_submitted_dossier_past_its_appointment_is_late_to_acknowledge_not_overdue(
        draft, citizen, frozen):
    from dossiers.services import dossier_submit

    frozen(at(20, 15))  # Friday 15:00
    dossier = dossier_submit(dossier=draft, acting_user=citizen)
    # Friday 15:00–17:00, Monday 07:30–11:30 and 13:30–15:30: eight office hours.
    assert dossier.acknowledge_due_at == at(23, 15, 30)
    frozen(at(24, 9))  # the appointment (same day, after 15:00: Monday) has passed
    assert dossier.due_date < timezone.localdate()
    assert dossier.is_late_to_acknowledge and not dossier.is_overdue
    assert list(Dossier.objects.late_to_acknowledge()) == [dossier]
    assert not Dossier.objects.overdue().exists()


def test_in_person_filing_has_no_acknowledgement_deadline(clerk, procedure, units):
    from dossiers.services import dossier_file_in_person

    dossier = dossier_file_in_person(
        acting_user=clerk, intake_unit=units["ward"], procedure=procedure, place=units["ward"],
        applicant_name="Trần Văn Bình",
        data={"ho_ten_tre": "Trần Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"})
    assert dossier.acknowledge_due_at is None and not dossier.is_late_to_acknowledge


def test_a_supplement_asked_at_reception_restarts_the_acknowledgement_deadline(
        submitted, clerk, citizen, frozen):
    from dossiers.services import dossier_request_supplement, dossier_supplement

    dossier = dossier_request_supplement(dossier=submitted, acting_user=clerk,
                                         note="Ảnh chụp mờ")
    assert not dossier.is_late_to_acknowledge  # the desk answered: returned for supplement
    frozen(at(25, 10))  # Wednesday 10:00
    dossier = dossier_supplement(dossier=dossier, acting_user=citizen, note="Gửi lại ảnh")
    assert dossier.state == S.SUBMITTED
    # Wednesday 10:00–11:30, 13:30–17:00, Thursday 07:30–10:30.
    assert dossier.acknowledge_due_at == at(26, 10, 30)
    dossier.refresh_from_db()
    assert dossier.acknowledge_due_at == at(26, 10, 30)


# --- working hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(("filed", "deadline"), [
    # Monday 08:00: over lunch and the evening, then Tuesday 24 Nov is a public holiday.
    (at(23, 8), at(25, 8, 30)),
    # Friday 15:00: over the weekend.
    (at(20, 15), at(23, 15, 30)),
    # Filed at lunch: the count starts at 13:30.
    (at(23, 12), at(25, 14)),
    # Filed on Saturday: the count starts on Monday 07:30.
    (at(21, 10), at(25, 8)),
    # Filed in the evening: from the next morning (Friday 7.5 h, Monday 07:30–08:00).
    (at(19, 21), at(23, 8)),
    # Filed at 17:00 sharp on Friday: nothing counts that day, Tuesday is a holiday.
    (at(20, 17), at(25, 8)),
])
def test_acknowledge_by_counts_office_hours_on_working_days(filed, deadline):
    assert acknowledge_by(filed) == deadline


def test_acknowledge_by_follows_the_calendar_exceptions_and_the_settings(settings):
    CalendarException.objects.create(date=datetime.date(2026, 11, 21),
                                     kind=CalendarExceptionKind.WORKING_DAY)
    CalendarException.objects.create(date=datetime.date(2026, 11, 23),
                                     kind=CalendarExceptionKind.DAY_OFF)
    # Saturday is worked (10:00–11:30, 13:30–17:00), Monday is off, Tuesday a holiday.
    assert acknowledge_by(at(21, 10)) == at(25, 10, 30)
    settings.OFFICE_HOURS = ["08:00-12:00", "13:00-17:00"]
    settings.ACKNOWLEDGE_WITHIN_WORKING_HOURS = 4
    assert acknowledge_by(at(20, 15)) == at(21, 10)  # Friday 2 h, Saturday 08:00–10:00


def test_bad_office_hours_are_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    for bad in (["07:30-11:30", "11:00-17:00"], ["17:00-07:30"], ["soon"], []):
        settings.OFFICE_HOURS = bad
        with pytest.raises(ImproperlyConfigured):
            acknowledge_by(at(20, 15))


def test_working_time_between_two_moments():
    working = WorkingTime(datetime.date(2026, 11, 20), datetime.date(2026, 11, 25))
    assert working.between(at(20, 16), at(23, 9)) == datetime.timedelta(hours=2, minutes=30)
    assert working.between(at(23, 9), at(20, 16)) == -datetime.timedelta(hours=2, minutes=30)
    # Monday afternoon to Wednesday morning: the holiday counts nothing.
    assert working.between(at(23, 16), at(25, 8)) == datetime.timedelta(hours=1, minutes=30)
    assert working.between(at(21, 9), at(22, 18)) == datetime.timedelta(0)


# --- the clerk's queue and the dashboard count ------------------------------------------------


def _filed(procedure, unit, code, filed):
    version = procedure.versions.get(number=procedure.current_version)
    return Dossier.objects.create(
        code=code, procedure=procedure, procedure_version=version, receiving_unit=unit,
        current_unit=unit, state=S.SUBMITTED, channel=Channel.ONLINE, applicant_name="An",
        submitted_at=filed, due_date=filed.date(), acknowledge_due_at=acknowledge_by(filed))


def test_queue_shows_the_office_time_left_and_the_late_tab(clerk, procedure, units, client,
                                                         frozen):
    frozen(at(23, 8))  # Monday 08:00
    login_verified(client, clerk)
    # Friday 10:00–11:30, 13:30–17:00, Monday 07:30–10:30.
    _filed(procedure, units["ward"], "Q-FRIDAY", at(20, 10))
    # Monday 07:30–11:30, 13:30–17:00, (Tuesday is a holiday) Wednesday 07:30–08:00.
    _filed(procedure, units["ward"], "Q-MONDAY", at(23, 7, 30))
    # Thursday 10:00–11:30, 13:30–17:00, Friday 07:30–10:30.
    _filed(procedure, units["ward"], "Q-THURSDAY", at(19, 10))
    frozen(at(23, 10))  # Monday 10:00
    page = client.get("/can-bo/ho-so/").content.decode()
    cells = dict(re.findall(r'>(Q-[A-Z]+)</a>.*?class="acknowledge-left">(.*?)</td>', page,
                            re.S))
    assert "còn 30 phút" in cells["Q-FRIDAY"]
    assert "còn 5 giờ 30 phút" in cells["Q-MONDAY"]
    # Late since Friday 10:30: Friday 10:30–11:30, 13:30–17:00, Monday 07:30–10:00.
    assert "trễ 7 giờ" in cells["Q-THURSDAY"] and "badge" in cells["Q-THURSDAY"]
    assert "badge" not in cells["Q-FRIDAY"]
    assert 'class="count-tre-tiep-nhan">1<' in page
    late = client.get("/can-bo/ho-so/", {"tab": "tre-tiep-nhan"}).content.decode()
    assert "Q-THURSDAY" in late and "Q-FRIDAY" not in late and "Q-MONDAY" not in late

    # No transition happened, but a deadline passed: the cached tab counts follow the clock.
    frozen(at(23, 10, 45))
    page = client.get("/can-bo/ho-so/").content.decode()
    assert 'class="count-tre-tiep-nhan">2<' in page
    assert "trễ 15 phút" in page
    dashboard = client.get("/can-bo/thong-ke/").content.decode()
    assert re.search(r'data-figure="late_to_acknowledge_now".*?class="value">2<', dashboard,
                     re.S)
    assert re.search(r'data-figure="overdue_now".*?class="value">0<', dashboard, re.S)


def test_late_by_no_office_time_yet_still_reads_late(clerk, procedure, units, client, frozen):
    frozen(at(23, 8))
    login_verified(client, clerk)
    # Friday 11:00–11:30, 13:30–17:00, Monday 07:30–11:30: due at Monday's lunch break.
    dossier = _filed(procedure, units["ward"], "Q-LUNCH", at(20, 11))
    assert dossier.acknowledge_due_at == at(23, 11, 30)
    frozen(at(23, 12, 30))
    cell = re.search(r'class="acknowledge-left">(.*?)</td>',
                     client.get("/can-bo/ho-so/").content.decode()).group(1)
    assert "trễ hạn" in cell and "badge" in cell


def test_the_migration_backfills_dossiers_waiting_for_reception(procedure, units):
    import importlib

    from django.apps import apps

    from dossiers.models import DossierTransition

    migration = importlib.import_module("dossiers.migrations.0004_dossier_acknowledge_due_at")
    _filed(procedure, units["ward"], "M-WAITING", at(20, 15))
    supplied = _filed(procedure, units["ward"], "M-SUPPLIED", at(16, 9))
    DossierTransition.objects.create(dossier=supplied, action="supplement",
                                     from_state=S.SUPPLEMENT_REQUESTED, to_state=S.SUBMITTED,
                                     created_at=at(25, 10))
    received = _filed(procedure, units["ward"], "M-RECEIVED", at(20, 15))
    Dossier.objects.update(acknowledge_due_at=None)
    Dossier.objects.filter(pk=received.pk).update(state=S.RECEIVED)
    migration.backfill(apps, None)
    deadlines = dict(Dossier.objects.values_list("code", "acknowledge_due_at"))
    assert deadlines == {"M-WAITING": at(23, 15, 30), "M-SUPPLIED": at(26, 10, 30),
                         "M-RECEIVED": None}
