"""The language switch: plain links to the current page in each language.

A link needs no form, so no CSRF token: the public pages stay the same for every anonymous
visitor and can be served from the page cache (portal.pagecache). With ``i18n_patterns`` and
``prefix_default_language=False`` the language of a page is its URL prefix (``/en/…``, none
for Vietnamese), so the other language's address is the same path with the prefix swapped:
no URL resolving on every page.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils.translation import get_language, get_language_from_path, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    request = context.get("request")
    path = request.path_info if request is not None else "/"
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    prefixed = get_language_from_path(path)
    rest = path[len(prefixed) + 1:] if prefixed else path
    script = get_script_prefix().rstrip("/")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        url = f"{script}{prefix}{rest}" + (f"?{query}" if query else "")
        links.append({"code": code, "name": get_language_info(code)["name_local"], "url": url,
                      "current": code == current})
    return links
