"""PDF stage benchmark: pages per second, overhead over bare WeasyPrint, peak memory. Not a test.

    .venv/bin/python bench/pdf_bench.py [CURRICULUM_DIR] [--repeat N]

For every PDF job (each set's guide and the handbook) it times, in the same process and interleaved
so machine load hits both alike:
  coursepack  Pdf().write(): templates, image checks, guarded fetcher, WeasyPrint, file write
  bare        weasyprint.HTML(string=<the same HTML>).write_pdf(<the same options>), default fetcher
and reports the ratio of the totals (target <= 1.10). Peak RSS is measured in fresh child processes,
one running the whole coursepack stage and one the bare renders.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from weasyprint import HTML

from builder.build import pipeline
from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.pdf import writer as pdf
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[1]


def load(root: Path) -> Course:
    sources, diags = check_curriculum(root, base=root)
    if sources is None:
        raise SystemExit("\n".join(d.render() for d in diags))
    return resolve(sources)


def context(course: Course) -> WriteContext:
    return WriteContext(load_theme("default"), course.program.language)


Times = dict[str, tuple[float, float]]  # job label → (wall seconds, CPU seconds of this process)


def coursepack_stage(course: Course, jobs: list[Job], out: Path) -> Times:
    theme, fmt, times = context(course), pdf.Pdf(), {}
    for job in jobs:
        start, cpu = time.perf_counter(), time.process_time()
        diags = fmt.write(course, job, theme, OutDir(out), Options())
        times[job.label] = (time.perf_counter() - start, time.process_time() - cpu)
        if diags:
            raise SystemExit("\n".join(d.render() for d in diags))
    return times


def bare_stage(htmls: dict[str, str]) -> Times:
    times = {}
    for label, html in htmls.items():
        start, cpu = time.perf_counter(), time.process_time()
        HTML(string=html).write_pdf(**pdf.RENDER_OPTIONS)
        times[label] = (time.perf_counter() - start, time.process_time() - cpu)
    return times


def child(mode: str, root: Path) -> None:
    """Runs in a fresh process so its peak RSS belongs to one stage alone."""
    course = load(root)
    jobs = pdf.Pdf().jobs(course)
    if mode == "coursepack":
        with tempfile.TemporaryDirectory() as tmp:
            coursepack_stage(course, jobs, Path(tmp))
    else:
        theme = context(course)
        bare_stage({j.label: pdf.prepare(course, j.set_code, theme, Options()).html for j in jobs})
    print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def peak_rss(mode: str, root: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, str(root), "--child", mode], capture_output=True, text=True, check=True
    )
    value: float = json.loads(out.stdout.strip().splitlines()[-1])["maxrss_mb"]
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", nargs="?", type=Path, default=REPO / "curriculum")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["coursepack", "bare"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.root)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = args.root.resolve()
        course = load(root)
        codes = [s.code for s in course.sets]
        jobs = pdf.Pdf().jobs(course)
        theme = context(course)
        htmls = {j.label: pdf.prepare(course, j.set_code, theme, Options()).html for j in jobs}
        # coursepack's own work before WeasyPrint starts (templates, catalogue, image checks), timed alone:
        # on a shared machine the stage-to-stage ratio moves by several per cent from run to run, this does not
        start = time.process_time()
        for j in jobs:
            pdf.prepare(course, j.set_code, theme, Options())
        own = time.process_time() - start
        out = tmp / "out"
        coursepack_stage(course, jobs[:1], out)  # warm-up: fonts, fontconfig, pyphen dictionaries
        ours: list[Times] = []
        bare: list[Times] = []
        for rep in range(args.repeat):
            # alternate which side goes first, so drift in machine load does not favour one
            if rep % 2 == 0:
                ours.append(coursepack_stage(course, jobs, out))
                bare.append(bare_stage(htmls))
            else:
                bare.append(bare_stage(htmls))
                ours.append(coursepack_stage(course, jobs, out))
        pages = {j.label: len(PdfReader(out / f"{j.set_code or 'handbook'}.pdf").pages) for j in jobs}
        start = time.perf_counter()
        result = pipeline.build(root, tmp / "dist", ["pdf"], force=True, cache_dir=tmp / "cache")
        parallel = time.perf_counter() - start
        assert result.ok, [d.render() for d in result.diagnostics]
        report(codes, pages, ours, bare, parallel, pipeline.default_workers(), root)
        bare_cpu = statistics.median(sum(t[1] for t in r.values()) for r in bare)
        print(f"templates and checks outside WeasyPrint: {own:.2f} s CPU for all jobs, {own / bare_cpu:.1%} of bare")


def report(
    codes: list[str],
    pages: dict[str, int],
    ours: list[Times],
    bare: list[Times],
    parallel: float,
    workers: int,
    root: Path,
) -> None:
    def med(runs: list[Times], label: str, kind: int) -> float:
        return statistics.median(r[label][kind] for r in runs)

    def total(runs: list[Times], kind: int) -> list[float]:
        return [sum(t[kind] for t in r.values()) for r in runs]

    total_pages = sum(pages.values())
    print(f"sets: {', '.join(codes)} (+ handbook); {len(ours)} interleaved runs, medians; wall (CPU) seconds")
    print(f"{'job':<14}{'pages':>6}{'coursepack':>16}{'bare':>16}{'ratio':>14}{'pages/s':>9}")
    rows = [
        (label, n, [med(ours, label, k) for k in (0, 1)], [med(bare, label, k) for k in (0, 1)])
        for label, n in pages.items()
    ]
    wall_a, cpu_a, wall_b, cpu_b = total(ours, 0), total(ours, 1), total(bare, 0), total(bare, 1)
    medians = [statistics.median(x) for x in (wall_a, cpu_a)], [statistics.median(x) for x in (wall_b, cpu_b)]
    rows.append(("total", total_pages, *medians))
    for label, n, (a, ac), (b, bc) in rows:
        print(f"{label:<14}{n:>6}{a:>9.2f} ({ac:5.2f}){b:>9.2f} ({bc:5.2f}){a / b:>7.3f} ({ac / bc:.3f}){n / a:>8.1f}")
    per_run = ", ".join(f"{x / y:.3f}" for x, y in zip(wall_a, wall_b, strict=True))
    per_cpu = ", ".join(f"{x / y:.3f}" for x, y in zip(cpu_a, cpu_b, strict=True))
    print(f"ratio coursepack/bare per run: wall {per_run}; CPU {per_cpu}")
    print(f"ratio of the fastest runs (least disturbed by other load): wall {min(wall_a) / min(wall_b):.3f}")
    cpu_ours, cpu_bare, wall_ours = statistics.median(cpu_a), statistics.median(cpu_b), statistics.median(wall_a)
    print(f"pages per CPU second, one process: coursepack {total_pages / cpu_ours:.1f},"
          f" bare {total_pages / cpu_bare:.1f}; per wall second: coursepack {total_pages / wall_ours:.1f}  (goal >= 8)")
    print(f"pipeline build --format pdf, {workers} workers: {parallel:.2f} s, {total_pages / parallel:.1f} pages/s")
    info: dict[str, Any] = {m: peak_rss(m, root) for m in ("coursepack", "bare")}
    print(f"peak RSS, all jobs in one process: coursepack {info['coursepack']:.0f} MB, bare {info['bare']:.0f} MB")


if __name__ == "__main__":
    main()
