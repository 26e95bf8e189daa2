from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_check_ok_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(REPO / "tests/projects/minimal")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 1 sets, 2 outcomes, 1 lessons, 6 items, 1 portfolio tasks")


def test_check_content_error_exit_1_compiler_style(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(
        f.read_text().replace("outcomes: [TST-1]\n      bloom: remember", "outcomes: [TST-9]\n      bloom: remember")
    )
    assert main(["check", str(minimal)]) == 1
    err = capsys.readouterr().err
    assert (
        "sets/tst.yaml:29:18: error[unknown-outcome]: item TST-Q1 assesses outcome TST-9, which is not declared" in err
    )
    assert "  hint: declared outcomes are TST-1, TST-2" in err
    assert "Traceback" not in err


def test_warnings_fail_only_with_strict(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("outcomes: [TST-1, TST-2]\n    minutes", "outcomes: [TST-1]\n    minutes"))
    assert main(["check", str(minimal)]) == 0
    assert main(["check", "--strict", str(minimal)]) == 1


@pytest.mark.parametrize(
    "argv",
    [["nosuchcommand"], ["check", "/no/such/folder"], ["build", "--format", "docx"], ["check", "--no-such-option"]],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert main(argv) == 2


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert "outcomes" in schema["properties"]


def test_committed_schema_files_are_current() -> None:
    from builder.source.schema import schema_text

    for kind in ("competency-set", "program"):
        committed = (REPO / "schema" / f"{kind}.schema.json").read_text()
        assert committed == schema_text(kind), f"run `make schema` to refresh schema/{kind}.schema.json"


def test_version() -> None:
    out = subprocess.run([sys.executable, "-m", "builder", "version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("coursepack ")


def test_schema_kinds_offered_by_the_cli_are_the_schemas_that_exist() -> None:
    from builder.cli import SCHEMA_KINDS
    from builder.source.schema import SCHEMAS

    assert sorted(SCHEMA_KINDS) == sorted(SCHEMAS)


def test_strict_build_fails_on_a_writer_warning_and_publishes_nothing(minimal: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A two-pair matching item checks clean but makes the Moodle XML writer warn: --strict refuses to publish."""
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace('        - {left: "900", right: History}\n', ""))
    out = tmp_path / "out"
    assert main(["build", "-q", "--format", "moodle_xml", "--out", str(out), str(minimal)]) == 0  # a warning only
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    (out / "moodle" / "TST-questions.xml").write_text("the previous build", encoding="utf-8")
    assert main(["build", "-q", "--strict", "--force", "--format", "moodle_xml", "--out", str(out), str(minimal)]) == 1
    assert "warning[moodle-matching]" in capsys.readouterr().err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / "moodle" / "TST-questions.xml").read_text(encoding="utf-8") == "the previous build"


def test_dash_dash_version(capsys: pytest.CaptureFixture[str]) -> None:
    from builder import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"coursepack {__version__}\n"


def test_check_without_a_folder_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "no folder given and there is no curriculum/ here" in err and "coursepack check ." in err
    assert "coursepack new" in err


def test_check_inside_a_curriculum_folder_needs_no_argument(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(REPO / "tests/projects/minimal")
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 sets")


def test_help_summaries_are_whole_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = out.split("Commands:")[1]
    assert "..." not in listed
    assert "Check the curriculum and write packages and guides into the output" in " ".join(listed.split())
