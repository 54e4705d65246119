"""A citizen sees only their own profile and addresses, on the web and through the API;
the CCCD is shown in full only to its owner."""

import pytest
from django.template import Context, Template

from accounts.services import api_token_issue
from citizens.masking import mask_cccd
from citizens.models import DeliveryAddress
from citizens.services import delivery_address_create
from tests.citizens.helpers import PASSWORD, VALID_CCCD, sign_in
from tests.factories import make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    return make_unit_tree()


@pytest.fixture
def address(citizen, units):
    return delivery_address_create(owner=citizen, ward=units["ward"], street="12 Trần Phú",
                                   recipient_name="Nguyễn Văn An", recipient_phone="0905123456")


def test_mask_cccd_helper_and_filter():
    assert mask_cccd("001203004545") == "0012******45"
    rendered = Template("{% load masking %}{{ v|mask_cccd }}").render(Context({"v": VALID_CCCD}))
    assert rendered == "0480******34"


def test_owner_sees_full_cccd_on_own_profile_only(client, citizen):
    client.force_login(citizen)
    assert VALID_CCCD in client.get("/cong-dan/ho-so/").content.decode()
    assert VALID_CCCD not in client.get("/").content.decode()


def test_address_is_placed_in_the_unit_tree(address, units):
    assert address.province == units["city"] and address.district == units["district"]
    assert address.one_line == "12 Trần Phú, Phường Khuê Trung, Quận Cẩm Lệ, Thành phố Đà Nẵng"
    assert address.is_default and address.recipient_phone == "+84905123456"


def test_add_address_through_the_page(client, citizen, units):
    client.force_login(citizen)
    response = client.post("/cong-dan/dia-chi/them/", {
        "recipient_name": "Nguyễn Văn An", "recipient_phone": "0905 123 456",
        "ward": units["other_ward"].pk, "street": "5 Lê Lợi", "label": "Cơ quan",
    })
    assert response.status_code == 302
    saved = DeliveryAddress.objects.get(owner=citizen)
    assert saved.district == units["other_district"]
    assert "5 Lê Lợi" in client.get("/cong-dan/dia-chi/").content.decode()


def test_another_citizens_address_is_404_on_the_web(client, other_citizen, address):
    client.force_login(other_citizen)
    assert client.get(f"/cong-dan/dia-chi/{address.pk}/sua/").status_code == 404
    assert client.post(f"/cong-dan/dia-chi/{address.pk}/sua/", {}).status_code == 404
    assert client.post(f"/cong-dan/dia-chi/{address.pk}/xoa/").status_code == 404
    assert "Trần Phú" not in client.get("/cong-dan/dia-chi/").content.decode()
    assert DeliveryAddress.objects.filter(pk=address.pk).exists()


def test_another_citizens_address_is_404_through_the_api(client, other_citizen, address):
    _token, key = api_token_issue(user=other_citizen)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    url = f"/api/v1/me/addresses/{address.pk}/"
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(url, content_type="application/json", **auth)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/me/addresses/", **auth).json() == []
    me = client.get("/api/v1/me/", **auth).json()
    assert me["national_id"] == "001203004545"


def test_address_crud_through_the_api(client, citizen, units):
    client.force_login(citizen)
    response = client.post("/api/v1/me/addresses/", {
        "recipient_name": "An", "recipient_phone": "0905123456", "ward": units["ward"].pk,
        "street": "1 Hùng Vương",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["district"]["name"] == "Quận Cẩm Lệ"
    response = client.patch(f"/api/v1/me/addresses/{pk}/", {"street": "2 Hùng Vương"},
                            content_type="application/json")
    assert response.json()["street"] == "2 Hùng Vương"
    bad = client.post("/api/v1/me/addresses/", {"recipient_name": "An",
                                                "recipient_phone": "123", "ward": 999999,
                                                "street": "x"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert set(bad.json()["error"]["details"]) >= {"recipient_phone", "ward"}
    assert client.delete(f"/api/v1/me/addresses/{pk}/").status_code == 204


def test_me_api_reads_and_updates_own_profile(client, citizen, other_citizen):
    client.force_login(citizen)
    me = client.get("/api/v1/me/").json()
    assert me["national_id"] == VALID_CCCD and me["phone_verified"] is True
    response = client.patch("/api/v1/me/", {"full_name": "Nguyễn Văn Anh",
                                            "phone": "0912000111"},
                            content_type="application/json")
    assert response.status_code == 400  # other_citizen's number
    response = client.patch("/api/v1/me/", {"phone": "0935 000 222"},
                            content_type="application/json")
    assert response.json()["phone"] == "+84935000222" and response.json()["phone_verified"] is False


def test_me_api_needs_authentication(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403) and "error" in response.json()


def test_sign_in_with_password_constant_is_usable(client, citizen):
    assert sign_in(client, VALID_CCCD, PASSWORD)
