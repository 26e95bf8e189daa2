"""Coverage matrix: flags fire on real gaps, and every output format shows them."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from builder.cli import main
from builder.resolve.course import Course, CourseSet
from builder.rules.check import Sources
from builder.source.model import Bloom
from builder.tools import matrix

from .conftest import CURRICULUM


def _fnd(checked: tuple[Sources, Course]) -> CourseSet:
    return next(s for s in checked[1].sets if s.code == "FND")


def _row(rows: list[matrix.Row], outcome: str) -> matrix.Row:
    return next(r for r in rows if r.outcome == outcome)


def test_gaps_are_flagged(checked: tuple[Sources, Course]) -> None:
    fnd = _fnd(checked)
    broken = dataclasses.replace(
        fnd,
        lessons=tuple(x for x in fnd.lessons if "FND-1" not in x.outcomes),
        items=tuple(it for it in fnd.items if not {"FND-1", "FND-8"} & set(it.outcomes) or it.type == "single_choice"),
        portfolio=(),
    )
    rows = matrix.rows_for(broken)
    assert _row(rows, "FND-1").gaps == ("not taught", "1 item(s), want 2")
    assert _row(rows, "FND-8").gaps == ("not assessed",)
    assert _row(rows, "FND-8").level is None
    assert _row(rows, "FND-5").gaps == ()


def test_items_below_the_stated_level_are_flagged(checked: tuple[Sources, Course]) -> None:
    fnd = _fnd(checked)
    # FND-7 is an evaluate outcome; drop its evaluate-level item
    weaker = dataclasses.replace(
        fnd, items=tuple(it for it in fnd.items if not ("FND-7" in it.outcomes and it.bloom is Bloom.evaluate))
    )
    row = _row(matrix.rows_for(weaker), "FND-7")
    assert row.highest_item_bloom is Bloom.apply
    assert row.level == "items reach apply < evaluate; only portfolio FND-P1 reaches evaluate"
    alone = _row(matrix.rows_for(dataclasses.replace(weaker, portfolio=())), "FND-7")
    assert alone.level == "items reach apply < evaluate; no portfolio task"
    assert _row(matrix.rows_for(fnd), "FND-7").level is None


def test_untagged_items_cannot_be_compared(checked: tuple[Sources, Course]) -> None:
    fnd = _fnd(checked)
    untagged = dataclasses.replace(fnd, items=tuple(dataclasses.replace(it, bloom=None) for it in fnd.items))
    assert {r.level for r in matrix.rows_for(untagged)} == {"item levels not stated"}


def test_text_csv_html_agree(checked: tuple[Sources, Course]) -> None:
    rows = matrix.matrix(checked[1])
    flagged = [r for r in rows if r.flags]
    assert flagged and all(r.level and not r.gaps for r in flagged)

    text = matrix.as_text(rows)
    assert text.splitlines()[0].split()[:3] == ["set", "outcome", "bloom"]
    course = checked[1]
    below = {
        it.id
        for s in course.sets
        for it in s.items
        if it.bloom is not None and any(it.bloom.rank < s.outcome(o).bloom.rank for o in it.outcomes)
    }
    create = {
        it.id
        for s in course.sets
        for it in s.items
        if it.id in below and any(s.outcome(o).bloom is Bloom.create for o in it.outcomes)
    }
    assert text.rstrip().endswith(
        f"{len(rows)} outcomes: 0 with coverage gaps, {len(flagged)} assessed by items below their Bloom level; "
        f"{len(below)} of {sum(len(s.items) for s in course.sets)} items sit below the level of an outcome they "
        f"assess ({len(create)} of them under create outcomes, which only a portfolio task reaches)"
    )

    table = list(csv.reader(io.StringIO(matrix.as_csv(rows))))
    assert tuple(table[0]) == matrix.HEADER and len(table) == len(rows) + 1
    by_outcome = {line[1]: line for line in table[1:]}
    for r in rows:
        assert by_outcome[r.outcome][4].split(": ")[1].split() == list(r.items)
        assert by_outcome[r.outcome][-1] == ("; ".join(r.flags) or "ok")

    page = matrix.as_html(rows, "LSSC <coverage>")
    assert "<title>LSSC &lt;coverage&gt;</title>" in page
    assert page.count("<tr>") + page.count('<tr class="level">') == len(rows) + 1  # +1: the header row
    assert page.count('<tr class="level">') == len(flagged)
    assert '<tr class="gap">' not in page


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_cli_matrix(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "--format", fmt, "--set", "RA,SUP", str(CURRICULUM)]) == 0
    out = capsys.readouterr().out
    assert "RA-6" in out and "SUP-8" in out and "FND-1" not in out
