"""Paying the fee from the address actually in use, seeing "Chờ thanh toán" while it is due,
and coming back from the gateway to the dossier with the e-receipt and the next step."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from delivery.constants import DocumentKind
from delivery.models import GeneratedDocument
from dossiers.status import national_status

from .helpers import path_and_params, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)
HOST = "localhost:8000"  # the README's runserver, opened as localhost instead of 127.0.0.1


def test_the_pay_button_stays_on_the_address_in_use(client, citizen, paid_procedure, units):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/", HTTP_HOST=HOST)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "http", HOST, "/thanh-toan/thu-nghiem/")
    _path, params = path_and_params(response["Location"])
    assert params["vnp_ReturnUrl"] == f"http://{HOST}/thanh-toan/ket-qua/"


def test_a_configured_base_url_wins(client, citizen, paid_procedure, units, settings):
    settings.PORTAL_BASE_URL = "https://dichvucong.example.vn"
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/", HTTP_HOST=HOST)
    assert response["Location"].startswith("https://dichvucong.example.vn/thanh-toan/thu-nghiem/")
    _path, params = path_and_params(response["Location"])
    assert params["vnp_ReturnUrl"] == "https://dichvucong.example.vn/thanh-toan/ket-qua/"


def test_waiting_for_payment_then_back_to_the_dossier_with_the_receipt(
    client, citizen, paid_procedure, units
):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    detail = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert '<dd id="trang-thai">Chờ thanh toán lệ phí' in detail
    assert "Đã nộp, chờ tiếp nhận" not in detail
    assert national_status(dossier) == 6

    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    path, _params = path_and_params(response["Location"])
    query = response["Location"].split("?", 1)[1]
    response = client.post(f"{path}?{query}", {"action": "pay"})
    _return_path, result = path_and_params(response["Location"])
    page = client.get("/thanh-toan/ket-qua/", result).content.decode()
    assert "Thanh toán thành công" in page
    assert f'href="/ho-so/{dossier.code}/"' in page and "Quay lại hồ sơ" in page
    receipt = GeneratedDocument.objects.get(kind=DocumentKind.PAYMENT_RECEIPT)
    assert f'href="/giay-to/{receipt.pk}/' in page or f"/{receipt.pk}/" in page
    assert 'id="receipt-link"' in page and 'id="next-step"' in page

    dossier.refresh_from_db()
    assert national_status(dossier) == 1
    detail = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert '<dd id="trang-thai">Đã nộp, chờ tiếp nhận' in detail


def test_someone_else_holding_the_return_url_gets_no_link_to_the_dossier(
    client, citizen, paid_procedure, units
):
    dossier = submitted_dossier(paid_procedure, citizen, units)
    client.force_login(citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    path, _params = path_and_params(response["Location"])
    response = client.post(f"{path}?{response['Location'].split('?', 1)[1]}", {"action": "pay"})
    _return_path, result = path_and_params(response["Location"])
    client.logout()
    page = client.get("/thanh-toan/ket-qua/", result).content.decode()
    assert "Thanh toán thành công" in page and f'href="/ho-so/{dossier.code}/"' not in page
    assert 'id="receipt-link"' not in page
