"""Error pages: structured JSON under /api/, friendly Vietnamese pages elsewhere."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .api.errors import api_not_found, api_server_error, error_response


def bad_request(request, exception=None, *, code: str = "bad_request", message: str = ""):
    """Input refused at the edge (portal.middleware) or by Django itself (``handler400``)."""
    message = message or _("Yêu cầu không hợp lệ.")
    if request.path.startswith("/api/"):
        return error_response(code, message, 400)
    return render(request, "400.html", {"message": message}, status=400)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(request, "500.html", status=500)
