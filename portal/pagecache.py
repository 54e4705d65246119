"""Whole-response cache of the public catalogue for anonymous visitors.

The catalogue pages (home, list and search, procedure page, printable guide) and the public
procedures API are the same for every anonymous visitor, so their rendered responses are kept in
the shared Django cache (Redis in production) for ``PAGE_CACHE_SECONDS``. A change to the
catalogue (any save or delete of a model of the ``procedures`` or ``units`` apps: publishing,
archiving, editing, importing a procedure, renaming a unit) replaces the *catalogue version*, and
an entry is only served while its version is the current one, so a change is visible at once in
every process.

Only a request that cannot belong to anybody is served or stored: GET, no session cookie, no
messages cookie, no ``Authorization`` header, and only the query parameters the view declares.
Only a plain 200 is stored: never a response that sets a cookie, used the CSRF token, asked not
to be cached or varies on everything.

Why not ``cache_page``: its key prefix is a fixed string (a catalogue version cannot be part of
it), it keys on the raw ``Cookie`` header (every visitor with any cookie gets an entry of their
own) and it costs two cache reads per hit. Here a hit is one ``get_many`` (the version and the
entry together) and no SQL at all; the checks on what may be stored are Django's own
(``django.utils.cache``).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import has_vary_header
from django.utils.translation import get_language

VERSION_KEY = "pagecache:catalogue-version"
KEY_PREFIX = "pagecache:page"
# Apps whose data the cached pages show. A save or delete of any of their models is a change.
CATALOGUE_APPS = ("procedures", "units")
HIT_HEADER = "X-Page-Cache"


# --- the catalogue version ---------------------------------------------------------------------


def catalogue_changed(**kwargs) -> None:
    """Signal receiver: a new version now (the writer's own next request sees its change) and
    again after the commit (a page rendered from the old rows while the transaction was open
    cannot survive under the new version)."""
    _new_version()
    transaction.on_commit(_new_version, using=kwargs.get("using"))


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _current_version(found: str | None) -> str | None:
    if found is not None:
        return found
    cache.add(VERSION_KEY, uuid.uuid4().hex, None)
    return cache.get(VERSION_KEY)  # None while the cache is unreachable: nothing is stored


def connect_signals() -> None:
    for app_label in CATALOGUE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            uid = f"pagecache:{model._meta.label}"
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"{uid}:delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(catalogue_changed, sender=field.remote_field.through,
                                    dispatch_uid=f"{uid}:{field.name}")


# --- the decorator -----------------------------------------------------------------------------


def _anonymous_get(request, query_params: frozenset[str] | None) -> bool:
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return query_params is None or request.GET.keys() <= query_params


def _key(request, vary_on: tuple[str, ...]) -> str:
    digest = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False)
    for meta_key in vary_on:
        digest.update(b"\0" + request.META.get(meta_key, "").encode())
    language = getattr(request, "LANGUAGE_CODE", None) or get_language()
    return f"{KEY_PREFIX}:{language}:{digest.hexdigest()}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page carries a CSRF token
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    return not has_vary_header(response, "*")


def _replay(entry) -> HttpResponse:
    _version, content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    response.headers[HIT_HEADER] = "hit"
    return response


def _throttled_replay(request):
    """The API's anonymous limit, counted for a reply served from this cache too (DRF's
    throttles run inside the view, which a cached reply skips): one count per request either
    way, so a cached catalogue is no way around the limit."""
    from .api.errors import error_response
    from .throttling import AnonRateThrottle

    throttle = AnonRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    response = error_response(
        "throttled", f"Quá nhiều yêu cầu. Vui lòng thử lại sau {wait} giây.", 429,
        {"retry_after_seconds": wait})
    response["Retry-After"] = str(wait)
    return response


def public_page(view: Callable | None = None, *, query_params: Iterable[str] | None = None,
                vary_on_headers: Iterable[str] = (), api: bool = False):
    """Serve ``view`` from the page cache for anonymous visitors.

    ``query_params``: the parameters the view reads; a request with any other one is served
    uncached (random parameters cannot fill the cache). ``vary_on_headers``: request headers
    the response depends on besides the URL and the language (``Accept`` for the API, whose
    renderer depends on it). ``api``: a DRF view, whose throttles a cached reply must still
    count.
    """
    allowed = frozenset(query_params) if query_params is not None else None
    vary_on = tuple("HTTP_" + h.upper().replace("-", "_") for h in vary_on_headers)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            if not _anonymous_get(request, allowed):
                return func(request, *args, **kwargs)
            key = _key(request, vary_on)
            found = cache.get_many([VERSION_KEY, key])
            version = _current_version(found.get(VERSION_KEY))
            entry = found.get(key)
            if entry is not None and version is not None and entry[0] == version:
                refused = _throttled_replay(request) if api else None
                return refused or _replay(entry)
            response = func(request, *args, **kwargs)
            if version is None:
                return response

            def store(rendered):
                if _storable(request, rendered):
                    headers = [(k, v) for k, v in rendered.items()
                               if k.lower() not in ("set-cookie", HIT_HEADER.lower())]
                    cache.set(key, (version, rendered.content, headers),
                              settings.PAGE_CACHE_SECONDS)

            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.add_post_render_callback(store)
            else:
                store(response)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator

