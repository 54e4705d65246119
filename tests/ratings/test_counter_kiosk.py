from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.testing import login_verified
from dossiers.models import DossierTransition
from ratings.models import Rating

from .conftest import VALUES


def test_kiosk_needs_a_verified_clerk_session(client, citizen, clerk):
    assert client.get("/can-bo/danh-gia/quay/").status_code == 302  # to sign-in
    client.force_login(clerk)  # password only, no second factor
    response = client.get("/can-bo/danh-gia/quay/")
    assert response.status_code in (302, 403) and "/quay/" not in response.get("Location", "")
    client.force_login(citizen)
    assert client.get("/can-bo/danh-gia/quay/").status_code == 403


def test_walk_in_citizen_rates_by_code(client, clerk, returned):
    login_verified(client, clerk)
    assert client.get("/can-bo/danh-gia/quay/").status_code == 200
    response = client.post("/can-bo/danh-gia/quay/", {"code": returned.code})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/can-bo/danh-gia/quay/{returned.code}/")
    page = client.get(response["Location"]).content.decode()
    assert returned.applicant_name not in page  # no personal data on the counter screen
    response = client.post(f"/can-bo/danh-gia/quay/{returned.code}/", VALUES)
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=returned)
    assert (rating.source, rating.kiosk_clerk, rating.rated_by) == ("kiosk", clerk, None)
    # a second rating of the same dossier at the counter is refused
    again = client.post("/can-bo/danh-gia/quay/", {"code": returned.code}, follow=True)
    assert "đã được đánh giá" in again.content.decode()


def test_kiosk_only_for_just_returned_dossiers(client, clerk, returned):
    DossierTransition.objects.filter(dossier=returned, action="return_result").update(
        created_at=timezone.now() - datetime.timedelta(days=3))
    login_verified(client, clerk)
    assert client.get(f"/can-bo/danh-gia/quay/{returned.code}/").status_code == 404


def test_kiosk_other_unit_clerk_cannot_rate(client, django_user_model, units, returned):
    from tests.dossiers.conftest import make_staff

    stranger = make_staff(django_user_model, "clerk-x", units["other_ward"], "clerk")
    login_verified(client, stranger)
    assert client.get(f"/can-bo/danh-gia/quay/{returned.code}/").status_code == 404


def test_kiosk_is_rate_limited(client, clerk, returned, settings):
    login_verified(client, clerk)
    statuses = [client.post("/can-bo/danh-gia/quay/", {"code": "KHONG-CO"}).status_code
                for _ in range(31)]
    assert statuses[-1] == 429 and statuses[0] == 200
