"""Diagnostics are values: every problem found by any stage becomes one of these."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class SourceLoc:
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    loc: SourceLoc
    hint: str | None = None

    def render(self) -> str:
        text = f"{self.loc}: {self.severity.value}[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.loc.path, self.loc.line, self.loc.col, self.code)

    def to_json(self) -> dict[str, Any]:
        """Plain data for caches: a build that skips work must still show the same warnings."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "loc": [self.loc.path, self.loc.line, self.loc.col],
            "hint": self.hint,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Diagnostic:
        path, line, col = raw["loc"]
        return cls(Severity(raw["severity"]), raw["code"], raw["message"], SourceLoc(path, line, col), raw["hint"])
