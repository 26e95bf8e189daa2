"""Limits of what a curriculum may ask the builder to produce: every one is a located `check` error,
so what `check` accepts, `build` can write (no RecursionError, no 4 GB PDF render, no file a
Windows machine cannot save)."""

from __future__ import annotations

from typing import Any

from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report
from builder.source import markup
from builder.source.load import Document, KeyPath
from builder.source.model import CompetencySet


def set_limits(m: CompetencySet, doc: Document) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if m.code.upper() in WINDOWS_RESERVED:
        out.append(
            report(
                "reserved-code",
                f"set code {m.code} is a reserved device name on Windows: {m.code}.zip and {m.code}.pdf cannot be"
                " saved or unzipped there",
                doc.loc(("code",)),
                f"choose another code, e.g. {m.code}X",
            )
        )
    return out + size_guard(m, doc) + markup_depth(doc)


def markup_depth(doc: Document) -> list[Diagnostic]:
    """Markdown nested deeper than the renderers can follow is an error here, not a crash later."""
    out: list[Diagnostic] = []
    stack: list[tuple[KeyPath, Any]] = [((), doc.data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack += [(path + (k,), v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [(path + (i,), v) for i, v in enumerate(node)]
        elif isinstance(node, str) and (levels := markup.depth(node)) > markup.MAX_DEPTH:
            out.append(
                report(
                    "markdown-too-deep",
                    f"the text nests {levels} levels deep (emphasis, lists or quotes); the limit is {markup.MAX_DEPTH}",
                    doc.loc(path),
                    "remove the repeated `*`, `_` or `>` marks",
                )
            )
    return sorted(out, key=Diagnostic.sort_key)


# An accepted fill-in answer: the player's answer box takes no more, and every typed answer (up to three
# characters each once escaped) must fit the largest set's SCORM 1.2 suspend_data of 4096 characters.
# check.py refuses longer ones at their line; the SCORM writer keeps its own guard; the player gets it
# in its content JSON (fillInMax).
FILL_IN_MAX = 100
# Windows refuses these as file names with any extension (CON.zip, NUL.pdf): a trainer there could
# neither save nor unzip the package.
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)
# Resource guard. Output cost grows faster than a set's size (a PDF guide prints every lesson and
# item): the bundled sets hold at most 30 items and 8 lessons; measured here, 500 items rendered in
# 41 s and 515 MB, 5,000 in 6.6 min and 3.9 GB. Above the first number a warning says so; above the
# second the set is refused before anything renders.
SET_LIMITS = {"items": (200, 600), "lessons": (60, 200), "outcomes": (60, 200), "glossary": (300, 1000)}


def size_guard(m: CompetencySet, doc: Document) -> list[Diagnostic]:
    counts = {
        "items": (len(m.assessment.items), ("assessment", "items")),
        "lessons": (len(m.lessons), ("lessons",)),
        "outcomes": (len(m.outcomes), ("outcomes",)),
        "glossary": (len(m.glossary), ("glossary",)),
    }
    out: list[Diagnostic] = []
    for what, (count, path) in counts.items():
        warn, limit = SET_LIMITS[what]
        if count > limit:
            message = f"set {m.code} has {count:,} {what}; the limit is {limit:,} per set"
            out.append(report("set-too-large", message, doc.loc(path, at_key=True), "split it into several sets"))
        elif count > warn:
            message = f"set {m.code} has {count:,} {what}; above {warn:,} its PDF guide and packages get slow and large"
            out.append(report("set-large", message, doc.loc(path, at_key=True), "consider splitting it"))
    return out
