"""The programme as a Moodle competency framework (admin tool "Import competency framework").

Moodle's importer (tool_lpimportcsv) reads columns by position, not by header, and silently
drops a row whose parent id number is unknown together with its children; so the columns
follow its own exporter exactly and parents always come before their children.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape

from ..course import Course
from ..diagnostics import Diagnostic
from ..output import OutDir
from ..themes import Theme
from .base import Format, Job, Options

HEADER = (
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
)
SCALE = "Not yet competent,Competent"
# Item ids are 1-based positions in SCALE: default "Not yet competent", proficient "Competent".
SCALE_CONFIG = json.dumps(
    [{"scaleid": "1"}, {"id": 1, "scaledefault": 1, "proficient": 0}, {"id": 2, "scaledefault": 0, "proficient": 1}],
    separators=(",", ":"),
)
FORMAT_HTML = "1"
RULE_ALL = "core_competency\\competency_rule_all"
RULE_OUTCOME_COMPLETE = "2"


def rows(course: Course) -> list[tuple[str, ...]]:
    p = course.program
    framework_id = f"{p.id}-{p.version}"
    out: list[tuple[str, ...]] = [HEADER]
    out.append(
        (
            "",
            framework_id,
            f"{p.short_title} {p.version}"[:100],
            p.description_html,
            FORMAT_HTML,
            SCALE,
            SCALE_CONFIG,
            "",
            "",
            "",
            "",
            "",
            "1",
            "domain,outcome",
        )
    )
    exported = 0
    for s in course.sets:
        exported += 1
        kind = "Required" if s.required else "Elective"
        out.append(
            (
                "",
                s.code,
                f"{s.code} {s.title}"[:100],
                f"<p>{kind} set.</p>{s.summary_html}",
                FORMAT_HTML,
                "",
                "",
                RULE_ALL,
                RULE_OUTCOME_COMPLETE,
                "null",
                "",
                str(exported),
                "",
                "",
            )
        )
        for o in s.outcomes:
            exported += 1
            out.append(
                (
                    s.code,
                    o.id,
                    f"{o.id} {o.statement}"[:100],
                    f"<p>{escape(o.statement)}</p><p>Bloom level: {o.bloom.value}</p>",
                    FORMAT_HTML,
                    "",
                    "",
                    "",
                    "0",
                    "null",
                    "",
                    str(exported),
                    "",
                    "",
                )
            )
    return out


def framework_csv(course: Course) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows(course))
    return buffer.getvalue()


class CompetencyCsv(Format):
    name = "competency_csv"
    folder = "moodle"

    def owns(self, rel: str) -> bool:
        return rel == "competencies.csv"

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, None)]

    def write(self, course: Course, job: Job, theme: Theme, out: OutDir, options: Options) -> list[Diagnostic]:
        out.write_text("competencies.csv", framework_csv(course))
        return []
