"""The queue pages its tabs with the cached tab counts (no COUNT(*) over the unit's dossiers on
every page view), and stays exact: filtered views still count, transitions move the counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from dossiers.constants import Channel, DossierState
from dossiers.models import Dossier
from tests.dossiers.test_staff_pages import bulk_dossiers

pytestmark = pytest.mark.django_db


def dossier_counts(queries) -> list[str]:
    return [q["sql"] for q in queries
            if "COUNT(" in q["sql"].upper() and "dossiers_dossier" in q["sql"]]


def test_queue_page_pages_a_tab_with_its_cached_count(clerk_client, procedure, units):
    bulk_dossiers(45, procedure=procedure, unit=units["ward"])
    clerk_client.get("/can-bo/ho-so/")  # the first view counts every tab once (then cached)
    with CaptureQueriesContext(connection) as queries:
        first = clerk_client.get("/can-bo/ho-so/").content.decode()
        last = clerk_client.get("/can-bo/ho-so/", {"page": 3}).content.decode()
    assert dossier_counts(queries) == []
    assert "Trang 1/3" in first and "Trang 3/3" in last
    assert len(set(re.findall(r"-X-sub-\d{5}", first))) == 20
    assert len(set(re.findall(r"-X-sub-\d{5}", last))) == 5


def test_queue_page_with_a_filter_counts_its_rows(clerk_client, procedure, units):
    bulk_dossiers(25, procedure=procedure, unit=units["ward"])
    Dossier.objects.filter(code__endswith="-00001").update(channel=Channel.IN_PERSON)
    page = clerk_client.get("/can-bo/ho-so/", {"channel": Channel.IN_PERSON}).content.decode()
    assert len(set(re.findall(r"-X-sub-\d{5}", page))) == 1 and "Trang 1/" not in page
    page = clerk_client.get("/can-bo/ho-so/", {"channel": Channel.ONLINE}).content.decode()
    assert "Trang 1/2" in page


def test_queue_api_counts_from_the_cache_and_follows_transitions(clerk, procedure, units):
    bulk_dossiers(23, procedure=procedure, unit=units["ward"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=clerk)[1]}")
    assert api.get("/api/v1/queue/").json()["count"] == 23
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/queue/", {"page": 2}).json()
    assert dossier_counts(queries) == []
    assert body["count"] == 23 and len(body["results"]) == 3

    ref = api.get("/api/v1/queue/").json()["results"][0]["ref"]
    response = api.post(f"/api/v1/dossiers/{ref}/transitions/", {"action": "receive"},
                        format="json")
    assert response.status_code == 200
    assert api.get("/api/v1/queue/").json()["count"] == 22
    assert api.get("/api/v1/queue/", {"tab": "dang-xu-ly"}).json()["count"] == 1
    assert api.get("/api/v1/queue/", {"channel": Channel.ONLINE}).json()["count"] == 22


def test_state_and_channel_labels_are_translated_and_tolerate_unknown_values():
    dossier = Dossier(state=DossierState.SUBMITTED, channel=Channel.IN_PERSON)
    assert dossier.get_state_display() == "Đã nộp, chờ tiếp nhận"
    assert dossier.get_channel_display() == "Trực tiếp"
    with translation.override("en"):
        assert dossier.get_state_display() == "Submitted, awaiting acceptance"
        assert dossier.get_channel_display() == "In person"
    dossier.state = "not-a-state"
    assert dossier.get_state_display() == "not-a-state"


def test_late_to_acknowledge_tab_pages_with_its_cached_count(clerk_client, procedure, units):
    import datetime

    from django.utils import timezone

    bulk_dossiers(25, procedure=procedure, unit=units["ward"])
    late = Dossier.objects.order_by("code")[:22].values_list("pk", flat=True)
    Dossier.objects.filter(pk__in=list(late)).update(
        acknowledge_due_at=timezone.now() - datetime.timedelta(hours=1))
    Dossier.objects.exclude(pk__in=list(late)).update(
        acknowledge_due_at=timezone.now() + datetime.timedelta(hours=1))
    clerk_client.get("/can-bo/ho-so/", {"tab": "tre-tiep-nhan"})
    with CaptureQueriesContext(connection) as queries:
        page = clerk_client.get("/can-bo/ho-so/", {"tab": "tre-tiep-nhan", "page": 2})
    assert dossier_counts(queries) == []
    text = page.content.decode()
    assert 'class="count-tre-tiep-nhan">22<' in text and "Trang 2/2" in text
    assert len(set(re.findall(r"-X-sub-\d{5}", text))) == 2
