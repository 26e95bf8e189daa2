"""Diagnostics are values: every problem found by any stage becomes one of these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


def report(code: str, message: str, loc: SourceLoc, hint: str | None = None) -> Diagnostic:
    """A problem under its declared code; the severity is the registry's (builder/rules/registry.py)."""
    from builder.rules.registry import RULES  # the registry imports Severity from here

    return Diagnostic(RULES[code].severity, code, message, loc, hint)


@dataclass
class Report:
    """Collects diagnostics across every stage of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)
        return sorted(unique, key=Diagnostic.sort_key)


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries the diagnostics that stopped it."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} content error(s)")
        self.diagnostics = diagnostics


def error(code: str, message: str, loc: SourceLoc, hint: str | None = None) -> Diagnostic:
    # transitional: new code calls report(); the registry's severity wins for a declared code
    from builder.rules.registry import RULES

    return report(code, message, loc, hint) if code in RULES else Diagnostic(Severity.ERROR, code, message, loc, hint)


def warning(code: str, message: str, loc: SourceLoc, hint: str | None = None) -> Diagnostic:
    from builder.rules.registry import RULES

    return report(code, message, loc, hint) if code in RULES else Diagnostic(Severity.WARNING, code, message, loc, hint)
