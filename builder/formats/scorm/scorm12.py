"""SCORM 1.2 package: one SCO per set, IMS CP 1.1.2 manifest with inline IMS MD 1.2.1 metadata.

The safe choice for Moodle, which implements the 1.2 run-time fully.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from builder.formats.scorm.common import XML_LANG, XSI, ScormFormat, manifest_id, sco_resource, serialize, sub
from builder.render.text import number, plain
from builder.resolve.course import Course, CourseSet

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
SCHEMA_LOCATION = f"{CP} imscp_rootv1p1p2.xsd {ADLCP} adlcp_rootv1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd"

# The content-packaging namespace is the default one: some LMS parsers match unprefixed names.
NSMAP: dict[Any, str] = {None: CP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI}


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _md(tag: str) -> str:
    return f"{{{IMSMD}}}{tag}"


def _langstring(parent: etree._Element, tag: str, text: str, lang: str | None) -> None:
    el = sub(parent, _md(tag))
    ls = sub(el, _md("langstring"), text)
    if lang:
        ls.set(XML_LANG, lang)


def _metadata(manifest: etree._Element, course: Course, cset: CourseSet) -> None:
    lang = course.program.language
    meta = sub(manifest, _cp("metadata"))
    sub(meta, _cp("schema"), "ADL SCORM")
    sub(meta, _cp("schemaversion"), "1.2")
    lom = sub(meta, _md("lom"))
    general = sub(lom, _md("general"))
    _langstring(general, "title", cset.title, lang)
    sub(general, _md("language"), lang)
    _langstring(general, "description", plain(cset.summary_html), lang)
    for keyword in cset.keywords:
        _langstring(general, "keyword", keyword, lang)
    lifecycle = sub(lom, _md("lifecycle"))
    _langstring(lifecycle, "version", cset.version, None)
    technical = sub(lom, _md("technical"))
    sub(technical, _md("format"), "text/html")


def manifest(course: Course, cset: CourseSet, files: list[str]) -> bytes:
    root = etree.Element(
        _cp("manifest"),
        {"identifier": manifest_id(course, cset), "version": cset.version, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
        nsmap=NSMAP,
    )
    _metadata(root, course, cset)
    orgs = sub(root, _cp("organizations"), default=f"ORG-{cset.code}")
    org = sub(orgs, _cp("organization"), identifier=f"ORG-{cset.code}")
    sub(org, _cp("title"), f"{cset.code} {cset.title}")
    item = sub(org, _cp("item"), identifier=f"ITEM-{cset.code}", identifierref=f"RES-{cset.code}", isvisible="true")
    sub(item, _cp("title"), cset.title)
    # Moodle may turn lesson_status into passed/failed from score.raw against this; the player uses the same mark.
    sub(item, f"{{{ADLCP}}}masteryscore", number(cset.pass_percent))
    sco_resource(root, CP, ADLCP, "scormtype", cset.code, files)
    return serialize(root)


class Scorm12(ScormFormat):
    name = "scorm12"
    folder = "scorm12"
    scorm = "1.2"

    def manifest(self, course: Course, cset: CourseSet, files: list[str]) -> bytes:
        return manifest(course, cset, files)
