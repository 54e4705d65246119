"""Refusals of dossiers (``portal.exceptions.DomainError``)."""

from __future__ import annotations

from portal.exceptions import DomainError


class DossierError(DomainError):
    code = "dossier_error"


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


class DossierInvalid(DossierError):
    code = "invalid"
