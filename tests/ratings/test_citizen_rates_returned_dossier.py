from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ratings.exceptions import RatingLocked, RatingNotAllowed, RatingRateLimited
from ratings.models import Rating
from ratings.services import rating_submit

from .conftest import VALUES


def test_detail_page_offers_rating_once_returned(citizen_client, returned):
    page = citizen_client.get(f"/ho-so/{returned.ref}/").content.decode()
    assert 'id="danh-gia"' in page and f"/danh-gia/{returned.ref}/" in page


def test_no_rating_section_before_return(citizen_client, received):
    page = citizen_client.get(f"/ho-so/{received.ref}/").content.decode()
    assert 'id="danh-gia"' not in page


def test_citizen_rates_and_links_unit_and_clerks(citizen_client, returned, clerk, processor,
                                                 leader, django_capture_on_commit_callbacks):
    assert citizen_client.get(f"/danh-gia/{returned.ref}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(f"/danh-gia/{returned.ref}/", VALUES)
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=returned)
    assert (rating.overall, rating.timeliness, rating.source) == (
        "very_satisfied", "not_satisfied", "online")
    assert rating.unit == returned.receiving_unit
    assert set(rating.handlers.all()) == {clerk, processor, leader}
    # the statistics follow after commit
    from reports.models import StatRollup

    cell = StatRollup.objects.get(grain="D", unit=returned.receiving_unit,
                                  day=timezone.localdate())
    assert (cell.ratings, cell.ratings_satisfied, cell.crit_timeliness) == (1, 1, 0)


def test_only_returned_dossiers_of_the_applicant(received, returned, citizen, other_citizen):
    with pytest.raises(RatingNotAllowed):
        rating_submit(dossier=returned, values=VALUES, acting_user=other_citizen)


def test_not_returned_is_refused(citizen_client, received):
    response = citizen_client.post(f"/danh-gia/{received.ref}/", VALUES)
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_editable_for_seven_days_then_locked(returned, citizen):
    rating_submit(dossier=returned, values=VALUES, acting_user=citizen)
    rating_submit(dossier=returned, values={**VALUES, "overall": "satisfied"},
                  acting_user=citizen)
    assert Rating.objects.get().overall == "satisfied"
    Rating.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(RatingLocked):
        rating_submit(dossier=returned, values=VALUES, acting_user=citizen)


def test_bulk_ratings_are_rate_limited(returned, citizen):
    for _ in range(10):
        rating_submit(dossier=returned, values=VALUES, acting_user=citizen)
    with pytest.raises(RatingRateLimited):
        rating_submit(dossier=returned, values=VALUES, acting_user=citizen)


def test_api_put_and_get(citizen_client, returned):
    url = f"/api/v1/dossiers/{returned.ref}/rating/"
    assert citizen_client.get(url).status_code == 404
    response = citizen_client.put(url, VALUES, content_type="application/json")
    assert response.status_code == 200, response.content
    assert citizen_client.get(url).json()["overall"] == "very_satisfied"
