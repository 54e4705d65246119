"""Requests carrying NUL characters are refused before they reach a view: PostgreSQL cannot store
or compare them, so they would otherwise end in a server error instead of a clear refusal."""

from __future__ import annotations

from django.http import HttpResponseBadRequest

from .api.errors import error_response

MESSAGE = "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or "\x00" in value for key, values in request.GET.lists()
           for value in [key, *values]):
        return True
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type == "application/json":
            return b"\\u0000" in request.body or b"\x00" in request.body
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in key or "\x00" in value for key, values in request.POST.lists()
                       for value in [key, *values])
    return False


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return error_response("invalid_characters", MESSAGE, 400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
