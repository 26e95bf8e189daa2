"""build(): load → check → resolve → write each (set, format) job → publish atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .check import check_curriculum
from .course import Course, resolve
from .diagnostics import Diagnostic, Severity, SourceLoc, error
from .formats.base import Job, Options
from .output import OutDir, Staging
from .themes import ThemeError, load_theme


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    published: bool = False

    @property
    def ok(self) -> bool:
        return self.published


def plan(course: Course, format_names: list[str], set_codes: list[str] | None) -> list[Job]:
    jobs: list[Job] = []
    for name in format_names:
        for job in formats.get(name).jobs(course):
            if set_codes and job.set_code is not None and job.set_code not in set_codes:
                continue
            if set_codes and job.set_code is None:
                continue
            jobs.append(job)
    return jobs


def build(
    root: Path,
    dist: Path,
    format_names: list[str],
    set_codes: list[str] | None = None,
    options: Options | None = None,
    theme_name: str | None = None,
    strict: bool = False,
) -> BuildResult:
    options = options or Options()
    result = BuildResult()
    sources, diags = check_curriculum(root)
    result.diagnostics += diags
    if sources is None or any(d.severity is Severity.ERROR or strict for d in diags):
        return result
    course = resolve(sources)
    known = {s.code for s in course.sets}
    for code in set_codes or []:
        if code not in known:
            result.diagnostics.append(
                error(
                    "unknown-set",
                    f"--set {code}: no such set",
                    SourceLoc(str(root), 1, 1),
                    f"sets are {', '.join(sorted(known))}",
                )
            )
    if result.diagnostics and any(d.severity is Severity.ERROR for d in result.diagnostics):
        return result
    try:
        theme = load_theme(theme_name or course.program.theme)
    except ThemeError as exc:
        result.diagnostics.append(error("theme", str(exc), sources.program_doc.loc(("theme",))))
        return result
    result.jobs = plan(course, format_names, set_codes)
    staging = Staging(dist)
    try:
        rebuilt = [] if set_codes else [formats.get(n) for n in format_names]

        def redone(rel: str) -> bool:
            folder, _, inner = rel.partition("/")
            return any(f.folder == folder and f.owns(inner) for f in rebuilt)

        staging.seed_from_dist(redone)
        for job in result.jobs:
            fmt = formats.get(job.format)
            out = OutDir(staging.root / fmt.folder)
            result.diagnostics += fmt.write(course, job, theme, out, options)
            result.written += [f"{fmt.folder}/{rel}" for rel in out.written]
        if any(d.severity is Severity.ERROR for d in result.diagnostics):
            staging.discard()
            return result
        staging.publish()
        result.published = True
    except BaseException:
        staging.discard()
        raise
    return result
