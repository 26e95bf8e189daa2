"""build(): load → check → resolve → write each (set, format) job → publish atomically.

Jobs whose inputs hash the same as a cached run are restored from the cache; the rest run
in a process pool (PDF rendering dominates and is CPU-bound). Nothing reaches dist/ unless
every job succeeded.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from builder import formats
from builder.build import fingerprint, publish
from builder.build.cache import Cache, job_key
from builder.build.fingerprint import code_digest
from builder.build.output import OutDir, Staging
from builder.formats.base import NOTHING_MADE, Job, Made, Options
from builder.rules.diagnostics import Diagnostic, Severity, SourceLoc
from builder.rules.registry import report

if TYPE_CHECKING:
    from builder.render.context import WriteContext
    from builder.resolve.course import Course

# Rough relative cost, so the pool starts the long jobs first.
_COST = {"pdf": 10, "scorm12": 2, "scorm2004": 2}
# The handbook lays out the whole programme: the longest single job. Started last, it kept a worker busy after
# the other had nothing left to do; the course backup and the cartridge, which pack it, wait for it anyway.
_HANDBOOK_COST = 12


def job_cost(job: Job) -> int:
    if job.set_code is None and job.format == "pdf":
        return _HANDBOOK_COST
    return _COST.get(job.format, 1)


class Progress(Protocol):
    """What a build tells its caller as it goes (the CLI draws bars or prints lines from it)."""

    def planned(self, jobs: list[Job]) -> None: ...

    def finished(self, job: Job, status: str, seconds: float) -> None:
        """status is "cached" or "built"; seconds is the job's own work time."""


JobOutcome = tuple[list[str], list[Diagnostic], float]


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    rebuilt: list[Job] = field(default_factory=list)
    seconds: dict[Job, float] = field(default_factory=dict)  # work time of each rebuilt job
    timings: dict[str, float] = field(default_factory=dict)
    published: bool = False
    up_to_date: bool = False  # nothing changed since the last build: dist/ left as it was
    swept: list[str] = field(default_factory=list)  # leftovers of interrupted builds cleaned up first

    @property
    def ok(self) -> bool:
        return self.published


def plan(course: Course, format_names: list[str], set_codes: list[str] | None) -> list[Job]:
    """The jobs of `format_names` (which name every format they use, see formats.with_uses); with `set_codes`,
    only those sets' jobs, and no programme-wide ones."""
    jobs: list[Job] = []
    for name in format_names:
        for job in formats.get(name).jobs(course):
            if set_codes and (job.set_code is None or job.set_code not in set_codes):
                continue
            jobs.append(job)
    planned = set(jobs)
    for job in jobs:
        missing = [n for n in formats.get(job.format).needs(course, job) if n not in planned]
        assert not missing, f"{job.label} needs {missing}, which are not planned: plan with formats.with_uses()"
    return jobs


def job_keys(course: Course, jobs: list[Job], theme_hash: str, options: Options) -> dict[Job, str]:
    """Each job's cache key; a job that packs other jobs' files (Format.needs) has their keys in its own, so
    whatever changes one of those files (their content, `--paper`) changes it too."""
    keys: dict[Job, str] = {}

    def key(job: Job) -> str:
        if job not in keys:
            fmt = formats.get(job.format)
            used = [key(n) for n in fmt.needs(course, job)]
            keys[job] = job_key(fmt.inputs(course, job), job, fmt, theme_hash, options, used)
        return keys[job]

    for job in jobs:
        key(job)
    return keys


def run_job(course: Course, job: Job, ctx: WriteContext, folder: Path, options: Options,
            made: Made = NOTHING_MADE) -> JobOutcome:
    """One job into its format's staging folder; runs in a worker process."""
    start = time.perf_counter()
    fmt = formats.get(job.format)
    out = OutDir(folder)
    try:
        diags = fmt.write(fmt.inputs(course, job), job, ctx, out, options, made)
    except Exception as exc:
        failure = template_failure(exc, course.loc(job.set_code or "program"))
        if failure is None:
            raise
        diags = [failure]
    return list(out.written), diags, time.perf_counter() - start


def template_failure(exc: BaseException, fallback: SourceLoc) -> Diagnostic | None:
    """A theme template that failed at render time (sandbox refusal, missing or unsafe template,
    undefined name) as a diagnostic at the template's line; None for any other exception."""
    import jinja2

    from builder.render.themes import display
    from builder.source.safe_io import UnsafeFile

    if not isinstance(exc, (jinja2.TemplateError, UnsafeFile)):
        return None
    where = fallback
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = SourceLoc(display(Path(exc.filename)), exc.lineno or 1, 1)
    else:
        frames = traceback.extract_tb(exc.__traceback__)
        in_template = [f for f in frames if f.filename.endswith(".html") and os.path.isfile(f.filename)]
        if in_template:
            where = SourceLoc(display(Path(in_template[-1].filename)), in_template[-1].lineno or 1, 1)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        message = f"the theme template did something the sandbox forbids: {exc}"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = f"the theme template asks for a template that cannot be loaded: {exc.message or exc.name}"
    else:
        message = f"the theme template failed: {exc}"
    return report("theme-template", message, where, "templates may only use the values the writer passes in")


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build(
    root: Path,
    dist: Path,
    format_names: list[str],
    set_codes: list[str] | None = None,
    options: Options | None = None,
    theme_name: str | None = None,
    strict: bool = False,
    force: bool = False,
    workers: int | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    lock_wait: float = publish.LOCK_WAIT_S,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Raises publish.OutputRefused (nothing touched) when `dist` is not a folder a build may replace,
    publish.OutputBusy when another build keeps it locked for longer than `lock_wait` seconds."""
    publish.refuse_unless_ours(dist, root, set(formats.FOLDERS))
    target = dist.resolve()  # what Staging swaps: a symlinked output folder is replaced where it points
    target.parent.mkdir(parents=True, exist_ok=True)
    with publish.locked(target, lock_wait, on_wait):
        swept = publish.sweep(target)
        result = _build(root, dist, format_names, set_codes, options, theme_name, strict, force, workers,
                        cache_dir, progress)
        result.swept = swept
        return result


def _build(
    root: Path,
    dist: Path,
    format_names: list[str],
    set_codes: list[str] | None,
    options: Options | None,
    theme_name: str | None,
    strict: bool,
    force: bool,
    workers: int | None,
    cache_dir: Path | None,
    progress: Progress | None,
) -> BuildResult:
    options = options or Options()
    result = BuildResult()
    clock = time.perf_counter()
    cache_root = cache_dir or (dist.absolute().parent / ".cache" / "coursepack")
    settings = {
        "formats": format_names,
        "sets": sorted(set_codes or []),
        "paper": options.paper,
        "sides": options.sides,
        "theme": theme_name,
        "strict": strict,
    }
    sources_hash = fingerprint.sources_digest(root, settings, code_digest())
    record = None if force else fingerprint.read(cache_root)
    if record is not None and fingerprint.unchanged(record, sources_hash, dist):
        result.diagnostics = list(record.diagnostics)
        result.written = [rel for rel, _ in record.outputs]
        result.published = result.up_to_date = True
        result.timings["fingerprint"] = time.perf_counter() - clock
        return result
    fingerprint.forget(cache_root)  # from here on dist/ may change: the old record no longer holds
    # Imported only now: a build with nothing to do never pays for pydantic, markdown and Jinja2.
    from builder.build.preflight import preflight
    from builder.rules.check import check_curriculum

    sources, diags = check_curriculum(root)
    result.timings["load+validate+check"] = time.perf_counter() - clock
    result.diagnostics += diags
    if sources is None or any(d.severity is Severity.ERROR or strict for d in diags):
        return result
    clock = time.perf_counter()
    known = {s.model.code for s in sources.sets}
    for code in set_codes or []:
        if code not in known:
            result.diagnostics.append(
                report(
                    "unknown-set",
                    f"--set {code}: no such set",
                    SourceLoc(str(root), 1, 1),
                    f"sets are {', '.join(sorted(known))}",
                )
            )
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        return result
    names = formats.with_uses(format_names)  # the course backup's SCORM packages and PDFs are built as its own
    ready, found = preflight(sources, names, theme_name)
    result.timings["resolve+preflight"] = time.perf_counter() - clock
    result.diagnostics += found
    # --strict stops here too: a format's warning is known before anything is written
    if ready is None or any(d.severity is Severity.ERROR or strict for d in found):
        return result
    course, ctx = ready.course, ready.ctx
    result.jobs = plan(course, names, set_codes)
    if progress:
        progress.planned(result.jobs)
    cache = Cache(cache_root)
    cache.sweep()
    staging = Staging(dist)
    try:
        rebuilt_formats = [] if set_codes else [formats.get(n) for n in names]

        def redone(rel: str) -> bool:
            folder, _, inner = rel.partition("/")
            return any(f.folder == folder and f.owns(inner) for f in rebuilt_formats)

        staging.seed_from_dist(redone)
        clock = time.perf_counter()
        theme_files = ctx.theme.files()
        theme_hash = fingerprint.files_digest(theme_files)
        todo: list[tuple[Job, str]] = []
        keys = job_keys(course, result.jobs, theme_hash, options)
        outputs: dict[Job, list[str]] = {}  # what each job done so far wrote, for the jobs that need it
        for job in result.jobs:
            fmt = formats.get(job.format)
            key = keys[job]
            cached = None if force else cache.get(key)
            if cached is not None:
                files, job_diags = cached
                cache.restore(key, files, staging.root / fmt.folder)
                outputs[job] = files
                result.written += [f"{fmt.folder}/{rel}" for rel in files]
                result.diagnostics += job_diags
                if progress:
                    progress.finished(job, "cached", 0.0)
            else:
                todo.append((job, key))
        result.timings["cache lookup"] = time.perf_counter() - clock
        clock = time.perf_counter()
        outcomes = _run(course, todo, outputs, ctx, staging.root, options, workers or default_workers(), progress)
        result.timings["write"] = time.perf_counter() - clock
        for (job, key), (written, job_diags, seconds) in zip(todo, outcomes, strict=True):
            result.seconds[job] = seconds
            fmt = formats.get(job.format)
            result.diagnostics += job_diags
            result.written += [f"{fmt.folder}/{rel}" for rel in written]
            result.rebuilt.append(job)
            if not any(d.severity is Severity.ERROR for d in job_diags):
                cache.put(key, written, job_diags, staging.root / fmt.folder)
        # --strict asks once, before publishing, of every stage's warnings: the writers' too
        if any(d.severity is Severity.ERROR or strict for d in result.diagnostics):
            staging.discard()
            return result
        clock = time.perf_counter()
        staging.publish()
        result.timings["publish"] = time.perf_counter() - clock
        result.published = True
        fingerprint.write(
            cache_root,
            fingerprint.BuildRecord(
                sources_hash,
                str(dist.absolute()),
                tuple(str(f) for f in theme_files),
                theme_hash,
                fingerprint.dist_listing(dist),
                tuple(result.diagnostics),
            ),
        )
    except BaseException:
        staging.discard()
        raise
    return result


def _run(
    course: Course,
    todo: list[tuple[Job, str]],
    outputs: dict[Job, list[str]],
    ctx: WriteContext,
    staging: Path,
    options: Options,
    workers: int,
    progress: Progress | None,
) -> list[JobOutcome]:
    """Run the jobs, costliest first, each once the jobs it needs are done (`outputs` holds what the cached
    ones wrote, and gets what each job writes here)."""

    def folder(job: Job) -> Path:
        return staging / formats.get(job.format).folder

    needs = [formats.get(job.format).needs(course, job) for job, _ in todo]
    unfinished = {job for job, _ in todo}

    def made(i: int) -> Made:
        return Made({n: {rel: folder(n) / rel for rel in outputs.get(n, [])} for n in needs[i]})

    def startable(waiting: list[int]) -> list[int]:
        return [i for i in waiting if not unfinished.intersection(needs[i])]

    finished: dict[int, JobOutcome] = {}

    def done(i: int, outcome: JobOutcome) -> None:
        job = todo[i][0]
        finished[i] = outcome
        outputs[job] = outcome[0]
        unfinished.discard(job)
        if progress:
            progress.finished(job, "built", outcome[2])

    waiting = sorted(range(len(todo)), key=lambda i: -job_cost(todo[i][0]))
    if workers <= 1 or len(todo) <= 1:
        while waiting:
            ready = startable(waiting)
            assert ready, "jobs that need each other"  # formats' `uses` never loop
            for i in ready:
                waiting.remove(i)
                job = todo[i][0]
                done(i, run_job(course, job, ctx, folder(job), options, made(i)))
        return [finished[i] for i in range(len(todo))]
    pool_size = min(workers, len(todo))
    # Forked workers inherit the course and the write context instead of unpickling them for every job:
    # a 200-set course pickles to 11 MB and took 2.6 s per job to send and read back (1,400 jobs).
    fork = "fork" in multiprocessing.get_all_start_methods()
    global _SHARED
    _SHARED = (course, ctx, options)
    context = multiprocessing.get_context("fork") if fork else None
    try:
        with ProcessPoolExecutor(
            max_workers=pool_size, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
        ) as pool:
            running: dict[Future[JobOutcome], int] = {}
            while waiting or running:
                for i in startable(waiting):
                    waiting.remove(i)
                    job = todo[i][0]
                    if fork:
                        running[pool.submit(run_shared, job, folder(job), made(i))] = i
                    else:
                        running[pool.submit(run_job, course, job, ctx, folder(job), options, made(i))] = i
                assert running, "jobs that need each other"
                ended, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in ended:
                    done(running.pop(future), future.result())
            return [finished[i] for i in range(len(todo))]
    finally:
        _SHARED = None


# What a build's forked workers share: set by _run just before the pool forks them.
_SHARED: tuple[Course, WriteContext, Options] | None = None


def run_shared(job: Job, folder: Path, made: Made) -> JobOutcome:
    """run_job in a forked worker, on the course and context it inherited from the build process."""
    assert _SHARED is not None, "run_shared runs only in a worker forked by _run"
    course, ctx, options = _SHARED
    return run_job(course, job, ctx, folder, options, made)


def die_with(parent: int) -> None:
    """Pool initializer: a worker exits when its build process dies, even by kill -9 (it would
    otherwise wait on the job queue, or render on, for nobody). Linux only: prctl(PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's normal shutdown still ends workers
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

