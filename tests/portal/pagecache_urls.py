"""A URL conf for tests/portal/test_page_cache.py: views behind the page cache that must never
be stored (a cookie, a CSRF token, a non-200 answer), and one that counts its calls."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from portal.pagecache import public_page

CALLS = {"plain": 0}


@public_page
def plain(request):
    CALLS["plain"] += 1
    return HttpResponse(f"plain {CALLS['plain']}")


@public_page
def sets_cookie(request):
    response = HttpResponse("with a cookie")
    response.set_cookie("preference", "x")
    return response


@public_page
def carries_csrf_token(request):
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


@public_page
def not_found(request):
    return HttpResponse("nothing here", status=404)


@public_page
def private(request):
    response = HttpResponse("private")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("plain/", plain),
    path("cookie/", sets_cookie),
    path("csrf/", carries_csrf_token),
    path("missing/", not_found),
    path("private/", private),
]
