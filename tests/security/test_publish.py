"""Publishing in every mode: the live output is untouched until the swap, a folder that is not ours is
refused untouched, modes follow the umask, leftovers of killed builds are swept (or put back), and
builds into one folder queue (issue 15, points 3, 4 and 6)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from builder import formats
from builder.build import pipeline, publish
from builder.cli import main
from builder.rules.diagnostics import SourceLoc
from builder.rules.registry import report

FAST = ["scorm12", "moodle_xml"]


def _build(root: Path, dist: Path, names: list[str] = FAST, **kw: object) -> pipeline.BuildResult:
    return pipeline.build(root, dist, names, workers=1, cache_dir=dist.parent / "cache", **kw)  # type: ignore[arg-type]


def _state(folder: Path) -> dict[str, tuple[int, str]]:
    """Every entry under folder (hidden and empty folders too): mode and content digest."""
    out: dict[str, tuple[int, str]] = {".": (folder.stat().st_mode, "")}
    for p in sorted(folder.rglob("*")):
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        out[p.relative_to(folder).as_posix()] = (p.stat().st_mode, digest)
    return out


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".coursepack-"))


def test_a_failing_set_build_never_touches_the_live_output(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "o"
    assert _build(minimal, dist).ok
    live = dist / "scorm12" / "TST.zip"
    before, inode = live.read_bytes(), live.stat().st_ino
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("title: Testing Basics", "title: Testing Advanced"))

    def failing(*args: object, **kwargs: object) -> list[object]:  # a job that reports an error, as a PDF can
        return [report("pdf-fetch-refused", "the renderer gave up", SourceLoc("sets/tst.yaml"))]

    monkeypatch.setattr(type(formats.get("moodle_xml")), "write", failing)
    result = _build(minimal, dist, FAST, set_codes=["TST"])
    assert not result.ok
    assert live.read_bytes() == before and live.stat().st_ino == inode  # not rewritten through a hard link
    assert _leftovers(tmp_path) == []


def test_the_staging_copy_shares_no_inode_with_the_live_output(minimal: Path, tmp_path: Path) -> None:
    from builder.build.output import Staging

    dist = tmp_path / "o"
    assert _build(minimal, dist).ok
    staging = Staging(dist)
    try:
        staging.seed_from_dist(lambda rel: False)
        live = {p.stat().st_ino for p in dist.rglob("*") if p.is_file()}
        seeded = {p.stat().st_ino for p in staging.root.rglob("*") if p.is_file()}
        assert seeded and not live & seeded
    finally:
        staging.discard()


def _project(tmp_path: Path, minimal: Path) -> Path:
    """A project folder as a user has it: the curriculum, a git folder with empty folders, a web page."""
    project = tmp_path / "project"
    project.mkdir()
    minimal.rename(project / "curriculum")
    (project / ".git" / "refs" / "tags").mkdir(parents=True)
    (project / "web").mkdir()
    (project / "web" / "about.html").write_text("<p>ours</p>")
    os.chmod(project, 0o755)
    return project


def test_out_dot_in_a_project_folder_is_refused_and_touches_nothing(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, minimal)
    monkeypatch.chdir(project)
    before = _state(project)
    code = main(["build", "curriculum", "--out", ".", "--format", "moodle_xml", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--out .: the curriculum curriculum is inside it" in err and "nothing was written" in err
    assert _state(project) == before and _leftovers(tmp_path) == []


def test_a_non_empty_folder_that_is_not_an_output_is_refused_untouched(
    minimal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    (out / "web").mkdir(parents=True)
    (out / "web" / "about.html").write_text("<p>ours</p>")
    (out / "notes.txt").write_text("keep me")
    before = _state(out)
    with pytest.raises(publish.OutputRefused, match="not empty and not a previous coursepack output"):
        _build(minimal, out)
    assert _state(out) == before and not (tmp_path / "cache").exists() and _leftovers(tmp_path) == []
    assert main(["build", str(minimal), "--out", str(out), "--format", "moodle_xml", "-q"]) == 2
    assert "holds notes.txt" in capsys.readouterr().err


def test_an_empty_folder_and_a_previous_output_are_accepted(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert _build(minimal, out).ok
    assert sorted(p.name for p in out.iterdir()) == ["moodle", "scorm12"]
    assert _build(minimal, out, FAST, force=True).ok


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_published_modes_follow_the_umask(minimal: Path, tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)
    try:
        dist = tmp_path / "dist"
        assert _build(minimal, dist).ok
    finally:
        os.umask(old)
    assert dist.stat().st_mode & 0o777 == 0o777 & ~mask
    assert (dist / "scorm12").stat().st_mode & 0o777 == 0o777 & ~mask
    assert (dist / "scorm12" / "TST.zip").stat().st_mode & 0o777 == 0o666 & ~mask


def test_leftovers_of_killed_builds_are_swept_and_others_are_not(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    ours = [tmp_path / ".coursepack-staging-dist.k1ll3d_1", tmp_path / ".coursepack-old-dist.k1ll3d_2"]
    theirs = [tmp_path / ".coursepack-staging-dist2.k1ll3d_3", tmp_path / ".coursepack-staging-dist.v2.k1ll3d_4"]
    for folder in ours + theirs:
        (folder / "pdf").mkdir(parents=True)
        (folder / "pdf" / "x.pdf").write_bytes(b"%PDF-")
    result = _build(minimal, dist, FAST, force=True)
    assert result.ok and len(result.swept) == 2
    assert not any(p.exists() for p in ours) and all(p.exists() for p in theirs)


def test_an_output_stranded_between_the_two_renames_is_put_back(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist).ok
    before = _state(dist)
    os.replace(dist, tmp_path / ".coursepack-old-dist.k1ll3d_1")  # killed here: no dist/, the old one aside
    (tmp_path / ".coursepack-staging-dist.k1ll3d_2").mkdir()  # and the new one never moved in
    assert publish.sweep(dist) == [
        f"restored {dist} from .coursepack-old-dist.k1ll3d_1, left by an interrupted build",
        "removed .coursepack-staging-dist.k1ll3d_2, left by an interrupted build",
    ]
    assert _state(dist) == before and _leftovers(tmp_path) == []


def test_a_build_waits_for_the_lock_and_says_who_holds_it(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    with publish.locked(dist):
        with pytest.raises(publish.OutputBusy, match=rf"another coursepack build \(process {os.getpid()}\)"):
            _build(minimal, dist, lock_wait=0.3)
        assert not dist.exists()  # it waited, then gave up without touching anything
        told: list[str] = []
        waiting = threading.Thread(target=lambda: results.append(_build(minimal, dist, on_wait=told.append)))
        results: list[pipeline.BuildResult] = []
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive() and not results  # queued behind us, and told so once
        assert told == [f"waiting for another coursepack build (process {os.getpid()}) to finish writing {dist}"]
    waiting.join(timeout=60)
    assert results and results[0].ok
    assert _leftovers(tmp_path) == []


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "builder", *args]


def test_two_builds_into_one_folder_queue_and_both_succeed(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "out"
    command = _cli("build", str(minimal), "--out", str(dist), "--format", "scorm12,scorm2004,moodle_xml", "-q", "-j1")
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert not any("Directory not empty" in err for _, err in results)
    assert sorted(p.name for p in dist.iterdir()) == ["moodle", "scorm12", "scorm2004"]
    assert _leftovers(tmp_path) == []


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc to find the pool workers")
def test_kill_9_mid_build_then_a_rebuild_leaves_no_folders_and_no_processes(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    command = _cli("build", str(minimal), "--out", str(dist), "--format", "pdf,scorm12,web", "-q", "-j2", "--force")
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        workers = _children(run.pid)
        if len(workers) >= 2 and any(tmp_path.glob(".coursepack-staging-dist.*")):
            break
        time.sleep(0.02)
    assert run.poll() is None and len(workers) >= 2, "the build ended before it could be killed"
    run.kill()  # SIGKILL: no finally block, no atexit
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "pool workers outlived their build"
    assert _leftovers(tmp_path)  # the staging folder (and the lock file) of the killed build
    rebuilt = subprocess.run(_cli("build", str(minimal), "--out", str(dist), "--format", "scorm12", "-q", "-j1"),
                             capture_output=True, text=True, timeout=120)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "note: removed .coursepack-staging-dist." in rebuilt.stderr
    assert _leftovers(tmp_path) == [] and (dist / "scorm12" / "TST.zip").is_file()


def test_half_written_cache_entries_of_killed_builds_are_swept_when_old(minimal: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    stale, fresh = tmp_path / "cache" / "ab" / ".tmp-k1ll3d", tmp_path / "cache" / "cd" / ".tmp-busy"
    for folder in (stale, fresh):
        (folder / "out").mkdir(parents=True)
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    assert _build(minimal, dist).ok
    assert not stale.exists() and fresh.exists()  # a young one may be another build's, writing now


def test_a_symlinked_output_folder_is_replaced_where_it_points(minimal: Path, tmp_path: Path) -> None:
    real = tmp_path / "disk" / "dist"
    real.mkdir(parents=True)
    link = tmp_path / "dist"
    link.symlink_to(real, target_is_directory=True)
    assert _build(minimal, link).ok and _build(minimal, link, FAST, force=True).ok
    assert link.is_symlink() and (real / "scorm12" / "TST.zip").is_file()
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "disk") == []
