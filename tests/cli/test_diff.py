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


def _edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_every_changed_field_is_shown_old_to_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REPO / "tests/projects/minimal", old)
    shutil.copytree(REPO / "tests/projects/minimal", new)
    _edit(
        new / "program.yaml",
        ('version: "1.0"', 'version: "1.1"'),
        ("language: en", "language: es"),
        ("  - required: [TST]", "  - title: Core\n    required: [TST]"),
        ("    description: Submit the portfolio task for review.", "    description: Submit it to two reviewers."),
    )
    _edit(
        new / "sets/tst.yaml",
        ("version: 1.0.0", "version: 1.0.1"),
        ("mastery_score: 0.75", "mastery_score: 0.8"),
        ("attempts: 0", "attempts: 3"),
        ("minutes: 10", "minutes: 15"),
        ("        - text: The cutter\n", "        - text: The cutter\n          correct: true\n"),
        ("        - text: The class number\n          correct: true\n", "        - text: The class number\n"),
        ("definition: The code that places an item on the shelf.", "definition: Where an item lives."),
    )
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    for row in (
        "| programme · version | 1.0 | 1.1 |",
        "| programme · language | en | es |",
        "| programme · requirement 1 | all of TST | Core: all of TST |",
        "| programme · route portfolio · description | Submit the portfolio task for review. "
        "| Submit it to two reviewers. |",
        "| set TST · mastery score | 0.75 (75 %) | 0.8 (80 %) |",
        "| set TST · attempts | 0 | 3 |",
        "| lesson TST-L1 (Call numbers) · minutes | 10 | 15 |",
        "| item TST-Q1 (single_choice) · choice 1 · correct | no | yes |",
        "| item TST-Q1 (single_choice) · choice 2 · correct | yes | no |",
        "| glossary term “call number” · definition | The code that places an item on the shelf. "
        "| Where an item lives. |",
    ):
        assert row in out, f"{row}\n---\n{out}"
    assert "Version 1.0 (2026-01-15) → 1.1 (2026-01-15)" in out


def test_html_change_log_for_minutes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "changes.html"
    assert main(["diff", str(REPO / "tests/projects/minimal"), str(REPO / "tests/projects/diff-new"),
                 "--format", "html", "--out", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page
    assert '<td class="old">cutter, cutter number</td><td class="new">cutter, cutter number, cutter mark</td>' in page
    assert "<li>Added item TST-Q7 (true_false)" in page
    assert capsys.readouterr().out == ""


def test_no_changes_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    minimal = str(REPO / "tests/projects/minimal")
    assert main(["diff", minimal, minimal]) == 0
    assert "No changes to the programme" in capsys.readouterr().out
