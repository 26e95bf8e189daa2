"""Rubric criteria name the outcomes they evidence; a claimed outcome no criterion rates is a warning."""

from __future__ import annotations

from pathlib import Path

from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

ACCURACY = "        - name: Accuracy\n"


def _set(root: Path, task_outcomes: str, criterion: str) -> None:
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("    outcomes: [TST-2]\n    task:", f"    outcomes: [{task_outcomes}]\n    task:", 1)
    text = text.replace(ACCURACY, ACCURACY + f"          outcomes: [{criterion}]\n", 1)
    f.write_text(text, encoding="utf-8")


def _codes(root: Path) -> list[tuple[str, int, int]]:
    return [(d.code, d.loc.line, d.loc.col) for d in check_curriculum(root, base=root)[1]]


def test_criteria_without_outcomes_are_not_judged(minimal: Path) -> None:
    _set(minimal, "TST-1, TST-2", "TST-2")
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("          outcomes: [TST-2]\n          descriptors", "          descriptors"))
    assert _codes(minimal) == []


def test_a_claimed_outcome_no_criterion_rates_is_a_warning_at_the_claim(minimal: Path) -> None:
    _set(minimal, "TST-1, TST-2", "TST-2")
    assert _codes(minimal) == [("outcome-not-in-rubric", 86, 16)]  # at TST-1 in the task's outcomes


def test_a_criterion_outcome_must_exist_and_be_claimed(minimal: Path) -> None:
    _set(minimal, "TST-2", "TST-2, TST-1, TST-9")
    found = {(c, line) for c, line, _ in _codes(minimal)}
    assert found == {("criterion-outcome-unclaimed", 95), ("unknown-outcome", 95)}


def test_the_course_carries_the_criterion_outcomes(minimal: Path) -> None:
    _set(minimal, "TST-2", "TST-2")
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None and diags == []
    course = resolve(sources)
    (crit,) = course.sets[0].portfolio[0].criteria
    assert crit.outcomes == ("TST-2",)


def test_the_matrix_counts_a_task_only_for_the_outcomes_its_criteria_rate(minimal: Path) -> None:
    from builder.tools.matrix import matrix

    _set(minimal, "TST-1, TST-2", "TST-2")
    sources, _ = check_curriculum(minimal, base=minimal)
    assert sources is not None
    rows = {r.outcome: r.portfolio for r in matrix(resolve(sources))}
    assert rows == {"TST-1": (), "TST-2": ("TST-P1",)}


def test_the_change_log_says_when_criteria_rate_other_outcomes(minimal: Path, tmp_path: Path) -> None:
    import shutil

    from builder.tools.diff import as_markdown, compare

    old = tmp_path / "old"
    shutil.copytree(minimal, old)
    _set(minimal, "TST-2", "TST-2")
    courses = []
    for root in (old, minimal):
        sources, _ = check_curriculum(root, base=root)
        assert sources is not None
        courses.append(resolve(sources))
    text = as_markdown(compare(*courses), "old", "new")
    assert "| portfolio task TST-P1 (Shelf check) · rubric criterion 1 · outcomes | (none) | TST-2 |" in text, text
