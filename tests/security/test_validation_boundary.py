"""One validation boundary: what `check` accepts, `build` writes. Each input below once passed check
and then crashed the build (exit 3, no location); now check names file:line:col (issue 15, points 5, 8)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from builder.build import pipeline
from builder.rules.check import check_curriculum
from builder.rules.limits import SET_LIMITS


def _edit(root: Path, old: str, new: str) -> None:
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def _diags(root: Path) -> list[str]:
    _, diags = check_curriculum(root, base=root)
    return [d.render().split("\n")[0] for d in diags]


CASES = [
    ("title: Testing Basics", 'title: "Testing \\x07 Basics"', "sets/tst.yaml:2:8: error[illegal-character]",
     "U+0007"),
    ("title: Testing Basics", 'title: "Testing \\uFFFE Basics"', "sets/tst.yaml:2:8: error[illegal-character]",
     "U+FFFE"),
    ("title: Testing Basics", 'title: "Testing \\uFFFF"', "sets/tst.yaml:2:8: error[illegal-character]", "U+FFFF"),
    ("title: Testing Basics", 'title: "Testing \\0"', "sets/tst.yaml:2:8: error[illegal-character]", "U+0000"),
    ("  attempts: 0", "  attempts: " + "1" * 4301, "sets/tst.yaml:25:13: error[number-too-large]", "4,301"),
    ("    minutes: 10", "    minutes: 0x" + "f" * 60,
     "sets/tst.yaml:16:14: error[number-too-large]", "62"),
    ("Put three books in order.", "*" * 1500 + "a" + "*" * 1500, "sets/tst.yaml:17:11: error[markdown-too-deep]",
     "752 levels"),
    ("Put three books in order.", "> " * 10 + "*" * 60 + "deep" + "*" * 60,
     "sets/tst.yaml:17:11: error[markdown-too-deep]", "levels deep"),
    ("code: TST", "code: CON", "sets/tst.yaml:1:7: error[reserved-code]", "reserved device name"),
]


@pytest.mark.parametrize(("old", "new", "where", "words"), CASES,
                         ids=["bel", "fffe", "ffff", "nul", "int-4301", "hex-60", "emphasis-1500", "quote+emphasis",
                              "CON"])
def test_check_refuses_what_build_could_not_write(
    minimal: Path, tmp_path: Path, old: str, new: str, where: str, words: str
) -> None:
    if new == "code: CON":  # the whole set renamed, ids and the program's reference with it
        for f in (minimal / "program.yaml", minimal / "sets" / "tst.yaml"):
            f.write_text(f.read_text(encoding="utf-8").replace("TST", "CON"), encoding="utf-8")
    else:
        _edit(minimal, old, new)
    found = _diags(minimal)
    errors = [d for d in found if "error[" in d]
    assert len(errors) == 1 and errors[0].startswith(where) and words in errors[0], found
    result = pipeline.build(minimal, tmp_path / "dist", ["moodle_xml", "scorm12"], workers=1,
                            cache_dir=tmp_path / "cache")
    assert not result.ok and not (tmp_path / "dist").exists()


def test_a_depth_within_the_limit_builds_every_format_including_the_pdf(minimal: Path, tmp_path: Path) -> None:
    _edit(minimal, "Put three books in order.", "*" * 76 + "deep" + "*" * 76)  # 40 levels: the limit
    assert not [d for d in _diags(minimal) if "error[" in d]
    result = pipeline.build(minimal, tmp_path / "dist", ["pdf", "web"], ["TST"], workers=1,
                            cache_dir=tmp_path / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]


def _items(n: int) -> str:
    return "".join(
        f"    - id: TST-Q{100 + i}\n      type: true_false\n      outcomes: [TST-2]\n      prompt: Statement {i}.\n"
        f"      answer: true\n      feedback_true: Right.\n      feedback_false: Wrong.\n"
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("extra", "severity"), [(SET_LIMITS["items"][0], "warning"), (SET_LIMITS["items"][1], "error")]
)
def test_a_huge_set_is_a_located_warning_then_an_error(minimal: Path, extra: int, severity: str) -> None:
    _edit(minimal, "portfolio:\n", _items(extra) + "portfolio:\n")
    found = [d for d in _diags(minimal) if "set-large" in d or "set-too-large" in d]
    code = "set-large" if severity == "warning" else "set-too-large"
    assert found == [
        found[0]
    ] and found[0].startswith(f"sets/tst.yaml:26:3: {severity}[{code}]: set TST has {extra + 6:,} items"), found


def test_html_references_in_plain_titles_are_decoded_once(minimal: Path, tmp_path: Path) -> None:
    _edit(minimal, "title: Testing Basics", 'title: "Q&amp;A &eacute;t&eacute; <b>"')
    result = pipeline.build(minimal, tmp_path / "dist", ["scorm12", "moodle_xml"], workers=1,
                            cache_dir=tmp_path / "cache")
    assert result.ok
    manifest = zipfile.ZipFile(tmp_path / "dist" / "scorm12" / "TST.zip").read("imsmanifest.xml").decode()
    bank = (tmp_path / "dist" / "moodle" / "TST-questions.xml").read_text(encoding="utf-8")
    for text in (manifest, bank):
        assert "Q&amp;A été &lt;b&gt;" in text and "&amp;amp;" not in text and "&amp;eacute;" not in text
