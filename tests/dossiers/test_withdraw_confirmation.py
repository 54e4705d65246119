"""Issue 15 §7: withdrawing ends the citizen's case, so it is never one tap. The detail page
links to a confirmation page, apart from the routine content; the page says what withdrawal
means and asks for a reason; only its POST, with a reason, withdraws."""

import re

import pytest
from django.urls import reverse

from dossiers.constants import Action, DossierState

pytestmark = pytest.mark.django_db


def test_the_detail_page_has_no_one_tap_withdrawal(citizen_client, submitted):
    html = citizen_client.get(reverse("dossiers:detail", args=[submitted.code])).content.decode()
    url = reverse("dossiers:withdraw", args=[submitted.code])
    assert not re.search(rf'<form[^>]*action="{re.escape(url)}"', html)
    assert f'href="{url}"' in html
    # In a section of its own at the bottom, after the history of the dossier.
    assert html.index("Các thao tác khác") > html.index("Quá trình xử lý")
    assert html.index(f'href="{url}"') > html.index("Các thao tác khác")


def test_the_confirmation_page_explains_and_asks_for_a_reason(citizen_client, submitted):
    url = reverse("dossiers:withdraw", args=[submitted.code])
    html = citizen_client.get(url).content.decode()
    assert "không thể khôi phục" in html
    assert '<textarea name="note"' in html and "required" in html
    assert "Xác nhận rút hồ sơ" in html and "btn-danger" in html
    assert "Quay lại" in html
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED  # opening the page changes nothing


@pytest.mark.parametrize("note", ["", "   "])
def test_withdrawing_without_a_reason_is_refused_in_vietnamese(citizen_client, submitted, note):
    url = reverse("dossiers:withdraw", args=[submitted.code])
    response = citizen_client.post(url, {"note": note})
    assert response.status_code == 200
    assert "Vui lòng cho biết lý do rút hồ sơ." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == DossierState.SUBMITTED


def test_withdrawing_with_a_reason_records_it(citizen_client, submitted, citizen):
    url = reverse("dossiers:withdraw", args=[submitted.code])
    response = citizen_client.post(url, {"note": "Đã nộp nhầm thủ tục"})
    assert response["Location"] == reverse("dossiers:detail", args=[submitted.code])
    submitted.refresh_from_db()
    assert submitted.state == DossierState.WITHDRAWN
    entry = submitted.transitions.get(action=Action.WITHDRAW)
    assert entry.note == "Đã nộp nhầm thủ tục" and entry.actor == citizen


def test_a_dossier_that_cannot_be_withdrawn_has_no_confirmation_page(
        citizen_client, submitted, citizen):
    from dossiers.services import dossier_withdraw

    dossier_withdraw(dossier=submitted, acting_user=citizen, note="Lần đầu")
    url = reverse("dossiers:withdraw", args=[submitted.code])
    response = citizen_client.get(url)
    assert response.status_code == 302
    html = citizen_client.get(reverse("dossiers:detail", args=[submitted.code])).content.decode()
    assert f'href="{url}"' not in html


def test_another_citizen_cannot_open_it(client, submitted, other_citizen):
    client.force_login(other_citizen)
    url = reverse("dossiers:withdraw", args=[submitted.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "x"}).status_code == 404
