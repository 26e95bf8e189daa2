"""Audit the bundled curriculum against issue 4's content requirements.

The checker (`coursepack check`) knows nothing about how *much* content a set
has or how good its feedback is; those are editorial rules of this curriculum,
not of the file format, so they live here. The tests call `audit_set`; run the
module to print the per-set counts table for a release note:

    .venv/bin/python -m tests.curriculum.audit [curriculum-folder]
"""

from __future__ import annotations

import functools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from builder.resolve.course import resolve
from builder.rules.check import check_curriculum
from builder.source.model import (
    ITEM_TYPES,
    Bloom,
    CompetencySet,
    FillIn,
    Matching,
    MultipleChoice,
    Ordering,
    SingleChoice,
    TrueFalse,
)

OUTCOMES = (6, 8)
LESSONS = (3, 5)
LESSON_WORDS = (400, 900)
ITEMS = (12, 20)
GLOSSARY = (8, 15)
MIN_SCENARIOS = 3
MIN_CRITERIA = 4
MIN_LEVELS = 3  # the LSSC's own scale: met, partially met, not met
# A verdict alone ("Correct.", "Not quite.") says nothing about why; this many
# words must remain once the verdict is stripped.
MIN_WHY_WORDS = 6
MIN_DESCRIPTOR_WORDS = 5
WORKED_EXAMPLE = "a day at the desk"
PRACTICE = "at your desk"

_WORD = re.compile(r"[A-Za-z0-9'’-]+")
_VERDICT = re.compile(
    r"^\s*(correct|incorrect|right|wrong|yes|no|not quite|not this one|exactly|true|false|well done)\b[.!,:;—-]*\s*",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^#{2,4}\s+(.+?)\s*$", re.MULTILINE)
_BLOCK = re.compile(r"^:{3,}\s*(?:case-study|activity)\s+(.+?)\s*$", re.MULTILINE)  # a lesson block's title
MIN_PRACTICE_WORDS = 30


def words(markdown: str) -> int:
    return len(_WORD.findall(markdown))


def why_words(feedback: str) -> int:
    """Words left after a leading verdict: the part that explains."""
    return words(_VERDICT.sub("", feedback, count=1))


def term_used(term: str, text: str) -> bool:
    """Whole-word, case-insensitive, allowing a plural or possessive ending."""
    pattern = r"(?<![\w-])" + re.escape(term) + r"(s|es|'s|’s)?(?![\w-])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def feedback_of(item: object) -> list[tuple[str, str]]:
    """(label, text) for every piece of per-answer feedback an item carries."""
    out: list[tuple[str, str]] = []
    if isinstance(item, SingleChoice | MultipleChoice):
        out += [(f"choice {i + 1}", c.feedback) for i, c in enumerate(item.choices)]
    elif isinstance(item, TrueFalse):
        out += [("true", item.feedback_true), ("false", item.feedback_false)]
    elif isinstance(item, FillIn | Matching | Ordering):
        out += [("correct", item.feedback_correct), ("incorrect", item.feedback_incorrect)]
    return out


@dataclass(frozen=True)
class SetAudit:
    code: str
    outcomes: int
    blooms: dict[str, int]
    lessons: int
    lesson_words: tuple[int, ...]
    items_by_type: dict[str, int]
    scenarios: int
    criteria: int
    levels: int
    glossary: int
    problems: tuple[str, ...]

    @property
    def items(self) -> int:
        return sum(self.items_by_type.values())


def _between(label: str, n: int, bounds: tuple[int, int]) -> list[str]:
    lo, hi = bounds
    return [] if lo <= n <= hi else [f"{label}: {n}, want {lo}-{hi}"]


def _lesson_problems(m: CompetencySet) -> list[str]:
    out: list[str] = []
    for lesson in m.lessons:
        out += _between(f"{lesson.id} words", words(lesson.body), LESSON_WORDS)
        headings = [h.casefold() for h in _HEADING.findall(lesson.body) + _BLOCK.findall(lesson.body)]
        if WORKED_EXAMPLE not in headings:
            out.append(f"{lesson.id}: no '### A day at the desk' worked example")
        if PRACTICE not in headings:
            out.append(f"{lesson.id}: no '### At your desk' practice activity")
        else:
            practice = re.split(r"^(?:#{2,4}|:{3,}\s*activity)\s+at your desk\s*$", lesson.body,
                                flags=re.IGNORECASE | re.MULTILINE)[1]
            if words(practice) < MIN_PRACTICE_WORDS:
                out.append(f"{lesson.id}: the practice activity is only {words(practice)} words")
    return out


def _item_problems(m: CompetencySet) -> list[str]:
    out: list[str] = []
    items = m.assessment.items
    out += _between("items", len(items), ITEMS)
    missing = set(ITEM_TYPES) - {it.type for it in items}
    if missing:
        out.append(f"item types never used: {sorted(missing)}")
    scenarios = sum(it.scenario for it in items)
    if scenarios < MIN_SCENARIOS:
        out.append(f"scenario items: {scenarios}, want >= {MIN_SCENARIOS}")
    for it in items:
        texts = feedback_of(it)
        for label, text in texts:
            if why_words(text) < MIN_WHY_WORDS:
                out.append(f"{it.id} {label}: feedback does not explain why: {text.strip()!r}")
        if len({t.strip() for _, t in texts}) < len(texts):
            out.append(f"{it.id}: two answers share the same feedback")
        if isinstance(it, SingleChoice | MultipleChoice):
            if len({c.text.casefold() for c in it.choices}) < len(it.choices):
                out.append(f"{it.id}: duplicate choice text")
            if isinstance(it, SingleChoice) and len(it.choices) < 3:
                out.append(f"{it.id}: a single-choice item needs at least two distractors")
            if all(c.correct for c in it.choices):
                out.append(f"{it.id}: every choice is correct, nothing to tell apart")
        if isinstance(it, Matching):
            lefts, rights = [p.left for p in it.pairs], [p.right for p in it.pairs]
            if len(set(lefts)) < len(lefts) or len(set(rights)) < len(rights):
                out.append(f"{it.id}: a matching side repeats a value")
        if isinstance(it, Ordering) and len(set(it.sequence)) < len(it.sequence):
            out.append(f"{it.id}: an ordering step repeats")
    out += _order_problems(m)
    return out


def _order_problems(m: CompetencySet) -> list[str]:
    """Printed guides and unshuffled players show choices in source order, so a
    pattern in that order gives the answer away."""
    out: list[str] = []
    singles = [it for it in m.assessment.items if isinstance(it, SingleChoice)]
    multis = [it for it in m.assessment.items if isinstance(it, MultipleChoice)]
    for kind, group in (("single-choice", singles), ("multiple-choice", multis)):
        if group and all(it.choices[0].correct for it in group):
            out.append(f"the first choice is correct in every {kind} item")
    positions = {[c.correct for c in it.choices].index(True) for it in singles}
    if len(singles) > 1 and len(positions) == 1:
        out.append(f"every single-choice answer is choice {positions.pop() + 1}")
    if multis and all(_distractors_last(it) for it in multis):
        out.append("every multiple-choice item lists its distractors last")
    return out


def _distractors_last(item: MultipleChoice) -> bool:
    marks = [c.correct for c in item.choices]
    return marks == sorted(marks, reverse=True)


def duplicate_prompts(models: list[CompetencySet]) -> list[str]:
    """Prompts that appear more than once anywhere in the curriculum (whitespace and case ignored)."""
    seen = Counter(" ".join(it.prompt.split()).casefold() for m in models for it in m.assessment.items)
    return sorted(p for p, n in seen.items() if n > 1)


def _coverage_problems(m: CompetencySet) -> list[str]:
    out: list[str] = []
    items = m.assessment.items
    for o in m.outcomes:
        mine = [it for it in items if o.id in it.outcomes]
        types = {it.type for it in mine}
        if len(mine) < 2 or len(types) < 2:
            out.append(f"{o.id}: assessed by {len(mine)} item(s) of {len(types)} type(s), want >= 2 of >= 2")
        if not any(o.id in lesson.outcomes for lesson in m.lessons):
            out.append(f"{o.id}: no lesson teaches it")
    return out


@functools.cache
def bundled_scale() -> tuple[tuple[str, int], ...]:
    """The bundled programme's evaluation scale, which rubrics without `levels` rate on."""
    sources, _ = check_curriculum(Path(__file__).resolve().parents[2] / "curriculum")
    evaluation = sources.program.evaluation if sources else None
    return tuple((lv.name, lv.points) for lv in evaluation.scale) if evaluation else ()


def _portfolio_problems(m: CompetencySet) -> list[str]:
    if len(m.portfolio) != 1:
        return [f"portfolio tasks: {len(m.portfolio)}, want 1"]
    out: list[str] = []
    task = m.portfolio[0]
    rubric = task.rubric
    levels = [(lv.name, lv.points) for lv in rubric.levels] or list(bundled_scale())
    if len(rubric.criteria) < MIN_CRITERIA or len(levels) < MIN_LEVELS:
        out.append(f"rubric {len(rubric.criteria)} x {len(levels)}, want >= {MIN_CRITERIA} x {MIN_LEVELS}")
    points = [pts for _, pts in levels]
    if len(set(points)) < len(points) or points not in (sorted(points), sorted(points, reverse=True)):
        out.append(f"rubric level points are not strictly ordered: {points}")
    for c in rubric.criteria:
        if len(c.descriptors) != len(levels):
            out.append(f"criterion {c.name!r}: {len(c.descriptors)} descriptors for {len(levels)} levels")
        if len(set(c.descriptors)) < len(c.descriptors):
            out.append(f"criterion {c.name!r}: two levels share a descriptor")
        thin = [d for d in c.descriptors if words(d) < MIN_DESCRIPTOR_WORDS]
        if thin:
            out.append(f"criterion {c.name!r}: descriptors too thin to grade by: {thin}")
    untouched = {o.id for o in m.outcomes} - set(task.outcomes)
    if untouched:
        out.append(f"portfolio leaves outcomes out: {sorted(untouched)}")
    return out


def _glossary_problems(m: CompetencySet) -> list[str]:
    out = _between("glossary terms", len(m.glossary), GLOSSARY)
    bodies = "\n".join(lesson.body for lesson in m.lessons)
    out += [f"glossary term never used in a lesson: {g.term!r}" for g in m.glossary if not term_used(g.term, bodies)]
    return out


def audit_set(m: CompetencySet) -> SetAudit:
    problems = (
        _between("outcomes", len(m.outcomes), OUTCOMES)
        + _between("lessons", len(m.lessons), LESSONS)
        + _lesson_problems(m)
        + _item_problems(m)
        + _coverage_problems(m)
        + _portfolio_problems(m)
        + _glossary_problems(m)
    )
    types: Counter[str] = Counter(it.type for it in m.assessment.items)
    rubric = m.portfolio[0].rubric if m.portfolio else None
    return SetAudit(
        code=m.code,
        outcomes=len(m.outcomes),
        blooms={b.value: n for b in Bloom if (n := sum(o.bloom is b for o in m.outcomes))},
        lessons=len(m.lessons),
        lesson_words=tuple(words(lesson.body) for lesson in m.lessons),
        items_by_type={t: types[t] for t in ITEM_TYPES},
        scenarios=sum(it.scenario for it in m.assessment.items),
        criteria=len(rubric.criteria) if rubric else 0,
        levels=len(rubric.levels or bundled_scale()) if rubric else 0,
        glossary=len(m.glossary),
        problems=tuple(problems),
    )


_SHORT = {
    "single_choice": "SC",
    "multiple_choice": "MC",
    "true_false": "TF",
    "fill_in": "FI",
    "matching": "MA",
    "ordering": "OR",
}


def table(audits: list[SetAudit]) -> str:
    """Markdown table of the per-set counts."""
    head = [
        "set",
        "outcomes",
        "bloom R/U/Ap/An/E/C",
        "lessons",
        "words (min-max)",
        "items",
        *_SHORT.values(),
        "scen.",
        "rubric",
        "gloss.",
    ]
    rows = [head, ["---"] * len(head)]
    for a in audits:
        w = a.lesson_words
        rows.append(
            [
                a.code,
                str(a.outcomes),
                "/".join(str(a.blooms.get(b.value, 0)) for b in Bloom),
                str(a.lessons),
                f"{sum(w)} ({min(w)}-{max(w)})",
                str(a.items),
                *(str(a.items_by_type[t]) for t in _SHORT),
                str(a.scenarios),
                f"{a.criteria}x{a.levels}",
                str(a.glossary),
            ]
        )
    return "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "curriculum"
    sources, diags = check_curriculum(folder)
    for d in diags:
        print(d.render(), file=sys.stderr)
    if sources is None:
        return 1
    order = [s.code for s in resolve(sources).sets]  # program order: required sets first
    models = sorted((s.model for s in sources.sets), key=lambda m: order.index(m.code))
    audits = [audit_set(m) for m in models]
    print(table(audits), end="")
    for a in audits:
        for p in a.problems:
            print(f"{a.code}: {p}")
    dupes = duplicate_prompts(models)
    for p in dupes:
        print(f"duplicate prompt: {p!r}")
    return 1 if diags or dupes or any(a.problems for a in audits) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
