"""Item analysis: LMS result exports back to the YAML lines of the items they measure.

reader (export → responses) → figures (responses + Course → figures and flags) → tables / page (CSV, text, HTML).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from builder.analysis.figures import Analysis, Thresholds, analyse
from builder.analysis.reader import read
from builder.analysis.records import Export, ReportError
from builder.resolve.course import Course
from builder.rules.diagnostics import Diagnostic, Severity

__all__ = ["Analysis", "Thresholds", "load_last", "run", "save_last"]


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


def last_dir(curriculum: Path) -> Path:
    """Where the last analysis of a curriculum is kept for `coursepack serve`: beside the build cache."""
    return curriculum.absolute().parent / ".cache" / "coursepack" / "analysis"


def save_last(curriculum: Path, analysis: Analysis, page: str) -> Path:
    """The last report (aggregates only) and a per-set summary, for the preview's programme page."""
    folder = last_dir(curriculum)
    folder.mkdir(parents=True, exist_ok=True)
    summary = {s.code: {"attempts": s.attempts, "flags": sum(len(it.flags) for it in s.items) + len(s.flags)}
               for s in analysis.sets}
    for name, text in (("last.html", page), ("last.json", json.dumps(summary, sort_keys=True) + "\n")):
        part = folder / f".{name}.{os.getpid()}"
        part.write_text(text, encoding="utf-8")
        os.replace(part, folder / name)  # a preview reading meanwhile sees the old file or the new, never half
    return folder / "last.html"


def load_last(curriculum: Path) -> dict[str, dict[str, Any]]:
    """{set code: {"attempts": n, "flags": n}} of the last analysis; empty when there is none (or it is unreadable)."""
    try:
        data = json.loads((last_dir(curriculum) / "last.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
