"""A form field bound to a piece of the applicant's data (``bind``), a document the online
form replaces (``replaced_by_online_form``) and the ``year`` field type: configured without
code, in the JSON schema and in the admin, and carried through import and export."""

import json

import pytest

from procedures.constants import ApplicantDatum
from procedures.documents import SCHEMA_PATH, document_errors
from procedures.forms import build_filing_form_class
from procedures.models import Procedure
from procedures.services import procedure_export, procedure_import
from tests.factories import procedure_document

from .test_admin_configuration import ADD_URL, form_data

pytestmark = pytest.mark.django_db


def _bound_document(**field_changes):
    document = procedure_document()
    document["fields"].append({"key": "ho_ten_nguoi_yeu_cau", "label": "Họ tên người yêu cầu",
                               "type": "text", "bind": "full_name"})
    document["fields"].append({"key": "ngay_sinh_nguoi_yeu_cau", "label": "Ngày sinh",
                               "type": "date", "bind": "date_of_birth", **field_changes})
    document["documents"][0]["replaced_by_online_form"] = True
    return document


def _paths(document):
    return {error.path: error.message for error in document_errors(document)}


def test_the_schema_lists_exactly_the_applicant_data_defined_in_constants():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    field = schema["properties"]["fields"]["items"]["properties"]
    assert field["bind"]["enum"] == ApplicantDatum.values
    assert "year" in field["type"]["enum"]


def test_a_bound_document_is_valid():
    assert document_errors(_bound_document()) == []


def test_a_date_of_birth_bound_to_a_text_field_is_refused_with_its_path():
    errors = _paths(_bound_document(type="text"))
    assert list(errors) == ["/fields/5/bind"]
    assert "phải có kiểu “Ngày”" in errors["/fields/5/bind"]


def test_an_unknown_datum_is_refused_in_vietnamese():
    errors = _paths(_bound_document(bind="ma_so_thue"))
    assert "/fields/5/bind" in errors and "không hợp lệ" in errors["/fields/5/bind"]


def test_a_gender_select_must_offer_both_values():
    document = procedure_document()
    document["fields"][1]["bind"] = "gender"
    assert document_errors(document) == []
    document["fields"][1]["choices"] = [{"value": "M", "label": "Nam"}]
    assert "/fields/1/bind" in _paths(document)


def test_bind_and_replaced_document_survive_import_and_export():
    procedure = procedure_import(document=_bound_document())
    field = procedure.fields.get(key="ngay_sinh_nguoi_yeu_cau")
    assert field.bind == ApplicantDatum.DATE_OF_BIRTH
    assert procedure.documents.get(key="to-khai").replaced_by_online_form is True
    exported = procedure_export(procedure=procedure)
    assert exported["fields"][5]["bind"] == "date_of_birth"
    assert exported["documents"][0]["replaced_by_online_form"] is True
    assert "replaced_by_online_form" not in exported["documents"][1]  # unset: not written
    assert "bind" not in exported["fields"][0]
    again = procedure_import(document=exported)
    assert procedure_export(procedure=again) == exported
    # The frozen version carries them, so the filing form of that version sees them.
    assert again.versions.get(number=again.current_version).document["fields"][5]["bind"] \
        == "date_of_birth"


def test_admin_shows_and_saves_bind_and_replaced(admin_client_2fa):
    page = admin_client_2fa.get(ADD_URL).content.decode()
    assert "Lấy từ dữ liệu người nộp" in page or "lấy từ dữ liệu người nộp" in page
    assert "thay bằng biểu mẫu trực tuyến" in page.lower()
    data = form_data(**{"fields-1-bind": "", "documents-0-replaced_by_online_form": "on"})
    data.update({"fields-TOTAL_FORMS": "3", "fields-2-order": "2", "fields-2-key": "ho_ten",
                 "fields-2-field_type": "text", "fields-2-required": "on",
                 "fields-2-label": "Họ tên người yêu cầu", "fields-2-choices": "",
                 "fields-2-bind": "full_name"})
    response = admin_client_2fa.post(ADD_URL, data)
    assert response.status_code == 302
    procedure = Procedure.objects.get(code="1.004873")
    assert procedure.fields.get(key="ho_ten").bind == "full_name"
    assert procedure.documents.get(key="to-khai").replaced_by_online_form is True


def test_admin_refuses_a_bind_of_the_wrong_type(admin_client_2fa):
    data = form_data(**{"fields-1-bind": "date_of_birth"})  # ghi_chu is a textarea
    response = admin_client_2fa.post(ADD_URL, data)
    assert response.status_code == 200
    assert "phải có kiểu “Ngày”" in response.content.decode()
    assert not Procedure.objects.filter(code="1.004873").exists()


# --- year fields ------------------------------------------------------------------------


def _year_form(**spec):
    return build_filing_form_class([{"key": "nam_sinh", "label": "Năm sinh", "type": "year",
                                     **spec}])


def test_a_year_field_takes_four_digits_with_a_numeric_keypad():
    form = _year_form()(data={"nam_sinh": "1990"})
    assert form.is_valid() and form.cleaned_data["nam_sinh"] == 1990
    html = str(form["nam_sinh"])
    assert 'inputmode="numeric"' in html and 'maxlength="4"' in html
    assert 'type="date"' not in html


@pytest.mark.parametrize("value", ["1899", "2999", "90", "năm 1990", "1990-01-01"])
def test_a_year_field_refuses_what_is_not_a_plausible_year(value):
    form = _year_form()(data={"nam_sinh": value})
    assert not form.is_valid()


def test_year_bounds_are_validated_as_years():
    document = procedure_document()
    document["fields"].append({"key": "nam_sinh", "label": "Năm sinh", "type": "year",
                               "min": "1920", "max": "2010"})
    assert document_errors(document) == []
    document["fields"][-1]["min"] = "1920-01-01"
    assert "/fields/4/min" in _paths(document)
    form = build_filing_form_class(document["fields"][-1:])
    document["fields"][-1]["min"] = "1920"
    form = build_filing_form_class(document["fields"][-1:])(data={"nam_sinh": "2011"})
    assert not form.is_valid()
