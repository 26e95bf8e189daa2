"""The PDFs as File resources of the restored course (mod_resource, backup_resource_stepslib): the programme
handbook on top, each set's study guide in its set's section.

The PDFs are the pdf format's dist/pdf files, handed to the course backup by the pipeline (Format.needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from builder.formats.moodle.mbz import Tree, doc, empty_activity_files, module_xml
from builder.render.context import WriteContext
from builder.render.text import handbook_subject
from builder.resolve.course import Course, CourseSet

RESOURCE_MODULE_VERSION = "2022112800"
DISPLAY_AUTO = 0  # RESOURCELIB_DISPLAY_AUTO: the browser shows the PDF, or offers it for download


@dataclass(frozen=True)
class Pdf:
    """What the course shows of one PDF: its name and description (the PDF's own title and subject, from the
    theme's catalogue) and the activity's id number."""

    name: str
    subject: str
    idnumber: str


def handbook_pdf(course: Course, ctx: WriteContext) -> Pdf:
    name = ctx.catalogue.get("pdf.handbook.doc_title", program=course.program.title) + " (PDF)"
    return Pdf(name, handbook_subject(course, ctx.catalogue), f"{course.program.id}-handbook")


def guide_pdf(course: Course, cset: CourseSet, ctx: WriteContext) -> Pdf:
    cat = ctx.catalogue
    name = cat.get("pdf.guide.doc_title", code=cset.code, title=cset.title) + " (PDF)"
    subject = cat.get("pdf.guide.subject", title=cset.title, program=course.program.title)
    return Pdf(name, subject, f"{cset.code}-guide")


def resource_activity(pdf: Pdf, cmid: int, section: int, time: int, file_id: int) -> tuple[dict[str, bytes], str]:
    """activities/resource_<cmid>/: resource instance cmid, context 100 + cmid, the PDF as its one content file."""
    contextid = 100 + cmid
    resource: Tree = [
        ("name", pdf.name),
        ("intro", f"<p>{escape(pdf.subject)}</p>"),
        ("introformat", 1), ("tobemigrated", 0), ("legacyfiles", 0), ("legacyfileslast", None),
        ("display", DISPLAY_AUTO), ("displayoptions", 'a:1:{s:10:"printintro";i:1;}'), ("filterfiles", 0),
        ("revision", 1), ("timemodified", time),
    ]
    prefix = f"activities/resource_{cmid}"
    out = empty_activity_files(prefix)
    out[f"{prefix}/resource.xml"] = doc("activity", [(f"resource id={cmid}", resource)], id=cmid, moduleid=cmid,
                                        modulename="resource", contextid=contextid)
    out[f"{prefix}/module.xml"] = module_xml("resource", cmid, section, pdf.idnumber, time, RESOURCE_MODULE_VERSION,
                                             completion=0)
    out[f"{prefix}/inforef.xml"] = doc("inforef", [("fileref", [("file", [("id", file_id)])])])
    out[f"{prefix}/grades.xml"] = doc("activity_gradebook", [("grade_items", []), ("grade_letters", [])])
    return out, pdf.name
