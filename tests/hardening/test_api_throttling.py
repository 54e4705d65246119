"""The API's default limits (REST_FRAMEWORK DEFAULT_THROTTLE_RATES) are applied: per client
address for anonymous requests under the portal's one address rule, per account once signed in,
refused with a 429 in the error envelope with Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/procedures/"


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    error = response.json()["error"]
    assert error["code"] == "throttled" and set(error) == {"code", "message", "details"}
    assert "Quá nhiều yêu cầu" in error["message"]


def test_130_anonymous_requests_a_minute_do_not_all_pass(client):
    statuses = [client.get(URL).status_code for _ in range(130)]
    assert statuses[:120] == [200] * 120
    assert set(statuses[120:]) == {429}
    assert_throttled(client.get(URL))


def test_a_forged_forwarded_for_does_not_reset_the_anonymous_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "5/min", "user": "600/min"}}
    statuses = [client.get(URL, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
                for n in range(8)]
    assert statuses == [200] * 5 + [429] * 3


def test_behind_a_proxy_each_client_has_its_own_limit(client, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1,
                               "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "600/min"}}
    first = [client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code for _ in range(4)]
    other = client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert first == [200, 200, 200, 429]
    assert other.status_code == 200


def test_signed_in_requests_count_per_account(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "4/min"}}
    api = APIClient()
    api.force_login(get_user_model().objects.create_user("an", password="x"))
    statuses = [api.get("/api/v1/me/").status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    assert_throttled(api.get("/api/v1/me/"))
