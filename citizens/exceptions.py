"""Refusals of the citizens app (``portal.exceptions.DomainError``). A refusal about one form
field names it: the details are then the field errors of the API's ``invalid`` envelope."""

from portal.exceptions import DomainError


class CitizenError(DomainError):
    code = "citizen_error"

    def __init__(self, message: str = "", *, field: str | None = None, code: str | None = None,
                 details=None):
        self.field = field
        if details is None and field is not None:
            details = {field: [message]}
        super().__init__(message, code=code, details=details)


class RegistrationError(CitizenError):
    code = "invalid"


class RateLimited(CitizenError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message, details={"retry_after_seconds": retry_after})


class InvalidCode(CitizenError):
    code = "invalid_code"
