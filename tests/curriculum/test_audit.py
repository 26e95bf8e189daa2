"""The content rules must be able to fail: each test breaks one rule in a real set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import ValidationError

from builder.resolve.course import Course
from builder.rules.check import Sources, check_curriculum
from builder.source.model import ITEM_TYPES, Choice, CompetencySet, GlossaryEntry, MultipleChoice, SingleChoice

from . import audit

MINIMAL = Path(__file__).resolve().parents[1] / "projects" / "minimal"


@pytest.fixture
def fnd(checked: tuple[Sources, Course]) -> CompetencySet:
    sources, _ = checked
    model = next(s.model for s in sources.sets if s.model.code == "FND")
    assert audit.audit_set(model).problems == ()  # a clean baseline, so each test isolates its rule
    return model


def _with_items(m: CompetencySet, items: Sequence[object]) -> CompetencySet:
    return m.model_copy(update={"assessment": m.assessment.model_copy(update={"items": list(items)})})


def _problems(m: CompetencySet) -> str:
    return "\n".join(audit.audit_set(m).problems)


def test_empty_feedback_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        Choice(text="Renew it", feedback="  ")


def test_a_bare_verdict_is_not_an_explanation(fnd: CompetencySet) -> None:
    first = next(it for it in fnd.assessment.items if isinstance(it, SingleChoice))
    bare = first.choices[0].model_copy(update={"feedback": "Correct!"})
    broken = first.model_copy(update={"choices": [bare, *first.choices[1:]]})
    items = [broken if it is first else it for it in fnd.assessment.items]
    assert f"{first.id} choice 1: feedback does not explain why" in _problems(_with_items(fnd, items))
    assert audit.why_words("No. Basic borrowing is free to every resident.") == 7
    assert audit.why_words("Not quite.") == 0


def _correct_first(item: object) -> object:
    if isinstance(item, SingleChoice | MultipleChoice):
        ordered = sorted(item.choices, key=lambda c: not c.correct)
        return item.model_copy(update={"choices": ordered})
    return item


def test_answers_always_first_are_caught(fnd: CompetencySet) -> None:
    problems = _problems(_with_items(fnd, [_correct_first(it) for it in fnd.assessment.items]))
    assert "the first choice is correct in every single-choice item" in problems
    assert "the first choice is correct in every multiple-choice item" in problems
    assert "every single-choice answer is choice 1" in problems
    assert "every multiple-choice item lists its distractors last" in problems


def test_duplicate_prompts_are_caught_across_sets(checked: tuple[Sources, Course]) -> None:
    sources, _ = checked
    models = [s.model for s in sources.sets]
    prompt = models[0].assessment.items[0].prompt
    copied = models[1].assessment.items[0].model_copy(update={"prompt": "  " + prompt.upper() + "\n"})
    models[1] = _with_items(models[1], [copied, *models[1].assessment.items[1:]])
    assert audit.duplicate_prompts(models) == [" ".join(prompt.split()).casefold()]


def test_unused_glossary_term_is_caught(fnd: CompetencySet) -> None:
    extra = GlossaryEntry(term="bookmobile", definition="A vehicle that carries a small branch to where people are.")
    broken = fnd.model_copy(update={"glossary": [*fnd.glossary, extra]})
    assert "glossary term never used in a lesson: 'bookmobile'" in _problems(broken)


@pytest.mark.parametrize(
    ("term", "text", "used"),
    [
        ("hold", "Place two holds today.", True),
        ("hold", "Ask the card holder.", False),
        ("CREW", "the crew method", True),
    ],
)
def test_term_use_is_whole_word(term: str, text: str, used: bool) -> None:
    assert audit.term_used(term, text) is used


def test_outcome_needs_two_items_of_two_types(fnd: CompetencySet) -> None:
    items = [it for it in fnd.assessment.items if "FND-1" not in it.outcomes or it.type == "single_choice"]
    assert "FND-1: assessed by 1 item(s) of 1 type(s)" in _problems(_with_items(fnd, items))


def test_thin_rubric_is_caught(fnd: CompetencySet) -> None:
    task = fnd.portfolio[0]
    rubric = task.rubric.model_copy(update={"criteria": task.rubric.criteria[:3]})
    broken = fnd.model_copy(update={"portfolio": [task.model_copy(update={"rubric": rubric})]})
    assert "rubric 3 x 3, want >= 4 x 3" in _problems(broken)


def test_the_sample_project_fails_many_rules() -> None:
    """The tiny test project is far from a teachable set, and the audit says so."""
    sources, _ = check_curriculum(MINIMAL)
    assert sources is not None
    problems = _problems(sources.sets[0].model)
    for expected in [
        "outcomes: 2, want 6-8",
        "TST-L1 words:",
        "TST-L1: no '### A day at the desk' worked example",
        "TST-L1: the practice activity is only",
        "items: 6, want 12-20",
        "TST-Q2 choice 1: feedback does not explain why: 'Right.'",
        "rubric 1 x 2",
        "glossary terms: 1, want 8-15",
    ]:
        assert expected in problems, expected


def test_counts_table_lists_every_set(checked: tuple[Sources, Course]) -> None:
    sources, _ = checked
    audits = [audit.audit_set(s.model) for s in sources.sets]
    lines = audit.table(audits).splitlines()
    assert len(lines) == 2 + len(audits)
    fnd = next(a for a in audits if a.code == "FND")
    row = next(line for line in lines if line.startswith("| FND |"))
    assert f"| {sum(fnd.lesson_words)} ({min(fnd.lesson_words)}-{max(fnd.lesson_words)}) |" in row
    model = next(s.model for s in sources.sets if s.model.code == "FND")
    assert fnd.items_by_type == {t: sum(it.type == t for it in model.assessment.items) for t in ITEM_TYPES}
    assert fnd.lesson_words == tuple(audit.words(lesson.body) for lesson in model.lessons)
