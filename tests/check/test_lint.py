"""Item-writing lint: each cue at the item's line and column, thresholds and waivers from program.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.rules.check import check_curriculum
from builder.rules.diagnostics import Diagnostic

CUES = Path(__file__).parent.parent / "projects" / "lint-cues"


@pytest.fixture
def cues(tmp_path: Path) -> Path:
    shutil.copytree(CUES, tmp_path / "cues")
    return tmp_path / "cues"


def _diags(root: Path) -> list[Diagnostic]:
    return check_curriculum(root, base=root)[1]


def _found(root: Path) -> list[tuple[str, str, int, int]]:
    return sorted((d.code, d.loc.path, d.loc.line, d.loc.col) for d in _diags(root))


def test_every_cue_is_a_warning_at_its_source_position(cues: Path) -> None:
    assert _found(cues) == sorted([
        ("key-longest", "sets/cue.yaml", 22, 11),  # the first such item's id
        ("option-length", "sets/cue.yaml", 28, 18),  # at the longest choice
        ("negative-stem", "sets/cue.yaml", 39, 15),
        ("all-none-of-above", "sets/cue.yaml", 43, 18),
        ("hedged-feedback", "sets/cue.yaml", 49, 68),  # at the key's feedback
        ("absolute-key", "sets/cue.yaml", 56, 18),
        ("option-length", "sets/cue.yaml", 56, 18),
        ("true-false-balance", "sets/cue.yaml", 59, 106),
        ("select-all-pattern", "sets/cue.yaml", 63, 11),
        ("duplicate-passage", "sets/two.yaml", 13, 11),  # the paragraph's first line
        ("duplicate-item", "sets/two.yaml", 23, 15),
    ])
    assert all(d.severity.value == "warning" for d in _diags(cues))


def test_messages_name_the_items_and_the_counts(cues: Path) -> None:
    text = "\n".join(d.render() for d in _diags(cues))
    assert "set CUE: the key is the longest choice in 4 of 5 single-choice items" in text
    assert "set CUE: 4 of 4 true/false items are keyed false" in text
    assert "set CUE: every select-all item has 2 right choices" in text
    assert "item CUE-Q4: the key's feedback says 'usually'" in text
    assert "item TWO-Q1: this item shares 88% of its words with item CUE-Q1 at sets/cue.yaml:25:15" in text


def test_a_negative_word_in_emphasis_or_capitals_is_fine(cues: Path) -> None:
    f = cues / "sets" / "cue.yaml"
    f.write_text(f.read_text().replace("Which of these is not part", "Which of these is **not** part"))
    assert "negative-stem" not in [d.code for d in _diags(cues)]
    f.write_text(f.read_text().replace("**not**", "NOT"))
    assert "negative-stem" not in [d.code for d in _diags(cues)]


def test_a_qualified_key_may_have_hedged_feedback(cues: Path) -> None:
    f = cues / "sets" / "cue.yaml"
    edition = "What does a new edition statement"
    f.write_text(f.read_text().replace(edition, edition + " most likely"))
    assert "hedged-feedback" not in [d.code for d in _diags(cues)]


def test_thresholds_and_waivers_come_from_the_program(cues: Path) -> None:
    p = cues / "program.yaml"
    p.write_text(p.read_text().replace("  min_items: 2\n", "  min_items: 6\n  option_length_ratio: 20\n"
                                       "  ignore: [duplicate-passage, 'absolute-key:CUE-Q5']\n"))
    assert sorted({code for code, *_ in _found(cues)}) == [
        "all-none-of-above", "duplicate-item", "hedged-feedback", "negative-stem"]
    p.write_text(p.read_text().replace("  min_items: 6\n", "  enabled: false\n"))
    assert _diags(cues) == []


def test_a_waiver_must_look_like_a_code(cues: Path) -> None:
    p = cues / "program.yaml"
    p.write_text(p.read_text() + "  ignore: [Option Length]\n")
    (err,) = [d for d in _diags(cues) if d.severity.value == "error"]
    assert (err.loc.path, err.loc.line) == ("program.yaml", 15), err.render()


def test_the_sample_projects_and_examples_are_clean() -> None:
    root = Path(__file__).parent.parent.parent
    for folder in (root / "tests" / "projects" / "minimal", root / "docs" / "examples"):
        assert [d.render() for d in check_curriculum(folder, base=folder)[1]] == []


def test_a_negative_in_a_relative_clause_is_no_negative_stem(cues: Path) -> None:
    f = cues / "sets" / "cue.yaml"
    f.write_text(f.read_text().replace("Which of these is not part of a call number?",
                                       "Which part helps patrons who cannot see the shelf well?"))
    assert "negative-stem" not in [d.code for d in _diags(cues)]


def test_a_pattern_spread_over_sets_is_a_programme_finding(cues: Path) -> None:
    two = cues / "sets" / "two.yaml"
    two.write_text(two.read_text() + "".join(
        f"    - {{id: TWO-Q{n}, type: true_false, outcomes: [TWO-1], prompt: Statement {n} about consortia.,"
        f" answer: false, feedback_true: No., feedback_false: Right.}}\n" for n in (2, 3)))
    p = cues / "program.yaml"
    p.write_text(p.read_text().replace("  min_items: 2\n", "  min_items: 5\n"))
    (d,) = [d for d in _diags(cues) if d.code == "true-false-balance"]
    assert d.message == "the programme: 6 of 6 true/false items are keyed false", d.message
    p.write_text(p.read_text() + "  ignore: ['true-false-balance:programme']\n")
    assert "true-false-balance" not in [d.code for d in _diags(cues)]


def test_only_the_question_and_the_key_can_qualify_a_key(cues: Path) -> None:
    f = cues / "sets" / "cue.yaml"
    edition = "What does a new edition statement"
    f.write_text(f.read_text().replace(edition, "Many records may match a book. " + edition))
    assert "hedged-feedback" in [d.code for d in _diags(cues)]
