"""A seeded cohort with planted properties, what coursepack's player would send for it, and an independent
computation of every figure the analysis reports (plain loops and textbook formulas, no builder code).

Planted in a set: HARD (an item nearly everyone misses), REVERSED (one only weak learners get right, the strong
choose one lure), DEAD (a distractor nobody chooses). Every other item follows ability with a little noise, and every
wrong answer to a choice item is spread over all its distractors, so nothing else is flagged."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from typing import Any

from builder.resolve.course import CourseSet
from builder.resolve.items import Item, response_options

N_LEARNERS = 36
SEED = 2201


@dataclass(frozen=True)
class Plan:
    hard: str
    reversed: str
    dead: str


@dataclass
class Answer:
    item: Item
    correct: bool
    keys: tuple[str, ...]  # chosen option keys (choice items), else ()
    response_12: str
    response_2004: str
    partial: float


@dataclass
class Learner:
    username: str
    ability: float
    answers: list[Answer] = field(default_factory=list)

    def total(self) -> float:
        return sum(a.item.points for a in self.answers if a.correct)

    def maximum(self) -> float:
        return sum(a.item.points for a in self.answers)


def plan_for(cset: CourseSet) -> Plan:
    singles = [it.id for it in cset.items if it.type == "single_choice" and len(response_options(it)) >= 4]
    return Plan(hard=singles[0], reversed=singles[1], dead=singles[2])


def _responses(it: Item, correct: bool, n: int) -> tuple[tuple[str, ...], str, str, float]:
    """(chosen keys, 1.2 response, 2004 response, partial credit) for a right or a wrong answer; the n-th wrong
    answer to a choice item names the n-th distractor in turn."""
    wrong = [o.key for o in response_options(it) if not o.correct]
    if it.type == "true_false":
        key = it.correct_keys[0] if correct else wrong[0]
        return (key,), key[0], key, float(correct)
    if it.type == "single_choice":
        key = it.correct_keys[0] if correct else wrong[n % len(wrong)]
        return (key,), key, key, float(correct)
    if it.type == "multiple_choice":
        keys = set(it.correct_keys) | (set() if correct else {wrong[n % len(wrong)]})
        ordered = tuple(o.key for o in response_options(it) if o.key in keys)
        share = 1.0 if correct else (len(response_options(it)) - 1) / len(response_options(it))
        return ordered, ",".join(ordered), "[,]".join(ordered), share
    if it.type == "fill_in":
        text = it.answers[0] if correct else "no idea"
        return (), text, text, float(correct)
    targets = [o.key for o in response_options(it)]
    if not correct:
        targets[0], targets[1] = targets[1], targets[0]
    share = 1.0 if correct else (len(targets) - 2) / len(targets)
    if it.type == "matching":
        src = [s.key if k < 9 else "abcdefghijklmnopq"[k - 9] for k, s in enumerate(it.sources)]
        return (), ",".join(f"{s}.{t}" for s, t in zip(src, targets, strict=True)), "[,]".join(
            f"{s.key}[.]{t}" for s, t in zip(it.sources, targets, strict=True)), share
    return (), ",".join(targets), "[,]".join(targets), share  # ordering


def cohort(cset: CourseSet, prefix: str, plan: Plan, n: int = N_LEARNERS) -> list[Learner]:
    rng = random.Random(SEED)
    normal = [it for it in cset.items if it.id not in (plan.hard, plan.reversed, plan.dead)]
    difficulty = {it.id: 0.3 + 0.4 * k / max(1, len(normal) - 1) for k, it in enumerate(normal)}
    difficulty[plan.dead] = 0.5
    learners = [Learner(f"{prefix}{j:02d}", (j + 0.5) / n) for j in range(n)]
    rng.shuffle(learners)  # the report's order is not the ability order
    wrong_count: dict[str, int] = {}
    for learner in learners:
        for it in cset.items:
            if it.id == plan.hard:
                correct = learner.ability > 1 - 1.5 / n  # the strongest learner only
            elif it.id == plan.reversed:
                correct = learner.ability < 0.4
            else:
                correct = learner.ability + rng.uniform(-0.12, 0.12) > difficulty[it.id]
            k = wrong_count.get(it.id, 0)
            if not correct:
                wrong_count[it.id] = k + 1
            if it.id == plan.reversed and not correct and learner.ability > 0.7:
                k = 0  # the strong fall for the first distractor; the middle spread over all
            if it.id == plan.dead and not correct:
                k = k % 2  # the third distractor: nobody
            keys, r12, r2004, share = _responses(it, correct, k)
            learner.answers.append(Answer(it, correct, keys, r12, r2004, share))
    return learners


# ---------------------------------------------------------------- what the player sends


def patterns(it: Item, v12: bool) -> list[str]:
    sep, pair = ("," if v12 else "[,]"), ("." if v12 else "[.]")
    if it.type == "fill_in":
        flag = "true" if it.case_sensitive else "false"
        return list(it.answers) if v12 else [f"{{case_matters={flag}}}{a}" for a in it.answers]
    if it.type == "true_false":
        return [it.correct_keys[0][0] if v12 else it.correct_keys[0]]
    if it.type == "matching":
        src = [s.key if not v12 or k < 9 else "abcdefghijklmnopq"[k - 9] for k, s in enumerate(it.sources)]
        return [sep.join(f"{s}{pair}{o.key}" for s, o in zip(src, response_options(it), strict=True))]
    return [sep.join(it.correct_keys)]


TYPES = {"single_choice": "choice", "multiple_choice": "choice", "true_false": "true-false", "fill_in": "fill-in",
         "matching": "matching", "ordering": "sequencing"}


def as_tracks(learner: Learner, version: str) -> dict[str, Any]:
    v12 = version == "1.2"
    interactions = []
    for k, a in enumerate(learner.answers):
        it = a.item
        interactions.append({
            "id": it.id, "type": TYPES[it.type], "objectives": list(it.outcomes), "patterns": patterns(it, v12),
            "response": a.response_12 if v12 else a.response_2004,
            "result": "correct" if a.correct else ("wrong" if v12 else "incorrect"),
            "latency": f"0000:00:{10 + k:02d}.00" if v12 else f"PT0H0M{10 + k}.00S",
            "time": "10:00:00" if v12 else "2026-12-01T10:00:00.00Z", "weighting": it.points})
    raw = round(100 * learner.total() / learner.maximum(), 2)
    return {"username": learner.username, "version": version, "interactions": interactions, "raw": raw, "max": 100,
            "status": "passed" if raw >= 80 else "failed"}


# ---------------------------------------------------------------- independent figures


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return None if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


def figures(cset: CourseSet, learners: list[Learner], only: set[str] | None = None) -> dict[str, Any]:
    """Per item: n, facility, partial, rpb, upper-lower, option shares; per set: KR-20, alpha; per outcome: mastery.
    `only`: the items a quiz held (the others were never answered)."""
    if only is not None:
        keep = [k for k, it in enumerate(cset.items) if it.id in only]
        cset = replace(cset, items=tuple(cset.items[k] for k in keep))
        learners = [Learner(lr.username, lr.ability, [lr.answers[k] for k in keep]) for lr in learners]
    n = len(learners)
    totals = [lr.total() for lr in learners]
    g = max(1, round(0.27 * n))
    upper = sorted(range(n), key=lambda j: -totals[j])[:g]
    lower = sorted(range(n), key=lambda j: totals[j])[:g]
    items: dict[str, dict[str, Any]] = {}
    for k, it in enumerate(cset.items):
        x = [1.0 if lr.answers[k].correct else 0.0 for lr in learners]
        rest = [t - it.points * xi for t, xi in zip(totals, x, strict=True)]
        shares = {o.key: sum(o.key in lr.answers[k].keys for lr in learners) / n for o in response_options(it)}
        items[it.id] = {
            "n": n, "facility": sum(x) / n, "partial": sum(lr.answers[k].partial for lr in learners) / n,
            "rpb": pearson(x, rest), "ul": sum(x[j] for j in upper) / g - sum(x[j] for j in lower) / g,
            "shares": shares if it.type in ("single_choice", "multiple_choice", "true_false") else {},
            "upper_shares": {o.key: sum(o.key in learners[j].answers[k].keys for j in upper) / g
                             for o in response_options(it)}}
    kk = len(cset.items)
    var = lambda v: sum((a - sum(v) / len(v)) ** 2 for a in v) / len(v)  # noqa: E731
    pq = sum(f["facility"] * (1 - f["facility"]) for f in items.values())
    number_right = [float(sum(a.correct for a in lr.answers)) for lr in learners]
    kr20 = kk / (kk - 1) * (1 - pq / var(number_right))
    item_vars = sum(var([it.points * (1.0 if lr.answers[k].correct else 0.0) for lr in learners])
                    for k, it in enumerate(cset.items))
    alpha = kk / (kk - 1) * (1 - item_vars / var(totals))
    mastery: dict[str, float | None] = {}
    for o in cset.outcomes:
        got = assessed = 0
        for lr in learners:
            mine = [a for a in lr.answers if o.id in a.item.outcomes]
            possible = sum(a.item.points for a in mine)
            earned = sum(a.item.points for a in mine if a.correct)
            assessed += possible > 0
            got += possible > 0 and 100 * earned / possible >= 100 * cset.mastery_score - 1e-9
        mastery[o.id] = got / assessed if assessed else None
    return {"items": items, "kr20": kr20, "alpha": alpha, "mastery": mastery}


def expected_flags(cset: CourseSet, fig: dict[str, Any]) -> set[tuple[str, str]]:
    """The documented default thresholds applied to the independent figures."""
    out = set()
    for it in (it for it in cset.items if it.id in fig["items"]):
        f = fig["items"][it.id]
        if f["facility"] < 0.20:
            out.add((it.id, "item-too-hard"))
        if f["facility"] > 0.95:
            out.add((it.id, "item-too-easy"))
        if f["rpb"] is not None and f["rpb"] < 0:
            out.add((it.id, "item-negative-discrimination"))
        elif f["rpb"] is not None and f["rpb"] < 0.15 and 0.20 <= f["facility"] <= 0.95:
            out.add((it.id, "item-low-discrimination"))
        if it.type in ("single_choice", "multiple_choice") and any(
                not o.correct and f["shares"][o.key] < 0.05 for o in response_options(it)):
            out.add((it.id, "distractor-non-functioning"))
    return out


def moodle_report(learners: list[Learner], sco_title: str, version: str = "1.2") -> str:
    """The table Moodle's Interactions report downloads (tab-separated, every option ticked), for unit tests."""
    k = len(learners[0].answers)
    head = ["Name", "Email address", "Attempt", "Started on", "Last accessed on", "Score", sco_title]
    for i in range(k):
        head += [f"Question {i}", f"Response {i}", f"Right answer {i}", f"Result {i}"]
    lines = ["\t".join(head)]
    for lr in learners:
        t = as_tracks(lr, version)
        row = [f"Learner {lr.username}", f"{lr.username}@example.com", "1", "Tuesday, 1 December 2026, 10:00 AM",
               "Tuesday, 1 December 2026, 10:05 AM", str(t["raw"]), f"{t['raw']}/100"]
        for i in t["interactions"]:
            row += [i["id"], i["response"], ",".join(i["patterns"]), i["result"]]
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"
