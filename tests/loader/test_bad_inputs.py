"""A table of broken curricula: each must give one located, coded, actionable error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.rules.check import check_curriculum
from builder.rules.diagnostics import Diagnostic

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8)
)


@dataclass
class Case:
    name: str
    file: str  # relative to the curriculum folder
    edit: str | bytes | tuple[str, str]  # new content, or (old, new) replacement
    code: str
    line: int
    col: int | None = None  # None: any column
    hint: str | None = None  # a fragment the hint must contain


CASES = [
    Case(
        "colon in plain value",
        "sets/tst.yaml",
        ("title: Testing Basics", "title: Testing: Basics"),
        "yaml-syntax",
        2,
        15,
        "quoted",
    ),
    Case("tab indentation", "sets/tst.yaml", ("  - id: TST-1", "\t- id: TST-1"), "yaml-tab", 6, 1, "spaces"),
    Case(
        "duplicate key",
        "sets/tst.yaml",
        ("title: Testing Basics", "title: Testing Basics\ntitle: Again"),
        "duplicate-key",
        3,
        1,
        "keep one",
    ),
    Case("text where a number goes", "sets/tst.yaml", ("minutes: 10", "minutes: ten"), "wrong-type", 16, 14),
    Case(
        "misspelt key", "sets/tst.yaml", ("minutes: 10", "minuets: 10"), "unknown-key", 16, 5, "did you mean `minutes`"
    ),
    Case(
        "missing required field",
        "sets/tst.yaml",
        ("    statement: Name the parts of a call number.\n", ""),
        "missing-field",
        6,
        5,
        "statement",
    ),
    Case("bad outcome id", "sets/tst.yaml", ("  - id: TST-1\n", "  - id: tst one\n"), "bad-id", 6, 9, "write TST-ONE"),
    Case(
        "dangling outcome reference",
        "sets/tst.yaml",
        ("outcomes: [TST-1]\n      bloom: remember", "outcomes: [TST-9]\n      bloom: remember"),
        "unknown-outcome",
        29,
        18,
        "declared outcomes are TST-1, TST-2",
    ),
    Case(
        "unknown bloom level",
        "sets/tst.yaml",
        ("bloom: remember\n  - id: TST-2", "bloom: rememer\n  - id: TST-2"),
        "bad-value",
        8,
        12,
        "did you mean `remember`",
    ),
    Case(
        "unknown item type",
        "sets/tst.yaml",
        ("type: single_choice", "type: single_choise"),
        "unknown-item-type",
        28,
        13,
        "did you mean `single_choice`",
    ),
    Case("mastery score above 1", "sets/tst.yaml", ("mastery_score: 0.75", "mastery_score: 1.5"), "bad-value", 23, 18),
    Case("duplicate id", "sets/tst.yaml", ("  - id: TST-2\n", "  - id: TST-1\n"), "duplicate-id", 9, 9, "unique"),
    Case(
        "unsatisfiable choose",
        "program.yaml",
        ("  - required: [TST]", "  - choose: 4\n    from: [TST]"),
        "program-unsatisfiable",
        9,
        13,
        "at most 1",
    ),
    Case(
        "unknown set in program",
        "program.yaml",
        ("required: [TST]", "required: [TST, XYZ]"),
        "unknown-set",
        9,
        21,
        "the codes of the files in sets/ are TST",
    ),
    Case("empty file", "sets/empty.yaml", "", "empty-file", 1, 1),
    Case("comment-only file", "sets/empty.yaml", "# nothing yet\n", "empty-file", 1, 1),
    Case("not UTF-8", "sets/latin1.yaml", b"code: T\xe9ST\n", "encoding", 1, 8, "UTF-8"),
    Case("binary file", "sets/binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "encoding", 1, None),
    Case("5 MB file", "sets/huge.yaml", "x: " + "a" * (5 * 1024 * 1024), "file-too-large", 1, 1, "split"),
    Case("deep nesting", "sets/deep.yaml", "a: " + "[" * 300 + "]" * 300 + "\n", "yaml-too-deep", 1, None),
    Case("alias bomb", "sets/bomb.yaml", BILLION_LAUGHS, "yaml-too-large", None, None, "alias"),  # type: ignore[arg-type]
    Case("two documents", "sets/two.yaml", "code: A\n---\ncode: B\n", "yaml-multiple-documents", 2, 1),
    Case("list instead of mapping", "sets/list.yaml", "- a\n- b\n", "wrong-type", 1, 1),
    Case(
        "two correct single-choice answers",
        "sets/tst.yaml",
        ("        - text: The cutter\n", "        - text: The cutter\n          correct: true\n"),
        "bad-value",
        27,
        7,
        None,
    ),
    Case("item without type", "sets/tst.yaml", ("      type: single_choice\n", ""), "missing-field", 27, 7, "type"),
    Case("id without the set prefix", "sets/tst.yaml", ("id: TST-Q1", "id: ABC-Q1"), "id-prefix", 27, 11, "TST-Q1"),
    Case(
        "rubric with too few descriptors",
        "sets/tst.yaml",
        ("[Errors remain, All fixed]", "[Errors remain]"),
        "bad-value",
        95,
        24,
    ),
    Case(
        "asset path leaving the folder",
        "sets/tst.yaml",
        ("glossary:", "assets:\n  - path: ../../etc/passwd\n    alt: x\nglossary:"),
        "bad-asset-path",
        97,
        11,
        "relative",
    ),
    Case(
        "absolute asset path",
        "sets/tst.yaml",
        ("glossary:", "assets:\n  - path: /etc/passwd\n    alt: x\nglossary:"),
        "bad-asset-path",
        97,
        11,
    ),
    Case(
        "windows drive asset path",
        "sets/tst.yaml",
        ("glossary:", "assets:\n  - path: 'C:\\x.png'\n    alt: x\nglossary:"),
        "bad-asset-path",
        97,
        11,
    ),
    Case(
        "misspelt program key",
        "program.yaml",
        ("title: Minimal Programme", "titel: Minimal Programme"),
        "unknown-key",
        2,
        1,
        "did you mean `title`",
    ),
    Case(
        "string where a list goes",
        "sets/tst.yaml",
        ("outcomes: [TST-1]\n      bloom: remember", "outcomes: TST-1\n      bloom: remember"),
        "wrong-type",
        29,
        17,
        "list",
    ),
    Case(
        "duplicate matching side",
        "sets/tst.yaml",
        ('{left: "900", right: History}', '{left: "800", right: History}'),
        "duplicate-option",
        72,
        18,
    ),
    Case(
        "unclosed quote",
        "sets/tst.yaml",
        ("title: Testing Basics", 'title: "Testing Basics'),
        "yaml-syntax",
        None,
        None,
        "line 2 is not closed",
    ),
    Case("choose without from", "program.yaml", ("  - required: [TST]", "  - choose: 1"), "bad-value", 9, 5, "`from:`"),
    Case(
        "pool draws more than it has",
        "sets/tst.yaml",
        (
            "  items:\n    - id: TST-Q1",
            "  pools:\n    - {id: TST-POOL-1, draw: 3, items: [TST-Q1, TST-Q2]}\n  items:\n    - id: TST-Q1",
        ),
        "pool-draw",
        27,
        30,
        "at most 2",
    ),
]


def _apply(root: Path, case: Case) -> None:
    target = root / case.file
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(case.edit, tuple):
        text = target.read_text(encoding="utf-8")
        old, new = case.edit
        assert old in text, f"fixture text not found: {old!r}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    elif isinstance(case.edit, bytes):
        target.write_bytes(case.edit)
    else:
        target.write_text(case.edit, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_located(minimal: Path, case: Case) -> None:
    _apply(minimal, case)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is None
    matching = [d for d in diags if d.code == case.code]
    assert matching, f"expected {case.code}, got: " + "; ".join(d.render() for d in diags)
    d: Diagnostic = matching[0]
    assert d.loc.path == case.file
    if case.line is not None:
        assert d.loc.line == case.line, d.render()
    if case.col is not None:
        assert d.loc.col == case.col, d.render()
    if case.hint is not None:
        assert d.hint and case.hint in d.hint, d.render()
    assert d.message and d.loc.line >= 1 and d.loc.col >= 1


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 25


def test_every_error_of_a_run_is_reported_together(minimal: Path) -> None:
    for case in (CASES[3], CASES[8], CASES[13]):
        _apply(minimal, case)
    (minimal / "sets" / "empty.yaml").write_text("")
    _, diags = check_curriculum(minimal, base=minimal)
    codes = {d.code for d in diags}
    assert {"wrong-type", "bad-value", "unknown-set", "empty-file"} <= codes


def test_a_typo_does_not_hide_dangling_references_or_cause_cascades(minimal: Path) -> None:
    # One misspelt key makes the set fail validation; its dangling outcome reference must still be
    # reported, the program must not claim the set is missing, and the misspelling is one error, not two.
    _apply(minimal, Case("typo", "sets/tst.yaml", ("minutes: 10", "minuets: 10"), "unknown-key", 16))
    text = (minimal / "sets" / "tst.yaml").read_text(encoding="utf-8")
    assert "outcomes: [TST-1]" in text
    (minimal / "sets" / "tst.yaml").write_text(text.replace("outcomes: [TST-1]", "outcomes: [TST-9]", 1))
    _, diags = check_curriculum(minimal, base=minimal)
    codes = sorted(d.code for d in diags)
    assert codes == ["unknown-key", "unknown-outcome"], [d.render() for d in diags]
    dangling = next(d for d in diags if d.code == "unknown-outcome")
    assert "TST-9" in dangling.message and dangling.loc.path == "sets/tst.yaml"


def test_a_syntax_error_does_not_make_the_program_report_the_set_missing(minimal: Path) -> None:
    _apply(minimal, CASES[0])  # a YAML syntax error in sets/tst.yaml
    _, diags = check_curriculum(minimal, base=minimal)
    assert [d.code for d in diags] == ["yaml-syntax"], [d.render() for d in diags]


def test_a_lone_quote_in_lesson_prose_is_not_blamed_for_a_later_syntax_error(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("      Put three books in order.", '      Kim says: "put three books in order.', 1)
    text = text.replace("      prompt: Which part of", "      prompt: Which: part of", 1)
    f.write_text(text, encoding="utf-8")
    _, diags = check_curriculum(minimal, base=minimal)
    (d,) = diags
    assert d.code == "yaml-syntax" and d.loc.line == 31
    assert d.hint and "not closed" not in d.hint and "must be quoted" in d.hint
