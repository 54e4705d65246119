"""Text an admin configures on a procedure (labels, help texts, choices, document names) is
data, never markup: a stored ``<form>`` inside the admin preview's form would otherwise post
the superuser's CSRF token wherever it points (issue 13, finding 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.services import dossier_attach, dossier_create_draft, dossier_submit
from tests.factories import BASE_DOCUMENT, make_procedure

from .conftest import pdf

pytestmark = pytest.mark.django_db

IMG = "<img src=x onerror=alert(1)>"
FORM = '<form action="/admin/accounts/user/add/" method="post">'
HOSTILE = f"{IMG}{FORM}"


def _hostile_procedure():
    fields = [
        {"key": "ho_ten_tre", "label": f"Họ tên {HOSTILE}", "type": "text", "required": True,
         "help_text": f"Ghi rõ {HOSTILE}"},
        {"key": "gioi_tinh", "label": "Giới tính", "type": "select", "required": True,
         "help_text": HOSTILE,
         "choices": [{"value": "nam", "label": f"Nam {HOSTILE}"},
                     {"value": "nu", "label": "Nữ"}]},
        {"key": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True,
         "help_text": HOSTILE},
    ]
    documents = [{**doc, "name": f"{doc['name']} {HOSTILE}"} for doc in BASE_DOCUMENT["documents"]]
    return make_procedure(fields=fields, documents=documents, name=f"Khai sinh {HOSTILE}")


def _assert_inert(page: str) -> None:
    assert "<img src=x" not in page
    assert '<form action="/admin/accounts' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&amp;lt;img" not in page  # escaped once, not twice


def test_admin_preview_escapes_configured_text(admin_client_2fa):
    procedure = _hostile_procedure()
    url = reverse("admin:procedures_procedure_preview", args=[procedure.pk])
    _assert_inert(admin_client_2fa.get(url).content.decode())
    _assert_inert(admin_client_2fa.post(url, {"ho_ten_tre": ""}).content.decode())


def test_citizen_filing_form_escapes_configured_text(client, citizen, units):
    procedure = _hostile_procedure()
    client.force_login(citizen)
    page = client.get(reverse("dossiers:file", args=[procedure.code])).content.decode()
    _assert_inert(page)
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 5


def test_staff_dossier_page_escapes_configured_text(client, clerk, citizen, units):
    from accounts.testing import login_verified

    procedure = _hostile_procedure()
    dossier = dossier_create_draft(
        procedure=procedure, applicant=citizen, place=units["ward"],
        data={"ho_ten_tre": f"Bé {HOSTILE}", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"})
    for key in ("to-khai", "giay-chung-sinh"):
        dossier_attach(dossier=dossier, acting_user=citizen, document_key=key, upload=pdf())
    dossier = dossier_submit(dossier=dossier, acting_user=citizen)
    login_verified(client, clerk)
    page = client.get(reverse("dossiers_staff:detail", args=[dossier.code])).content.decode()
    _assert_inert(page)
    reception = client.get(reverse("dossiers_staff:reception"),
                           {"procedure": procedure.code}).content.decode()
    assert "<img src=x" not in reception


def test_slip_html_escapes_configured_text(citizen, units):
    from delivery.contexts import control_sheet_context
    from delivery.documents import render_html

    procedure = _hostile_procedure()
    dossier = dossier_create_draft(
        procedure=procedure, applicant=citizen, place=units["ward"],
        data={"ho_ten_tre": "Bé", "gioi_tinh": "nam", "ngay_sinh": "2026-11-20"})
    html = render_html("control_sheet", control_sheet_context(dossier))
    _assert_inert(html)


def test_form_built_from_configured_fields_is_safe_in_djangos_own_templates():
    """The guard at the entry point: any template, including Django's ``as_div`` and
    ``as_p`` that print help_text|safe, gets escaped text."""
    from procedures.forms import build_filing_form_class

    procedure = _hostile_procedure()
    form = build_filing_form_class(procedure.versions.get().document["fields"])()
    for html in (form.as_div(), form.as_p()):
        assert "<img src=x" not in html and "<form" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_public_procedure_pages_escape_configured_text(client):
    """The catalogue page and the printable guide, whose QR code's SVG carries the name."""
    procedure = _hostile_procedure()
    for name in ("procedures:detail", "procedures:guide"):
        page = client.get(reverse(name, args=[procedure.code])).content.decode()
        assert "<img src=x" not in page and '<form action="/admin/accounts' not in page, name


def test_the_api_returns_configured_text_as_plain_text(client):
    """Escaping is the renderer's job: the API gives the text as typed, never pre-escaped."""
    procedure = _hostile_procedure()
    body = client.get(f"/api/v1/procedures/{procedure.code}/").json()
    assert body["name"] == f"Khai sinh {HOSTILE}"
