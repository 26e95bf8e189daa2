"""The bundled LSSC curriculum: strict-clean, complete coverage, and content lint."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from builder import matrix
from builder.check import Sources, check_curriculum
from builder.course import Course, resolve
from builder.model import ITEM_TYPES, SingleChoice

REPO = Path(__file__).resolve().parents[2]
CURRICULUM = REPO / "curriculum"
CODES = ["FND", "COM", "TEC", "ACC", "RA", "CAT", "COL", "REF", "SUP", "YTH"]


@pytest.fixture(scope="module")
def checked() -> tuple[Sources, Course]:
    sources, diags = check_curriculum(CURRICULUM, base=REPO)
    assert not diags, "\n".join(d.render() for d in diags)  # strict: no warnings either
    assert sources is not None
    return sources, resolve(sources)


def test_all_ten_sets_in_program_order(checked: tuple[Sources, Course]) -> None:
    _, course = checked
    assert [s.code for s in course.sets] == CODES
    assert [s.required for s in course.sets] == [True] * 3 + [False] * 7
    rules = course.program.requirements
    assert rules[0].codes == ("FND", "COM", "TEC") and rules[0].choose is None
    assert rules[1].choose == 3 and len(rules[1].codes) == 7
    assert {r.id for r in course.program.routes} == {"course", "portfolio"}


def test_every_file_has_the_schema_line() -> None:
    for f in [CURRICULUM / "program.yaml", *sorted((CURRICULUM / "sets").glob("*.yaml"))]:
        assert f.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema="), f


def test_matrix_coverage_is_complete(checked: tuple[Sources, Course]) -> None:
    _, course = checked
    rows = matrix.matrix(course)
    problems = [(r.outcome, r.flags) for r in rows if {"not taught", "not assessed", "one item type"} & set(r.flags)]
    assert not problems


def _words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9'’-]+", markdown))


@pytest.mark.parametrize("code", CODES)
def test_set_shape(checked: tuple[Sources, Course], code: str) -> None:
    sources, _ = checked
    m = next(s.model for s in sources.sets if s.model.code == code)
    assert 6 <= len(m.outcomes) <= 8
    assert 3 <= len(m.lessons) <= 5
    for lesson in m.lessons:
        assert 400 <= _words(lesson.body) <= 900, (lesson.id, _words(lesson.body))
    items = m.assessment.items
    assert 12 <= len(items) <= 20
    assert {it.type for it in items} == set(ITEM_TYPES)
    assert sum(it.scenario for it in items) >= 3
    for o in m.outcomes:
        mine = [it for it in items if o.id in it.outcomes]
        assert len(mine) >= 2 and len({it.type for it in mine}) >= 2, o.id
    assert len(m.portfolio) == 1
    rubric = m.portfolio[0].rubric
    assert len(rubric.criteria) >= 4 and len(rubric.levels) >= 4
    assert 8 <= len(m.glossary) <= 15


@pytest.mark.parametrize("code", CODES)
def test_content_lint(checked: tuple[Sources, Course], code: str) -> None:
    sources, _ = checked
    m = next(s.model for s in sources.sets if s.model.code == code)
    texts: list[str] = []
    for it in m.assessment.items:
        for name in ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect"):
            if hasattr(it, name):
                texts.append(getattr(it, name))
        for c in getattr(it, "choices", []):
            texts.append(c.feedback)
    short = [t for t in texts if len(t.split()) < 4]
    assert not short, f"feedback too thin to explain why: {short}"
    singles = [it for it in m.assessment.items if isinstance(it, SingleChoice)]
    first_correct = [it.choices[0].correct for it in singles]
    assert not all(first_correct), "the correct answer is always the first choice"
    bodies = " ".join(lesson.body.lower() for lesson in m.lessons)
    unused = [g.term for g in m.glossary if g.term.lower() not in bodies]
    assert not unused, f"glossary terms never used in a lesson: {unused}"


def test_no_duplicate_prompts(checked: tuple[Sources, Course]) -> None:
    sources, _ = checked
    prompts = Counter(" ".join(it.prompt.split()).lower() for s in sources.sets for it in s.model.assessment.items)
    assert [p for p, n in prompts.items() if n > 1] == []
