"""Moodle quiz Responses exports speak in texts (question summary, choice texts), not ids: match them to the items
of the curriculum and rewrite each response in the key syntax the rest of the analysis reads ("a,c", "true")."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from builder.analysis.records import Attempt, Export
from builder.resolve.course import Course
from builder.resolve.items import FillInItem, MultipleChoiceItem, SingleChoiceItem, TrueFalseItem
from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report

TAG = re.compile(r"<[^>]+>")
# The types a Moodle quiz Responses export names by text (matching and ordering summaries are not read).
QuizItem = SingleChoiceItem | MultipleChoiceItem | TrueFalseItem | FillInItem


def plain(text: str) -> str:
    """Comparable text: tags dropped, entities read, whitespace collapsed, case folded (Moodle's html_to_text
    upper-cases bold text and spaces things its own way)."""
    return " ".join(html.unescape(TAG.sub(" ", text)).split()).casefold()


def _item_for(question: str, prompts: list[tuple[str, QuizItem]]) -> QuizItem | None:
    q = plain(question)
    found = [(len(p), it) for p, it in prompts if p and (q == p or q.startswith(p))]
    return max(found, key=lambda x: x[0])[1] if found else None


def _keys(item: QuizItem, summary: str) -> str | None:
    """A response summary as option keys; None if a part names no option of the item."""
    if isinstance(item, FillInItem):
        return summary
    texts = {plain(o.html): o.key for o in item.choices}
    if isinstance(item, TrueFalseItem):
        texts = {"true": "true", "false": "false"}
    whole = plain(summary)
    if whole in texts:
        return texts[whole]
    parts = [plain(p) for p in summary.split("; ")]
    if all(p in texts for p in parts):
        picked = {texts[p] for p in parts}
        return ",".join(o.key for o in item.choices if o.key in picked)
    return None


def to_items(course: Course, export: Export) -> tuple[Export, list[Diagnostic]]:
    prompts: list[tuple[str, QuizItem]] = [
        (plain(it.prompt_html), it) for s in course.sets for it in s.items if isinstance(it, QuizItem)
    ]
    diags: list[Diagnostic] = []
    unknown: set[str] = set()
    attempts = []
    for a in export.attempts:
        rows = []
        for r in a.responses:
            item = _item_for(r.item_id, prompts)
            if item is None:
                if r.item_id not in unknown:
                    unknown.add(r.item_id)
                    diags.append(report("report-unknown-question", f"no item of {course.program.id} has this "
                                         f"question text ({r.item_id[:60]!r}); its answers are left out", r.loc))
                continue
            response = _keys(item, r.response) if r.response is not None else None
            right = _keys(item, r.right) if r.right and not isinstance(item, FillInItem) else None
            if r.right and not isinstance(item, FillInItem) and right is None:
                right = r.right  # a key text the item does not have now: shown as changed
            rows.append(replace(r, item_id=item.id, response=response if response is not None else r.response,
                                right=right))
        attempts.append(Attempt(a.number, tuple(rows), a.loc))
    return replace(export, attempts=attempts, kind="scorm"), diags
