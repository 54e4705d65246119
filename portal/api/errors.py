"""Every API error has one shape: ``{"error": {"code", "message", "details"}}``. A service's
``DomainError`` is mapped here, once, for the DRF views (``exception_handler``) and the plain
JSON views (``domain_error_response``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.exceptions import DomainError


def domain_error_response(exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.as_envelope(), status=exc.http_status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_envelope(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Không tìm thấy.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", "Dữ liệu không hợp lệ."
        details = response.data
    elif isinstance(exc, exceptions.Throttled):
        code, details = "throttled", {"retry_after_seconds": exc.wait}
        message = (f"Quá nhiều yêu cầu. Vui lòng thử lại sau {int(exc.wait or 0) + 1} giây."
                   if exc.wait is not None else "Quá nhiều yêu cầu. Vui lòng thử lại sau.")
    else:
        detail = getattr(exc, "detail", None)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message = str(detail) if detail is not None else str(exc)
        details = None
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


def error_response(code: str, message: str, http_status: int, details=None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "details": details}}, status=http_status
    )


def api_not_found(request, exception=None):
    return error_response("not_found", "Không tìm thấy.", status.HTTP_404_NOT_FOUND)


def api_server_error(request):
    return error_response(
        "server_error", "Lỗi máy chủ, vui lòng thử lại sau.", status.HTTP_500_INTERNAL_SERVER_ERROR
    )
