"""Refusals of the accounts app (``portal.exceptions.DomainError``)."""

from portal.exceptions import DomainError


class AccountError(DomainError):
    code = "account_error"


class OutOfScope(AccountError):
    """The acting staff member may not manage this unit or person; shown as 404."""

    code = "not_found"
    http_status = 404


class InvalidOTP(AccountError):
    code = "invalid_otp"
    http_status = 401


class OTPRequired(AccountError):
    code = "otp_required"
    http_status = 401
