"""SCORM 2004 4th Edition package: one SCO per set, inline LOM metadata, one objective per outcome.

Sequencing stays minimal because Moodle implements little of it: flow and choice on the
organization, and a primary objective satisfied by the score measured against the mastery score.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from builder.formats.scorm.common import XSI, ScormFormat, manifest_id, sco_resource, serialize, sub
from builder.render.text import number, plain
from builder.resolve.course import Course, CourseSet

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"
SCHEMA_LOCATION = " ".join(
    [
        f"{CP} imscp_v1p1.xsd",
        f"{ADLCP} adlcp_v1p3.xsd",
        f"{ADLSEQ} adlseq_v1p3.xsd",
        f"{ADLNAV} adlnav_v1p3.xsd",
        f"{IMSSS} imsss_v1p0.xsd",
        f"{LOM} lom.xsd",
    ]
)

# The content-packaging namespace is the default one: some LMS parsers match unprefixed names.
NSMAP: dict[Any, str] = {
    None: CP,
    "adlcp": ADLCP,
    "adlseq": ADLSEQ,
    "adlnav": ADLNAV,
    "imsss": IMSSS,
    "lom": LOM,
    "xsi": XSI,
}


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _lom(tag: str) -> str:
    return f"{{{LOM}}}{tag}"


def _ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


def _string(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    sub(sub(parent, _lom(tag)), _lom("string"), text, language=lang)


def _metadata(manifest: etree._Element, course: Course, cset: CourseSet) -> None:
    lang = course.program.language
    meta = sub(manifest, _cp("metadata"))
    sub(meta, _cp("schema"), "ADL SCORM")
    sub(meta, _cp("schemaversion"), "2004 4th Edition")
    lom = sub(meta, _lom("lom"))
    general = sub(lom, _lom("general"))
    ident = sub(general, _lom("identifier"))
    sub(ident, _lom("catalog"), course.program.id)
    sub(ident, _lom("entry"), cset.code)
    _string(general, "title", cset.title, lang)
    sub(general, _lom("language"), lang)
    _string(general, "description", plain(cset.summary_html), lang)
    for keyword in cset.keywords:
        _string(general, "keyword", keyword, lang)
    lifecycle = sub(lom, _lom("lifeCycle"))
    _string(lifecycle, "version", cset.version, lang)
    status = sub(lifecycle, _lom("status"))
    sub(status, _lom("source"), "LOMv1.0")
    sub(status, _lom("value"), "final")
    technical = sub(lom, _lom("technical"))
    sub(technical, _lom("format"), "text/html")


def _sequencing(item: etree._Element, cset: CourseSet) -> None:
    seq = sub(item, _ss("sequencing"))
    objectives = sub(seq, _ss("objectives"))
    # The set code has no dash, so it never collides with an outcome id (which always has one).
    mastery = number(cset.mastery_score)
    primary = sub(objectives, _ss("primaryObjective"), objectiveID=cset.code, satisfiedByMeasure="true")
    sub(primary, _ss("minNormalizedMeasure"), mastery)
    for outcome in cset.outcomes:
        # Every objective carries the mastery score, although only the primary one is satisfied by
        # measure: Moodle 4.5 hands the SCO cmi.scaled_passing_score from whichever objective row
        # it reads last, and stores 1.0 for an objective without one (scorm_13lib.php ~1225).
        objective = sub(objectives, _ss("objective"), objectiveID=outcome.id)
        sub(objective, _ss("minNormalizedMeasure"), mastery)
    sub(seq, _ss("deliveryControls"), completionSetByContent="true", objectiveSetByContent="true")


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
    item = sub(org, _cp("item"), identifier=f"ITEM-{cset.code}", identifierref=f"RES-{cset.code}")
    sub(item, _cp("title"), cset.title)
    _sequencing(item, cset)
    # flow lets the LMS start the single SCO by itself instead of waiting for a choice in its menu
    sub(sub(org, _ss("sequencing")), _ss("controlMode"), choice="true", flow="true")
    sco_resource(root, CP, ADLCP, "scormType", cset.code, files)
    return serialize(root)


class Scorm2004(ScormFormat):
    name = "scorm2004"
    folder = "scorm2004"
    scorm = "2004"

    def manifest(self, course: Course, cset: CourseSet, files: list[str]) -> bytes:
        return manifest(course, cset, files)
