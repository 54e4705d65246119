"""The client's address, the same way for every per-address limit and record.

Behind ``NUM_PROXIES`` reverse proxies (``DJANGO_NUM_PROXIES``), each proxy appends the
address it received the request from to ``X-Forwarded-For``, so the client's address is the
``NUM_PROXIES``-th entry from the right; anything to the left of it came from the client and
may be forged. With no proxy declared the header is ignored and ``REMOTE_ADDR`` is the client.
This is Django REST framework's rule for its throttles (``BaseThrottle.get_ident``), applied
to the pages, the payment gateway's client address and django-axes' lock-outs too.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    meta = request.META
    remote_addr = meta.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))] or remote_addr
