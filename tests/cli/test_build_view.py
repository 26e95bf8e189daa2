"""What `coursepack build` shows while it works: bars on a terminal, lines in logs, nothing with --quiet."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from builder.build.progress import BarProgress, summary
from builder.formats.base import Job

FORMATS = "scorm12,moodle_xml,competency_csv"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "builder", "build", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def test_logs_get_one_line_per_job_and_a_summary_table(minimal: Path, tmp_path: Path) -> None:
    done = _run([str(minimal), "--out", str(tmp_path / "dist"), "--format", FORMATS, "-j", "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [ln.split()[1] for ln in lines if ln.startswith("[")] == [
        "scorm12:TST",
        "moodle_xml:TST",
        "competency_csv:program",
    ]
    assert all(" built in " in ln for ln in lines if ln.startswith("["))
    table = "\n".join(ln for ln in lines if "│" in ln)
    for name in FORMATS.split(","):
        assert name in table
    assert done.stdout.startswith("built 3 file(s) from 3 job(s) (3 rebuilt, 0 from cache)")


def test_quiet_prints_only_the_last_line(minimal: Path, tmp_path: Path) -> None:
    done = _run([str(minimal), "--out", str(tmp_path / "dist"), "--format", FORMATS, "--quiet"], tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.count("\n") == 1 and done.stdout.startswith("built 3 file(s)")


def test_bars_count_jobs_per_format() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    jobs = [Job("pdf", "A"), Job("pdf", "B"), Job("scorm12", "A")]
    with BarProgress(console) as bars:
        bars.planned(jobs)
        bars.finished(jobs[0], "built", 1.0)
        bars.finished(jobs[2], "cached", 0.0)
        state = {t.description: (t.completed, t.total) for t in bars.bars.tasks}
    assert state == {"pdf": (1, 2), "scorm12": (1, 1)}


def test_summary_sizes_belong_to_their_format_even_in_a_shared_folder(tmp_path: Path) -> None:
    (tmp_path / "moodle").mkdir()
    (tmp_path / "moodle" / "A-questions.xml").write_bytes(b"x" * 2048)
    (tmp_path / "moodle" / "competencies.csv").write_bytes(b"y" * 10)
    console = Console(file=io.StringIO(), width=100)
    jobs = [Job("moodle_xml", "A"), Job("competency_csv", None)]
    summary(["moodle/A-questions.xml", "moodle/competencies.csv"], tmp_path, jobs, {jobs[0]: 0.5}, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip().startswith(("moodle_xml", "competency"))}
    assert "2.0 KB" in rows["moodle_xml"] and "10 B" in rows["competency_csv"]


def test_bars_say_which_sets_build_why_others_wait_and_the_time_left() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=160)
    jobs = [Job("scorm12", "A"), Job("pdf", "A"), Job("pdf", "B"), Job("moodle_xml", "A")]
    with BarProgress(console, workers=2) as bars:
        bars.planned(jobs)
        status = {t.description: t.fields["status"] for t in bars.bars.tasks}
        assert status["pdf"] == "building A, B"  # the costliest first, one per worker
        assert status["scorm12"] == "waiting for a free worker: 2 pdf job(s) first"
        assert status["moodle_xml"] == "waiting for a free worker: 2 pdf, 1 scorm12 job(s) first"
        bars.finished(jobs[1], "built", 10.0)
        status = {t.description: t.fields["status"] for t in bars.bars.tasks}
        assert status["scorm12"].startswith("building A · build about ")
        assert status["pdf"].startswith("building B · build about ")


def test_a_format_that_packs_others_waits_for_their_files_and_says_so() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=160)
    jobs = [Job("cc", None), Job("pdf", "A"), Job("pdf", None), Job("scorm12", "A")]
    with BarProgress(console, workers=2) as bars:
        bars.planned(jobs)
        status = {t.description: t.fields["status"] for t in bars.bars.tasks}
        assert status["pdf"] == "building programme, A"
        assert status["cc"] == "waiting for the pdf files it packs: 2 pdf, 1 scorm12 job(s) first"


def test_tracker_estimates_from_built_jobs() -> None:
    from builder.build.progress import Tracker

    tracker = Tracker(workers=1)
    jobs = [Job("pdf", "A"), Job("pdf", "B"), Job("pdf", "C")]
    tracker.planned(jobs)
    assert tracker.eta() is None and tracker.eta_text() == ""
    tracker.finished(jobs[0], "built", 30.0)
    assert tracker.eta() == 60.0 and tracker.eta_text() == "about 1 min 00 s left"
    tracker.finished(jobs[1], "cached", 0.0)
    assert tracker.eta_text() == "about 30 s left"


def test_logs_name_what_builds_next(minimal: Path, tmp_path: Path) -> None:
    done = _run([str(minimal), "--out", str(tmp_path / "dist"), "--format", FORMATS, "-j", "1"], tmp_path)
    first = next(ln for ln in done.stderr.splitlines() if ln.startswith("[1/3]"))
    assert "; now building moodle_xml:TST; about " in first, first
