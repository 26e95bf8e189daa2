"""What `coursepack serve` builds: every set's SCORM 1.2 player files in a temp folder, PDF guides on demand.

A rebuild never raises for content problems: they come back as diagnostics, and the last good
build keeps being served until a new one succeeds.
"""

from __future__ import annotations

import shutil
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from builder.rules.diagnostics import Diagnostic, Severity, SourceLoc
from builder.rules.registry import report

if TYPE_CHECKING:
    from builder.render.context import WriteContext
    from builder.render.themes import Theme
    from builder.resolve.course import Course

# The simulator is a SCORM 1.2 LMS: the version Moodle supports fully.
SCORM = "1.2"


@dataclass(frozen=True)
class SetEntry:
    code: str
    title: str
    summary_html: str  # sanitised by course.py
    lessons: int
    items: int
    mastery: float  # 0-100, what the simulator hands the SCO as cmi.student_data.mastery_score


@dataclass(frozen=True)
class Site:
    """One good build: the files the server may send, by URL path, and what the pages list."""

    folder: Path
    files: dict[str, Path]
    title: str
    sets: tuple[SetEntry, ...]
    warnings: tuple[Diagnostic, ...]
    course: Course
    ctx: WriteContext

    @property
    def theme(self) -> Theme:
        return self.ctx.theme

    def entry(self, code: str) -> SetEntry | None:
        return next((s for s in self.sets if s.code == code), None)


@dataclass(frozen=True)
class SiteBuild:
    site: Site | None  # None: the build failed
    diagnostics: tuple[Diagnostic, ...]


def _failed(diags: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)


def build_site(root: Path, theme_name: str | None, folder: Path) -> SiteBuild:
    """Check, resolve and write each set's player under `folder/p/<CODE>/`."""
    try:
        return _build(root, theme_name, folder)
    except Exception as exc:  # noqa: BLE001 - a bug in one rebuild must not stop the server
        from builder.build.pipeline import template_failure

        theme_fault = template_failure(exc, SourceLoc(str(root / "program.yaml")))
        if theme_fault is not None:  # a theme template the sandbox refused: the theme's author fixes it
            return SiteBuild(None, (theme_fault,))
        last = traceback.extract_tb(exc.__traceback__)[-1]
        diag = report(
            "internal",
            f"{type(exc).__name__}: {exc}",
            SourceLoc(last.filename, last.lineno or 1, 1),
            "this is a bug in coursepack; please report it",
        )
        return SiteBuild(None, (diag,))


def _build(root: Path, theme_name: str | None, folder: Path) -> SiteBuild:
    from builder.build.output import OutDir
    from builder.build.preflight import preflight
    from builder.formats.player.package import package_files
    from builder.rules.check import check_curriculum

    sources, diags = check_curriculum(root)
    if sources is None or _failed(diags):
        return SiteBuild(None, tuple(diags))
    # the same preflight as a build of the web export: the preview shows what that build would refuse
    ready, found = preflight(sources, ["web"], theme_name)
    diags += found
    if ready is None or _failed(diags):
        return SiteBuild(None, tuple(diags))
    course, ctx = ready.course, ready.ctx
    files: dict[str, Path] = {}
    entries = []
    for cset in course.sets:
        package, _ = package_files(course, cset, ctx, SCORM)  # its problems: in the preflight above
        out = OutDir(folder / "p" / cset.code)
        for rel, data in package.items():
            files[f"/p/{cset.code}/{rel}"] = out.write_bytes(rel, data)
        entries.append(
            SetEntry(
                cset.code, cset.title, cset.summary_html, len(cset.lessons), len(cset.items), cset.pass_percent
            )
        )
    if _failed(diags):
        return SiteBuild(None, tuple(diags))
    site = Site(folder, files, course.program.title, tuple(entries), tuple(diags), course, ctx)
    return SiteBuild(site, tuple(diags))


class PdfGuides:
    """PDF guides rendered when first asked for, kept by content hash so an unchanged set is not redone."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()  # one render at a time: WeasyPrint is CPU-bound and 2 cores are shared
        self._done: dict[str, Path] = {}

    def get(self, site: Site, code: str) -> tuple[Path | None, list[Diagnostic]]:
        from builder import formats
        from builder.build.cache import job_key, theme_digest
        from builder.build.output import OutDir
        from builder.build.pipeline import run_job
        from builder.formats.base import Job, Options

        fmt = formats.get("pdf")
        job = Job("pdf", code)
        key = job_key(site.course, job, fmt, theme_digest(site.theme), Options())
        with self._lock:
            if key in self._done:
                return self._done[key], []
            target = self.folder / key[:16]
            # run_job: a theme template's failure comes back as a located error, not a traceback per request
            written, diags, _ = run_job(site.course, job, site.ctx, target, Options())
            if _failed(diags) or not written:
                shutil.rmtree(target, ignore_errors=True)
                return None, diags
            self._done[key] = OutDir(target).path(written[0])
            return self._done[key], diags
