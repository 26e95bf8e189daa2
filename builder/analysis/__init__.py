"""Item analysis: LMS result exports back to the YAML lines of the items they measure.

reader (export → responses) → figures (responses + Course → figures and flags) → tables / page (CSV, text, HTML).
"""

from __future__ import annotations

from pathlib import Path

from ..course import Course
from ..diagnostics import Diagnostic, Severity
from .figures import Analysis, Thresholds, analyse
from .reader import Export, ReportError, read

__all__ = ["Analysis", "Thresholds", "run"]


def run(course: Course, reports: list[Path], thresholds: Thresholds,
        versions: dict[str, str]) -> tuple[Analysis | None, list[Diagnostic]]:
    """Every report is read (all problems reported at once); figures only when none had an error."""
    exports: list[Export] = []
    diags: list[Diagnostic] = []
    for path in reports:
        try:
            export, found = read(path)
        except ReportError as exc:
            diags += exc.diags
            continue
        exports.append(export)
        diags += found
    if any(d.severity is Severity.ERROR for d in diags):
        return None, diags
    analysis, found = analyse(course, exports, thresholds, versions)
    diags += found
    if any(d.severity is Severity.ERROR for d in found):
        return None, diags
    return analysis, diags
