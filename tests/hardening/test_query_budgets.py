"""The main pages issue a bounded number of SQL queries: the same at 1 row as at 50 (no N+1).

Each case builds the page's data at size 1 and at size 50 and counts the queries of one GET.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import StaffAssignment
from accounts.testing import login_verified
from procedures.models import FormField, RequiredDocument
from tests.factories import make_dossier, make_procedure, make_unit_tree


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_catalogue_page_and_api(client, db):
    make_procedure(code="9.000000", name="Thủ tục 0")
    small = [count_queries(client, u) for u in ("/thu-tuc/", "/api/v1/procedures/")]
    for number in range(1, 50):
        make_procedure(code=f"9.{number:06d}", name=f"Thủ tục {number}")
    large = [count_queries(client, u) for u in ("/thu-tuc/?page_size=50",
                                                "/api/v1/procedures/?page_size=50")]
    assert large == small
    assert max(large) <= 6


def test_procedure_page_with_many_documents_and_fields(client, db):
    procedure = make_procedure()
    small = count_queries(client, f"/thu-tuc/{procedure.code}/")
    small_api = count_queries(client, f"/api/v1/procedures/{procedure.code}/")
    for number in range(50):
        RequiredDocument.objects.create(procedure=procedure, key=f"gt-{number}",
                                        name=f"Giấy tờ {number}", order=10 + number)
        FormField.objects.create(procedure=procedure, key=f"f_{number}", label=f"Trường {number}",
                                 field_type="text", order=10 + number)
    assert count_queries(client, f"/thu-tuc/{procedure.code}/") == small
    assert count_queries(client, f"/api/v1/procedures/{procedure.code}/") == small_api
    assert small <= 8


def _dossiers(n, *, owner, clerk, units, procedure):
    return [make_dossier(state="received", procedure=procedure, citizen=owner, units=units,
                         clerk=clerk) for _ in range(n)]


def test_citizen_and_staff_dossier_pages(client, django_user_model, db):
    units = make_unit_tree()
    procedure = make_procedure()
    owner = django_user_model.objects.create_user("owner", password="x", full_name="An",
                                                  phone="+84905111222")
    clerk = django_user_model.objects.create_user("clerk", password="x", full_name="Clerk")
    StaffAssignment.objects.create(user=clerk, unit=units["ward"], role="clerk")
    world = {"owner": owner, "clerk": clerk, "units": units, "procedure": procedure}

    first = _dossiers(1, **world)[0]
    client.force_login(owner)
    client.get("/ho-so/")  # the first request of a session renews its expiry (a write)
    citizen_small = [count_queries(client, u) for u in
                     ("/ho-so/", f"/ho-so/{first.code}/", "/api/v1/dossiers/")]
    staff = client.__class__()
    login_verified(staff, clerk)
    staff.get("/can-bo/")
    staff_small = [count_queries(staff, u) for u in
                   ("/can-bo/ho-so/?tab=dang-xu-ly", f"/can-bo/ho-so/{first.code}/",
                    "/api/v1/queue/")]

    _dossiers(49, **world)
    citizen_large = [count_queries(client, u) for u in
                     ("/ho-so/", f"/ho-so/{first.code}/", "/api/v1/dossiers/?page_size=50")]
    staff_large = [count_queries(staff, u) for u in
                   ("/can-bo/ho-so/?tab=dang-xu-ly", f"/can-bo/ho-so/{first.code}/",
                    "/api/v1/queue/?page_size=50")]
    assert citizen_large == citizen_small
    assert staff_large == staff_small
    # Session, user with its guard facts, then the page's own reads. The staff dossier page
    # answers "may act?" for every action from assignments read once per request, and the
    # delivery panel reads pickup and parcels only once a result is routed. "Hồ sơ của tôi" lists
    # the drafts (to continue or delete) apart from the filed dossiers: one more query, whatever
    # the number of either.
    assert all(n <= budget for n, budget in zip(citizen_large, (6, 7, 5), strict=True)), \
        citizen_large
    assert all(n <= budget for n, budget in zip(staff_large, (8, 10, 6), strict=True)), \
        staff_large
