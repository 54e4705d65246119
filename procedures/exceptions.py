from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigError:
    """One problem in a procedure configuration; ``path`` is a JSON pointer into the document."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class ProcedureConfigurationError(Exception):
    def __init__(self, errors: list[ConfigError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))


class ProcedureOutOfScope(Exception):
    """The acting user may not change this procedure (or sector); ``message`` is Vietnamese,
    ``path`` the JSON pointer of the part of an imported document that was refused."""

    def __init__(self, message: str, *, path: str = "/"):
        self.message = message
        self.path = path
        super().__init__(message)

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}
