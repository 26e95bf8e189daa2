"""What a results export holds once read, whichever LMS or format it came from: attempts of responses."""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.rules.diagnostics import Diagnostic, SourceLoc


@dataclass(frozen=True)
class Response:
    item_id: str
    response: str | None  # None: the report has no Response column
    right: str | None  # the correct-response pattern the package reported (None: no column)
    result: str | None  # "correct", "wrong", "incorrect", a number, or None: no column
    latency: str | None  # no LMS report we know carries it; read when a "Latency N" column exists
    loc: SourceLoc  # of the Question cell


@dataclass(frozen=True)
class Attempt:
    number: int  # an opaque sequence number in the report, never a learner id
    responses: tuple[Response, ...]
    loc: SourceLoc


@dataclass
class Export:
    path: str
    kind: str = "scorm"  # "scorm": item ids in Question N; "quiz": question texts, matched to items later
    attempts: list[Attempt] = field(default_factory=list)
    has_response: bool = False
    has_right: bool = False
    has_result: bool = False


class ReportError(Exception):
    def __init__(self, diags: list[Diagnostic]):
        super().__init__(diags[0].message if diags else "report error")
        self.diags = diags
