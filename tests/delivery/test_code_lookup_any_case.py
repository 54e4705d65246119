"""Tracking and counter look-ups take a dossier code as people type or read it out: any case,
spaces, and show an example of the code."""

from __future__ import annotations

import pytest

from accounts.testing import login_verified

from .helpers import submitted_dossier

pytestmark = pytest.mark.django_db


def spoken(code: str) -> str:
    """'000.01.10.H17-261130-0001' as typed from a phone call: lower case, spaces."""
    head, day, seq = code.lower().split("-")
    return f" {head} - {day} – {seq} "


def test_tracking_accepts_any_case_and_spaces_and_shows_an_example(client, citizen,
                                                                   paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    page = client.get("/ho-so/tra-cuu/").content.decode()
    assert "000.17.22.H56-210531-0001" in page and "Không phân biệt chữ hoa" in page
    page = client.get("/ho-so/tra-cuu/", {"code": spoken(dossier.code)}).content.decode()
    assert f"<dd>{dossier.code}</dd>" in page
    assert "Không tìm thấy hồ sơ" not in page


def test_counter_accepts_any_case_and_spaces(client, citizen, clerk, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    login_verified(client, clerk)
    page = client.get("/can-bo/tra-ket-qua/").content.decode()
    assert "000.17.22.H56-210531-0001" in page
    response = client.get("/can-bo/tra-ket-qua/", {"q": spoken(dossier.code)})
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/tra-ket-qua/{dossier.code}/"
