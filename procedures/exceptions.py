"""Refusals of procedures (``portal.exceptions.DomainError``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError


@dataclass(frozen=True)
class ConfigError:
    """One problem in a procedure configuration; ``path`` is a JSON pointer into the document."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class ProcedureConfigurationError(DomainError):
    """A configuration refused as a whole; the details list every problem by its path."""

    code = "invalid_configuration"

    def __init__(self, errors: list[ConfigError]):
        self.errors = errors
        super().__init__(
            str(_("Cấu hình thủ tục không hợp lệ; không có thay đổi nào được lưu.")),
            details=[error.as_dict() for error in errors])

    def __str__(self) -> str:  # the problems themselves, for logs and the import command
        return "; ".join(f"{e.path}: {e.message}" for e in self.errors)


class ProcedureOutOfScope(DomainError):
    """The acting user may not change this procedure (or sector); ``message`` is Vietnamese,
    ``path`` the JSON pointer of the part of an imported document that was refused. The
    procedure is visible to the caller, so this is a refusal (403), not a "not found"."""

    code = "out_of_scope"
    http_status = 403

    def __init__(self, message: str, *, path: str = "/"):
        self.path = path
        super().__init__(message, details=[{"path": path, "message": message}])

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}
