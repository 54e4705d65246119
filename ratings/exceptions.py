from __future__ import annotations


class RatingError(Exception):
    http_status = 400

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class RatingNotAllowed(RatingError):
    http_status = 403


class RatingLocked(RatingError):
    http_status = 409


class RatingRateLimited(RatingError):
    http_status = 429
