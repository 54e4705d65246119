"""Hostile numbers and patterns in a procedure configuration (issue 13, #18).

A fee of 10^30 reached the database and gave a 500; "(a+)+$" was accepted and the citizen's
filing form matched it with a backtracking engine; a bound of "1e999999999" (or "NaN") was
accepted. Every refusal names the JSON path and speaks Vietnamese; nothing is written.
"""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.testing import login_verified
from procedures.forms import build_filing_form_class
from procedures.models import Procedure, Sector
from tests.factories import procedure_document

pytestmark = pytest.mark.django_db

API_IMPORT = "/api/v1/staff/procedures/import/"


@pytest.fixture
def api(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    login_verified(client, root)
    return client


def refused(api, document, path, fragment):
    response = api.post(API_IMPORT, json.dumps(document), content_type="application/json")
    assert response.status_code == 400, response.content
    details = response.json()["error"]["details"]
    assert any(d["path"] == path and fragment in d["message"] for d in details), details
    assert not Procedure.objects.exists() and not Sector.objects.exists()


def with_field(**field):
    document = procedure_document()
    document["fields"] = [{"key": "truong", "label": "Trường", "type": "text", **field}]
    return document


@pytest.mark.parametrize("amount", [10**30, 10**13, 1e30])
def test_fee_beyond_the_bound_is_refused(api, amount):
    document = procedure_document()
    document["fees"][0]["amount"] = amount
    refused(api, document, "/fees/0/amount", "không được vượt quá")


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=a)a", r"(?<!b)a", "a{2000}"])
def test_regex_that_needs_backtracking_or_is_huge_is_refused(api, pattern):
    refused(api, with_field(regex=pattern), "/fields/0/regex", "không an toàn")


@pytest.mark.parametrize(("field", "path"), [
    ({"type": "number", "min": "1e999999999"}, "/fields/0/min"),
    ({"type": "number", "max": "NaN"}, "/fields/0/max"),
    ({"type": "number", "max": "Infinity"}, "/fields/0/max"),
    ({"type": "number", "max": "10000000000000000"}, "/fields/0/max"),
    ({"type": "date", "min": "0001-01-01"}, "/fields/0/min"),
    ({"type": "date", "max": "9999-12-31"}, "/fields/0/max"),
])
def test_field_bounds_are_finite_and_sane(api, field, path):
    refused(api, with_field(**field), path, "không hợp lệ")


def test_min_above_max_is_refused(api):
    refused(api, with_field(type="number", min="10", max="2"), "/fields/0/max",
            "không nhỏ hơn giá trị nhỏ nhất")


def test_arrays_are_bounded(api):
    document = procedure_document()
    document["fees"] = [{"name": f"Phí {i}", "amount": 1} for i in range(51)]
    refused(api, document, "/fees", "Không được quá 50 mục")


def test_admin_import_refuses_nan_and_infinity_literals(admin_client_2fa):
    for literal in ("NaN", "Infinity", "1e999999999"):
        body = json.dumps(procedure_document()).replace('"days": 0.5', f'"days": {literal}', 1)
        upload = SimpleUploadedFile("p.json", body.encode(), content_type="application/json")
        response = admin_client_2fa.post("/admin/procedures/procedure/import/",
                                         {"file": upload})
        assert response.status_code == 200, literal
        assert "errornote" in response.content.decode(), literal
    assert not Procedure.objects.exists()


def test_citizen_input_is_matched_in_linear_time():
    """The pattern that backtracks: Python's engine takes seconds on 25 letters and a
    mismatch (and doubles with each letter); RE2 answers at once, whatever the length."""
    form_class = build_filing_form_class([
        {"key": "ten", "label": "Tên", "type": "textarea", "regex": "(a+)+$"}])
    for value in ("a" * 25 + "!", "a" * 4000 + "!"):
        started = time.monotonic()
        form = form_class(data={"ten": value})
        assert not form.is_valid()
        assert time.monotonic() - started < 1.0
    assert form_class(data={"ten": "aaaa"}).is_valid()


def test_admin_form_applies_the_same_checks(admin_client_2fa):
    from tests.procedures.test_admin_configuration import ADD_URL, form_data

    for overrides, message in (
        ({"fields-0-regex": r"(a)\1"}, "không an toàn"),
        ({"fees-0-amount": str(10**13)}, "Mức thu không được vượt quá"),
        ({"fields-1-field_type": "number", "fields-1-max_value": "1e999999999"},
         "không hợp lệ"),
    ):
        response = admin_client_2fa.post(ADD_URL, form_data(**overrides))
        assert response.status_code == 200, overrides
        assert message in response.content.decode(), overrides
    assert not Procedure.objects.exists()
