"""A service's ``DomainError`` in the web views: its message is shown to the user, once, here.

A view wraps the service call and what follows success::

    with domain_errors_as_messages(request) as outcome:
        dossier_withdraw(dossier=dossier, acting_user=request.user, note=note)
        messages.success(request, _("Đã rút hồ sơ."))
        return redirect(...)
    return render(..., status=outcome.status)  # only reached on a refusal

``DomainErrorMiddleware`` is the net under views that do not wrap: the message on the page the
form was posted from (a POST) or on the 400 page with the error's status (any other method).
A refusal with status 404 (``accounts.exceptions.OutOfScope``) is a "not found" in both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from .exceptions import DomainError


@dataclass
class Outcome:
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status to re-render the page with: the refusal's, else 200."""
        return self.error.http_status if self.error is not None else 200


@contextmanager
def domain_errors_as_messages(request: HttpRequest) -> Iterator[Outcome]:
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as exc:
        if exc.http_status == 404:  # a refusal that must not tell the object exists
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        outcome.error = exc


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            from .api.errors import domain_error_response

            return domain_error_response(exception)
        if exception.http_status == 404:
            from .errors import not_found

            return not_found(request, exception)
        if request.method == "POST":
            messages.error(request, exception.message)
            return HttpResponseRedirect(request.get_full_path())
        return render(request, "400.html", {"message": exception.message},
                      status=exception.http_status)
