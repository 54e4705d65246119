"""One rule for the client's address (portal.clientip), behind a declared number of reverse
proxies or none: rate limits, lock-outs and the payment gateway all see the citizen, not the
proxy, and a forged X-Forwarded-For never moves a client to a fresh limit."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from portal.clientip import client_address

PROXY = "10.0.0.1"
TRACK = "/ho-so/tra-cuu/"


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, None, PROXY),
    (0, "203.0.113.7", PROXY),                      # no proxy declared: the header is forged
    (1, None, PROXY),
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.9, 203.0.113.7", "203.0.113.7"),  # the left part came from the client
    (2, "198.51.100.9, 203.0.113.7, 192.0.2.4", "203.0.113.7"),
    (3, "203.0.113.7", "203.0.113.7"),              # fewer hops than proxies: the left-most
    (1, " , ", PROXY),
])
def test_the_address_is_counted_from_the_right(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra)
    assert client_address(request) == expected


def track_statuses(client, n, forwarded):
    return [client.get(TRACK, {"code": "000.00.00.H17-261125-0001"}, REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR=forwarded(i)).status_code for i in range(n)]


def test_behind_a_proxy_each_citizen_has_their_own_tracking_limit(client, db, settings):
    settings.NUM_PROXIES = 1
    first = track_statuses(client, 22, lambda i: "203.0.113.7")
    assert first[:20] == [200] * 20 and first[20:] == [429, 429]
    # Another citizen behind the same proxy is not blocked by the first one.
    assert track_statuses(client, 1, lambda i: "203.0.113.8") == [200]


def test_a_forged_forwarded_for_does_not_dodge_the_tracking_limit(client, db, settings):
    settings.NUM_PROXIES = 1  # the proxy appends the real address after the client's forgery
    statuses = track_statuses(client, 22, lambda i: f"198.51.100.{i}, 203.0.113.7")
    assert statuses[-2:] == [429, 429]
    settings.NUM_PROXIES = 0  # no proxy: the whole header is the client's
    statuses = track_statuses(client, 22, lambda i: f"198.51.100.{i}")
    assert statuses[-2:] == [429, 429]
