"""A reorganisation as data (issue 16 §1): merging three of the demo city's wards into a fourth
carries dossiers, staff, procedure scopes, pickups and statistics to the successor; the old
wards close but keep their names, codes and history, and old dossier codes still track."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.constants import StaffRole
from accounts.models import StaffAssignment, User
from accounts.testing import login_verified
from delivery.models import PickupAppointment
from dossiers.models import Dossier, DossierTransition
from procedures.services import procedure_import
from reports.models import DossierFact, StatRollup
from reports.selectors import Period, figures
from reports.services import stats_rebuild
from tests.factories import procedure_document
from units.models import Reorganisation, Unit, UnitSuccession
from units.reorganisation import RELATIONS, unit_relations
from units.services import units_load_from_package

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "units/samples/merge_three_wards.json"
TZ = timezone.get_fixed_timezone(7 * 60)
NOVEMBER = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
COUNTED = ("received", "resolved", "on_time", "late", "ratings")


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, 9, tzinfo=TZ)


def dossier(procedure, unit, code, *, state, finished=None, **extra):
    version = procedure.versions.get(number=procedure.current_version)
    made = Dossier.objects.create(
        code=code, procedure=procedure, procedure_version=version, receiving_unit=unit,
        current_unit=unit, state=state, channel="1", applicant_name="Nguyễn Văn An",
        submitted_at=at(2), received_at=at(2), due_date=datetime.date(2026, 11, 5),
        original_due_date=datetime.date(2026, 11, 5), finished_at=finished, **extra)
    DossierTransition.objects.create(dossier=made, action="receive", from_state="submitted",
                                     to_state="received", unit=unit, created_at=at(2))
    return made


def staff(username, unit, role):
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password="x", full_name=username)
    StaffAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def city(db):
    units_load_from_package(province_code=48, agency_code="000.00.00.H17")
    names = {"hoa_cuong": "20257", "hoa_xuan": "20314", "ngu_hanh_son": "20285",
             "cam_le": "20260", "hai_chau": "20242"}
    return {key: Unit.objects.get(official_code=code) for key, code in names.items()}


@pytest.fixture
def world(city):
    """Live data on the three wards the sample merges, and some already on the successor."""
    from ratings.models import Rating

    a, b, c, successor = city["hoa_cuong"], city["hoa_xuan"], city["ngu_hanh_son"], \
        city["cam_le"]
    procedure = procedure_import(document=procedure_document(), owner_unit=a)
    other = procedure_import(document=procedure_document(code="1.004873", name="Xác nhận"),
                             owner_unit=city["hai_chau"])
    open_a = dossier(procedure, a, f"{a.code}-261102-0001", state="in_progress",
                     intake_unit=b)
    done_b = dossier(procedure, b, f"{b.code}-261102-0001", state="result_ready",
                     finished=at(4))
    done_c = dossier(procedure, c, f"{c.code}-261102-0001", state="returned", finished=at(3))
    done_s = dossier(procedure, successor, f"{successor.code}-261102-0001", state="returned",
                     finished=at(3))
    Rating.objects.create(dossier=done_c, unit=c, procedure=procedure, overall="satisfied",
                          access_info="satisfied", procedure_rating="satisfied",
                          staff_attitude="satisfied", timeliness="satisfied",
                          result="satisfied", source="online")
    Rating.objects.filter(dossier=done_c).update(created_at=at(5))
    waiting = PickupAppointment.objects.create(dossier_id=done_b.pk, unit=b, address="Số 5",
                                               earliest_date=datetime.date(2026, 11, 5))
    collected = PickupAppointment.objects.create(
        dossier_id=done_c.pk, unit=c, address="Số 6", earliest_date=datetime.date(2026, 11, 4),
        collected_at=at(4))
    clerk_a = staff("motcua.hoacuong", a, StaffRole.CLERK)
    both = staff("motcua.hai.noi", b, StaffRole.CLERK)
    staff("motcua.hai.noi", successor, StaffRole.CLERK)  # already a clerk at the successor
    processor_c = staff("chuyenvien.nhs", c, StaffRole.PROCESSOR)
    stats_rebuild()
    return {"procedure": procedure, "other": other, "open": open_a, "done_b": done_b,
            "done_c": done_c, "done_s": done_s, "waiting": waiting, "collected": collected,
            "clerk_a": clerk_a, "both": both, "processor_c": processor_c,
            "olds": [a, b, c], "successor": successor}


def apply(*args) -> str:
    out = io.StringIO()
    call_command("apply_reorganisation", str(SAMPLE), *args, stdout=out)
    return out.getvalue()


def totals(units) -> dict:
    values = figures([u.pk for u in units], NOVEMBER)
    return {name: values[name] for name in COUNTED}


def test_every_reference_to_a_unit_has_a_reorganisation_policy():
    """A new foreign key to Unit must say what a merger does with it."""
    assert set(unit_relations()) == set(RELATIONS)


def test_merging_three_wards_carries_everything_to_the_successor(world, client):
    olds, successor = world["olds"], world["successor"]
    before = totals([*olds, successor])
    assert before["received"] == 4 and before["ratings"] == 1
    names = [(u.name, u.code, u.official_code) for u in olds]

    output = apply("--user", world["clerk_a"].username)
    assert "3 đơn vị sáp nhập" in output and "Phường Hòa Cường" in output

    # The old wards: closed, names and codes kept, their successions recorded.
    for unit, kept in zip(olds, names, strict=True):
        unit.refresh_from_db()
        assert not unit.is_active and (unit.name, unit.code, unit.official_code) == kept
        succession = UnitSuccession.objects.get(predecessor=unit)
        assert succession.successor == successor
        assert succession.effective_date == datetime.date(2027, 1, 1)
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.applied_by == world["clerk_a"] and reorganisation.summary

    # Dossiers: the open one moves (history rows keep the old ward), finished ones answer to
    # the successor too; the successor's own is untouched.
    open_dossier = Dossier.objects.get(pk=world["open"].pk)
    assert open_dossier.receiving_unit == open_dossier.current_unit == successor
    assert open_dossier.intake_unit == successor
    assert DossierTransition.objects.get(dossier=open_dossier).unit == olds[0]
    assert open_dossier.code.startswith(olds[0].code)  # codes never change
    assert set(Dossier.objects.values_list("receiving_unit", flat=True)) == {successor.pk}

    # Staff: carried over (once for the clerk who already served there); old rows kept.
    active = set(StaffAssignment.objects.active().values_list("user__username", "unit",
                                                              "role"))
    assert active == {("motcua.hoacuong", successor.pk, "clerk"),
                      ("motcua.hai.noi", successor.pk, "clerk"),
                      ("chuyenvien.nhs", successor.pk, "processor")}
    assert StaffAssignment.objects.filter(unit__in=olds, is_active=False).count() == 3

    # The procedure ward A configured is now configured at the successor.
    world["procedure"].refresh_from_db()
    world["other"].refresh_from_db()
    assert world["procedure"].owner_unit == successor
    assert world["other"].owner_unit.name == "Phường Hải Châu"

    # Pickups: a result still waiting is handed over by the successor; a collected one is
    # history.
    world["waiting"].refresh_from_db()
    world["collected"].refresh_from_db()
    assert world["waiting"].unit == successor and world["waiting"].address == "Số 5"
    assert world["collected"].unit == olds[2]

    # Statistics: the successor's figures now include its predecessors', and a full rebuild
    # from the dossiers agrees.
    assert totals([successor]) == before
    assert not StatRollup.objects.filter(unit__in=olds).exists()
    assert not DossierFact.objects.filter(unit__in=olds).exists()
    stats_rebuild()
    assert totals([successor]) == before

    # Tracking by an old code: found, the successor as the agency.
    page = client.get("/ho-so/tra-cuu/", {"code": world["done_b"].code}).content.decode()
    assert world["done_b"].code in page and "Phường Cẩm Lệ" in page


def test_reapplying_is_a_no_op(world):
    apply()
    state = (list(Dossier.objects.values_list("pk", "receiving_unit", "current_unit")),
             list(StaffAssignment.objects.values_list("pk", "unit", "is_active")),
             list(StatRollup.objects.values_list("pk", "unit", "received")))
    output = apply()
    assert "Không có gì mới" in output and "0 đơn vị" in output
    assert Reorganisation.objects.count() == 1 and UnitSuccession.objects.count() == 3
    assert state == (list(Dossier.objects.values_list("pk", "receiving_unit", "current_unit")),
                     list(StaffAssignment.objects.values_list("pk", "unit", "is_active")),
                     list(StatRollup.objects.values_list("pk", "unit", "received")))


def test_a_dry_run_reports_and_writes_nothing(world):
    before = (list(Dossier.objects.values_list("pk", "receiving_unit", "current_unit")),
              list(StaffAssignment.objects.values_list("pk", "unit", "is_active")),
              list(StatRollup.objects.values_list("pk", "unit", "received")),
              list(Unit.objects.values_list("pk", "is_active", "parent")))
    output = apply("--dry-run")
    assert "Chạy thử" in output and "dossiers.Dossier.receiving_unit: 3" in output
    assert not Reorganisation.objects.exists() and not UnitSuccession.objects.exists()
    assert before == (list(Dossier.objects.values_list("pk", "receiving_unit", "current_unit")),
                      list(StaffAssignment.objects.values_list("pk", "unit", "is_active")),
                      list(StatRollup.objects.values_list("pk", "unit", "received")),
                      list(Unit.objects.values_list("pk", "is_active", "parent")))


def test_merging_a_district_moves_its_wards_under_the_successor(db):
    """Any depth: a three-tier deployment merging a district into another."""
    city = Unit.objects.create(code="000.00.00.H56", name="Tỉnh Thanh Hóa", kind="province")
    old = Unit.objects.create(code="000.00.01.H56", name="Huyện A", kind="district", parent=city)
    new = Unit.objects.create(code="000.00.02.H56", name="Huyện B", kind="district", parent=city)
    ward = Unit.objects.create(code="000.01.01.H56", name="Xã C", kind="ward", parent=old)
    from units.reorganisation import reorganisation_apply

    reorganisation_apply(mapping={"effective_date": "2026-07-01", "mergers": [
        {"successor": new.code, "predecessors": [old.code]}]})
    ward.refresh_from_db()
    assert ward.parent == new and ward.is_within(new) and ward.is_active


@pytest.mark.parametrize(("mergers", "message"), [
    ([{"successor": "20260", "predecessors": ["99999"]}], "Không tìm thấy đơn vị “99999”"),
    ([{"successor": "20260", "predecessors": ["20260"]}], "không thể là"),
    ([{"successor": "48", "predecessors": ["20260"]}], None),  # into the city: allowed
    ([{"successor": "20260", "predecessors": ["48"]}], "không thể là"),  # its own ancestor
    ([{"successor": "20260", "predecessors": ["20257"]},
      {"successor": "20242", "predecessors": ["20257"]}], "được nêu hai lần"),
])
def test_bad_mappings_are_refused_in_vietnamese_and_change_nothing(city, tmp_path, mergers,
                                                                    message):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"effective_date": "2027-01-01", "mergers": mergers}))
    if message is None:
        call_command("apply_reorganisation", str(path), stdout=io.StringIO())
        return
    with pytest.raises(CommandError, match=message):
        call_command("apply_reorganisation", str(path), stdout=io.StringIO())
    assert not Reorganisation.objects.exists()
    assert Unit.objects.filter(is_active=False).count() == 0


def test_the_admin_merge_action_is_the_superusers(world, client):
    olds, successor = world["olds"], world["successor"]
    url = "/admin/units/unit/"
    selected = {"action": "merge_into", "_selected_action": [u.pk for u in olds]}

    # A staff member allowed to edit units does not get the action.
    editor = User.objects.create_user("bientap", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="units"))
    login_verified(client, editor)
    assert "merge_into" not in client.get(url).content.decode()
    client.post(url, {**selected, "apply": "1", "successor": successor.pk,
                      "effective_date": "2027-01-01"})
    assert not UnitSuccession.objects.exists()
    assert all(Unit.objects.get(pk=u.pk).is_active for u in olds)

    root = User.objects.create_superuser("root", password="x")
    login_verified(client, root)
    assert "merge_into" in client.get(url).content.decode()
    page = client.post(url, selected)  # the intermediate page
    assert page.status_code == 200 and "Đơn vị kế thừa" in page.content.decode()
    done = client.post(url, {**selected, "apply": "1", "successor": successor.pk,
                             "effective_date": "2027-01-01", "reference": "NQ thử"})
    assert done.status_code == 302
    assert set(UnitSuccession.objects.values_list("predecessor", flat=True)) == {
        u.pk for u in olds}
    assert Reorganisation.objects.get().applied_by == root
    assert Dossier.objects.get(pk=world["open"].pk).current_unit == successor
