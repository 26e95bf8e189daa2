"""The resolved Course: frozen, references resolved, markdown rendered and sanitised once.

Writers read only this (and a Theme); they never see YAML or the curriculum folder,
except asset sources, which check.py has already proven to lie inside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from builder.resolve.items import Item, resolve_item
from builder.rules.diagnostics import SourceLoc
from builder.rules.sources import SetSource, Sources
from builder.source import markup
from builder.source.model import Bloom, CompetencySet
from builder.source.model import Lesson as LessonSource
from builder.source.model import Reading as ReadingSource


@dataclass(frozen=True)
class Outcome:
    id: str
    statement: str
    bloom: Bloom


@dataclass(frozen=True)
class Reading:
    """A citation; `html` is the whole reference, escaped once, ready for any writer."""

    author: str | None  # None where the source gives none (a change log then has nothing to list)
    title: str
    publisher: str | None
    year: int | None
    url: str | None
    note: str | None
    html: str


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    outcomes: tuple[str, ...]
    minutes: int
    body_html: str
    readings: tuple[Reading, ...] = ()
    activities_html: tuple[str, ...] = ()  # one block of HTML per prompt
    discussion_html: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pool:
    id: str
    draw: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class RubricLevel:
    name: str
    points: int


@dataclass(frozen=True)
class Criterion:
    name: str
    descriptors: tuple[str, ...]
    outcomes: tuple[str, ...] = ()  # the task's outcomes this criterion evidences


@dataclass(frozen=True)
class PortfolioTask:
    id: str
    title: str
    outcomes: tuple[str, ...]
    task_html: str
    evidence: tuple[str, ...]
    levels: tuple[RubricLevel, ...]
    criteria: tuple[Criterion, ...]
    pass_rule_html: str = ""  # the programme's portfolio pass rule, printed with every rubric

    @property
    def max_points(self) -> int:
        return max(lvl.points for lvl in self.levels) * len(self.criteria)


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True)
class Asset:
    path: str
    alt: str
    source: Path = field(compare=False)


@dataclass(frozen=True)
class CourseSet:
    code: str
    title: str
    version: str
    released: dt.date
    required: bool
    summary_html: str
    keywords: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    lessons: tuple[Lesson, ...]
    items: tuple[Item, ...]
    pools: tuple[Pool, ...]
    mastery_score: float
    shuffle: bool
    attempts: int
    portfolio: tuple[PortfolioTask, ...]
    glossary: tuple[Term, ...]
    assets: tuple[Asset, ...]

    @property
    def pass_percent(self) -> float:
        """The pass mark on the 0-100 scale SCORM 1.2, Moodle and the player use (mastery_score is 0-1,
        as SCORM 2004 and cmi5 take it): the only place the two scales meet."""
        return round(self.mastery_score * 100, 2)

    @property
    def max_points(self) -> int:
        """Points of one attempt: unpooled items plus each pool's draw of its items."""
        pooled = {i for p in self.pools for i in p.items}
        by_id = {it.id: it for it in self.items}
        total = sum(it.points for it in self.items if it.id not in pooled)
        for pool in self.pools:
            total += sum(sorted((by_id[i].points for i in pool.items), reverse=True)[: pool.draw])
        return total

    def items_for(self, outcome_ids: tuple[str, ...]) -> tuple[Item, ...]:
        wanted = set(outcome_ids)
        return tuple(it for it in self.items if wanted & set(it.outcomes))

    def outcome(self, outcome_id: str) -> Outcome:
        return next(o for o in self.outcomes if o.id == outcome_id)


@dataclass(frozen=True)
class Requirement:
    title: str
    codes: tuple[str, ...]
    choose: int | None  # None: all required


@dataclass(frozen=True)
class Route:
    id: str
    title: str
    description_html: str
    pass_rule_html: str = ""  # the route's pass rule (block HTML), empty when it has none


@dataclass(frozen=True)
class ScaleLevel:
    name: str
    points: int
    met: bool
    description: str


@dataclass(frozen=True)
class Program:
    id: str
    title: str
    short_title: str
    publisher: str
    version: str
    released: dt.date
    language: str
    description_html: str
    notice_html: str
    requirements: tuple[Requirement, ...]
    routes: tuple[Route, ...]
    time_limit_years: int | None
    theme: str
    scale: tuple[ScaleLevel, ...] = ()  # the evaluation scale every rubric rates on, lowest first


@dataclass(frozen=True)
class Course:
    program: Program
    sets: tuple[CourseSet, ...]
    # Source positions by key ("program", "program.description", a set code, "<CODE>.summary", a lesson,
    # item or task id), so writers can report output-specific problems at file:line:col. Kept out of
    # every digest: moving a line is not a content change.
    locs: tuple[tuple[str, SourceLoc], ...] = ()

    def sets_by_rule(self) -> list[CourseSet]:
        """Sets in the order of the programme's requirements: the required ones first, then the electives,
        then any set no rule names."""
        codes: list[str] = []
        for req in sorted(self.program.requirements, key=lambda r: r.choose is not None):
            codes += [c for c in req.codes if c not in codes]
        codes += [s.code for s in self.sets if s.code not in codes]
        known = {s.code: s for s in self.sets}
        return [known[c] for c in codes if c in known]

    def set(self, code: str) -> CourseSet:
        return next(s for s in self.sets if s.code == code)

    def loc(self, key: str, fallback: str = "program") -> SourceLoc:
        found = dict(self.locs)
        return found.get(key) or found.get(fallback) or SourceLoc("program.yaml")

    def set_digest(self, code: str) -> str:
        return digest(self.set(code))

    def program_digest(self) -> str:
        return digest(self.program)

    def outline(self) -> Course:
        """The course without lesson texts and assessment items: what programme-level documents (the
        handbook) may read. Their cache key is this outline's digest, so editing a lesson's text or a
        question rebuilds that set's outputs only; and a writer given the outline cannot depend on
        what it leaves out."""
        sets = tuple(
            replace(
                s,
                lessons=tuple(replace(lesson, body_html="") for lesson in s.lessons),
                items=(),
                pools=(),
            )
            for s in self.sets
        )
        return replace(self, sets=sets)

    def digest_all(self) -> str:
        """For program-wide outputs (handbook, competency framework) that read every set."""
        return hashlib.sha256("".join(digest(s) for s in self.sets).encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, Path):
        return hashlib.sha256(value.read_bytes()).hexdigest()
    if isinstance(value, Bloom):
        return value.value
    raise TypeError(type(value).__name__)


def canonical_json(obj: Any) -> str:
    data = asdict(obj)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=_jsonable, separators=(",", ":"))


def digest(obj: Any) -> str:
    if hasattr(obj, "assets"):
        extra = "".join(_jsonable(a.source) for a in obj.assets)
    else:
        extra = ""
    return hashlib.sha256((canonical_json(obj) + extra).encode()).hexdigest()


# ---------------------------------------------------------------- resolve


def _reading(r: ReadingSource) -> Reading:
    """Author. Title. Publisher, year. Address. Note. The title is a <cite>, the address a link; the texts go
    through markup.inline like every other plain-text field (escaped, typographic quotes)."""
    parts = [markup.inline(r.author.rstrip("."))] if r.author else []
    parts.append(f"<cite>{markup.inline(r.title)}</cite>")
    published = ", ".join(x for x in (markup.inline(r.publisher) if r.publisher else "", str(r.year or "")) if x)
    if published:
        parts.append(published)
    text = ". ".join(parts) + "."
    if r.url:
        text += f' <a href="{escape(r.url)}">{escape(r.url)}</a>'
    if r.note:
        text += f' <span class="reading-note">{markup.inline(r.note)}</span>'
    return Reading(r.author, r.title, r.publisher, r.year, r.url, r.note, text)


def _lesson(x: LessonSource) -> Lesson:
    return Lesson(
        x.id,
        x.title,
        tuple(x.outcomes),
        x.minutes,
        markup.block(x.body),
        readings=tuple(_reading(r) for r in x.readings),
        activities_html=tuple(markup.block(a) for a in x.activities),
        discussion_html=tuple(markup.block(d) for d in x.discussion),
    )


def _scale_levels(t: Any, scale: tuple[ScaleLevel, ...]) -> tuple[RubricLevel, ...]:
    if t.rubric.levels:
        return tuple(RubricLevel(lv.name, lv.points) for lv in t.rubric.levels)
    return tuple(RubricLevel(lv.name, lv.points) for lv in scale)


def _set(
    m: CompetencySet,
    released: dt.date,
    required: bool,
    root: Path,
    scale: tuple[ScaleLevel, ...] = (),
    rule_html: str = "",
) -> CourseSet:
    return CourseSet(
        code=m.code,
        title=m.title,
        version=m.version,
        released=m.released or released,
        required=required,
        summary_html=markup.block(m.summary),
        keywords=tuple(m.keywords),
        outcomes=tuple(Outcome(o.id, o.statement, o.bloom) for o in m.outcomes),
        lessons=tuple(_lesson(x) for x in m.lessons),
        items=tuple(resolve_item(it) for it in m.assessment.items),
        pools=tuple(Pool(p.id, p.draw, tuple(p.items)) for p in m.assessment.pools),
        mastery_score=m.assessment.mastery_score,
        shuffle=m.assessment.shuffle,
        attempts=m.assessment.attempts,
        portfolio=tuple(
            PortfolioTask(
                t.id,
                t.title,
                tuple(t.outcomes),
                markup.block(t.task),
                tuple(t.evidence),
                _scale_levels(t, scale),
                tuple(Criterion(c.name, tuple(c.descriptors), tuple(c.outcomes)) for c in t.rubric.criteria),
                rule_html,
            )
            for t in m.portfolio
        ),
        glossary=tuple(Term(g.term, g.definition) for g in m.glossary),
        assets=tuple(Asset(a.path, a.alt, (root / a.path).resolve()) for a in m.assets),
    )


def resolve(sources: Sources) -> Course:
    p = sources.program
    requirements = tuple(
        Requirement(
            r.title or "",  # untitled: writers say "Required" / "Choose N" from their catalogue
            tuple(r.required if r.required is not None else (r.from_ or [])),
            r.choose,
        )
        for r in p.requirements
    )
    order = [c for r in requirements for c in r.codes]
    required = {c for r in requirements if r.choose is None for c in r.codes}
    by_code = {s.model.code: s.model for s in sources.sets}
    codes = [c for c in order if c in by_code] + sorted(c for c in by_code if c not in order)
    levels = p.evaluation.scale if p.evaluation else []
    scale = tuple(ScaleLevel(lv.name, lv.points, lv.met, lv.description or "") for lv in levels)
    rule = markup.block(p.evaluation.pass_rule) if p.evaluation else ""
    program = Program(
        id=p.id,
        title=p.title,
        short_title=p.short_title or p.title,
        publisher=p.publisher,
        version=p.version,
        released=p.released,
        language=p.language,
        description_html=markup.block(p.description),
        notice_html=markup.block(p.notice) if p.notice else "",
        requirements=requirements,
        routes=tuple(
            Route(
                r.id.value,
                r.title,
                markup.block(r.description),
                markup.block(r.pass_rule) if r.pass_rule else rule if r.id.value == "portfolio" else "",
            )
            for r in p.routes
        ),
        time_limit_years=p.time_limit_years,
        theme=p.theme,
        scale=scale,
    )
    portfolio_rule = next((r.pass_rule_html for r in program.routes if r.id == "portfolio"), "")
    sets = tuple(_set(by_code[c], p.released, c in required, sources.root, scale, portfolio_rule) for c in codes)
    return Course(program, sets, _locs(sources))


def _locs(sources: Sources) -> tuple[tuple[str, SourceLoc], ...]:
    doc = sources.program_doc
    out = [("program", doc.loc(())), ("program.description", doc.loc(("description",)))]
    out.append(("program.notice", doc.loc(("notice",))))
    out += [
        (f"program.route.{r.id.value}", doc.loc(("routes", i, "description")))
        for i, r in enumerate(sources.program.routes)
    ]
    for s in sources.sets:
        out += _set_locs(s)
    return tuple(out)


def _set_locs(s: SetSource) -> list[tuple[str, SourceLoc]]:
    m, doc = s.model, s.doc
    out = [(m.code, doc.loc(())), (f"{m.code}.summary", doc.loc(("summary",)))]
    out += [(x.id, doc.loc(("lessons", i, "body"))) for i, x in enumerate(m.lessons)]
    out += [(x.id, doc.loc(("assessment", "items", i))) for i, x in enumerate(m.assessment.items)]
    out += [(x.id, doc.loc(("portfolio", i, "task"))) for i, x in enumerate(m.portfolio)]
    out.append((f"{m.code}.glossary", doc.loc(("glossary",))))
    return out
