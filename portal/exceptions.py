"""The one error type of the domain: a service refuses with a ``DomainError`` and the edges
turn it into a response in one place each — the API's error envelope
(``portal.api.errors.exception_handler``) and a message in the web views
(``portal.web.domain_errors_as_messages`` and ``DomainErrorMiddleware``).

Each app's ``exceptions.py`` names its refusals as subclasses with their own ``code`` and
``http_status``; none formats itself (HackSoft's ``ApplicationError``)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on. ``message`` is Vietnamese and shown as is; ``code`` is
    stable for API clients; ``details`` is JSON (field errors, limits, …)."""

    code: str = "error"
    http_status: int = 400

    def __init__(self, message: str = "", *, code: str | None = None, details: Any = None,
                 http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code
        if http_status:
            self.http_status = http_status

    def as_envelope(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}
