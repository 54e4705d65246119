"""The request edge: input no view can store or show is refused with a 400 before any view runs,
and a request that answers 5xx leaves nothing written behind."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .errors import bad_request
from .parsers import (
    InvalidInput,
    check_form,
    check_json_text,
    check_text,
    invalid_characters,
    text_encoding,
)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def check_request(request: HttpRequest) -> None:
    """Raises ``InvalidInput`` for NUL characters, lone surrogates or JSON nested too deeply in
    the path, the query string, a POSTed form (field names, values, file names) or any other
    body, whatever its Content-Type: the API's parsers accept ``application/*`` and ``*/*`` as
    JSON, so the Content-Type cannot tell which bodies are JSON."""
    encoding = text_encoding(request.encoding)  # the query string and forms are decoded with it
    check_text(request.path)
    check_form(request.GET)
    content_type = request.content_type or ""
    if content_type in FORM_TYPES or content_type.startswith("multipart/"):
        if request.method == "POST":  # Django decodes only POSTed forms; the API parsers the rest
            check_form(request.POST, request.FILES)
        return
    body = request.body
    if b"\x00" in body:  # also every UTF-16 or UTF-32 body, which JSON parsers sniff
        raise invalid_characters()
    check_json_text(body.decode(encoding, errors="replace"))


class RejectInvalidInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except InvalidInput as exc:
            return bad_request(request, code=exc.code, message=exc.message)
        return self.get_response(request)


class RollbackOnServerErrorMiddleware:
    """Wraps every unsafe request (POST, PUT, PATCH, DELETE) in one transaction, rolled back when
    the answer is a server error: a service that committed before the view then failed (the
    response did not render, say) must not leave a change the user was told did not happen.
    ``transaction.on_commit`` callbacks therefore run at the end of the request, only on commit.

    Safe methods are left in autocommit: their writes (a session's renewed expiry, the audit of a
    read of personal data) must stand even when the page then fails, and the read pages keep
    their query budgets (no SAVEPOINT, no BEGIN/COMMIT round trips)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            # Exceptions below this middleware have been turned into 500 responses already.
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
