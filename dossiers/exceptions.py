"""Domain errors of dossiers; views turn them into messages and the API into structured errors."""

from __future__ import annotations


class DossierError(Exception):
    code = "dossier_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details=None):
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class TransitionNotAllowed(DossierError):
    code = "transition_not_allowed"
    http_status = 409


class ConcurrentUpdate(DossierError):
    """Someone else changed the dossier since the actor loaded it."""

    code = "conflict"
    http_status = 409


class NotPermitted(DossierError):
    code = "forbidden"
    http_status = 403


class UploadRejected(DossierError):
    code = "upload_rejected"
    http_status = 400


class DossierInvalid(DossierError):
    code = "invalid"
    http_status = 400
