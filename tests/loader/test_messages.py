"""Each mistake issue 21 lists, made in a copy of the minimal project: `coursepack check` prints where
it is (file:line:col), quotes that line with a caret under the column, and a hint that is the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.cli import main


@dataclass(frozen=True)
class Mistake:
    name: str
    file: str
    old: str
    new: str
    where: str  # "file:line:col: severity[code]"
    quoted: str  # the source line as printed under it
    hint: str  # a fragment of the fix


SET, PROGRAM = "sets/tst.yaml", "program.yaml"
MISTAKES = [
    Mistake("comma in a {...} mapping", SET, "glossary:\n",
            "glossary:\n  - {term: plate, definition: a flat dish, for food}\n",
            "sets/tst.yaml:97:44: error[yaml-comma-in-value]", "  - {term: plate, definition: a flat dish, for food}",
            'e.g. - {term: plate, definition: "a flat dish, for food"}'),
    Mistake("missing colon", SET, "  - id: TST-2", "  - id TST-2", "sets/tst.yaml:9:7: error[yaml-missing-colon]",
            "  - id TST-2", "write `id: TST-2`"),
    Mistake("misindented key", SET, "    bloom: apply", "   bloom: apply",
            "sets/tst.yaml:11:4: error[yaml-indentation]", "   bloom: apply",
            "`statement:` on line 10 starts in column 5"),
    Mistake("mastery score as a percentage", SET, "mastery_score: 0.75", "mastery_score: 75",
            "sets/tst.yaml:23:18: error[bad-value]", "  mastery_score: 75", "write 0.75 for 75 %"),
    Mistake("minutes with a unit", SET, "minutes: 10", "minutes: 25 min",
            "sets/tst.yaml:16:14: error[wrong-type]", "    minutes: 25 min", "`minutes: 25`"),
    Mistake("route given as a word", PROGRAM,
            "  - id: course\n    title: By course\n    description: Pass the assessment.",
            "  - course", "program.yaml:11:5: error[wrong-type]", "  - course",
            "id: ... title: ... description: ..."),
    Mistake("empty text", SET, "title: Call numbers", 'title: ""', "sets/tst.yaml:14:12: error[bad-value]",
            '    title: ""', "write the title after `title:`"),
    Mistake("language without strings", PROGRAM, "language: en", "language: fr",
            "program.yaml:6:11: error[language-strings]", "language: fr", "write `language: en`"),
    Mistake("lowercase set code", SET, "code: TST", "code: tst", "sets/tst.yaml:1:7: error[bad-id]", "code: tst",
            "write TST"),
    Mistake("requirement in both forms", PROGRAM, "  - required: [TST]", "  - required: [TST]\n    choose: 1",
            "program.yaml:9:5: error[bad-value]", "  - required: [TST]", "`code:` values of your set files"),
    Mistake("one outcome without brackets", SET, "outcomes: [TST-1]\n      bloom: remember",
            "outcomes: TST-1\n      bloom: remember", "sets/tst.yaml:29:17: error[wrong-type]",
            "      outcomes: TST-1", "`outcomes: [TST-1]`"),
    Mistake("a word for a boolean", SET, "shuffle: false", "shuffle: sometimes",
            "sets/tst.yaml:24:12: error[wrong-type]", "  shuffle: sometimes",
            "write `shuffle: true` or `shuffle: false`"),
    Mistake("portfolio task without a portfolio route", PROGRAM,
            "  - id: portfolio\n    title: By portfolio\n    description: Submit the portfolio task for review.\n", "",
            "sets/tst.yaml:83:1: warning[portfolio-without-route]", "portfolio:", "add `- id: portfolio`"),
]


@pytest.mark.parametrize("m", MISTAKES, ids=[m.name for m in MISTAKES])
def test_check_prints_the_line_a_caret_and_the_fix(
    m: Mistake, minimal: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    f = minimal / m.file
    text = f.read_text(encoding="utf-8")
    assert m.old in text
    f.write_text(text.replace(m.old, m.new, 1), encoding="utf-8")
    monkeypatch.chdir(minimal)
    assert main(["check", "--strict", "."]) == 1
    lines = capsys.readouterr().err.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(m.where)]
    assert starts, "\n".join(lines)
    i = starts[0]
    line_no, col = m.where.split(":")[1:3]
    assert lines[i + 1] == f"  {line_no} | {m.quoted}", "\n".join(lines[i : i + 4])
    assert lines[i + 2] == f"  {' ' * len(line_no)} | {' ' * (int(col) - 1)}^"
    assert lines[i + 3].startswith("  hint: ") and m.hint in lines[i + 3], lines[i + 3]
    assert not any("unknown key" in line for line in lines)  # no cascade from the same mistake


def test_hints_never_quote_another_programmes_codes(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = minimal / SET
    f.write_text(f.read_text().replace("- id: TST-Q1", "- id: Q1").replace("code: TST", "code: TST\nkeywords: []"))
    p = minimal / PROGRAM
    p.write_text(p.read_text().replace("  - required: [TST]", "  - required: [TST]\n    from: [TST]"))
    main(["check", str(minimal)])
    err = capsys.readouterr().err
    assert "TST-Q7" in err or "TST-" in err
    for code in ("TEC", "FND", "COM", "ACC", "lssc", "sets/tec.yaml"):
        assert code not in err, err
