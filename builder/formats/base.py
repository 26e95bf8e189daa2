"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # kept out of the import path so `coursepack build` with nothing to do starts fast
    from builder.build.output import OutDir
    from builder.render.context import WriteContext
    from builder.resolve.course import Course
    from builder.rules.diagnostics import Diagnostic

PAPERS = ("a4", "letter")
SIDES = ("single", "double")  # how the PDFs will be printed: one side of each sheet, or both


@dataclass(frozen=True)
class Options:
    paper: str = "a4"
    sides: str = "single"


@dataclass(frozen=True)
class Job:
    """One output of one format: a set's package, or a program-wide file when set_code is None."""

    format: str
    set_code: str | None

    @property
    def label(self) -> str:
        return f"{self.format}:{self.set_code or 'program'}"


@dataclass(frozen=True)
class Made:
    """The files written by the jobs a job needs, as the pipeline hands them over: a format that packs another
    format's output (the handbook inside the course backup, the guides inside the cartridge) gets those files
    here instead of running that format itself, so each file is made once and is the same in both places."""

    files: Mapping[Job, Mapping[str, Path]] = field(default_factory=dict)  # job → {name under its folder: file}

    def read(self, job: Job) -> dict[str, bytes]:
        """The job's files by name; empty when it wrote none (its own messages say why)."""
        return {name: path.read_bytes() for name, path in sorted(self.files.get(job, {}).items())}


NOTHING_MADE = Made()


class Format(ABC):
    name: ClassVar[str]
    folder: ClassVar[str]  # top-level folder in dist/
    version: ClassVar[str] = "1"  # bump when output changes for the same input (cache key)
    # Formats whose files this one packs into its own: a build of this format builds them too, first
    uses: ClassVar[tuple[str, ...]] = ()

    def option_key(self, options: Options) -> list[str]:
        """The options this format's output depends on, for its cache key: none unless it says so, so that
        `--paper letter` rebuilds the PDFs and nothing else."""
        return []

    def owns(self, rel: str) -> bool:
        """Whether a file under `folder` belongs to this format (formats may share a folder)."""
        return True

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, s.code) for s in course.sets]

    def needs(self, course: Course, job: Job) -> list[Job]:
        """The jobs (of the `uses` formats) whose files this job packs: the pipeline runs them first and
        passes their files to write() as `made`; their cache keys are part of this job's."""
        return []

    def inputs(self, course: Course, job: Job) -> Course:
        """The part of the course this job reads: the writer gets only this, and the job's cache
        key hashes only this. Formats that read less than everything narrow it."""
        return course

    def check(self, course: Course) -> list[Diagnostic]:
        """What this format cannot write, found without writing anything. `check` asks every default
        format and `build` asks the formats it builds before any writer starts, so that what `check`
        accepts, `build` writes (the writers keep their own guard for courses changed after checking)."""
        return []

    @abstractmethod
    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        """Write the job's files through `out`; return output-specific warnings. `made` holds the files of
        the jobs needs() named, and nothing for a format that needs none."""
