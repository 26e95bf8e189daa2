from __future__ import annotations

from pathlib import Path

import pytest

from builder import formats
from builder.cli import main


@pytest.mark.slow
def test_new_then_strict_check_then_build(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    assert main(["new", str(target), "--program", "demo", "--title", "Demo", "--code", "DEM"]) == 0
    assert (target / "sets" / "dem.yaml").read_text().startswith("# yaml-language-server: $schema=")
    assert (target / ".gitignore").read_text().startswith("dist/")
    assert main(["check", "--strict", str(target)]) == 0
    out = tmp_path / "dist"
    assert main(["build", str(target), "--out", str(out), "--format", ",".join(formats.available())]) == 0
    assert (out / "moodle" / "DEM-questions.xml").exists()


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "x")]) == 0
    assert main(["new", str(tmp_path / "x")]) == 2


@pytest.mark.parametrize("argv", [["--program", "Bad Id"], ["--code", "lower"]])
def test_new_rejects_bad_ids(tmp_path: Path, argv: list[str]) -> None:
    assert main(["new", str(tmp_path / "y"), *argv]) == 2
