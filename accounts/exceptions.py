"""Domain errors of the accounts app; views turn them into messages, 404s or API errors."""


class AccountError(Exception):
    code = "account_error"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class OutOfScope(AccountError):
    """The acting staff member may not manage this unit or person; shown as 404."""

    code = "not_found"


class InvalidOTP(AccountError):
    code = "invalid_otp"


class OTPRequired(AccountError):
    code = "otp_required"
