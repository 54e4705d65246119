"""Postage collected on delivery (COD): configured per procedure, told to the citizen before
filing, frozen with the version the dossier was filed under, and sent to the postal service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from delivery.constants import DocumentKind
from delivery.models import GeneratedDocument, Shipment
from dossiers.constants import Action
from dossiers.filing_steps import DELIVERY, filing_steps
from dossiers.filing_views import step_url
from dossiers.models import DossierTransition
from dossiers.services import dossier_receive, dossier_record_payment
from procedures.exceptions import ProcedureConfigurationError
from procedures.services import procedure_export, procedure_import
from tests.factories import make_dossier, make_procedure, procedure_document

from .conftest import FEE
from .helpers import finish, pdf_text, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)

FEES = [{"name": "Lệ phí đăng ký khai sinh quá hạn", "amount": FEE, "note": ""}]


def test_the_postman_collects_the_configured_postage(client, citizen, clerk, processor,
                                                     leader, units):
    procedure = make_procedure(fees=FEES, postal_postage=25_000)
    assert procedure.postal_postage == 25_000
    page = client.get(reverse("procedures:detail", args=[procedure.code])).content.decode()
    assert "cước 25.000 đồng, trả cho nhân viên bưu chính khi nhận" in page

    client.force_login(citizen)
    draft = make_dossier(state="draft", procedure=procedure, citizen=citizen, units=units)
    steps = filing_steps(draft.procedure_version)
    delivery = next(step for step in steps if step.kind == DELIVERY)
    form = client.get(step_url(draft, delivery.number)).content.decode()
    assert "ông/bà trả cước 25.000 đồng cho nhân viên bưu chính" in form

    dossier = submitted_dossier(procedure, citizen, units, postal=True)
    # A later edit of the postage does not change what this dossier's citizen was told.
    procedure_import(document={**procedure_export(procedure=procedure),
                               "postal_postage": 40_000})
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="COD-1")
    finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor, leader)

    shipment = Shipment.objects.get(dossier_id=dossier.pk)
    assert shipment.request["cod_amount"] == 25_000
    ship = DossierTransition.objects.get(dossier=dossier, action=Action.SHIP)
    assert "Cước thu khi nhận: 25.000 đồng." in ship.note
    label = GeneratedDocument.objects.get(kind=DocumentKind.POSTAL_LABEL, dossier_id=dossier.pk)
    assert "25.000" in pdf_text(label)


def test_no_postage_means_free_delivery_and_no_cod(client, citizen, clerk, processor, leader,
                                                   units):
    procedure = make_procedure(fees=FEES)
    page = client.get(reverse("procedures:detail", args=[procedure.code])).content.decode()
    assert "miễn cước" in page
    dossier = submitted_dossier(procedure, citizen, units, postal=True)
    dossier_record_payment(dossier_id=dossier.pk, amount=FEE, order_ref="COD-2")
    finish(dossier_receive(dossier=dossier, acting_user=clerk), clerk, processor, leader)
    assert Shipment.objects.get(dossier_id=dossier.pk).request["cod_amount"] == 0
    assert "Cước thu khi nhận" not in DossierTransition.objects.get(
        dossier=dossier, action=Action.SHIP).note


def test_postage_travels_with_export_and_import_and_is_validated(db):
    procedure = make_procedure(postal_postage=18_000)
    exported = procedure_export(procedure=procedure)
    assert exported["postal_postage"] == 18_000
    with pytest.raises(ProcedureConfigurationError) as refused:
        procedure_import(document=procedure_document(postal_postage=-1))
    assert [e.path for e in refused.value.errors] == ["/postal_postage"]
