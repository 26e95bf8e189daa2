"""Whole-curriculum rules: ids, references, program rules, coverage.

`check_curriculum(root)` runs load → validate → cross-checks and returns the
valid sources together with every diagnostic found, so one run reports all.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from pathlib import Path, PureWindowsPath
from typing import Any, assert_never

from builder.render.themes import theme_diagnostics
from builder.rules import limits
from builder.rules import program as program_rules
from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.lint import lint
from builder.rules.registry import report
from builder.rules.sources import SetSource, Sources
from builder.source.load import MAX_BYTES, Document, KeyPath, load_file
from builder.source.media import check_media
from builder.source.model import (
    CompetencySet,
    FillIn,
    LintSettings,
    Matching,
    MultipleChoice,
    Ordering,
    Program,
    SingleChoice,
    SourceItem,
    TrueFalse,
)
from builder.source.safe_io import read_confined
from builder.source.validate import validate


def _display(root: Path, file: Path, base: Path) -> str:
    try:
        shown = os.path.relpath(file, base)
    except ValueError:
        return str(file)
    # A folder outside the working directory reads better as the absolute path than as ../../..
    return str(file.absolute()) if shown.startswith("..") else shown


def check_curriculum(root: Path, base: Path | None = None) -> tuple[Sources | None, list[Diagnostic]]:
    """Load and check a curriculum folder. `base` is what displayed paths are relative to."""
    base = base or Path.cwd()
    diags: list[Diagnostic] = []
    program_file = root / "program.yaml"
    program: Program | None = None
    program_doc: Document | None = None
    if not program_file.is_file():
        diags.append(
            report(
                "no-program",
                f"no program.yaml in {_display(root, root, base)}",
                SourceLoc(_display(root, program_file, base), 1, 1),
                "a curriculum folder holds program.yaml and a sets/ folder; `coursepack new` makes one",
            )
        )
    else:
        program_doc, found = load_file(program_file, _display(root, program_file, base), root)
        diags += found
        if program_doc is not None:
            program, found = validate(program_doc, Program)
            diags += found + limits.markup_depth(program_doc)
    set_files = sorted((root / "sets").glob("*.yaml")) + sorted((root / "sets").glob("*.yml"))
    if not set_files and program_file.is_file():
        diags.append(
            report(
                "no-sets",
                "no competency sets found in sets/",
                SourceLoc(_display(root, root / "sets", base), 1, 1),
                "add one YAML file per competency set in sets/, named after its code, e.g. sets/<code>.yaml"
                " (`coursepack new` writes an example set)",
            )
        )
    sets: list[SetSource] = []
    # Codes of set files that exist but failed validation: the program may name them without a
    # second, misleading "no such set" error.
    broken_codes: set[str] = set()
    for file in set_files:
        doc, found = load_file(file, _display(root, file, base), root)
        diags += found
        if doc is None:
            broken_codes.update(_code_in_text(file))
            continue
        model, found = validate(doc, CompetencySet)
        diags += found
        if model is not None:
            sets.append(SetSource(model, doc))
        else:
            diags += _raw_outcome_refs(doc)
            code = doc.data.get("code") if isinstance(doc.data, dict) else None
            if isinstance(code, str):
                broken_codes.add(code)
    for s in sets:
        diags += _check_set(s, root)
    diags += _check_unique_ids(sets)
    diags += lint(sets, program.lint if program is not None else LintSettings())
    if program is not None and program_doc is not None:
        diags += program_rules.check_program(program, program_doc, sets, broken_codes)
        diags += program_rules.check_scale(program, program_doc, sets)
        theme_found = theme_diagnostics(program.theme, program_doc.loc(("theme",)))
        diags += theme_found
        if not theme_found:
            diags += program_rules.check_language(program, program_doc)
    if program is None or program_doc is None or any(d.severity.value == "error" for d in diags):
        return None, diags
    return Sources(root, program, program_doc, tuple(sets)), diags


def _span_ids(ids: list[str]) -> str:
    if len(ids) <= 4:
        return ", ".join(ids)
    return f"{ids[0]} … {ids[-1]}"


def _code_in_text(file: Path) -> list[str]:
    """The `code:` of a set file YAML could not parse, read line-wise, so the program's reference to
    it is not reported as a second, misleading error."""
    try:
        raw = read_confined(file, file.parent.parent, MAX_BYTES)
    except OSError:
        return []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 from Notepad: still find the code
        head = raw.decode("utf-16", errors="replace")
    else:
        head = raw.decode("utf-8", errors="replace")
    return re.findall(r"^code:\s*['\"]?([A-Z][A-Z0-9]{1,9})['\"]?\s*(?:#.*)?$", head, re.M)[:1]


def _unknown_outcomes(
    doc: Document, declared: list[str], kind: str, owner: str, ids: list[Any], path: KeyPath
) -> list[Diagnostic]:
    verb = {"item": "assesses", "lesson": "teaches"}.get(kind, "evidences")
    return [
        report(
            "unknown-outcome",
            f"{kind} {owner} {verb} outcome {ref}, which is not declared in this set",
            doc.loc(path + (i,)),
            f"declared outcomes are {_span_ids(declared)}",
        )
        for i, ref in enumerate(ids)
        if isinstance(ref, str) and ref not in declared
    ]


def _raw_outcome_refs(doc: Document) -> list[Diagnostic]:
    """Dangling outcome references in a set that failed validation, read from the raw data.

    A typo elsewhere in the file must not hide these: a committee fixes everything in one pass.
    """
    data = doc.data if isinstance(doc.data, dict) else {}

    def entries(value: Any) -> list[tuple[int, dict[str, Any]]]:
        return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)] if isinstance(value, list) else []

    declared = [o["id"] for _, o in entries(data.get("outcomes")) if isinstance(o.get("id"), str)]
    if not declared:
        return []
    assessment = data.get("assessment")
    groups: list[tuple[str, KeyPath, Any]] = [
        ("lesson", ("lessons",), data.get("lessons")),
        ("item", ("assessment", "items"), assessment.get("items") if isinstance(assessment, dict) else None),
        ("portfolio task", ("portfolio",), data.get("portfolio")),
    ]
    out: list[Diagnostic] = []
    for kind, base, value in groups:
        for i, entry in entries(value):
            ids = entry.get("outcomes")
            if isinstance(ids, list):
                owner = entry.get("id") if isinstance(entry.get("id"), str) else f"#{i + 1}"
                out += _unknown_outcomes(doc, declared, kind, str(owner), ids, base + (i, "outcomes"))
    return out


def _check_set(s: SetSource, root: Path) -> list[Diagnostic]:
    m, doc = s.model, s.doc
    out: list[Diagnostic] = []
    declared = [o.id for o in m.outcomes]
    prefix = f"{m.code}-"

    def refs(kind: str, owner: str, ids: list[str], path: KeyPath) -> None:
        out.extend(_unknown_outcomes(doc, declared, kind, owner, ids, path))

    def own_id(value: str, path: KeyPath) -> None:
        if not value.startswith(prefix):
            out.append(
                report(
                    "id-prefix",
                    f"id {value} does not start with the set code `{prefix}`",
                    doc.loc(path),
                    f"rename it, e.g. {prefix}{value.split('-', 1)[-1]}",
                )
            )

    out += limits.set_limits(m, doc)
    for i, o in enumerate(m.outcomes):
        own_id(o.id, ("outcomes", i, "id"))
    for i, lesson in enumerate(m.lessons):
        own_id(lesson.id, ("lessons", i, "id"))
        refs("lesson", lesson.id, lesson.outcomes, ("lessons", i, "outcomes"))
    for i, item in enumerate(m.assessment.items):
        own_id(item.id, ("assessment", "items", i, "id"))
        refs("item", item.id, item.outcomes, ("assessment", "items", i, "outcomes"))
        out += _check_item_values(item, doc, ("assessment", "items", i))
    for i, task in enumerate(m.portfolio):
        own_id(task.id, ("portfolio", i, "id"))
        refs("portfolio task", task.id, task.outcomes, ("portfolio", i, "outcomes"))
        levels = len(task.rubric.levels)
        out += _rubric_outcomes(task, doc, ("portfolio", i), declared)
        for j, crit in enumerate(task.rubric.criteria):
            if levels and len(crit.descriptors) != levels:  # no levels: the programme's scale (_check_scale)
                out.append(
                    report(
                        "rubric-shape",
                        f"criterion `{crit.name}` has {len(crit.descriptors)} descriptors"
                        f" but the rubric has {levels} levels",
                        doc.loc(("portfolio", i, "rubric", "criteria", j, "descriptors")),
                        "write one descriptor per level, in the same order as `levels`",
                    )
                )
    out += _check_pools(m, doc)
    out += _check_assets(m, doc, root)
    out += check_media(m, doc, root)
    out += _check_glossary(m, doc)
    total = sum(it.points for it in m.assessment.items)
    taught = {o for lesson in m.lessons for o in lesson.outcomes}
    assessed = {o for it in m.assessment.items for o in it.outcomes}
    for i, o in enumerate(m.outcomes):
        if o.id not in assessed:
            out.append(
                report(
                    "outcome-not-assessed",
                    f"outcome {o.id} is not assessed by any item",
                    doc.loc(("outcomes", i, "id")),
                    f"add an item with `outcomes: [{o.id}]`",
                )
            )
        if o.id not in taught:
            out.append(
                report(
                    "outcome-not-taught",
                    f"outcome {o.id} is not taught by any lesson",
                    doc.loc(("outcomes", i, "id")),
                    f"list {o.id} in a lesson's `outcomes`",
                )
            )
    if total <= 0:
        out.append(report("no-points", "the assessment has no points", doc.loc(("assessment",))))
    return out


def _rubric_outcomes(task: Any, doc: Document, path: KeyPath, declared: list[str]) -> list[Diagnostic]:
    """Criteria name the outcomes they evidence; once any does, every claimed outcome needs one."""
    out: list[Diagnostic] = []
    covered: set[str] = set()
    for j, crit in enumerate(task.rubric.criteria):
        where = path + ("rubric", "criteria", j, "outcomes")
        out += _unknown_outcomes(doc, declared, "rubric criterion", crit.name, crit.outcomes, where)
        for k, ref in enumerate(crit.outcomes):
            covered.add(ref)
            if ref in declared and ref not in task.outcomes:
                out.append(report(
                    "criterion-outcome-unclaimed",
                    f"criterion `{crit.name}` evidences {ref}, which task {task.id} does not claim",
                    doc.loc(where + (k,)),
                    f"add {ref} to the task's `outcomes`, or remove it from the criterion",
                ))
    if covered:
        for k, ref in enumerate(task.outcomes):
            if ref not in covered:
                out.append(report(
                    "outcome-not-in-rubric",
                    f"task {task.id} claims outcome {ref}, but no rubric criterion evidences it",
                    doc.loc(path + ("outcomes", k)),
                    f"name {ref} in a criterion's `outcomes`, or drop it from the task if the task does not show it",
                ))
    return out


def _dupes(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def _check_item_values(item: SourceItem, doc: Document, path: KeyPath) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def dup(values: list[str], key: str, sub: str | None, what: str) -> None:
        seen: set[str] = set()
        for j, v in enumerate(values):
            norm = v.strip().casefold()
            if norm in seen:
                loc = doc.loc(path + (key, j) + ((sub,) if sub else ()))
                out.append(
                    report(
                        "duplicate-option",
                        f"item {item.id}: {what} {v!r} appears twice",
                        loc,
                        "every option must be distinct, or learners cannot tell them apart",
                    )
                )
            seen.add(norm)

    match item:
        case SingleChoice() | MultipleChoice():
            dup([c.text for c in item.choices], "choices", "text", "choice")
        case Matching():
            dup([p.left for p in item.pairs], "pairs", "left", "left side")
            dup([p.right for p in item.pairs], "pairs", "right", "right side")
        case Ordering():
            dup(item.sequence, "sequence", None, "step")
        case TrueFalse():
            pass
        case FillIn():
            out += _long_answers(item, doc, path)
        case _:
            assert_never(item)
    return out


def _long_answers(item: FillIn, doc: Document, path: KeyPath) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for j, ans in enumerate(item.answers):
        if len(ans) > limits.FILL_IN_MAX:
            out.append(
                report(
                    "answer-too-long",
                    f"an accepted answer is longer than {limits.FILL_IN_MAX} characters",
                    doc.loc(path + ("answers", j)),
                    f"learners type into a box of {limits.FILL_IN_MAX} characters: shorten it, or accept a "
                    "shorter form",
                )
            )
    return out


def _check_pools(m: CompetencySet, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    item_ids = {it.id for it in m.assessment.items}
    pooled: dict[str, str] = {}
    for i, pool in enumerate(m.assessment.pools):
        for j, ref in enumerate(pool.items):
            loc = doc.loc(("assessment", "pools", i, "items", j))
            if ref not in item_ids:
                out.append(
                    report(
                        "unknown-item",
                        f"pool {pool.id} lists item {ref}, which is not in this set",
                        loc,
                        "list ids of items under assessment.items",
                    )
                )
            elif ref in pooled:
                out.append(report("item-in-two-pools", f"item {ref} is already in pool {pooled[ref]}", loc))
            pooled[ref] = pool.id
        if pool.draw > len(pool.items):
            out.append(
                report(
                    "pool-draw",
                    f"pool {pool.id} draws {pool.draw} items but lists {len(pool.items)}",
                    doc.loc(("assessment", "pools", i, "draw")),
                    f"set draw to at most {len(pool.items)}",
                )
            )
    return out


def _check_assets(m: CompetencySet, doc: Document, root: Path) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, asset in enumerate(m.assets):
        problem = asset_problem(asset.path, root)
        if problem:
            out.append(
                report(
                    "bad-asset-path",
                    problem,
                    doc.loc(("assets", i, "path")),
                    "use a path relative to the curriculum folder, e.g. images/desk.png",
                )
            )
    return out


def asset_problem(path: str, root: Path) -> str | None:
    """Why an asset path is unsafe or missing, or None. Assets never leave the curriculum folder."""
    if not path or path.startswith(("/", "\\")) or PureWindowsPath(path).drive or ":" in path:
        return f"asset path {path!r} is absolute; it must be relative to the curriculum folder"
    if ".." in Path(path.replace("\\", "/")).parts:
        return f"asset path {path!r} leaves the curriculum folder"
    real_root = root.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(real_root):
        return f"asset path {path!r} resolves outside the curriculum folder (a symlink?)"
    if not target.exists():
        return f"asset file {path!r} does not exist"
    if not target.is_file() or not stat.S_ISREG(target.stat().st_mode):
        return f"asset {path!r} is not a regular file (a FIFO, a device or a folder)"
    return None


def _check_glossary(m: CompetencySet, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[str] = set()
    for i, entry in enumerate(m.glossary):
        key = entry.term.casefold()
        if key in seen:
            out.append(
                report(
                    "duplicate-term", f"glossary term {entry.term!r} is defined twice", doc.loc(("glossary", i, "term"))
                )
            )
        seen.add(key)
    return out


def _check_unique_ids(sets: list[SetSource]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first: dict[str, SourceLoc] = {}
    codes: dict[str, SourceLoc] = {}
    for s in sets:
        loc = s.doc.loc(("code",))
        if s.model.code in codes:
            out.append(
                report(
                    "duplicate-set",
                    f"set code {s.model.code} is also used at {codes[s.model.code]}",
                    loc,
                    "every set needs its own code",
                )
            )
        codes.setdefault(s.model.code, loc)
        for path, ident in _all_ids(s.model):
            here = s.doc.loc(path)
            if ident in first:
                out.append(
                    report(
                        "duplicate-id",
                        f"id {ident} is already used at {first[ident]}",
                        here,
                        "ids must be unique across the whole curriculum",
                    )
                )
            else:
                first[ident] = here
    return out


def _all_ids(m: CompetencySet) -> list[tuple[KeyPath, str]]:
    ids: list[tuple[KeyPath, str]] = []
    ids += [(("outcomes", i, "id"), o.id) for i, o in enumerate(m.outcomes)]
    ids += [(("lessons", i, "id"), x.id) for i, x in enumerate(m.lessons)]
    ids += [(("assessment", "items", i, "id"), x.id) for i, x in enumerate(m.assessment.items)]
    ids += [(("assessment", "pools", i, "id"), x.id) for i, x in enumerate(m.assessment.pools)]
    ids += [(("portfolio", i, "id"), x.id) for i, x in enumerate(m.portfolio)]
    return ids


