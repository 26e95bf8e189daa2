"""How `coursepack build` shows its work: rich bars on a terminal, plain lines in logs, a summary table.

Everything goes to stderr, so stdout stays clean for scripts that read the final line.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from builder import formats
from builder.build.pipeline import job_cost
from builder.formats.base import Job

# Seconds a job of each format takes on a laptop, until this build has measured one of its own.
TYPICAL = {"pdf": 8.0, "moodle_course": 1.0, "cc": 0.5}


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class Tracker:
    """What is building, what waits and why, and how long the rest will take.

    The pipeline reports finished jobs only; which jobs are running follows from its order (costliest
    formats first, each worker taking the next job) and the number of workers. The estimate is the
    mean time of the jobs of each format built so far, spread over the workers."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pending: list[Job] = []
        self.times: dict[str, list[float]] = defaultdict(list)
        # each planned format's Format.uses, looked up once: running() and status() run after every job
        self.uses: dict[str, tuple[str, ...]] = {}

    def planned(self, jobs: list[Job]) -> None:
        self.uses = {name: formats.get(name).uses for name in {j.format for j in jobs}}
        # the pipeline's order: the costliest first, and what packs others' files (starts after them) last
        self.pending = sorted(jobs, key=lambda j: (bool(self.uses[j.format]), -job_cost(j)))

    def finished(self, job: Job, status: str, seconds: float) -> None:
        if job in self.pending:
            self.pending.remove(job)
        if status == "built":
            self.times[job.format].append(seconds)

    def running(self) -> list[Job]:
        """The first jobs in line, one per worker, leaving out a packing job while a format it packs is not done."""
        left = {j.format for j in self.pending}
        free = [j for j in self.pending if not left.intersection(self.uses[j.format])]
        return free[: self.workers]

    def status(self, fmt: str) -> str:
        """"building TST, ABC", "waiting for a free worker: 3 pdf jobs first", or "done"."""
        mine = [j for j in self.pending if j.format == fmt]
        if not mine:
            return "done"
        now = [j.set_code or "programme" for j in self.running() if j.format == fmt]
        if now:
            return "building " + ", ".join(now)
        ahead = Counter(j.format for j in self.pending[: self.pending.index(mine[0])])
        first = ", ".join(f"{n} {name}" for name, n in ahead.items())
        used = [name for name in self.uses.get(fmt, ()) if name in ahead]
        if used:
            return f"waiting for the {' and '.join(used)} files it packs: {first} job(s) first"
        return f"waiting for a free worker: {first} job(s) first"

    def eta(self) -> float | None:
        """Seconds of work left over the workers, once a job was built to measure by."""
        if not self.times or not self.pending:
            return None
        def guess(job: Job) -> float:
            own = self.times.get(job.format)
            if own:
                return sum(own) / len(own)
            return TYPICAL.get(job.format, 0.2)

        return sum(guess(j) for j in self.pending) / min(self.workers, len(self.pending))

    def eta_text(self) -> str:
        left = self.eta()
        return f"about {_duration(left)} left" if left is not None else ""


class PlainProgress:
    """One line per finished job, with what builds next and the time left: readable in CI logs."""

    def __init__(self, stream: TextIO, workers: int | None = None):
        self.stream = stream
        self.total = 0
        self.done = 0
        self.tracker = Tracker(workers)

    def planned(self, jobs: list[Job]) -> None:
        self.total = len(jobs)
        self.tracker.planned(jobs)

    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.done += 1
        self.tracker.finished(job, status, seconds)
        took = f" in {seconds:.2f} s" if status == "built" else ""
        line = f"[{self.done}/{self.total}] {job.label} {status}{took}"
        building = [j.label for j in self.tracker.running()]
        if building and status == "built":
            eta = self.tracker.eta_text()
            line += f"; now building {', '.join(building)}" + (f"; {eta}" if eta else "")
        print(line, file=self.stream, flush=True)

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class QuietProgress(PlainProgress):
    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.done += 1
        self.tracker.finished(job, status, seconds)


class BarProgress:
    """A bar per format on a terminal, each saying which sets it is building or why it waits, and the
    time the whole build has left."""

    def __init__(self, console: Console, workers: int | None = None):
        self.bars = Progress(
            TextColumn("{task.description:<15}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.tracker = Tracker(workers)

    def planned(self, jobs: list[Job]) -> None:
        self.tracker.planned(jobs)
        for name, count in Counter(j.format for j in jobs).items():
            self.tasks[name] = self.bars.add_task(name, total=count, status="")
        self._refresh()

    def finished(self, job: Job, status: str, seconds: float) -> None:
        self.tracker.finished(job, status, seconds)
        self.bars.advance(self.tasks[job.format])
        self._refresh()

    def _refresh(self) -> None:
        eta = self.tracker.eta_text()
        for name, task in self.tasks.items():
            state = self.tracker.status(name)
            if eta and state != "done":
                state += f" · build {eta}"
            self.bars.update(task, status=state)

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
