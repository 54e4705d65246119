"""Staff permissions follow the unit tree: a ward clerk acts in its ward only; a district
admin manages its district and wards, and nothing outside it."""

import pytest
from django.test import Client

from accounts.constants import StaffRole
from accounts.models import AccountEvent, StaffAssignment, User
from accounts.selectors import staff_units, user_can_act_in_unit
from accounts.testing import login_verified
from tests.citizens.helpers import PASSWORD
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_unit_tree()


def staff(username, unit, role):
    user = User.objects.create_user(username, password=PASSWORD, full_name=username,
                                    is_staff=role == StaffRole.DISTRICT_ADMIN)
    StaffAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def people(units):
    return {
        "clerk_a": staff("clerk.a", units["ward"], StaffRole.CLERK),
        "clerk_b": staff("clerk.b", units["other_ward"], StaffRole.CLERK),
        "admin": staff("admin.camle", units["district"], StaffRole.DISTRICT_ADMIN),
    }


def test_staff_units_selectors(units, people):
    assert list(staff_units(people["clerk_a"])) == [units["ward"]]
    assert not staff_units(people["clerk_a"], StaffRole.LEADER).exists()
    assert set(staff_units(people["admin"], StaffRole.DISTRICT_ADMIN)) == {
        units["district"], units["ward"]}
    assert user_can_act_in_unit(people["clerk_a"], units["ward"], StaffRole.CLERK)
    assert not user_can_act_in_unit(people["clerk_a"], units["other_ward"], StaffRole.CLERK)
    assert not user_can_act_in_unit(people["admin"], units["other_ward"])
    StaffAssignment.objects.filter(user=people["clerk_a"]).update(is_active=False)
    assert not staff_units(people["clerk_a"]).exists()


def test_step_roles_match_procedure_roles():
    from procedures.constants import StaffRole as StepRole

    for role in ("clerk", "processor", "leader"):
        assert StaffRole(role).value == StepRole(role).value


def test_district_admin_creates_staff_in_its_wards(client, units, people):
    login_verified(client, people["admin"])
    page = client.get("/can-bo/nhan-su/them/").content.decode()
    assert "Phường Khuê Trung" in page and "Phường Hải Châu 1" not in page
    response = client.post("/can-bo/nhan-su/them/", {
        "full_name": "Lê Văn Mới", "username": "moi.kt", "unit": units["ward"].pk,
        "role": "processor", "password": "Mat-khau-ban-dau-2026", "phone": "0905 777 888",
    })
    assert response.status_code == 302
    new = User.objects.get(username="moi.kt")
    assert new.phone == "+84905777888"
    assert user_can_act_in_unit(new, units["ward"], StaffRole.PROCESSOR)
    assert AccountEvent.objects.filter(user=new, kind="staff_created",
                                       actor=people["admin"]).exists()


def test_district_admin_cannot_create_staff_outside_its_district(client, units, people):
    login_verified(client, people["admin"])
    response = client.post("/can-bo/nhan-su/them/", {
        "full_name": "X", "username": "x.hc", "unit": units["other_ward"].pk,
        "role": "clerk", "password": "Mat-khau-ban-dau-2026",
    })
    assert response.status_code == 200 and not User.objects.filter(username="x.hc").exists()


def test_staff_list_shows_only_staff_in_scope(client, people):
    login_verified(client, people["admin"])
    page = client.get("/can-bo/nhan-su/").content.decode()
    assert "clerk.a" in page and "clerk.b" not in page


def test_clerk_cannot_manage_staff(client, people):
    login_verified(client, people["clerk_a"])
    assert client.get("/can-bo/").status_code == 200
    assert client.get("/can-bo/nhan-su/").status_code == 403
    response = client.post(f"/can-bo/nhan-su/{people['clerk_b'].pk}/vo-hieu-hoa/")
    assert response.status_code == 403


def test_citizen_cannot_reach_staff_pages(client, citizen):
    client.force_login(citizen)
    assert client.get("/can-bo/").status_code == 403


def test_deactivating_outside_the_district_is_404(client, people):
    login_verified(client, people["admin"])
    response = client.post(f"/can-bo/nhan-su/{people['clerk_b'].pk}/vo-hieu-hoa/")
    assert response.status_code == 404
    assert User.objects.get(pk=people["clerk_b"].pk).is_active


def test_deactivation_takes_effect_at_the_next_request(client, people):
    clerk_session = Client()
    login_verified(clerk_session, people["clerk_a"])
    assert clerk_session.get("/can-bo/").status_code == 200
    login_verified(client, people["admin"])
    response = client.post(f"/can-bo/nhan-su/{people['clerk_a'].pk}/vo-hieu-hoa/")
    assert response.status_code == 302
    clerk = User.objects.get(pk=people["clerk_a"].pk)
    assert not clerk.is_active
    assert not StaffAssignment.objects.filter(user=clerk, is_active=True).exists()
    response = clerk_session.get("/can-bo/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]
    assert response.wsgi_request.user.is_anonymous


def test_middleware_logs_out_staff_whose_assignments_were_all_ended(client, people):
    login_verified(client, people["clerk_a"])
    StaffAssignment.objects.filter(user=people["clerk_a"]).update(is_active=False)
    response = client.get("/can-bo/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_district_admin_admin_pages_are_scoped(client, units, people):
    login_verified(client, people["admin"])
    from accounts.services import district_admin_group

    people["admin"].groups.add(district_admin_group())
    page = client.get("/admin/accounts/staffassignment/")
    assert page.status_code == 200
    listed = {a.user.username for a in page.context["cl"].queryset}
    assert listed == {"clerk.a", "admin.camle"}
    other = StaffAssignment.objects.get(user=people["clerk_b"])
    assert client.get(f"/admin/accounts/staffassignment/{other.pk}/change/").status_code in (
        302, 404)
