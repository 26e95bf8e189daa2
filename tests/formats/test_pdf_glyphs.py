"""A character no font of the theme has is reported where the text holding it was written (issue 21: it
was located at the set file's first line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.cli import main

MINIMAL = Path(__file__).resolve().parents[1] / "projects" / "minimal"


def test_a_missing_glyph_is_located_at_its_lesson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    shutil.copytree(MINIMAL, src)
    f = src / "sets" / "tst.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("Put three books in order.", "Put three books in order: 漢."),
                 encoding="utf-8")
    lines = f.read_text(encoding="utf-8").splitlines()
    lesson = next(n for n, text in enumerate(lines, 1) if "漢" in text)
    body = max(n for n, text in enumerate(lines[:lesson], 1) if text.strip().startswith("body:"))
    assert main(["build", str(src), "--out", str(tmp_path / "dist"), "--format", "pdf", "-q"]) == 0
    warnings = [ln for ln in capsys.readouterr().err.splitlines() if "warning[pdf-render]" in ln and "U+6F22" in ln]
    assert warnings and all(ln.startswith(f"{f}:{body}:") or f"tst.yaml:{body}:" in ln for ln in warnings), warnings
