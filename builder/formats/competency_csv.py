"""The programme as a Moodle competency framework (admin tool "Import competency framework").

Moodle's importer (tool_lpimportcsv\\framework_importer) reads columns by position, not by header,
and silently drops a row whose parent id number is unknown together with its children; so the
columns follow its own exporter (framework_exporter::export) exactly, with the headers of its
language pack, and parents always come before their children.

csv_import_reader reads the file with PHP's fgetcsv(), whose escape character is a backslash: a
backslash before a quote inside a quoted field hides that quote, the row falls apart and the whole
file is refused. Backslashes in text are therefore written as the HTML entity &#92;, which the
descriptions (HTML) and short names (shown through format_string) display as a backslash.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.resolve.course import Course
from builder.rules.diagnostics import Diagnostic

# framework_importer::list_required_headers(), as lang/en/tool_lpimportcsv.php spells them.
HEADER = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
SHORTNAME_MAX = 100  # competency.shortname; the importer would cut longer ones itself with shorten_text()
SCALE = "Not yet competent,Competent"
# Item ids are 1-based positions in SCALE: default "Not yet competent", proficient "Competent".
SCALE_CONFIG = json.dumps(
    [{"scaleid": "1"}, {"id": 1, "scaledefault": 1, "proficient": 0}, {"id": 2, "scaledefault": 0, "proficient": 1}],
    separators=(",", ":"),
)
FORMAT_HTML = "1"
RULE_ALL = "core_competency\\competency_rule_all"
RULE_OUTCOME_NONE = "0"  # core_competency\competency::OUTCOME_NONE
RULE_OUTCOME_COMPLETE = "2"  # OUTCOME_COMPLETE: the set is complete once all its outcomes are
TAXONOMIES = "domain,outcome"  # competency_framework::TAXONOMY_DOMAIN, TAXONOMY_OUTCOME


def _safe(text: str) -> str:
    return text.replace("\\", "&#92;")


def _short(text: str) -> str:
    text = _safe(text)
    if len(text) <= SHORTNAME_MAX:
        return text
    cut = text[: SHORTNAME_MAX - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def _catalogue(course: Course, cat: Catalogue | None) -> Catalogue:
    """The writer's catalogue; callers without a WriteContext get the default theme's strings."""
    if cat is not None:
        return cat
    from builder.render.i18n import load_catalogue
    from builder.render.themes import load_theme

    return load_catalogue(load_theme("default"), course.program.language)


def rows(course: Course, catalogue: Catalogue | None = None) -> list[tuple[str, ...]]:
    cat = _catalogue(course, catalogue)
    p = course.program
    framework_id = f"{p.id}-{p.version}"
    out: list[tuple[str, ...]] = [HEADER]
    out.append(
        (
            "",
            framework_id,
            _short(f"{p.short_title} {p.version}"),
            _safe(p.description_html),
            FORMAT_HTML,
            SCALE,
            SCALE_CONFIG,
            "",
            "",
            "",
            "",
            "",
            "1",
            TAXONOMIES,
        )
    )
    exported = 0
    for s in course.sets:
        exported += 1
        kind = cat.get("csv.required_set" if s.required else "csv.elective_set")
        out.append(
            (
                "",
                s.code,
                _short(f"{s.code} {s.title}"),
                _safe(f"<p>{escape(kind)}</p>{s.summary_html}"),
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
                    _short(f"{o.id} {o.statement}"),
                    _safe(
                        f"<p>{escape(o.statement)}</p>"
                        f"<p>{escape(cat.get('csv.bloom', level=cat.get('pdf.bloom.' + o.bloom.value)))}</p>"
                    ),
                    FORMAT_HTML,
                    "",
                    "",
                    "",
                    RULE_OUTCOME_NONE,
                    "null",
                    "",
                    str(exported),
                    "",
                    "",
                )
            )
    return out


def framework_csv(course: Course, catalogue: Catalogue | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows(course, catalogue))
    return buffer.getvalue()


class CompetencyCsv(Format):
    name = "competency_csv"
    folder = "moodle"
    version = "3"

    def owns(self, rel: str) -> bool:
        return rel == "competencies.csv"

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, None)]

    def inputs(self, course: Course, job: Job) -> Course:
        # the framework lists sets and outcomes, never a lesson's text or a question: editing those keeps it
        return course.outline()

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        out.write_text("competencies.csv", framework_csv(course, ctx.catalogue))
        return []
