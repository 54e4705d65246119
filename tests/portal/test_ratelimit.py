"""Fixed-window counters (portal.ratelimit) behind the public tracking page and API, and the
tracking lookup itself: one SQL query, no personal data."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import ratelimit
from tests.factories import make_procedure, make_unit_tree


def test_over_limit_counts_per_key_and_window():
    assert [ratelimit.over_limit("k", 3, window=1) for _ in range(5)] == [False] * 3 + [True] * 2
    assert ratelimit.over_limit("other", 3, window=1) is False
    time.sleep(1.1)  # the window began with the first request and is over
    assert ratelimit.over_limit("k", 3, window=1) is False


def test_an_unreachable_cache_does_not_block(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert not any(ratelimit.over_limit("k", 1) for _ in range(5))


@pytest.fixture
def dossier_code(db, django_user_model):
    from dossiers.services import dossier_attach, dossier_create_draft, dossier_submit
    from tests.dossiers.conftest import pdf

    units = make_unit_tree()
    citizen = django_user_model.objects.create_user("cd_an", password="x",
                                                    full_name="Nguyễn Văn An",
                                                    phone="+84905123456")
    dossier = dossier_create_draft(procedure=make_procedure(), applicant=citizen,
                                   place=units["ward"], data={
                                       "ho_ten_tre": "Bé", "gioi_tinh": "nam",
                                       "ngay_sinh": "2026-11-20"})
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key, upload=pdf())
    return dossier_submit(dossier=dossier, acting_user=citizen).code


def test_tracking_is_one_query_and_shows_no_personal_data(client, dossier_code):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/ho-so/tra-cuu/", {"code": dossier_code}).content.decode()
        body = client.get(f"/api/v1/track/{dossier_code}/").json()
    assert len(queries) == 2
    assert "Đăng ký khai sinh" in page and "Phường Khuê Trung" in page
    assert "Nguyễn Văn An" not in page and "+84905123456" not in page
    assert body == {"code": dossier_code, "procedure_name": "Đăng ký khai sinh",
                    "receiving_unit": "Phường Khuê Trung", "state": "submitted",
                    "state_label": "Đã nộp, chờ tiếp nhận", "due_date": body["due_date"]}
    assert client.get("/api/v1/track/khong-co/").status_code == 404


def test_tracking_api_is_limited_per_client_address(client, db):
    statuses = [client.get("/api/v1/track/x/", REMOTE_ADDR="10.1.1.1").status_code
                for _ in range(22)]
    assert statuses[:20] == [404] * 20 and statuses[20:] == [429, 429]
    response = client.get("/api/v1/track/x/", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert client.get("/api/v1/track/x/", REMOTE_ADDR="10.1.1.2").status_code == 404


def test_ratings_and_verification_codes_count_with_the_one_limiter(settings, monkeypatch):
    """The ratings and verification-code limits are ``over_limit``'s counters, so they fail the
    same way (not limited) while the cache is unreachable."""
    from citizens import services as citizen_services
    from citizens.exceptions import RateLimited
    from ratings import services as rating_services
    from ratings.exceptions import RatingRateLimited

    seen = []
    monkeypatch.setattr(rating_services, "over_limit", lambda key, limit, window: seen.append(
        (key, limit, window)) or True)
    monkeypatch.setattr(citizen_services, "over_limit", lambda key, limit, window: seen.append(
        (key, limit, window)) or True)
    with pytest.raises(RatingRateLimited):
        rating_services.rate_limit_hit("ip", "203.0.113.9")
    with pytest.raises(RateLimited):
        citizen_services._check_rate_limits("+84905123456", None)
    assert [key.split(":")[0] for key, _, _ in seen] == ["ratings", "vc"]
    monkeypatch.undo()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(40):
        rating_services.rate_limit_hit("ip", "203.0.113.9")
        citizen_services._check_rate_limits("+84905123456", "203.0.113.9")
