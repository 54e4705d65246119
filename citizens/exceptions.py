class CitizenError(Exception):
    code = "citizen_error"

    def __init__(self, message: str = "", *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class RegistrationError(CitizenError):
    code = "registration_invalid"


class RateLimited(CitizenError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidCode(CitizenError):
    code = "invalid_code"
