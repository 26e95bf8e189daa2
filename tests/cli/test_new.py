from __future__ import annotations

import datetime as dt
import re
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
    assert main(["build", str(target), "--strict", "-q", "--out", str(out), "--format",
                 ",".join(formats.available())]) == 0
    assert (out / "moodle" / "DEM-questions.xml").exists()
    # not a word of library content in any output, inside packages and PDFs too
    from test_other_domain import LIBRARY, _texts

    texts = [t for f in sorted(out.rglob("*")) if f.is_file() for t in _texts(f.name, f.read_bytes())]
    assert len(texts) > 50
    hits = [f"{name}: {m.group()!r}" for name, text in texts for m in LIBRARY.finditer(text)]
    assert not hits, hits[:20]


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "x")]) == 0
    assert main(["new", str(tmp_path / "x")]) == 2


@pytest.mark.parametrize("argv", [["--program", "Bad Id"], ["--code", "lower"]])
def test_new_rejects_bad_ids(tmp_path: Path, argv: list[str]) -> None:
    assert main(["new", str(tmp_path / "y"), *argv]) == 2


LIBRARY_WORDS = re.compile(
    r"librar|patron|catalog|dewey|call.number|shelv|circulation|lssc|\bTEC\b|\bFND\b|returns cart", re.I
)


def test_new_writes_a_neutral_example_with_a_portfolio_task_and_todays_date(tmp_path: Path) -> None:
    target = tmp_path / "kitchen"
    assert main(["new", str(target), "--program", "kitchen", "--title", "Kitchen Safety: Basics", "--code", "KSB"]) == 0
    for path in target.rglob("*"):
        if path.is_file():
            found = LIBRARY_WORDS.search(path.read_text(encoding="utf-8"))
            assert found is None, f"{path.relative_to(target)}: {found.group()!r}"
    program = (target / "program.yaml").read_text()
    assert f"released: {dt.date.today().isoformat()}" in program
    assert "- id: portfolio" in program and 'title: "Kitchen Safety: Basics"' in program
    assert "portfolio:" in (target / "sets" / "ksb.yaml").read_text()
    assert main(["check", "--strict", str(target)]) == 0


def test_new_documents_its_options_and_how_to_rename_a_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "--code" in shown and "--title" in shown and "--program" in shown
    assert main(["new", str(tmp_path / "z"), "--code", "ZZ"]) == 0
    readme = (tmp_path / "z" / "README.md").read_text()
    assert "--code" in readme and "program.yaml" in readme
    # a set renamed in its file only: check names the file and the code to write in program.yaml
    set_file = tmp_path / "z" / "sets" / "zz.yaml"
    set_file.write_text(set_file.read_text().replace("ZZ", "QA"))
    capsys.readouterr()
    assert main(["check", str(tmp_path / "z")]) == 1
    err = capsys.readouterr().err
    assert "error[unknown-set]" in err and "has `code: QA`: if you renamed the set, write QA here too" in err
