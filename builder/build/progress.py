"""How `coursepack build` shows its work: rich bars on a terminal, plain lines in logs, a summary table.

Everything goes to stderr, so stdout stays clean for scripts that read the final line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from builder.formats.base import Job


class PlainProgress:
    """One line per finished job: readable in CI logs and when piped."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.total = 0
        self.done = 0

    def planned(self, jobs: list[Job]) -> None:
        self.total = len(jobs)

    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.done += 1
        took = f" in {seconds:.2f} s" if status == "built" else ""
        print(f"[{self.done}/{self.total}] {job.label} {status}{took}", file=self.stream, flush=True)

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class QuietProgress(PlainProgress):
    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.done += 1


class BarProgress:
    """A bar per format on a terminal."""

    def __init__(self, console: Console):
        self.bars = Progress(
            TextColumn("{task.description:<15}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def planned(self, jobs: list[Job]) -> None:
        for name, count in Counter(j.format for j in jobs).items():
            self.tasks[name] = self.bars.add_task(name, total=count)

    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.bars.advance(self.tasks[job.format])

    def __enter__(self) -> BarProgress:
        self.bars.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.bars.stop()


def summary(
    written: list[str], out: Path, jobs: list[Job], rebuilt: dict[Job, float], console: Console
) -> None:
    """A table per format: outputs, how many were rebuilt or taken from the cache, work time, size."""
    files: dict[str, list[str]] = defaultdict(list)
    for rel in written:
        files[rel.partition("/")[0]].append(rel)
    by_format: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        by_format[job.format].append(job)
    table = Table(title=None, show_edge=False, header_style="bold")
    for heading in ("format", "outputs", "rebuilt", "cached", "work time", "size"):
        table.add_column(heading, justify="left" if heading == "format" else "right", no_wrap=True)
    from builder import formats

    for name, its_jobs in by_format.items():
        fmt = formats.get(name)
        done = [j for j in its_jobs if j in rebuilt]
        mine = [rel for rel in files.get(fmt.folder, []) if fmt.owns(rel.partition("/")[2])]
        size = sum((out / rel).stat().st_size for rel in mine if (out / rel).is_file())
        table.add_row(
            name,
            str(len(its_jobs)),
            str(len(done)),
            str(len(its_jobs) - len(done)),
            f"{sum(rebuilt[j] for j in done):.1f} s",
            _size(size),
        )
    console.print(table)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
