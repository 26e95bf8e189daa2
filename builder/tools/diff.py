"""Change log between two versions of a curriculum: outcomes, items, lessons and rubrics."""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from builder.resolve.course import Course, CSet


@dataclass
class SetChanges:
    code: str
    title: str
    old_version: str | None
    new_version: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed) and self.old_version == self.new_version


def _fingerprint(obj: Any) -> str:
    return json.dumps(asdict(obj), sort_keys=True, default=str)


def _entries(s: CSet) -> dict[str, tuple[str, str]]:
    """id → (kind label, fingerprint) for every part a change log should mention."""
    out: dict[str, tuple[str, str]] = {}
    for o in s.outcomes:
        out[o.id] = (f"outcome {o.id}", _fingerprint(o))
    for lesson in s.lessons:
        out[lesson.id] = (f"lesson {lesson.id} ({lesson.title})", _fingerprint(lesson))
    for it in s.items:
        out[it.id] = (f"item {it.id} ({it.type})", _fingerprint(it))
    for t in s.portfolio:
        task = {k: v for k, v in asdict(t).items() if k not in ("levels", "criteria")}
        out[t.id] = (f"portfolio task {t.id}", json.dumps(task, sort_keys=True))
        rubric = {"levels": [asdict(lv) for lv in t.levels], "criteria": [asdict(c) for c in t.criteria]}
        out[f"{t.id}#rubric"] = (f"rubric of {t.id}", json.dumps(rubric, sort_keys=True))
    return out


def _what_changed(kind: str, old: CSet, new: CSet, ident: str) -> str:
    if kind.startswith("outcome"):
        a, b = old.outcome(ident), new.outcome(ident)
        bits = []
        if a.statement != b.statement:
            bits.append(f'statement now "{b.statement}"')
        if a.bloom != b.bloom:
            bits.append(f"Bloom level {a.bloom.value} → {b.bloom.value}")
        return f"{kind}: " + ("; ".join(bits) or "changed")
    if kind.startswith("rubric"):
        task_id = ident.split("#")[0]
        a_task = next(t for t in old.portfolio if t.id == task_id)
        b_task = next(t for t in new.portfolio if t.id == task_id)
        a_names = [c.name for c in a_task.criteria]
        b_names = [c.name for c in b_task.criteria]
        bits = [f"criterion added: {n}" for n in b_names if n not in a_names]
        bits += [f"criterion removed: {n}" for n in a_names if n not in b_names]
        if [lv.points for lv in a_task.levels] != [lv.points for lv in b_task.levels]:
            bits.append("level points changed")
        a_crit = {c.name: c for c in a_task.criteria}
        kept = [(a_crit[c.name], c) for c in b_task.criteria if c.name in a_crit]
        if any(x.outcomes != y.outcomes for x, y in kept):
            bits.append("outcomes rated by criteria changed")
        if any(x.descriptors != y.descriptors for x, y in kept):
            bits.append("descriptors changed")
        return f"{kind}: " + ("; ".join(bits) or "changed")
    fields = _changed_fields(old, new, ident)
    return f"{kind}: " + (", ".join(fields) + " changed" if fields else "changed")


_FIELD_NAMES = {
    "prompt_html": "prompt",
    "feedback_html": "feedback",
    "options": "choices or answers",
    "sources": "left sides",
    "answers": "accepted answers",
    "body_html": "text",
    "correct_feedback_html": "feedback",
    "incorrect_feedback_html": "feedback",
    "task_html": "task",
}


def _changed_fields(old: CSet, new: CSet, ident: str) -> list[str]:
    def find(s: CSet) -> dict[str, Any]:
        for group in (s.items, s.lessons, s.portfolio):
            for part in group:
                if part.id == ident:
                    return asdict(part)
        return {}

    a, b = find(old), find(new)
    names = [_FIELD_NAMES.get(k, k) for k in b if k != "id" and a.get(k) != b.get(k)]
    return list(dict.fromkeys(names))


def compare(old: Course, new: Course) -> list[SetChanges]:
    old_sets = {s.code: s for s in old.sets}
    new_sets = {s.code: s for s in new.sets}
    result: list[SetChanges] = []
    for code in [*new_sets, *(c for c in old_sets if c not in new_sets)]:
        a, b = old_sets.get(code), new_sets.get(code)
        either = b if b is not None else a
        title = either.title if either is not None else code
        changes = SetChanges(code, title, a.version if a else None, b.version if b else None)
        if a is None or b is None:
            result.append(changes)
            continue
        ea, eb = _entries(a), _entries(b)
        changes.added = [eb[k][0] for k in eb if k not in ea]
        changes.removed = [ea[k][0] for k in ea if k not in eb]
        changes.changed = [_what_changed(eb[k][0], a, b, k) for k in eb if k in ea and ea[k][1] != eb[k][1]]
        if not changes.empty:
            result.append(changes)
    return result


def as_markdown(changes: list[SetChanges], old_label: str, new_label: str) -> str:
    lines = [f"# Changes from {old_label} to {new_label}", ""]
    if not changes:
        lines.append("No changes to outcomes, lessons, items or rubrics.")
    for c in changes:
        if c.old_version is None:
            lines += [f"## {c.code} {c.title} (new set, version {c.new_version})", ""]
            continue
        if c.new_version is None:
            lines += [f"## {c.code} {c.title} (removed; was version {c.old_version})", ""]
            continue
        version = c.new_version if c.old_version == c.new_version else f"{c.old_version} → {c.new_version}"
        lines += [f"## {c.code} {c.title} (version {version})", ""]
        if c.old_version == c.new_version:
            lines += ["> The content changed but the set's `version` did not: bump it before publishing.", ""]
        lines += [f"- Added {x}" for x in c.added]
        lines += [f"- Removed {x}" for x in c.removed]
        lines += [f"- Changed {x}" for x in c.changed]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def checkout_revision(repo_dir: Path, revision: str, subdir: str) -> Path:
    """Extract `subdir` of a git revision into a temporary folder (read-only use)."""
    target = Path(tempfile.mkdtemp(prefix="coursepack-diff-"))
    archive = subprocess.run(
        ["git", "-C", str(repo_dir), "archive", "--format=tar", revision, subdir], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / subdir
