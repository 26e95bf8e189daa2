from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_diff_matches_reviewed_golden(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO)
    assert main(["diff", "tests/projects/minimal", "tests/projects/diff-new"]) == 0
    assert capsys.readouterr().out == (REPO / "tests/golden/diff-minimal.md").read_text()


def test_diff_between_git_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "tests/projects/minimal", repo / "curriculum")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=c@example.org", "-c", "user.name=Committee", "add", ".")
    git("-c", "user.email=c@example.org", "-c", "user.name=Committee", "commit", "-qm", "v1")
    git("tag", "v1")
    shutil.rmtree(repo / "curriculum")
    shutil.copytree(REPO / "tests/projects/diff-new", repo / "curriculum")
    monkeypatch.chdir(repo)
    assert main(["diff", "v1", "curriculum"]) == 0
    out = capsys.readouterr().out
    assert "- Added item TST-Q7 (true_false)" in out and "version 1.0.0 → 1.1.0" in out
    assert main(["diff", "no-such-rev"]) == 2
