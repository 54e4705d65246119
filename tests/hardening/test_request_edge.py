"""Input no view can store or show is refused at the request edge with a 400, whatever the
Content-Type says: NUL characters, lone UTF-16 surrogates and JSON nested thousands of levels
deep, in query strings, forms, file names and JSON bodies, for the API and the web pages."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from dossiers.models import Dossier
from tests.dossiers.conftest import citizen, procedure, units  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFUSED = "Dữ liệu gửi lên chứa ký tự không hợp lệ"


def filing(procedure, units, name: str) -> str:  # noqa: F811
    """A draft's JSON with ``name`` spliced in as written (raw escapes stay escapes)."""
    return json.dumps({"procedure": procedure.code, "place": units["ward"].code,
                       "data": {"ho_ten_tre": "@", "gioi_tinh": "nam",
                                "ngay_sinh": "2026-11-01"}}).replace("@", name)


def assert_api_refusal(response, code: str = "invalid_characters") -> None:
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body


def assert_page_refusal(response) -> None:
    assert response.status_code == 400, response.content[:300]
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page and REFUSED in page
    assert response["Content-Type"].startswith("text/html")


# --- lone surrogates: everything that reaches a view has been checked -----------------------


@pytest.mark.parametrize("text", ["B\\ud800", "B\\udfff", "B\\ud83d x"])
def test_a_lone_surrogate_in_a_dossier_draft_is_refused_and_nothing_is_stored(
        citizen, procedure, units, text):  # noqa: F811
    api = APIClient()
    api.force_login(citizen)
    body = filing(procedure, units, text)
    response = api.post("/api/v1/dossiers/", body, content_type="application/json")
    assert_api_refusal(response)
    assert not Dossier.objects.exists()


def test_a_surrogate_pair_written_as_escapes_is_one_character_and_accepted(
        citizen, procedure, units):  # noqa: F811
    api = APIClient()
    api.force_login(citizen)
    body = filing(procedure, units, "B\\ud83d\\ude00")
    response = api.post("/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Dossier.objects.get().data["ho_ten_tre"] == "B😀"


def test_a_lone_surrogate_decoded_from_a_query_string_is_refused(client):
    # Django decodes the query string with the Content-Type's charset; unicode_escape turns
    # "%5Cud800" into a lone surrogate.
    web = client.get("/thu-tuc/?q=%5Cud800", CONTENT_TYPE="text/plain; charset=unicode_escape")
    assert_page_refusal(web)
    api = client.get("/api/v1/procedures/?search=%5Cud800",
                     CONTENT_TYPE="text/plain; charset=unicode_escape")
    assert_api_refusal(api)


def test_a_lone_surrogate_in_a_web_form_field_is_refused(client):
    body = ('--B\r\nContent-Disposition: form-data; name="username"\r\n\r\n\\ud800\r\n'
            '--B\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--B--\r\n')
    content_type = "multipart/form-data; boundary=B; charset=unicode_escape"
    response = client.generic("POST", "/tai-khoan/dang-nhap/", body.encode(),
                              content_type=content_type)
    assert_page_refusal(response)


def test_a_request_django_itself_refuses_gets_the_vietnamese_400_page(client):
    response = client.post("/tai-khoan/dang-nhap/", "username=a&password=x",
                           content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_a_form_the_api_parses_itself_is_checked(citizen):  # noqa: F811
    """Django decodes only POSTed forms; a PATCH form is parsed by the API's own parser."""
    api = APIClient()
    api.force_login(citizen)
    response = api.generic("PATCH", "/api/v1/me/", "full_name=An%00",
                           content_type="application/x-www-form-urlencoded")
    assert_api_refusal(response)
    citizen.refresh_from_db()
    assert citizen.full_name == "Nguyễn Văn An"


# --- NUL: the Content-Type does not decide whether the body is checked ----------------------


@pytest.mark.parametrize("content_type", ["application/*", "*/*", "application/json",
                                          "application/json; charset=utf-8"])
@pytest.mark.parametrize("value", ["a\\u0000", "a\\ud800"])
def test_json_the_api_parses_is_checked_whatever_the_content_type(client, content_type, value):
    body = '{"identifier": "@", "password": "x"}'.replace("@", value)
    response = client.post(TOKEN, body, content_type=content_type)
    assert_api_refusal(response)


def test_an_escaped_backslash_is_not_an_escape(client):
    body = '{"identifier": "a\\\\u0000\\\\ud800", "password": "x"}'  # the text a\u0000\ud800
    response = client.post(TOKEN, body, content_type="application/*")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


# --- Depth ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,
    '{"identifier": ' + "[" * 5000 + "]" * 5000 + ', "password": "x"}',
    '{"identifier": ' + '{"a": ' * 65 + "1" + "}" * 65 + ', "password": "x"}',
])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(client, body):
    response = client.post(TOKEN, body, content_type="application/json")
    assert_api_refusal(response, code="too_deep")


def test_the_api_parser_bounds_depth_on_its_own():
    """Behind the middleware, the parser still refuses: a RecursionError never escapes."""
    import io

    from rest_framework.exceptions import ParseError

    from portal.parsers import JSONParser

    with pytest.raises(ParseError) as refused:
        JSONParser().parse(io.BytesIO(b"[" * 5000 + b"]" * 5000), "application/json", {})
    assert refused.value.get_codes() == "too_deep"
    brackets = '"' + "[" * 100 + '"'  # brackets inside a string are not nesting
    assert JSONParser().parse(io.BytesIO(json.dumps({"a": brackets}).encode()), None, {}) == {
        "a": brackets}


def test_json_nested_64_levels_is_accepted(client):
    user = get_user_model().objects.create_user("deep", password="x")
    assert user
    body = '{"identifier": "deep", "password": "x", "otp": ' + "[" * 63 + "]" * 63 + "}"
    response = client.post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"  # otp is not a string: a field error
