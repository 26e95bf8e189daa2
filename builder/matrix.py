"""Coverage matrix: for each outcome, which lessons teach it, which items and tasks assess it."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass

from .course import Course, CSet
from .model import Bloom


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
    flags: tuple[str, ...]


def rows_for(s: CSet) -> list[Row]:
    rows = []
    for o in s.outcomes:
        lessons = tuple(x.id for x in s.lessons if o.id in x.outcomes)
        items = [it for it in s.items if o.id in it.outcomes]
        tasks = tuple(t.id for t in s.portfolio if o.id in t.outcomes)
        levels = [it.bloom for it in items if it.bloom is not None]
        highest = max(levels, key=lambda b: b.rank) if levels else None
        flags = []
        if not lessons:
            flags.append("not taught")
        if not items and not tasks:
            flags.append("not assessed")
        if highest is not None and highest.rank < o.bloom.rank and not tasks:
            flags.append(f"items only reach {highest.value}")
        if len({it.type for it in items}) < 2 and items:
            flags.append("one item type")
        rows.append(
            Row(
                s.code,
                o.id,
                o.bloom,
                lessons,
                tuple(it.id for it in items),
                tuple(sorted({it.type for it in items})),
                highest,
                tasks,
                tuple(flags),
            )
        )
    return rows


def matrix(course: Course, codes: list[str] | None = None) -> list[Row]:
    return [r for s in course.sets if not codes or s.code in codes for r in rows_for(s)]


HEADER = ("set", "outcome", "bloom", "lessons", "items", "item types", "highest item level", "portfolio", "flags")


def _cells(r: Row) -> tuple[str, ...]:
    return (
        r.set_code,
        r.outcome,
        r.bloom.value,
        " ".join(r.lessons) or "-",
        f"{len(r.items)}: {' '.join(r.items)}" if r.items else "0",
        ", ".join(r.item_types) or "-",
        r.highest_item_bloom.value if r.highest_item_bloom else "-",
        " ".join(r.portfolio) or "-",
        "; ".join(r.flags) or "ok",
    )


def as_text(rows: list[Row]) -> str:
    cells = [HEADER] + [_cells(r) for r in rows]
    # the item list is long: show its count only in the text table, ids in csv/html
    cells = [c[:4] + (c[4].split(":")[0],) + c[5:] for c in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    flagged = sum(1 for r in rows if r.flags)
    lines.append(f"\n{len(rows)} outcomes, {flagged} flagged")
    return "\n".join(lines) + "\n"


def as_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow(_cells(r))
    return buffer.getvalue()


def as_html(rows: list[Row], title: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in HEADER)
    body = "".join(
        "<tr"
        + (' class="flag"' if r.flags else "")
        + ">"
        + "".join(f"<td>{html.escape(c)}</td>" for c in _cells(r))
        + "</tr>\n"
        for r in rows
    )
    return (
        f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>\n'
        "<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "tr.flag td{background:#fff3cd}</style>\n"
        f"<h1>{html.escape(title)}</h1>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
    )
