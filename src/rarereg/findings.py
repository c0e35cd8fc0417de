"""Findings: problems in the data, returned as values and never raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: errors fail validation, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place: file, 1-based line and column, stable code, message."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by place, then code, so output is stable."""
        return (self.path, self.line, self.col, self.code)

    def as_dict(self) -> dict[str, object]:
        """Stable keys for JSON output."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


def error(path: str, pos: tuple[int, int], code: str, message: str) -> Finding:
    """Build an error finding at a (line, col) position."""
    return Finding(path, pos[0], pos[1], code, message, Severity.ERROR)


def warning(path: str, pos: tuple[int, int], code: str, message: str) -> Finding:
    """Build a warning finding at a (line, col) position."""
    return Finding(path, pos[0], pos[1], code, message, Severity.WARNING)
