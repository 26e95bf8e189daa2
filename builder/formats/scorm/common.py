"""What the SCORM 1.2 and 2004 writers share: the player folder plus a manifest, and the manifest helpers.

A package is the player folder (builder/formats/player) with `imsmanifest.xml` at its root.
Every learner-visible string comes from the Course (already sanitised) or from the theme's message
catalogue; the writer reads no clock, locale or working folder.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from lxml import etree

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.player.package import LAUNCH, package_files, player_problems, suspend_bound
from builder.render.context import WriteContext
from builder.resolve.course import Course, CourseSet
from builder.rules.diagnostics import Diagnostic, Severity
from builder.rules.registry import report

MANIFEST = "imsmanifest.xml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUSPEND_MAX_12 = 4096  # cmi.suspend_data is a CMIString4096 in SCORM 1.2 (64000 characters in 2004)


def scorm_problems(course: Course, cset: CourseSet, scorm: str) -> list[Diagnostic]:
    """What stops the set from becoming a SCORM `scorm` ("1.2" or "2004") package."""
    diags = player_problems(course, cset, reserved=(MANIFEST,))
    if scorm == "1.2" and suspend_bound(cset) > SUSPEND_MAX_12:
        diags.append(report("scorm-suspend", f"{cset.code}: the saved progress may reach {suspend_bound(cset)} "
                           f"characters, more than SCORM 1.2 keeps ({SUSPEND_MAX_12})", course.loc(cset.code),
                           "split the set or use fewer long answers; SCORM 2004 allows 64000"))
    return diags


def scorm_files(
    course: Course, cset: CourseSet, ctx: WriteContext, scorm: str
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The package's files but the manifest, and what stops the set from becoming one."""
    files, _ = package_files(course, cset, ctx, scorm, reserved=(MANIFEST,))
    return files, scorm_problems(course, cset, scorm)


def manifest_id(course: Course, cset: CourseSet) -> str:
    # xs:ID: an NCName; program ids are lowercase with dashes and set codes are capitals
    return f"{course.program.id}.{cset.code}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def sco_resource(root: etree._Element, cp: str, adlcp: str, scormtype: str, code: str, files: list[str]) -> None:
    """The package's one SCO resource, listing every file. SCORM 1.2 and 2004 write it alike but
    for their namespaces and the spelling of the type attribute (scormtype / scormType)."""
    resources = sub(root, f"{{{cp}}}resources")
    res = sub(resources, f"{{{cp}}}resource", identifier=f"RES-{code}", type="webcontent", href=LAUNCH)
    res.set(f"{{{adlcp}}}{scormtype}", "sco")
    for name in files:
        sub(res, f"{{{cp}}}file", href=name)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class ScormFormat(Format):
    """One zip per set: `<folder>/<CODE>.zip` with imsmanifest.xml at its root."""

    scorm: ClassVar[str]

    def check(self, course: Course) -> list[Diagnostic]:
        return [d for cset in course.sets for d in scorm_problems(course, cset, self.scorm)]

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        assert job.set_code is not None
        cset = course.set(job.set_code)
        files, diags = scorm_files(course, cset, ctx, self.scorm)
        if any(d.severity is Severity.ERROR for d in diags):
            return diags
        files[MANIFEST] = self.manifest(course, cset, sorted(files))
        out.write_zip(f"{cset.code}.zip", files)
        return diags

    @abstractmethod
    def manifest(self, course: Course, cset: CourseSet, files: list[str]) -> bytes:
        """imsmanifest.xml listing `files` (every file but the manifest) in the SCO's resource."""
