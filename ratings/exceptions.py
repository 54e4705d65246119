"""Refusals of ratings (``portal.exceptions.DomainError``)."""

from __future__ import annotations

from portal.exceptions import DomainError


class RatingError(DomainError):
    code = "rating_error"


class RatingNotAllowed(RatingError):
    http_status = 403


class RatingLocked(RatingError):
    http_status = 409


class RatingRateLimited(RatingError):
    code = "rate_limited"
    http_status = 429
