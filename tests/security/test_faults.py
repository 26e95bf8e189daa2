"""Failures injected into every writer and every stage: the previous dist/ survives, nothing is left behind."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from builder import formats
from builder.build import pipeline

FAST = ["moodle_xml", "competency_csv", "scorm12"]


def _snapshot(folder: Path) -> dict[str, str]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _build(root: Path, dist: Path, names: list[str]) -> pipeline.BuildResult:
    return pipeline.build(root, dist, names, workers=1, cache_dir=dist.parent / "cache")


def _edit(root: Path) -> None:
    """An outcome's wording: every format prints it, so every job runs again."""
    f = root / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("statement: Shelve items", "statement: Shelve and shelf-read items"))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".coursepack-"))


@pytest.mark.parametrize("name", formats.available())
@pytest.mark.parametrize("failure", [RuntimeError("disk on fire"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_failing_writer_of_any_format_leaves_dist_as_it_was(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, failure: BaseException
) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist, FAST).ok
    before = _snapshot(dist)
    _edit(minimal)

    def boom(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(type(formats.get(name)), "write", boom)
    with pytest.raises(type(failure)):
        _build(minimal, dist, sorted({name, *FAST}))
    assert _snapshot(dist) == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("stage", ["builder.rules.check.check_curriculum", "builder.resolve.course.resolve"])
def test_a_failing_stage_leaves_dist_as_it_was(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist, FAST).ok
    before = _snapshot(dist)
    _edit(minimal)
    module, _, func = stage.rpartition(".")

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"{module}.{func}", boom)
    with pytest.raises(KeyboardInterrupt):
        _build(minimal, dist, FAST)
    assert _snapshot(dist) == before and _leftovers(tmp_path) == []


def test_a_failure_while_swapping_in_the_new_build_puts_the_old_one_back(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    assert _build(minimal, dist, FAST).ok
    before = _snapshot(dist)
    _edit(minimal)
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src).name.startswith(".coursepack-staging-") and Path(dst) == dist.resolve():
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        _build(minimal, dist, FAST)
    monkeypatch.setattr(os, "replace", real_replace)
    assert _snapshot(dist) == before and _leftovers(tmp_path) == []
