"""The page cache of the public catalogue (portal.pagecache): anonymous visitors are served whole
responses from the cache; a change to the catalogue is visible at once; signed-in users, cookies,
CSRF tokens and errors never go through it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_issue
from portal.pagecache import HIT_HEADER
from procedures.models import Procedure
from procedures.services import procedure_archive
from tests.factories import make_procedure, make_unit_tree
from tests.portal import pagecache_urls

pytestmark = pytest.mark.django_db

PAGES = ["/", "/thu-tuc/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/1.001193/",
         "/thu-tuc/1.001193/huong-dan/", "/api/v1/procedures/", "/api/v1/procedures/?q=khai",
         "/api/v1/procedures/1.001193/", "/en/thu-tuc/1.001193/"]


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def birth():
    return make_procedure()


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def is_hit(response) -> bool:
    return response.get(HIT_HEADER) == "hit"


@pytest.mark.parametrize("url", PAGES)
def test_second_anonymous_visit_is_served_from_the_cache_without_sql(client, birth, url):
    first, first_queries = get(client, url)
    assert first.status_code == 200 and not is_hit(first)
    assert first_queries > 0
    second, second_queries = get(client, url)
    assert second.status_code == 200 and is_hit(second)
    assert second_queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The cached answer still carries the headers every response gets from the middleware.
    assert "Content-Security-Policy" in second and second["X-Frame-Options"] == "DENY"
    assert not second.cookies


def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client, birth):
    for url in ["/", "/thu-tuc/", "/thu-tuc/1.001193/", "/en/thu-tuc/"]:
        response = client.get(url)
        assert b"csrfmiddlewaretoken" not in response.content
        assert not response.cookies, url


def test_language_switch_links_to_the_same_page_in_the_other_language(client, birth):
    page = client.get("/thu-tuc/1.001193/").content.decode()
    assert 'href="/en/thu-tuc/1.001193/"' in page and 'hreflang="en"' in page
    page = client.get("/en/thu-tuc/1.001193/").content.decode()
    assert 'href="/thu-tuc/1.001193/"' in page and 'lang="vi"' in page
    assert client.get("/en/thu-tuc/?q=birth").content.decode().count(
        'href="/thu-tuc/?q=birth"') == 1


def test_vietnamese_and_english_are_cached_separately(client, birth):
    vi = client.get("/thu-tuc/1.001193/")
    en = client.get("/en/thu-tuc/1.001193/")
    assert not is_hit(en)
    vi_again, en_again = client.get("/thu-tuc/1.001193/"), client.get("/en/thu-tuc/1.001193/")
    assert is_hit(vi_again) and is_hit(en_again)
    assert "Đăng ký khai sinh" in vi_again.content.decode()
    assert "Birth registration" in en_again.content.decode()
    assert '<html lang="en">' in en_again.content.decode()
    assert vi_again.content == vi.content and en_again.content == en.content
    assert vi_again["Content-Language"] == "vi" and en_again["Content-Language"] == "en"


def test_publishing_a_procedure_shows_it_at_once(client, birth):
    assert "Đăng ký kết hôn" not in client.get("/thu-tuc/").content.decode()
    assert is_hit(client.get("/thu-tuc/"))
    home = client.get("/").content.decode()
    assert "1 thủ tục" in home

    make_procedure(code="1.000894", name="Đăng ký kết hôn", name_en="Marriage registration")

    listing = client.get("/thu-tuc/")
    assert not is_hit(listing) and "Đăng ký kết hôn" in listing.content.decode()
    assert "2 thủ tục" in client.get("/").content.decode()
    assert client.get("/api/v1/procedures/").json()["count"] == 2
    assert client.get("/thu-tuc/1.000894/").status_code == 200


def test_archiving_a_procedure_removes_it_at_once(client, birth):
    assert client.get("/thu-tuc/1.001193/").status_code == 200
    assert is_hit(client.get("/thu-tuc/1.001193/"))
    assert client.get("/api/v1/procedures/1.001193/").status_code == 200
    assert is_hit(client.get("/api/v1/procedures/1.001193/"))

    procedure_archive(procedure=birth)

    assert client.get("/thu-tuc/1.001193/").status_code == 404
    assert client.get("/api/v1/procedures/1.001193/").status_code == 404
    assert "Đăng ký khai sinh" not in client.get("/thu-tuc/").content.decode()


def test_editing_a_procedure_or_a_unit_invalidates(client, birth):
    client.get("/thu-tuc/1.001193/")
    make_procedure(name="Đăng ký khai sinh (sửa đổi)")  # re-import: a new version
    page = client.get("/thu-tuc/1.001193/")
    assert not is_hit(page) and "Đăng ký khai sinh (sửa đổi)" in page.content.decode()

    procedure = Procedure.objects.get(code="1.001193")
    procedure.documents.get(key="giay-chung-sinh").delete()
    assert "Giấy chứng sinh" not in client.get("/thu-tuc/1.001193/").content.decode()

    assert is_hit(client.get("/thu-tuc/1.001193/"))
    make_unit_tree()
    assert not is_hit(client.get("/thu-tuc/1.001193/"))


def test_signed_in_users_never_get_nor_fill_the_cache(client, birth, django_user_model):
    citizen = django_user_model.objects.create_user("an", password="x", full_name="Nguyễn An",
                                                    phone="+84905111222")
    signed_in = client.__class__()
    signed_in.force_login(citizen)

    # Signed in first: rendered for the user, not stored.
    for _ in range(2):
        page = signed_in.get("/thu-tuc/1.001193/")
        assert not is_hit(page) and "Đăng xuất" in page.content.decode()
    assert not is_hit(client.get("/thu-tuc/1.001193/"))

    # The anonymous copy is cached now; the user still gets their own page.
    assert is_hit(client.get("/thu-tuc/1.001193/"))
    page = signed_in.get("/thu-tuc/1.001193/")
    assert not is_hit(page) and "Đăng xuất" in page.content.decode()
    assert not is_hit(signed_in.get("/api/v1/procedures/1.001193/"))


def test_api_token_requests_bypass_the_cache(client, birth, django_user_model):
    user = django_user_model.objects.create_user("api", password="x", full_name="API")
    _token, key = api_token_issue(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    client.get("/api/v1/procedures/")
    assert is_hit(client.get("/api/v1/procedures/"))
    assert not is_hit(client.get("/api/v1/procedures/", **auth))


def test_api_cache_keys_on_the_accept_header(client, birth):
    as_json = client.get("/api/v1/procedures/", HTTP_ACCEPT="application/json")
    as_html = client.get("/api/v1/procedures/", HTTP_ACCEPT="text/html")
    assert as_json["Content-Type"].startswith("application/json")
    assert as_html["Content-Type"].startswith("text/html")
    again = client.get("/api/v1/procedures/", HTTP_ACCEPT="application/json")
    assert is_hit(again) and again["Content-Type"].startswith("application/json")


def test_messages_cookie_and_unknown_parameters_bypass_the_cache(client, birth):
    client.get("/thu-tuc/")
    assert is_hit(client.get("/thu-tuc/"))
    assert not is_hit(client.get("/thu-tuc/", {"utm_source": "x"}))
    assert not is_hit(client.get("/thu-tuc/", {"utm_source": "x"}))
    client.cookies["messages"] = "anything"
    assert not is_hit(client.get("/thu-tuc/"))


def test_head_and_post_are_not_served_from_the_cache(client, birth):
    client.get("/")
    assert is_hit(client.get("/"))
    assert not is_hit(client.head("/"))


@pytest.mark.urls("tests.portal.pagecache_urls")
@pytest.mark.parametrize("url", ["/cookie/", "/csrf/", "/missing/", "/private/"])
def test_responses_that_must_not_be_shared_are_not_stored(client, url):
    first = client.get(url)
    second = client.get(url)
    assert not is_hit(first) and not is_hit(second)


@pytest.mark.urls("tests.portal.pagecache_urls")
def test_csrf_token_page_is_not_stored_even_with_a_csrf_cookie(client):
    client.cookies["csrftoken"] = "a" * 32
    for _ in range(2):
        assert not is_hit(client.get("/csrf/"))


@pytest.mark.urls("tests.portal.pagecache_urls")
def test_decorated_view_runs_once_per_version(client):
    pagecache_urls.CALLS["plain"] = 0
    assert client.get("/plain/").content == b"plain 1"
    assert client.get("/plain/").content == b"plain 1"
    make_unit_tree()  # a catalogue change
    assert client.get("/plain/").content == b"plain 2"
    assert pagecache_urls.CALLS["plain"] == 2


def test_cache_off_when_seconds_is_zero(client, birth, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/thu-tuc/")
    assert not is_hit(client.get("/thu-tuc/"))
