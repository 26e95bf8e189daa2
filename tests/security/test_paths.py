"""Asset paths can never leave the curriculum folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.rules.check import asset_problem, check_curriculum


@pytest.mark.parametrize(
    "path",
    ["../secret.png", "images/../../secret.png", "/etc/passwd", "\\\\server\\share\\x.png", "C:\\Windows\\x.png",
     "c:/x.png", "images\\..\\..\\x.png", "file:///etc/passwd", "http://example.org/x.png", ""],
)
def test_escaping_paths_are_refused(tmp_path: Path, path: str) -> None:
    (tmp_path / "images").mkdir()
    assert asset_problem(path, tmp_path) is not None


def test_symlink_pointing_outside_is_refused(minimal: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG")
    (minimal / "images").mkdir()
    os.symlink(outside, minimal / "images" / "link.png")
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("glossary:", "assets:\n  - path: images/link.png\n    alt: A link\nglossary:"))
    _, diags = check_curriculum(minimal, base=minimal)
    bad = [d for d in diags if d.code == "bad-asset-path"]
    assert bad and "outside the curriculum" in bad[0].message and bad[0].loc.line == 97


def test_a_real_asset_inside_is_accepted(minimal: Path) -> None:
    (minimal / "images").mkdir()
    (minimal / "images" / "desk.png").write_bytes(b"\x89PNG")
    assert asset_problem("images/desk.png", minimal) is None
