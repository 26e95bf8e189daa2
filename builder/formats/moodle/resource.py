"""The programme handbook as a File resource on top of the restored course (mod_resource, backup_resource_stepslib).

The PDF is the pdf format's dist/pdf/handbook.pdf, handed to the course backup by the pipeline (Format.needs).
"""

from __future__ import annotations

from html import escape

from builder.formats.moodle.mbz import Tree, doc, empty_activity_files, module_xml
from builder.render.context import WriteContext
from builder.render.text import handbook_subject
from builder.resolve.course import Course

RESOURCE_MODULE_VERSION = "2022112800"
DISPLAY_AUTO = 0  # RESOURCELIB_DISPLAY_AUTO: the browser shows the PDF, or offers it for download


def resource_activity(course: Course, ctx: WriteContext, cmid: int, section: int, time: int,
                      file_id: int) -> tuple[dict[str, bytes], str]:
    """activities/resource_<cmid>/: resource instance cmid, context 100 + cmid, the PDF as its one content file.
    Its name and description are the handbook's own title and subject (the theme's catalogue strings)."""
    contextid = 100 + cmid
    name = ctx.catalogue.get("pdf.handbook.doc_title", program=course.program.title) + " (PDF)"
    subject = handbook_subject(course, ctx.catalogue)
    resource: Tree = [
        ("name", name),
        ("intro", f"<p>{escape(subject)}</p>"),
        ("introformat", 1), ("tobemigrated", 0), ("legacyfiles", 0), ("legacyfileslast", None),
        ("display", DISPLAY_AUTO), ("displayoptions", 'a:1:{s:10:"printintro";i:1;}'), ("filterfiles", 0),
        ("revision", 1), ("timemodified", time),
    ]
    prefix = f"activities/resource_{cmid}"
    out = empty_activity_files(prefix)
    out[f"{prefix}/resource.xml"] = doc("activity", [(f"resource id={cmid}", resource)], id=cmid, moduleid=cmid,
                                        modulename="resource", contextid=contextid)
    out[f"{prefix}/module.xml"] = module_xml("resource", cmid, section, f"{course.program.id}-handbook", time,
                                             RESOURCE_MODULE_VERSION, completion=0)
    out[f"{prefix}/inforef.xml"] = doc("inforef", [("fileref", [("file", [("id", file_id)])])])
    out[f"{prefix}/grades.xml"] = doc("activity_gradebook", [("grade_items", []), ("grade_letters", [])])
    return out, name
