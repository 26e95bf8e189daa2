"""Change log between two versions of a curriculum, written for a committee's minutes.

Every changed field is shown as old → new: a prompt, a choice and its feedback, which choice is
correct, accepted answers, the mastery score, attempts, minutes, outcome statements, rubric
descriptors; programme-level changes too (requirements, routes, version, glossary, theme, language).
Markdown (`as_markdown`) pastes into minutes or a pull request; `as_html` is a page to print.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from enum import Enum
from io import BytesIO
from pathlib import Path
from typing import Any

from builder.render.text import plain
from builder.resolve.course import Course, CourseSet

MAX_CELL = 300  # characters of a value shown in a table cell; longer texts are cut with an ellipsis


@dataclass(frozen=True)
class Change:
    """One field of one part: `what` names the part and field, e.g. "item ABC-Q4 · accepted answers"."""

    what: str
    old: str | None  # None: the field was not there
    new: str | None


@dataclass
class SetChanges:
    code: str
    title: str
    old_version: str | None
    new_version: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed) and self.old_version == self.new_version

    @property
    def version_not_bumped(self) -> bool:
        return self.old_version == self.new_version and bool(self.added or self.removed or self.changed)


@dataclass
class Changes:
    program: list[Change] = field(default_factory=list)
    sets: list[SetChanges] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.program and not self.sets


# Field names as a committee reads them.
_NAMES = {
    "prompt_html": "prompt",
    "feedback_html": "feedback",
    "correct_feedback_html": "feedback when right",
    "incorrect_feedback_html": "feedback when wrong",
    "body_html": "text",
    "task_html": "task",
    "summary_html": "summary",
    "description_html": "description",
    "notice_html": "notice",
    "pass_rule_html": "pass rule",
    "activities_html": "activities",
    "discussion_html": "discussion",
    "answers": "accepted answers",
    "mastery_score": "mastery score",
    "time_limit_years": "time limit (years)",
    "short_title": "short title",
    "case_sensitive": "case-sensitive",
    "choices": "choice",
    "sources": "left side",
    "targets": "right side",
    "steps": "step",
    "levels": "rubric level",
    "criteria": "rubric criterion",
    "descriptors": "descriptor",
    "requirements": "requirement",
    "routes": "route",
    "evaluation": "portfolio evaluation",
    "scale": "scale level",
}
_SKIP = {"id", "key", "html", "source"}  # identities, and HTML twins of a `text` field


def _show(value: Any, name: str) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and name == "mastery_score":
        return f"{value:g} ({value * 100:g} %)"
    text = plain(value) if isinstance(value, str) and name.endswith("_html") else str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _flatten(obj: Any, label: str = "", name: str = "") -> dict[str, str]:
    """Every leaf of a resolved part as "label · field" → text, lists numbered from 1."""
    out: dict[str, str] = {}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in _SKIP or not f.compare:
                continue
            value = getattr(obj, f.name)
            sub = _NAMES.get(f.name, f.name.replace("_", " "))
            out.update(_flatten(value, f"{label} · {sub}" if label else sub, f.name))
        return out
    if isinstance(obj, tuple) and obj and all(isinstance(v, str) for v in obj) and name not in (
        "activities_html",
        "discussion_html",
        "descriptors",
        "evidence",
    ):
        out[label] = ", ".join(_show(v, name) for v in obj)
        return out
    if isinstance(obj, tuple):
        if not obj:
            out[label] = "(none)"
        for i, value in enumerate(obj, start=1):
            out.update(_flatten(value, f"{label} {i}", name))
        return out
    out[label] = _show(obj, name)
    return out


def _field_changes(what: str, old: Any, new: Any) -> list[Change]:
    a, b = _flatten(old), _flatten(new)
    changes = []
    for key in [*b, *(k for k in a if k not in b)]:
        if a.get(key) != b.get(key) and {a.get(key), b.get(key)} != {None, "(none)"}:
            changes.append(Change(f"{what} · {key}" if key else what, a.get(key), b.get(key)))
    return changes


def _parts(s: CourseSet) -> dict[str, tuple[str, Any]]:
    """id → (label, part) for every part a change log names."""
    out: dict[str, tuple[str, Any]] = {}
    for o in s.outcomes:
        out[o.id] = (f"outcome {o.id}", o)
    for lesson in s.lessons:
        out[lesson.id] = (f"lesson {lesson.id} ({lesson.title})", lesson)
    for it in s.items:
        out[it.id] = (f"item {it.id} ({it.type})", it)
    for p in s.pools:
        out[p.id] = (f"pool {p.id}", p)
    for t in s.portfolio:
        out[t.id] = (f"portfolio task {t.id} ({t.title})", t)
    for g in s.glossary:
        out[f"glossary:{g.term.casefold()}"] = (f"glossary term “{g.term}”", g)
    return out


_SET_FIELDS = ("title", "summary_html", "keywords", "mastery_score", "shuffle", "attempts", "released", "required")
_PROGRAM_SKIP = {"requirements", "routes"}


def _set_changes(a: CourseSet, b: CourseSet) -> SetChanges:
    changes = SetChanges(b.code, b.title, a.version, b.version)
    for name in _SET_FIELDS:
        old, new = getattr(a, name, None), getattr(b, name, None)
        if old != new:
            label = _NAMES.get(name, name.replace("_", " "))
            changes.changed.append(Change(f"set {b.code} · {label}", _show(old, name), _show(new, name)))
    pa, pb = _parts(a), _parts(b)
    changes.added = [pb[k][0] + _gist(pb[k][1]) for k in pb if k not in pa]
    changes.removed = [pa[k][0] for k in pa if k not in pb]
    for key in pb:
        if key in pa and pa[key][1] != pb[key][1]:
            changes.changed += _field_changes(pb[key][0], pa[key][1], pb[key][1])
    return changes


def _gist(part: Any) -> str:
    """A short quote of what an added part says, so the minutes need not open the YAML."""
    for name in ("statement", "prompt_html", "title", "definition"):
        value = getattr(part, name, None)
        if isinstance(value, str) and value:
            return f": “{_show(value, name)}”"
    return ""


def _program_changes(old: Course, new: Course) -> list[Change]:
    a, b = old.program, new.program
    out: list[Change] = []
    for f in dataclasses.fields(b):
        if f.name in _PROGRAM_SKIP or not f.compare:
            continue
        x, y = getattr(a, f.name, None), getattr(b, f.name, None)
        if x != y:
            out += _field_changes(f"programme · {_NAMES.get(f.name, f.name.replace('_', ' '))}", x, y)
    out += _listed("programme · requirement", [_rule(r) for r in a.requirements], [_rule(r) for r in b.requirements])
    routes_a = {r.id: r for r in a.routes}
    routes_b = {r.id: r for r in b.routes}
    for rid in [*routes_b, *(r for r in routes_a if r not in routes_b)]:
        what = f"programme · route {rid}"
        if rid not in routes_a:
            out.append(Change(what, None, f"added: {routes_b[rid].title}"))
        elif rid not in routes_b:
            out.append(Change(what, routes_a[rid].title, "removed"))
        elif routes_a[rid] != routes_b[rid]:
            out += _field_changes(what, routes_a[rid], routes_b[rid])
    set_titles_a = {s.code: s for s in old.sets}
    set_titles_b = {s.code: s for s in new.sets}
    for code in set_titles_b:
        if code in set_titles_a and set_titles_a[code].required != set_titles_b[code].required:
            kind = {True: "required", False: "elective"}
            out.append(Change(f"programme · set {code}", kind[set_titles_a[code].required],
                              kind[set_titles_b[code].required]))
    return out


def _rule(r: Any) -> str:
    codes = ", ".join(r.codes)
    what = f"all of {codes}" if r.choose is None else f"choose {r.choose} of {codes}"
    return f"{r.title}: {what}" if r.title else what


def _listed(what: str, old: list[str], new: list[str]) -> list[Change]:
    if old == new:
        return []
    out = []
    for i in range(max(len(old), len(new))):
        x = old[i] if i < len(old) else None
        y = new[i] if i < len(new) else None
        if x != y:
            out.append(Change(f"{what} {i + 1}", x, y))
    return out


def compare(old: Course, new: Course) -> Changes:
    old_sets = {s.code: s for s in old.sets}
    new_sets = {s.code: s for s in new.sets}
    result = Changes(program=_program_changes(old, new))
    for code in [*new_sets, *(c for c in old_sets if c not in new_sets)]:
        a, b = old_sets.get(code), new_sets.get(code)
        if a is None or b is None:
            either = b if b is not None else a
            assert either is not None
            result.sets.append(SetChanges(code, either.title, a.version if a else None, b.version if b else None))
            continue
        changes = _set_changes(a, b)
        if not changes.empty:
            result.sets.append(changes)
    return result


# ---------------------------------------------------------------- markdown


def _cell(value: str | None) -> str:
    text = "—" if value is None else value
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _table(changes: list[Change]) -> list[str]:
    lines = ["| What | Before | After |", "|---|---|---|"]
    lines += [f"| {_cell(c.what)} | {_cell(c.old)} | {_cell(c.new)} |" for c in changes]
    return lines


def _heading(c: SetChanges) -> str:
    if c.old_version is None:
        return f"{c.code} {c.title} (new set, version {c.new_version})"
    if c.new_version is None:
        return f"{c.code} {c.title} (removed; was version {c.old_version})"
    version = c.new_version if c.old_version == c.new_version else f"{c.old_version} → {c.new_version}"
    return f"{c.code} {c.title} (version {version})"


BUMP = "The content changed but the set's `version` did not: bump it before publishing."


def as_markdown(changes: Changes, old_label: str, new_label: str, stamp: str = "") -> str:
    lines = [f"# Changes from {old_label} to {new_label}", ""]
    if stamp:
        lines += [stamp, ""]
    if changes.empty:
        lines.append("No changes to the programme, outcomes, lessons, items, rubrics or glossary.")
    if changes.program:
        lines += ["## Programme", "", *_table(changes.program), ""]
    for c in changes.sets:
        lines += [f"## {_heading(c)}", ""]
        if c.old_version is None or c.new_version is None:
            continue
        if c.version_not_bumped:
            lines += [f"> {BUMP}", ""]
        lines += [f"- Added {x}" for x in c.added]
        lines += [f"- Removed {x}" for x in c.removed]
        if c.added or c.removed:
            lines.append("")
        if c.changed:
            lines += [*_table(c.changed), ""]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- html

_CSS = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:70rem}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "thead th{background:#eee}td.old{background:#fdecea}td.new{background:#e8f5e9}"
    ".note{border-left:4px solid #b58900;padding:.2rem .7rem;background:#fff8e1}"
    "@media print{body{margin:0}thead{display:table-header-group}tr{break-inside:avoid}}"
)


def _html_table(changes: list[Change], lang: str = "en") -> str:
    marked = f' lang="{html.escape(lang)}"' if lang != "en" else ""

    def td(value: str | None, cls: str) -> str:
        return f'<td class="{cls}"{marked}>{html.escape(value) if value is not None else "—"}</td>'

    rows = "".join(
        f"<tr><th scope=\"row\">{html.escape(c.what)}</th>{td(c.old, 'old')}{td(c.new, 'new')}</tr>\n" for c in changes
    )
    return (
        '<table>\n<thead><tr><th scope="col">What</th><th scope="col">Before</th><th scope="col">After</th></tr>'
        f"</thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
    )


def as_html(changes: Changes, old_label: str, new_label: str, stamp: str = "", language: str = "en") -> str:
    title = f"Changes from {old_label} to {new_label}"
    parts = [
        f'<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n<h1>{html.escape(title)}</h1>\n"
    ]
    if stamp:
        parts.append(f"<p>{html.escape(stamp)}</p>\n")
    if changes.empty:
        parts.append("<p>No changes to the programme, outcomes, lessons, items, rubrics or glossary.</p>\n")
    if changes.program:
        parts.append("<h2>Programme</h2>\n" + _html_table(changes.program, language))
    for c in changes.sets:
        parts.append(f"<h2>{html.escape(_heading(c))}</h2>\n")
        if c.old_version is None or c.new_version is None:
            continue
        if c.version_not_bumped:
            parts.append(f'<p class="note">{html.escape(BUMP)}</p>\n')
        listed = [f"<li>Added {html.escape(x)}</li>" for x in c.added]
        listed += [f"<li>Removed {html.escape(x)}</li>" for x in c.removed]
        if listed:
            parts.append("<ul>\n" + "\n".join(listed) + "\n</ul>\n")
        if c.changed:
            parts.append(_html_table(c.changed, language))
    return "".join(parts)


def checkout_revision(repo_dir: Path, revision: str, subdir: str) -> Path:
    """Extract `subdir` of a git revision into a temporary folder (read-only use)."""
    target = Path(tempfile.mkdtemp(prefix="coursepack-diff-"))
    archive = subprocess.run(
        ["git", "-C", str(repo_dir), "archive", "--format=tar", revision, subdir], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / subdir
