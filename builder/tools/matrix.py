"""Coverage matrix: for each outcome, which lessons teach it, which items and tasks assess it.

A committee reads this to answer two questions at a glance: is every outcome
taught and assessed, and does the assessment reach the level the outcome
promises? Flags come in two kinds. Gaps (not taught, not assessed, too few
items or item types) mean the set is incomplete. A level flag means the
course-route items stop below the outcome's Bloom level; when a portfolio task
covers the outcome the flag says so, because only portfolio candidates are
then assessed at the stated level.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import shutil
from dataclasses import dataclass

from builder.render.text import plain
from builder.resolve.course import Course, CourseSet, PortfolioTask
from builder.source.model import Bloom

MIN_ITEMS = 2
MIN_ITEM_TYPES = 2


@dataclass(frozen=True)
class Row:
    set_code: str
    outcome: str
    bloom: Bloom
    lessons: tuple[str, ...]
    items: tuple[str, ...]
    item_types: tuple[str, ...]
    highest_item_bloom: Bloom | None
    portfolio: tuple[str, ...]
    gaps: tuple[str, ...]
    level: str | None  # why the items fall short of `bloom`, if they do
    statement: str = ""
    below: tuple[str, ...] = ()  # items whose stated level is below `bloom`, however high the others reach

    @property
    def flags(self) -> tuple[str, ...]:
        return self.gaps + ((self.level,) if self.level else ())


def _gaps(lessons: tuple[str, ...], items: int, types: int, tasks: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    if not lessons:
        out.append("not taught")
    if not items:  # as `check` counts it (outcome-not-assessed): a portfolio task does not assess the course route
        out.append("not assessed")
    elif items < MIN_ITEMS:
        out.append(f"{items} item(s), want {MIN_ITEMS}")
    elif types < MIN_ITEM_TYPES:
        out.append("one item type")
    return tuple(out)


def _level(stated: Bloom, tagged: list[Bloom], untagged: int, tasks: tuple[str, ...]) -> str | None:
    if not tagged and not untagged:
        return None  # nothing to compare; reported as a gap instead
    if not tagged:
        return "item levels not stated"
    highest = max(tagged, key=lambda b: b.rank)
    if highest.rank >= stated.rank:
        return None
    where = f"only portfolio {' '.join(tasks)} reaches {stated.value}" if tasks else "no portfolio task"
    return f"items reach {highest.value} < {stated.value}; {where}"


def _evidenced(task: PortfolioTask, outcome: str) -> bool:
    """A task covers an outcome it claims; once its criteria name outcomes, only those a criterion rates."""
    if outcome not in task.outcomes:
        return False
    named = {o for c in task.criteria for o in c.outcomes}
    return not named or outcome in named


def rows_for(s: CourseSet) -> list[Row]:
    rows = []
    for o in s.outcomes:
        lessons = tuple(x.id for x in s.lessons if o.id in x.outcomes)
        items = [it for it in s.items if o.id in it.outcomes]
        tasks = tuple(t.id for t in s.portfolio if _evidenced(t, o.id))
        tagged = [it.bloom for it in items if it.bloom is not None]
        types = tuple(sorted({it.type for it in items}))
        rows.append(
            Row(
                set_code=s.code,
                outcome=o.id,
                bloom=o.bloom,
                lessons=lessons,
                items=tuple(it.id for it in items),
                item_types=types,
                highest_item_bloom=max(tagged, key=lambda b: b.rank) if tagged else None,
                portfolio=tasks,
                gaps=_gaps(lessons, len(items), len(types), tasks),
                level=_level(o.bloom, tagged, len(items) - len(tagged), tasks),
                statement=o.statement,
                below=tuple(it.id for it in items if it.bloom is not None and it.bloom.rank < o.bloom.rank),
            )
        )
    return rows


def matrix(course: Course, codes: list[str] | None = None) -> list[Row]:
    return [r for s in course.sets if not codes or s.code in codes for r in rows_for(s)]


HEADER = (
    "set", "outcome", "bloom", "lessons", "items", "item types", "highest item level", "portfolio", "statement", "flags"
)
STATEMENT = HEADER.index("statement")


def _cells(r: Row, item_ids: bool = True) -> tuple[str, ...]:
    if not r.items:
        items = "0"
    elif item_ids:
        items = f"{len(r.items)}: {' '.join(r.items)}"
    else:
        items = str(len(r.items))
    return (
        r.set_code,
        r.outcome,
        r.bloom.value,
        " ".join(r.lessons) or "-",
        items,
        ", ".join(r.item_types) or "-",
        r.highest_item_bloom.value if r.highest_item_bloom else "-",
        " ".join(r.portfolio) or "-",
        r.statement or "-",
        "; ".join(r.flags) or "ok",
    )


UNSTATED = "item levels not stated"


TEXT_HEADER = ("set", "outcome", "bloom", "lessons", "items", "types", "top level", "portfolio", "statement", "flags")
_SHORT_TYPES = {
    "single_choice": "sc",
    "multiple_choice": "mc",
    "true_false": "tf",
    "fill_in": "fill",
    "matching": "match",
    "ordering": "order",
}


def _text_cells(r: Row) -> tuple[str, ...]:
    """The terminal's cells: item types abbreviated (sc, mc, tf, fill, match, order)."""
    cells = list(_cells(r, item_ids=False))
    cells[5] = ",".join(_SHORT_TYPES.get(t, t) for t in r.item_types) or "-"
    return tuple(cells)


def summary(rows: list[Row]) -> str:
    """Outcomes whose items state no `bloom` are counted apart: nothing says they are below level."""
    gaps = sum(1 for r in rows if r.gaps)
    level = sum(1 for r in rows if r.level and r.level != UNSTATED)
    unstated = sum(1 for r in rows if r.level == UNSTATED)
    text = f"{len(rows)} outcomes: {gaps} with coverage gaps, {level} assessed by items below their Bloom level"
    if unstated:
        text += f", {unstated} whose items state no Bloom level (add `bloom:` to compare)"
    items = {i for r in rows for i in r.items}
    below = {i for r in rows for i in r.below}
    if items:
        create = {i for r in rows if r.bloom is Bloom.create for i in r.below}
        text += f"; {len(below)} of {len(items)} items sit below the level of an outcome they assess"
        if create:
            text += f" ({len(create)} of them under create outcomes, which only a portfolio task reaches)"
    return text


def stamp(course: Course, today: dt.date | None = None) -> str:
    """Which curriculum a printed matrix shows, and when it was made."""
    p = course.program
    made = (today or dt.date.today()).isoformat()
    versions = ", ".join(f"{s.code} {s.version}" for s in course.sets)
    return f"{p.title}, version {p.version} of {p.released.isoformat()} (sets: {versions}); made {made}"


def _titles(course: Course, rows: list[Row], width: int) -> list[str]:
    """Lesson titles and item prompts of the ids the table names, one line each, cut to the width."""
    wanted = {code for code in (r.set_code for r in rows)}
    lines = []
    for s in course.sets:
        if s.code not in wanted:
            continue
        for o in s.outcomes:
            lines.append(_fit(f"{o.id}  {o.statement}", width))
        for lesson in s.lessons:
            lines.append(_fit(f"{lesson.id}  {lesson.title} ({lesson.minutes} min)", width))
        for it in s.items:
            lines.append(_fit(f"{it.id}  {plain(it.prompt_html)}", width))
        for t in s.portfolio:
            lines.append(_fit(f"{t.id}  {t.title}", width))
    return lines


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def as_text(rows: list[Row], course: Course | None = None, width: int | None = None) -> str:
    """A table that fits the terminal: item counts (ids in csv/html), the statement in what width is
    left; then, with `course`, every id's statement, title or prompt, and the version/date stamp."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    cells = [TEXT_HEADER] + [_text_cells(r) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    others = sum(w for i, w in enumerate(widths) if i != STATEMENT) + 2 * (len(widths) - 1)
    room = min(widths[STATEMENT], width - others)
    if room < 16:  # no room: the statements are listed under the table
        cells = [row[:STATEMENT] + row[STATEMENT + 1 :] for row in cells]
        del widths[STATEMENT]
    else:
        widths[STATEMENT] = room
        cells = [tuple(_fit(v, room) if i == STATEMENT else v for i, v in enumerate(row)) for row in cells]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if course is not None:
        lines += ["", "What the ids are:", *("  " + t for t in _titles(course, rows, width - 2)), "", stamp(course)]
    lines.append(f"\n{summary(rows)}")
    return "\n".join(lines) + "\n"


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(_cells(r))
    return buffer.getvalue()


CONTENT_COLUMNS = (3, 4, 7, HEADER.index("statement"))  # lessons, items, portfolio, statement


def _tr(r: Row, names: dict[str, str], lang: str = "en") -> str:
    kind = "gap" if r.gaps else "level" if r.level and r.level != UNSTATED else ""
    attr = f' class="{kind}"' if kind else ""
    cells = [html.escape(c) for c in _cells(r)]
    if names:
        cells[3] = "<br>".join(_named(i, names) for i in r.lessons) or "-"
        cells[7] = "<br>".join(_named(i, names) for i in r.portfolio) or "-"
        if r.items:
            cells[4] = f"{len(r.items)}: " + "<br>".join(_named(i, names) for i in r.items)
    # the tool's words are English; the curriculum's are in the programme's language
    marked = f' lang="{html.escape(lang)}"' if lang != "en" else ""
    return f"<tr{attr}>" + "".join(
        f"<td{marked if i in CONTENT_COLUMNS else ''}>{c}</td>" for i, c in enumerate(cells)
    ) + "</tr>\n"


def _named(ident: str, names: dict[str, str]) -> str:
    name = names.get(ident)
    return f"{html.escape(ident)} {html.escape(name)}" if name else html.escape(ident)


def _names(course: Course | None) -> dict[str, str]:
    if course is None:
        return {}
    out: dict[str, str] = {}
    for s in course.sets:
        out.update({x.id: x.title for x in s.lessons})
        out.update({t.id: t.title for t in s.portfolio})
        out.update({it.id: _fit(plain(it.prompt_html), 90) for it in s.items})
    return out


def as_html(rows: list[Row], title: str, course: Course | None = None, language: str | None = None) -> str:
    lang = language or (course.program.language if course is not None else "en")
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADER)
    names = _names(course)
    body = "".join(_tr(r, names, lang) for r in rows)
    made = f"<p>{html.escape(stamp(course))}</p>\n" if course is not None else ""
    return (
        f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        "<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "thead th{background:#eee;position:sticky;top:0}"
        "tr.gap td{background:#f8d7da}tr.level td{background:#fff3cd}.statement{color:#333;font-size:.9em}"
        "@media print{thead{display:table-header-group}tr{break-inside:avoid}}</style>\n"
        f"<h1>{html.escape(title)}</h1>\n{made}<p>{html.escape(summary(rows))}. "
        "Red rows have coverage gaps; yellow rows are assessed by items below the outcome's Bloom level.</p>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
    )
