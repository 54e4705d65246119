"""PORTAL_BASE_URL is checked at start-up: a malformed one, or none in production, stops it."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal.checks import check_portal_base_url


@pytest.mark.parametrize("value", [
    "dichvucong.example.vn", "https://dichvucong.example.vn/cong/", "ftp://example.vn",
    "https://example.vn?x=1", "https://user:pw@example.vn", "https://example.vn:99999",
])
def test_a_malformed_base_url_is_an_error(settings, value):
    settings.PORTAL_BASE_URL = value
    assert [e.id for e in check_portal_base_url()] == ["portal.E002"]


@pytest.mark.parametrize("value", ["", "http://127.0.0.1:8000", "http://localhost:8000/",
                                   "https://dichvucong.example.vn"])
def test_development_accepts_empty_or_a_base_address(settings, value):
    settings.DEBUG = True
    settings.PORTAL_BASE_URL = value
    assert check_portal_base_url() == []


def test_production_requires_an_https_base_url(settings):
    settings.DEBUG = False
    settings.PORTAL_BASE_URL = ""
    assert [e.id for e in check_portal_base_url()] == ["portal.E001"]
    settings.PORTAL_BASE_URL = "http://dichvucong.example.vn"
    assert [e.id for e in check_portal_base_url()] == ["portal.E002"]
    settings.PORTAL_BASE_URL = "https://dichvucong.example.vn"
    assert check_portal_base_url() == []


def test_manage_check_stops_on_a_bad_base_url(settings):
    settings.PORTAL_BASE_URL = "https://example.vn/path/"
    with pytest.raises(SystemCheckError, match="PORTAL_BASE_URL"):
        call_command("check")
