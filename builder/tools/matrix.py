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
import html
import io
from dataclasses import dataclass

from builder.resolve.course import Course, CSet, PortfolioTask
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

    @property
    def flags(self) -> tuple[str, ...]:
        return self.gaps + ((self.level,) if self.level else ())


def _gaps(lessons: tuple[str, ...], items: int, types: int, tasks: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    if not lessons:
        out.append("not taught")
    if not items and not tasks:
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


def rows_for(s: CSet) -> list[Row]:
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
            )
        )
    return rows


def matrix(course: Course, codes: list[str] | None = None) -> list[Row]:
    return [r for s in course.sets if not codes or s.code in codes for r in rows_for(s)]


HEADER = ("set", "outcome", "bloom", "lessons", "items", "item types", "highest item level", "portfolio", "flags")


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
        "; ".join(r.flags) or "ok",
    )


def summary(rows: list[Row]) -> str:
    gaps = sum(1 for r in rows if r.gaps)
    level = sum(1 for r in rows if r.level)
    return f"{len(rows)} outcomes: {gaps} with coverage gaps, {level} assessed by items below their Bloom level"


def as_text(rows: list[Row]) -> str:
    # item ids make the table too wide for a terminal: the count only here, ids in csv/html
    cells = [HEADER] + [_cells(r, item_ids=False) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"\n{summary(rows)}")
    return "\n".join(lines) + "\n"


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(_cells(r))
    return buffer.getvalue()


def _tr(r: Row) -> str:
    kind = "gap" if r.gaps else "level" if r.level else ""
    attr = f' class="{kind}"' if kind else ""
    return f"<tr{attr}>" + "".join(f"<td>{html.escape(c)}</td>" for c in _cells(r)) + "</tr>\n"


def as_html(rows: list[Row], title: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADER)
    body = "".join(_tr(r) for r in rows)
    return (
        f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        "<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "thead th{background:#eee;position:sticky;top:0}"
        "tr.gap td{background:#f8d7da}tr.level td{background:#fff3cd}</style>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(summary(rows))}. "
        "Red rows have coverage gaps; yellow rows are assessed by items below the outcome's Bloom level.</p>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
    )
