"""A district admin manages only the staff accounts created inside its units (issue 13, #1).

The attack the review found: give a citizen (or the superuser) an assignment in one's own unit
through the staff-assignment admin, set that account's password through the user admin, delete
the assignment. Each step is refused here on its own, through the real admin pages.
"""

import pytest
from django.contrib.auth.hashers import check_password
from knox.models import AuthToken

from accounts.constants import StaffRole
from accounts.models import AccountEvent, StaffAssignment, User
from accounts.selectors import roles_grantable_by, users_manageable_by
from accounts.services import api_token_issue, district_admin_group, staff_create
from accounts.testing import login_verified
from tests.accounts.admin_forms import admin_form_data
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-cua-ke-gian-2026"
ASSIGNMENT_ADD = "/admin/accounts/staffassignment/add/"


@pytest.fixture
def units(db):
    return make_unit_tree()


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="Root-pass-2026")


@pytest.fixture
def admin_a(units, root):
    return staff_create(acting_user=root, username="qt.camle", full_name="QT Cẩm Lệ",
                        password="Quan-tri-cam-le-2026", unit=units["district"],
                        role=StaffRole.DISTRICT_ADMIN)


@pytest.fixture
def admin_b(units, root):
    return staff_create(acting_user=root, username="qt.haichau", full_name="QT Hải Châu",
                        password="Quan-tri-hai-chau-2026", unit=units["other_district"],
                        role=StaffRole.DISTRICT_ADMIN)


@pytest.fixture
def own_clerk(units, admin_a):
    return staff_create(acting_user=admin_a, username="mc.kt", full_name="Một cửa KT",
                        password="Mot-cua-khue-trung-2026", unit=units["ward"],
                        role=StaffRole.CLERK, email="mc.kt@example.vn")


@pytest.fixture
def signed_in(client, admin_a):
    login_verified(client, admin_a)
    return client


def test_scope_functions(units, root, admin_a, admin_b, own_clerk, citizen):
    assert set(users_manageable_by(admin_a)) == {own_clerk}
    assert not users_manageable_by(admin_b).exists()
    assert StaffRole.DISTRICT_ADMIN not in roles_grantable_by(admin_a)
    assert StaffRole.DISTRICT_ADMIN in roles_grantable_by(root)
    # An assignment does not bring an account into scope: it is what an attacker adds first.
    StaffAssignment.objects.create(user=citizen, unit=units["ward"], role=StaffRole.CLERK)
    StaffAssignment.objects.create(user=root, unit=units["ward"], role=StaffRole.CLERK)
    assert set(users_manageable_by(admin_a)) == {own_clerk}
    # Nor does one outside the unit stay manageable once it also works elsewhere.
    StaffAssignment.objects.create(user=own_clerk, unit=units["other_ward"],
                                   role=StaffRole.CLERK)
    assert not users_manageable_by(admin_a).exists()


@pytest.mark.parametrize("victim", ["citizen", "root"])
def test_admin_cannot_assign_a_citizen_or_the_superuser(signed_in, units, citizen, root,
                                                        admin_a, victim):
    admin_a.groups.add(district_admin_group())
    target = {"citizen": citizen, "root": root}[victim]
    response = signed_in.post(ASSIGNMENT_ADD, {"user": target.pk, "unit": units["ward"].pk,
                                               "role": "clerk", "is_active": "on"})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not StaffAssignment.objects.filter(user=target).exists()


def test_admin_cannot_grant_district_admin(signed_in, units, admin_a, own_clerk):
    admin_a.groups.add(district_admin_group())
    page = signed_in.get(ASSIGNMENT_ADD)
    assert "district_admin" not in page.content.decode()
    response = signed_in.post(ASSIGNMENT_ADD, {
        "user": own_clerk.pk, "unit": units["ward"].pk, "role": "district_admin",
        "is_active": "on"})
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    # The staff page refuses it the same way.
    response = signed_in.post("/can-bo/nhan-su/them/", {
        "full_name": "QT mới", "username": "qt.moi", "unit": units["ward"].pk,
        "role": "district_admin", "password": "Mat-khau-ban-dau-2026"})
    assert response.status_code == 200 and not User.objects.filter(username="qt.moi").exists()
    assert not StaffAssignment.objects.filter(role="district_admin",
                                              unit=units["ward"]).exists()


def test_admin_assigns_its_own_staff_in_its_units(signed_in, units, admin_a, own_clerk):
    admin_a.groups.add(district_admin_group())
    response = signed_in.post(ASSIGNMENT_ADD, {"user": own_clerk.pk, "unit": units["district"].pk,
                                               "role": "processor", "is_active": "on"})
    assert response.status_code == 302
    assignment = StaffAssignment.objects.get(user=own_clerk, role="processor")
    assert assignment.created_by == admin_a


@pytest.mark.parametrize("victim", ["citizen", "root", "admin_b"])
def test_password_of_an_account_not_created_in_scope_cannot_be_set(
        signed_in, units, citizen, root, admin_a, admin_b, victim):
    """Even with the assignment already in place (as the old admin allowed)."""
    admin_a.groups.add(district_admin_group())
    target = {"citizen": citizen, "root": root, "admin_b": admin_b}[victim]
    StaffAssignment.objects.create(user=target, unit=units["ward"], role=StaffRole.CLERK)
    old_hash = User.objects.get(pk=target.pk).password
    url = f"/admin/accounts/user/{target.pk}/password/"
    assert signed_in.get(url).status_code == 403
    response = signed_in.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                    "usable_password": "true"})
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).password == old_hash
    # Nor can its details be edited: the change page is read-only, a POST is refused.
    page = signed_in.get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()
    response = signed_in.post(f"/admin/accounts/user/{target.pk}/change/", {
        "username": target.username, "email": "ke-gian@example.vn", "is_active": "on",
        "staff_assignments-TOTAL_FORMS": "0", "staff_assignments-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).email != "ke-gian@example.vn"
    # Nor the assignment deleted to cover the tracks.
    assignment = StaffAssignment.objects.get(user=target, unit=units["ward"])
    url = f"/admin/accounts/staffassignment/{assignment.pk}/delete/"
    assert signed_in.post(url, {"post": "yes"}).status_code == 403
    assert StaffAssignment.objects.filter(pk=assignment.pk).exists()


def test_password_of_own_staff_can_be_set_and_ends_its_tokens(signed_in, admin_a, own_clerk):
    admin_a.groups.add(district_admin_group())
    api_token_issue(user=own_clerk)
    url = f"/admin/accounts/user/{own_clerk.pk}/password/"
    response = signed_in.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                    "usable_password": "true"})
    assert response.status_code == 302
    assert check_password(NEW_PASSWORD, User.objects.get(pk=own_clerk.pk).password)
    assert not AuthToken.objects.filter(user=own_clerk).exists()
    assert AccountEvent.objects.filter(user=own_clerk, actor=admin_a,
                                       kind="password_reset").exists()


def test_changed_email_is_no_longer_verified(signed_in, admin_a, own_clerk):
    """The password reset sends its code to the verified address: an edited address must not
    inherit the mark, or the editor receives the code."""
    from django.utils import timezone

    admin_a.groups.add(district_admin_group())
    User.objects.filter(pk=own_clerk.pk).update(email_verified_at=timezone.now())
    url = f"/admin/accounts/user/{own_clerk.pk}/change/"
    response = signed_in.post(url, admin_form_data(signed_in.get(url),
                                                   email="moi@example.vn"))
    assert response.status_code == 302
    clerk = User.objects.get(pk=own_clerk.pk)
    assert clerk.email == "moi@example.vn" and clerk.email_verified_at is None


def test_admin_cannot_add_accounts_through_the_user_admin(signed_in, admin_a):
    admin_a.groups.add(district_admin_group())
    assert signed_in.get("/admin/accounts/user/add/").status_code == 403
    response = signed_in.post("/admin/accounts/user/add/", {
        "username": "bare", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "usable_password": "true"})
    assert response.status_code == 403 and not User.objects.filter(username="bare").exists()


def test_staff_created_on_the_staff_page_records_where(client, units, admin_a):
    login_verified(client, admin_a)
    client.post("/can-bo/nhan-su/them/", {
        "full_name": "Lê Văn Mới", "username": "moi.kt", "unit": units["ward"].pk,
        "role": "processor", "password": "Mat-khau-ban-dau-2026"})
    new = User.objects.get(username="moi.kt")
    assert (new.created_by, new.created_in_unit) == (admin_a, units["ward"])
