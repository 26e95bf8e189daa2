"""What the YAML says Moodle should end up with: scripted learners at the mastery edges, and their
expected scores, statuses and outcome results, computed from the resolved Course (not from the player)."""

from __future__ import annotations

from dataclasses import dataclass

from builder.resolve.course import CourseSet


def percent(got: int, total: int) -> float:
    """The score as the player rounds it (two decimals)."""
    return round(100 * got / total, 2)


@dataclass(frozen=True)
class Script:
    """A learner who answers every item right except `wrong`."""

    wrong: frozenset[str]
    pct: float
    passed: bool


def _subsets(points: dict[str, int]) -> dict[int, frozenset[str]]:
    """One set of items for every total of points that some set of items adds up to."""
    found: dict[int, frozenset[str]] = {0: frozenset()}
    for item, p in sorted(points.items()):
        for total, items in list(found.items()):
            found.setdefault(total + p, items | {item})
    return found


def edges(cset: CourseSet) -> tuple[Script, Script]:
    """The lowest passing score and the highest failing score this set's items can give."""
    points = {it.id: it.points for it in cset.items}
    total, mastery = sum(points.values()), round(cset.mastery_score * 100, 2)
    scripts = [Script(items, percent(total - lost, total), percent(total - lost, total) >= mastery)
               for lost, items in _subsets(points).items()]
    passing = min((s for s in scripts if s.passed), key=lambda s: (s.pct, sorted(s.wrong)))
    failing = max((s for s in scripts if not s.passed), key=lambda s: (s.pct, sorted(s.wrong)))
    return passing, failing


def outcome_results(cset: CourseSet, wrong: frozenset[str]) -> dict[str, tuple[float, bool]]:
    """Per outcome: (score %, met) after answering every item, `wrong` ones wrong."""
    mastery = round(cset.mastery_score * 100, 2)
    results = {}
    for outcome in cset.outcomes:
        items = [it for it in cset.items if outcome.id in it.outcomes]
        if not items:
            continue
        got = sum(it.points for it in items if it.id not in wrong)
        pct = percent(got, sum(it.points for it in items))
        results[outcome.id] = (pct, pct >= mastery)
    return results
