"""check = build minus writing: what a format would refuse is reported by `check`, at the same place."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.projects import fill_in_items

from builder.cli import main
from builder.formats.scorm.common import SUSPEND_MAX_12
from builder.rules.limits import FILL_IN_MAX


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(root)])
    return code, capsys.readouterr().err


def test_saved_progress_too_long_for_scorm12_fails_check_not_only_build(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = minimal / "sets" / "tst.yaml"
    many = SUSPEND_MAX_12 // (3 * FILL_IN_MAX) + 1
    f.write_text(f.read_text().replace("portfolio:", fill_in_items(many, "cutter") + "portfolio:"), encoding="utf-8")
    code, err = _check(minimal, capsys)
    assert code == 1
    assert "error[scorm-suspend]" in err and "tst.yaml:" in err


def test_an_asset_that_would_replace_a_player_file_fails_check(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (minimal / "player").mkdir()
    (minimal / "player" / "desk.png").write_bytes(_PNG)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("glossary:", "assets:\n  - path: player/desk.png\n    alt: Clash\nglossary:"))
    code, err = _check(minimal, capsys)
    assert code == 1 and "error[scorm-asset]" in err


def test_an_answer_longer_than_the_box_is_refused_at_its_line(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("portfolio:", fill_in_items(1, "x" * 150) + "portfolio:"), encoding="utf-8")
    code, err = _check(minimal, capsys)
    line = next(n for n, text in enumerate(f.read_text().splitlines(), 1) if "x" * 150 in text)
    assert code == 1
    # one message, from check at the answer's line; not a second one from the writer's guard
    assert [ln for ln in err.splitlines() if "error[" in ln] == [
        next(ln for ln in err.splitlines() if f"tst.yaml:{line}:" in ln and "error[" in ln)
    ]


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f"
    "5d0000000049454e44ae426082"
)
