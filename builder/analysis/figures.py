"""From responses and the resolved Course to figures per item, outcome and set, and flags at YAML lines.

Pure: reads a Course and already-parsed exports, returns values. Only aggregates leave this module."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Any

from builder.analysis import responses as rs
from builder.analysis import stats
from builder.analysis.records import Export, Response
from builder.resolve.course import Course, CourseSet
from builder.resolve.items import Item, MatchingItem, MultipleChoiceItem, OrderingItem, SingleChoiceItem, TrueFalseItem
from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report


@dataclass(frozen=True)
class Thresholds:
    """Flag thresholds; each can be set with `--threshold NAME=VALUE` (the docs list them)."""

    min_n: int = 20  # fewer responses than this: figures shown, no item flag
    too_hard: float = 0.20  # facility below: item-too-hard
    too_easy: float = 0.95  # facility above: item-too-easy
    negative_discrimination: float = 0.0  # corrected point-biserial below: item-negative-discrimination
    low_discrimination: float = 0.15  # below (and not negative, facility within the bounds): item-low-discrimination
    distractor: float = 0.05  # a wrong option chosen by fewer: distractor-non-functioning
    low_reliability: float = 0.5  # set alpha below: set-low-reliability
    group_share: float = 0.27  # upper and lower groups for the discrimination index

    @classmethod
    def parse(cls, pairs: list[str]) -> Thresholds:
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise ValueError(f"{pair!r}: use NAME=VALUE with NAME one of {', '.join(known)}")
            try:
                values[name] = int(raw) if name == "min_n" else float(raw)
            except ValueError:
                raise ValueError(f"{pair!r}: {raw!r} is not a number") from None
            if name == "min_n" and values[name] < 1:
                raise ValueError(f"{pair!r}: at least 1")
            if name == "group_share" and not 0 < values[name] <= 0.5:
                raise ValueError(f"{pair!r}: a share above 0 and at most 0.5")
            if name == "negative_discrimination" and not -1 <= values[name] <= 1:
                raise ValueError(f"{pair!r}: a correlation between -1 and 1")
            if name not in ("min_n", "negative_discrimination") and not 0 <= values[name] <= 1:
                raise ValueError(f"{pair!r}: a share between 0 and 1")
        return replace(cls(), **values)


@dataclass(frozen=True)
class OptionFigure:
    key: str
    label: str  # A, B, C… as a learner sees no letter: the YAML order
    text: str
    correct: bool
    chosen: int
    share: float
    upper_share: float


@dataclass(frozen=True)
class ItemFigure:
    set_code: str
    item_id: str
    type: str
    outcomes: tuple[str, ...]
    points: int
    n: int
    facility: float | None
    partial: float | None  # mean partial credit (multiple choice, matching, ordering), else None
    discrimination: float | None  # corrected item–total point-biserial
    upper_lower: float | None
    median_latency: float | None  # seconds; None when the export carries no latency
    options: tuple[OptionFigure, ...]
    changed: str  # why the results may be of another version of this item; "" if not
    flags: tuple[str, ...]
    loc: SourceLoc


@dataclass(frozen=True)
class OutcomeFigure:
    outcome_id: str
    statement: str
    n: int
    mastery: float | None


@dataclass(frozen=True)
class SetFigure:
    code: str
    title: str
    version: str
    results_version: str | None
    attempts: int
    unfinished: int
    reliability_items: int
    kr20: float | None
    alpha: float | None
    mean_percent: float | None
    median_percent: float | None
    sd_percent: float | None
    pass_rate: float | None
    mastery_score: float
    histogram: tuple[int, ...]
    items: tuple[ItemFigure, ...]
    outcomes: tuple[OutcomeFigure, ...]
    flags: tuple[str, ...]
    loc: SourceLoc


@dataclass(frozen=True)
class Analysis:
    sets: tuple[SetFigure, ...]
    thresholds: Thresholds
    sources: tuple[str, ...] = field(default=())  # the export files' names, nothing else about them


def letter(k: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[k]


def pct(x: float) -> str:
    return f"{round(100 * x)} %"


# ---------------------------------------------------------------- which set an export belongs to


def assign(course: Course, exports: list[Export]) -> tuple[dict[str, list[Export]], list[Diagnostic]]:
    """Map each export's answers to the sets their item ids belong to; located errors for another curriculum."""
    owner = {it.id: s.code for s in course.sets for it in s.items}
    by_set: dict[str, list[Export]] = {}
    diags: list[Diagnostic] = []
    for export in exports:
        first: dict[str, Response] = {}
        for a in export.attempts:
            for r in a.responses:
                first.setdefault(r.item_id, r)
        if not first:
            diags.append(report("report-no-interactions", "no attempt in this report has an answered item", SourceLoc(
                export.path, 1, 1), "Moodle 4.5's Interactions report reads SCORM 1.2 element names only: for a SCORM "
                "2004 activity its Question/Response columns stay empty; deliver the 1.2 package to analyse results"))
            continue
        known = Counter(owner[i] for i in first if i in owner)
        if not known:
            sample = ", ".join(sorted(first)[:3])
            diags.append(report("report-other-curriculum", f"none of the report's {len(first)} item ids ({sample}…) is "
                               f"an item of {course.program.id}", next(iter(first.values())).loc,
                               "analyse it with the curriculum its packages were built from (--curriculum DIR)"))
            continue
        codes = "/".join(sorted(known))
        for item_id, r in sorted(first.items()):
            if item_id not in owner:
                diags.append(report("report-unknown-item", f"{item_id} is not an item of {codes} now (removed or "
                                     "renamed since the results?); its answers are left out", r.loc))
        for code in sorted(known):  # a quiz may draw on several sets: each set gets its own part of every attempt
            part = [replace(a, responses=tuple(r for r in a.responses if owner.get(r.item_id) == code))
                    for a in export.attempts]
            by_set.setdefault(code, []).append(replace(export, attempts=[a for a in part if a.responses]))
    return by_set, diags


# ---------------------------------------------------------------- figures


@dataclass
class _Scored:
    credit: float
    partial: float | None
    picked: tuple[str, ...] | None
    latency: float | None


def _score(item: Item, r: Response) -> _Scored | None:
    credit = rs.result_credit(r.result) if r.result is not None else None
    if credit is None and r.response is not None:
        credit = rs.grade(item, r.response)
    if credit is None:
        return None
    part = rs.partial(item, r.response) if r.response is not None else None
    picked = None
    if r.response is not None and isinstance(item, (SingleChoiceItem, MultipleChoiceItem, TrueFalseItem)):
        picked = rs.chosen(item, r.response)
    latency = rs.latency_seconds(r.latency) if r.latency else None
    return _Scored(credit, part if part is not None else credit, picked, latency)


def _changed(item: Item, rows: list[Response], set_note: str) -> str:
    if set_note:
        return set_note
    keys = rs.keys_as_reported(item)
    for r in rows:
        if r.right is not None and r.right.strip() and r.right.strip() not in keys:
            return f"the results were scored against key {r.right.strip()!r}; the YAML's is {sorted(keys)[0]!r}"
    for r in rows:
        if r.response and item.type != "fill_in" and rs.grade(item, r.response) is None:
            return f"a response ({r.response.strip()!r}) names a part the item does not have now"
    return ""


def analyse_set(cset: CourseSet, course: Course, exports: list[Export], th: Thresholds,
                results_version: str | None) -> tuple[SetFigure, list[Diagnostic]]:
    items = {it.id: it for it in cset.items}
    pooled = {i for p in cset.pools for i in p.items}
    length = sum(1 for it in cset.items if it.id not in pooled) + sum(p.draw for p in cset.pools)
    # a quiz may hold a part of the set: finished means as many items as the fullest attempt answered
    fullest = max((len({r.item_id for r in a.responses if r.item_id in items}) for e in exports for a in e.attempts),
                  default=0)
    length = min(length, fullest)
    # one row per finished attempt: {item id: (response, scored)}
    attempts: list[dict[str, tuple[Response, _Scored]]] = []
    unfinished = 0
    for export in exports:
        for a in export.attempts:
            row: dict[str, tuple[Response, _Scored]] = {}
            for r in a.responses:
                if r.item_id in items:
                    scored = _score(items[r.item_id], r)
                    if scored is not None:
                        row[r.item_id] = (r, scored)
            if len(row) >= length:
                attempts.append(row)
            else:
                unfinished += 1
    totals = [sum(items[i].points * s.credit for i, (_, s) in row.items()) for row in attempts]
    maxima = [sum(items[i].points for i in row) for row in attempts]
    percents = [100 * t / m if m else 0.0 for t, m in zip(totals, maxima, strict=True)]
    set_note = ""
    diags: list[Diagnostic] = []
    set_loc = course.loc(cset.code)
    if results_version is not None and results_version != cset.version:
        set_note = f"results from version {results_version}, the YAML is {cset.version}"
        diags.append(report("set-version-differs", f"{cset.code}: {set_note}; every item is marked", set_loc))
    figures = []
    for it in cset.items:
        idx = [k for k, row in enumerate(attempts) if it.id in row]
        figures.append(_item_figure(cset, course, it, [attempts[k][it.id] for k in idx],
                                    [totals[k] for k in idx], set_note, th, diags))
    # reliability over the items every finished attempt answered
    common = [it.id for it in cset.items if attempts and all(it.id in row for row in attempts)]
    credit_matrix = [[row[i][1].credit for i in common] for row in attempts]
    points_matrix = [[row[i][1].credit * items[i].points for i in common] for row in attempts]
    alpha = stats.cronbach_alpha(points_matrix) if len(common) >= 2 else None
    kr = stats.kr20(credit_matrix) if len(common) >= 2 and all(
        v in (0.0, 1.0) for r in credit_matrix for v in r) else None
    set_flags = []
    if len(attempts) >= th.min_n and alpha is not None and alpha < th.low_reliability:
        set_flags.append("set-low-reliability")
        diags.append(report("set-low-reliability", f"{cset.code}: Cronbach's alpha {alpha:.2f} over {len(common)} "
                             f"items (n={len(attempts)}), below {th.low_reliability:.2f}", set_loc,
                             "the items may measure different things, or too few of them discriminate"))
    outcomes = tuple(_outcome(cset, o.id, o.statement, attempts) for o in cset.outcomes)
    mastery = round(100 * cset.mastery_score, 2)
    return SetFigure(
        code=cset.code, title=cset.title, version=cset.version, results_version=results_version,
        attempts=len(attempts), unfinished=unfinished, reliability_items=len(common), kr20=kr, alpha=alpha,
        mean_percent=stats.mean(percents), median_percent=stats.median(percents),
        sd_percent=(stats.pvariance(percents) ** 0.5) if percents else None,
        pass_rate=(sum(round(p, 2) >= mastery for p in percents) / len(percents)) if percents else None,
        mastery_score=cset.mastery_score, histogram=tuple(stats.histogram(percents)), items=tuple(figures),
        outcomes=outcomes, flags=tuple(set_flags), loc=set_loc,
    ), diags


def _outcome(cset: CourseSet, outcome_id: str, statement: str,
             attempts: list[dict[str, tuple[Response, _Scored]]]) -> OutcomeFigure:
    ids = {it.id: it.points for it in cset.items if outcome_id in it.outcomes}
    mastered = n = 0
    for row in attempts:
        possible = sum(ids[i] for i in row if i in ids)
        if not possible:
            continue
        got = sum(ids[i] * row[i][1].credit for i in row if i in ids)
        n += 1
        mastered += round(100 * got / possible, 2) >= round(100 * cset.mastery_score, 2)
    return OutcomeFigure(outcome_id, statement, n, mastered / n if n else None)


def _item_figure(cset: CourseSet, course: Course, it: Item, rows: list[tuple[Response, _Scored]], totals: list[float],
                 set_note: str, th: Thresholds, diags: list[Diagnostic]) -> ItemFigure:
    n = len(rows)
    credit = [s.credit for _, s in rows]
    scores = [c * it.points for c in credit]
    facility = stats.mean(credit)
    has_parts = isinstance(it, (MultipleChoiceItem, MatchingItem, OrderingItem))
    partial = stats.mean([s.partial for _, s in rows if s.partial is not None]) if has_parts else None
    disc = stats.corrected_point_biserial(scores, totals)
    ul = stats.upper_lower(credit, totals, th.group_share)
    latencies = [s.latency for _, s in rows if s.latency is not None]
    upper = stats.upper_group(totals, th.group_share)
    options: list[OptionFigure] = []
    if isinstance(it, (SingleChoiceItem, MultipleChoiceItem, TrueFalseItem)) and n:
        picks = [s.picked or () for _, s in rows]
        for k, o in enumerate(it.choices):
            count = sum(o.key in p for p in picks)
            up = sum(o.key in picks[j] for j in upper) / len(upper) if upper else 0.0
            # a true/false choice has no text of its own: the report names it by its key
            label, text = (o.key, o.key) if isinstance(it, TrueFalseItem) else (letter(k), o.text)
            options.append(OptionFigure(o.key, label, text, o.correct, count, count / n, up))
    changed = _changed(it, [r for r, _ in rows], set_note)
    loc = course.loc(it.id, cset.code)
    flags: list[str] = []

    def flag(code: str, detail: str, hint: str | None = None) -> None:
        flags.append(code)
        head = f"{it.id}: {pct(facility or 0)} correct (n={n})"
        diags.append(report(code, f"{head}, {detail}", loc, hint))

    if changed and not set_note:
        diags.append(report("item-changed-since-results", f"{it.id}: {changed}; its figures describe the old "
                             "version", loc))
    if n >= th.min_n and facility is not None:
        top = max((o for o in options if not o.correct), key=lambda o: o.upper_share, default=None)
        lure = (f"; option {top.label} chosen by {pct(top.upper_share)} of the upper {pct(th.group_share)}"
                if top and top.upper_share > 0 else "")
        if facility < th.too_hard:
            flag("item-too-hard", f"below {pct(th.too_hard)}{lure}", "check the key, then the wording")
        if facility > th.too_easy:
            flag("item-too-easy", f"above {pct(th.too_easy)}", "nearly everyone knows this; it tells little")
        if disc is not None and disc < th.negative_discrimination:
            flag("item-negative-discrimination", f"discrimination {_signed(disc)}{lure}",
                 "stronger candidates do worse on it than weaker ones: check the key and the wording")
        elif (disc is not None and disc < th.low_discrimination and th.too_hard <= facility <= th.too_easy):
            flag("item-low-discrimination", f"discrimination {_signed(disc)}, below {th.low_discrimination:.2f}")
        dead = [o for o in options if not o.correct and o.share < th.distractor]
        if dead and it.type != "true_false":
            names = ", ".join(f"{o.label} ({o.text[:40]!r}) {pct(o.share)}" for o in dead)
            flag("distractor-non-functioning", f"option(s) chosen by fewer than {pct(th.distractor)}: {names}",
                 "a distractor nobody picks does no work: make it plausible or remove it")
    return ItemFigure(cset.code, it.id, it.type, it.outcomes, it.points, n, facility, partial, disc, ul,
                      stats.median(latencies), tuple(options), changed, tuple(flags), loc)


def _signed(x: float) -> str:
    return f"{x:+.2f}".replace("-", "\u2212")


def analyse(course: Course, exports: list[Export], th: Thresholds,
            versions: dict[str, str]) -> tuple[Analysis, list[Diagnostic]]:
    from builder.analysis.quiz import to_items

    diags: list[Diagnostic] = []
    converted = []
    for export in exports:
        if export.kind == "quiz":
            export, found = to_items(course, export)
            diags += found
        converted.append(export)
    by_set, more = assign(course, converted)
    diags += more
    sets = []
    for code in [s.code for s in course.sets if s.code in by_set]:
        figure, found = analyse_set(course.set(code), course, by_set[code], th, versions.get(code))
        sets.append(figure)
        diags += found
    names = tuple(sorted({e.path.rsplit("/", 1)[-1] for e in exports}))
    return Analysis(tuple(sets), th, names), diags
