"""Build orchestration benchmark (issue 9): prints ratios measured in one run. Not a test.

    .venv/bin/python bench/build_bench.py [--catalog 50,200] [--catalog-formats LIST] [--skip-catalog]

On a private copy of the bundled curriculum, with a fresh cache and 2 workers:
  cold      a full build of every default format (`--force`)
  bare      the sum of bare WeasyPrint renders of the same guide and handbook HTML, one after another
  no-op     the same build again (in this process, and as a whole `coursepack build` process)
  edit      one lesson of one set changed: which outputs were rebuilt, and the time
Then synthetic catalogues (bench/gen_catalog.py) built in a child process each: time and peak RSS
of the whole process tree (parent and workers, sampled from /proc), to show linear growth.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from weasyprint import HTML

from builder import formats
from builder.build import pipeline
from builder.formats.base import Options
from builder.formats.pdf import writer as pdf
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from gen_catalog import generate  # noqa: E402


def _build(root: Path, dist: Path, force: bool = False) -> tuple[float, pipeline.BuildResult]:
    """In this process, with the cache where `coursepack build` keeps it (beside dist/)."""
    start = time.perf_counter()
    result = pipeline.build(root, dist, list(formats.DEFAULT), force=force, workers=2)
    if not result.ok:
        raise SystemExit("\n".join(d.render() for d in result.diagnostics))
    return time.perf_counter() - start, result


def _bare_pdf_seconds(root: Path) -> float:
    """The sequential sum of bare renders of the guides and the handbook: every PDF the build lays out."""
    sources, _ = check_curriculum(root, base=root)
    assert sources is not None
    course = resolve(sources)
    theme = WriteContext(load_theme("default"), course.program.language)
    jobs = pdf.Pdf().jobs(course)
    htmls = [pdf.prepare(course, job.set_code, theme, Options()).html for job in jobs]
    start = time.perf_counter()
    for html in htmls:
        HTML(string=html).write_pdf(**pdf.RENDER_OPTIONS)
    return time.perf_counter() - start


def _edit_one_lesson(root: Path) -> str:
    target = root / "sets" / "tec.yaml"
    text = target.read_text(encoding="utf-8")
    marker = "    body: |\n"
    at = text.index(marker) + len(marker)
    target.write_text(text[:at] + "      A sentence added by the benchmark.\n\n" + text[at:], encoding="utf-8")
    return "TEC"


def _tree_rss_kib(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc (pages a forked worker shares with the build
    process count in both: an upper bound; _tree_pss_kib splits them)."""
    return _tree_sum(pid, "status", "VmRSS:")


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of a process and its descendants: shared pages divided among their users,
    so the sum is what the tree really occupies."""
    return _tree_sum(pid, "smaps_rollup", "Pss:")


def _tree_sum(pid: int, source: str, key: str) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            text = Path(f"/proc/{p}/{source}").read_text()
            total += next(int(line.split()[1]) for line in text.splitlines() if line.startswith(key))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _catalog_run(count: int, fmts: str, work: Path) -> tuple[float, float, float]:
    root = work / f"catalog{count}"
    generate(count, root)
    cmd = [str(REPO / ".venv/bin/coursepack"), "build", str(root), "--out", str(work / f"dist{count}"), "--force"]
    cmd += ["--format", fmts, "-j", "2"]
    start, peak, peak_pss = time.perf_counter(), 0, 0
    # stderr to a file, not a pipe nobody reads while it runs: 200 sets' progress lines filled the pipe
    # and the build blocked writing to it, its workers idle
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd + ["-q"], stdout=subprocess.DEVNULL, stderr=log, text=True)
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kib(proc.pid))
            peak_pss = max(peak_pss, _tree_pss_kib(proc.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            log.seek(0)
            raise SystemExit(f"catalogue of {count} failed:\n{log.read()[-4000:]}")
    return elapsed, peak / 1024, peak_pss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalog", default="50,200", help="catalogue sizes to build")
    parser.add_argument(
        "--catalog-formats",
        default="scorm12,scorm2004,cmi5,moodle_xml,competency_csv,pdf",
        help="formats for the catalogue builds",
    )
    parser.add_argument("--skip-catalog", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, formats {','.join(formats.DEFAULT)}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "curriculum"
        shutil.copytree(REPO / "curriculum", root)
        dist = work / "dist"

        cold, result = _build(root, dist, force=True)
        bare = _bare_pdf_seconds(root)
        print(f"cold full build (2 workers): {cold:7.2f} s  {len(result.rebuilt)} outputs")
        for stage, seconds in result.timings.items():
            print(f"  stage {stage:<22} {seconds:7.3f} s")
        print(f"bare WeasyPrint, same HTML:  {bare:7.2f} s  (sequential sum)")
        print(f"  ratio cold / bare: {cold / bare:.2f}  (target <= 1.15)")
        # every PDF is laid out once: the course backup and the cartridge pack the pdf format's files
        print(f"  ratio cold / ideal 2-worker bare ({bare / 2:.2f} s): {cold / (bare / 2):.2f}  (goal <= 1.10)")

        noop, again = _build(root, dist)
        assert again.up_to_date and not again.rebuilt
        proc_start = time.perf_counter()
        subprocess.run(
            [str(REPO / ".venv/bin/coursepack"), "build", str(root), "--out", str(dist)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=work,
        )
        whole = time.perf_counter() - proc_start
        print(f"no-op rebuild: {noop:.3f} s in-process, {whole:.3f} s as a whole process  (target <= 0.3 s)")

        code = _edit_one_lesson(root)
        edit, edited = _build(root, dist)
        labels = sorted(j.label for j in edited.rebuilt)
        print(f"one-lesson edit in {code}: {edit:.2f} s, rebuilt {len(labels)}: {', '.join(labels)}")
        print(f"  ratio edit / cold: {edit / cold:.3f}  (target <= {1 / 6:.3f})")

        if args.skip_catalog:
            return
        rows = []
        for count in [int(c) for c in args.catalog.split(",")]:
            seconds, peak, pss = _catalog_run(count, args.catalog_formats, work)
            rows.append((count, seconds, peak))
            print(f"catalogue {count:4d} sets: {seconds:7.1f} s  {seconds / count:.3f} s/set  peak of the process"
                  f" tree: RSS summed {peak:6.0f} MiB, PSS summed {pss:6.0f} MiB  (goal <= 1024 at 200 sets)")
        if len(rows) >= 2:
            (n0, t0, m0), (n1, t1, m1) = rows[0], rows[-1]
            print(f"  growth {n0}→{n1} sets (×{n1 / n0:.1f}): time ×{t1 / t0:.2f}, peak RSS ×{m1 / m0:.2f}")


if __name__ == "__main__":
    main()
