from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.testing import login_verified
from dossiers.models import DossierTransition
from ratings.exceptions import RatingNotAllowed
from ratings.models import Rating
from ratings.services import rating_submit

from .conftest import VALUES


def test_kiosk_needs_a_verified_clerk_session(client, citizen, clerk):
    assert client.get("/can-bo/danh-gia/quay/").status_code == 302  # to sign-in
    client.force_login(clerk)  # password only, no second factor
    response = client.get("/can-bo/danh-gia/quay/")
    assert response.status_code in (302, 403) and "/quay/" not in response.get("Location", "")
    client.force_login(citizen)
    assert client.get("/can-bo/danh-gia/quay/").status_code == 403


def test_walk_in_citizen_rates_by_code(client, clerk, returned_at_counter):
    returned = returned_at_counter
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


def test_kiosk_only_for_just_returned_dossiers(client, clerk, returned_at_counter):
    returned = returned_at_counter
    DossierTransition.objects.filter(dossier=returned, action="return_result").update(
        created_at=timezone.now() - datetime.timedelta(days=3))
    login_verified(client, clerk)
    assert client.get(f"/can-bo/danh-gia/quay/{returned.code}/").status_code == 404


def test_kiosk_other_unit_clerk_cannot_rate(client, django_user_model, units,
                                            returned_at_counter):
    returned = returned_at_counter
    from tests.dossiers.conftest import make_staff

    stranger = make_staff(django_user_model, "clerk-x", units["other_ward"], "clerk")
    login_verified(client, stranger)
    assert client.get(f"/can-bo/danh-gia/quay/{returned.code}/").status_code == 404


def test_kiosk_is_rate_limited(client, clerk, returned, settings):
    login_verified(client, clerk)
    statuses = [client.post("/can-bo/danh-gia/quay/", {"code": "KHONG-CO"}).status_code
                for _ in range(31)]
    assert statuses[-1] == 429 and statuses[0] == 200


NOT_AT_COUNTER = "không được tiếp nhận hay trả kết quả trực tiếp tại quầy này"


def test_a_paper_dossier_received_at_this_desk_is_rated_at_the_kiosk(client, clerk,
                                                                      returned_in_person):
    login_verified(client, clerk)
    response = client.post("/can-bo/danh-gia/quay/", {"code": returned_in_person.code})
    assert response.status_code == 302
    response = client.post(f"/can-bo/danh-gia/quay/{returned_in_person.code}/", VALUES)
    assert response.status_code == 302
    assert Rating.objects.get(dossier=returned_in_person).source == "kiosk"


def test_an_online_dossier_returned_without_the_desk_is_not_rated_at_the_kiosk(
        client, clerk, returned):
    """The clerk handled this online dossier (received, forwarded, returned it) and could rate
    it on the citizen's behalf: refused on the code page, the rating page and its POST."""
    login_verified(client, clerk)
    page = client.post("/can-bo/danh-gia/quay/", {"code": returned.code})
    assert page.status_code == 200 and NOT_AT_COUNTER in page.content.decode()
    url = f"/can-bo/danh-gia/quay/{returned.code}/"
    page = client.get(url)
    assert page.status_code == 403 and NOT_AT_COUNTER in page.content.decode()
    assert client.post(url, VALUES).status_code == 403
    assert not Rating.objects.exists()


def test_the_rating_service_applies_the_same_rule(clerk, returned):
    with pytest.raises(RatingNotAllowed) as refused:
        rating_submit(dossier=returned, values=VALUES, kiosk_clerk=clerk)
    assert refused.value.code == "kiosk_not_at_counter"
    assert not Rating.objects.exists()


def test_a_dossier_its_citizen_already_rated_is_not_rated_again_at_the_kiosk(
        client, clerk, citizen, returned_at_counter):
    rating_submit(dossier=returned_at_counter, values=VALUES, acting_user=citizen)
    login_verified(client, clerk)
    page = client.post("/can-bo/danh-gia/quay/", {"code": returned_at_counter.code})
    assert "Hồ sơ này đã được đánh giá." in page.content.decode()
    url = f"/can-bo/danh-gia/quay/{returned_at_counter.code}/"
    assert client.post(url, {**VALUES, "overall": "not_satisfied"}).status_code == 409
    rating = Rating.objects.get()
    assert (rating.source, rating.overall) == ("online", VALUES["overall"])


def test_the_desk_that_received_a_paper_dossier_elsewhere_may_rate_it(
        client, django_user_model, units, procedure, clerk, processor, leader):
    """Any-office reception: the walk-in citizen stood at the other ward's desk."""
    from dossiers.services import dossier_file_in_person
    from tests.dossiers.conftest import make_staff

    from .conftest import run_to_return

    desk = make_staff(django_user_model, "clerk-hc", units["other_ward"], "clerk")
    dossier = dossier_file_in_person(
        acting_user=desk, intake_unit=units["other_ward"], procedure=procedure,
        place=units["ward"], applicant_name="Khách", data={
            "ho_ten_tre": "Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-11-20"})
    dossier = run_to_return(dossier, clerk, processor, leader)
    login_verified(client, desk)
    assert client.post("/can-bo/danh-gia/quay/", {"code": dossier.code}).status_code == 302
