"""xAPI statements exported from an LRS for coursepack's cmi5 packages: the "answered" statements the cmi5 player
sends per item (object id …/<item id>, result.response in the SCORM 2004 syntax, result.success, result.duration).

Accepted: a JSON array of statements, or an LRS's `GET /statements` answer ({"statements": [...], "more": ...}).
One registration (attempt) per learner counts: the first one answered, by statement timestamp. The actor is read
only to tell learners apart; it never leaves this module."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from builder.analysis.records import Attempt, Export, ReportError, Response
from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
LANG_PREFIX = re.compile(r"^\{lang=[^}]*\}")


def _statements(text: str, label: str) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "the export may be cut short; export the statements again" if exc.pos >= len(text) - 1 else None
        raise ReportError([report("report-truncated" if hint else "report-json", f"not JSON: {exc.msg}",
                                 SourceLoc(label, exc.lineno, exc.colno), hint)]) from None
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        return list(data["statements"])
    if isinstance(data, list):
        return data
    raise ReportError([report("report-json", "neither a list of xAPI statements nor an LRS statement result",
                             SourceLoc(label, 1, 1))])


def _actor(st: dict[str, Any]) -> str:
    actor = st.get("actor") or {}
    account = actor.get("account") or {}
    return json.dumps([actor.get("mbox"), actor.get("mbox_sha1sum"), actor.get("openid"), account.get("homePage"),
                       account.get("name")])


def parse(text: str, label: str) -> tuple[Export, list[Diagnostic]]:
    statements = _statements(text, label)
    here = SourceLoc(label, 1, 1)
    diags: list[Diagnostic] = []
    by_attempt: dict[tuple[str, str], list[tuple[str, Response]]] = {}
    skipped = 0
    for st in statements:
        if not isinstance(st, dict) or (st.get("verb") or {}).get("id") != ANSWERED:
            continue
        obj, result = st.get("object") or {}, st.get("result") or {}
        item_id = urllib.parse.unquote(str(obj.get("id", "")).rsplit("/", 1)[-1])
        if not item_id or not isinstance(result, dict) or "success" not in result:
            skipped += 1
            continue
        registration = str((st.get("context") or {}).get("registration", ""))
        response = result.get("response")
        patterns = ((obj.get("definition") or {}).get("correctResponsesPattern")) or None
        r = Response(item_id, LANG_PREFIX.sub("", response) if isinstance(response, str) else None,
                     ",".join(str(p) for p in patterns) if isinstance(patterns, list) else None,
                     "correct" if result.get("success") is True else "incorrect",
                     str(result["duration"]) if result.get("duration") else None, SourceLoc(label, 1, 1))
        by_attempt.setdefault((_actor(st), registration), []).append((str(st.get("timestamp", "")), r))
    if skipped:
        diags.append(report("report-statement-skipped", f"{skipped} answered statement(s) without an item id or a "
                             "result were left out", here))
    if not by_attempt:
        raise ReportError([report("report-no-interactions", "no \"answered\" statement in this export", here,
                                 "export the statements of the cmi5 course's activities, verb answered")])
    first: dict[str, tuple[str, list[tuple[str, Response]]]] = {}
    for (actor, _), rows in by_attempt.items():
        started = min(t for t, _ in rows)
        if actor not in first or started < first[actor][0]:
            first[actor] = (started, rows)
    export = Export(label, kind="scorm", has_response=True, has_right=True, has_result=True)
    for seq, (_, rows) in enumerate(sorted(first.values(), key=lambda x: x[0]), start=1):
        answers: dict[str, Response] = {}
        for _, r in sorted(rows, key=lambda x: x[0]):
            answers[r.item_id] = r  # answered again in the same registration: the last answer counts
        export.attempts.append(Attempt(seq, tuple(answers.values()), here))
    return export, diags
