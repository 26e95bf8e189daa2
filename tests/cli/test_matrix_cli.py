"""`coursepack matrix` for a committee: statements and titles, a file to attach, a stamp, a terminal's width."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
MINIMAL = str(REPO / "tests/projects/minimal")


def test_text_fits_the_width_and_names_every_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", MINIMAL, "--width", "100"]) == 0
    out = capsys.readouterr().out
    table = out.split("\n\n")[0].splitlines()
    assert table[0].split()[:3] == ["set", "outcome", "bloom"]
    assert max(len(line) for line in table) <= 100, "\n".join(table)
    assert "  TST-2 Shelve items in call-number order." in out  # statement
    assert "  TST-L1 Call numbers (10 min)" in out  # lesson title
    assert "  TST-Q1 Which part of a call number shows the subject?" in out  # item prompt
    assert "  TST-P1 Shelf check" in out
    assert f"Minimal Programme, version 1.0 of 2026-01-15 (sets: TST 1.0.0); made {dt.date.today()}" in out


def test_items_without_bloom_are_not_counted_below_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", MINIMAL]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    assert last.startswith("2 outcomes: 0 with coverage gaps, 0 assessed by items below their Bloom level")
    assert "1 whose items state no Bloom level" in last


def test_out_file_and_html_in_the_programmes_language(minimal: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    program = minimal / "program.yaml"
    program.write_text(program.read_text().replace("language: en", "language: es"))
    target = tmp_path / "matrix.html"
    assert main(["matrix", str(minimal), "--format", "html", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    page = target.read_text(encoding="utf-8")
    assert '<html lang="en">' in page  # the tool's own words; the curriculum's cells say es
    assert '<td lang="es">TST-L1 Call numbers</td>' in page
    assert '<td lang="es">Shelve items in call-number order.</td>' in page
    assert "version 1.0 of 2026-01-15" in page
    csv_file = tmp_path / "matrix.csv"
    assert main(["matrix", str(minimal), "--format", "csv", "--out", str(csv_file)]) == 0
    assert csv_file.read_text().splitlines()[0].endswith("portfolio,statement,flags")
