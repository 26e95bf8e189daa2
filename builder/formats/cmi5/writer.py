"""cmi5 course package: `cmi5/<CODE>.zip` with cmi5.xml at its root and one AU per set.

The AU is the same player as in the SCORM packages, with the cmi5 adapter (cmi5.js beside this
module) in place of the SCORM one (`player/lms.js`): the adapter offers player.js the interface
lms.js offers and turns it into xAPI statements and State API documents.

The program YAML names no web address of its own, so the publisher IRIs (course, AU,
objectives) are URNs built from the program id and the set code: stable across versions,
which lets an LMS recognise a re-imported package as the same course.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.player.package import LAUNCH, package_files, player_problems
from builder.formats.scorm.common import serialize, sub
from builder.render.context import WriteContext
from builder.render.text import number, plain
from builder.resolve.course import Course, CourseSet
from builder.rules.diagnostics import Diagnostic, Severity

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
NSMAP: dict[Any, str] = {None: NS}
STRUCTURE = "cmi5.xml"
RUNTIME = "cmi5"  # the content JSON's "scorm" value: which runtime the player talks to
ADAPTER = Path(__file__).resolve().parent / "cmi5.js"
# Statements (answered and passed/failed) only mean something once all questions are answered
# and judged, so the LMS should want both before it moves the learner on.
MOVE_ON = "CompletedAndPassed"
# The player works in a frame, a new window or a redirected one alike.
LAUNCH_METHOD = "AnyWindow"
# The LRS is the LMS's, on an origin known only at launch: the player may talk to any web origin.
CONNECT = "connect-src http: https:"
_CSP_META = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.I)


def course_iri(course: Course, cset: CourseSet) -> str:
    return f"urn:coursepack:{course.program.id}:{cset.code}"


def au_iri(course: Course, cset: CourseSet) -> str:
    return f"{course_iri(course, cset)}:au"


def objective_iri(course: Course, cset: CourseSet, outcome_id: str) -> str:
    return f"{course_iri(course, cset)}:outcome:{outcome_id}"


def allow_connect(html: str) -> str:
    """The launch page with its Content-Security-Policy opened for xAPI requests (and nothing else).

    A policy without connect-src falls back to default-src, which the player sets to 'none'."""

    def widen(match: re.Match[str]) -> str:
        directives = [d.strip() for d in match[2].split(";") if d.strip() and not d.strip().startswith("connect-src")]
        return match[1] + "; ".join([*directives, CONNECT]) + match[3]

    return _CSP_META.sub(widen, html, count=1)


def _text(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    sub(sub(parent, f"{{{NS}}}{tag}"), f"{{{NS}}}langstring", text, lang=lang)


def structure(course: Course, cset: CourseSet) -> bytes:
    """cmi5.xml: the course, one objective per outcome, one AU that launches the player."""
    lang = course.program.language
    description = plain(cset.summary_html) or cset.title
    root = etree.Element(f"{{{NS}}}courseStructure", nsmap=NSMAP)
    c = sub(root, f"{{{NS}}}course", id=course_iri(course, cset))
    _text(c, "title", f"{cset.code} {cset.title}", lang)
    _text(c, "description", description, lang)
    objectives = sub(root, f"{{{NS}}}objectives")
    for outcome in cset.outcomes:
        o = sub(objectives, f"{{{NS}}}objective", id=objective_iri(course, cset, outcome.id))
        _text(o, "title", outcome.id, lang)
        _text(o, "description", outcome.statement, lang)
    au = sub(
        root,
        f"{{{NS}}}au",
        id=au_iri(course, cset),
        moveOn=MOVE_ON,
        masteryScore=number(cset.mastery_score),
        launchMethod=LAUNCH_METHOD,
    )
    _text(au, "title", cset.title, lang)
    _text(au, "description", description, lang)
    refs = sub(au, f"{{{NS}}}objectives")
    for outcome in cset.outcomes:
        sub(refs, f"{{{NS}}}objective", idref=objective_iri(course, cset, outcome.id))
    sub(au, f"{{{NS}}}url", LAUNCH)
    return serialize(root)


def au_files(course: Course, cset: CourseSet, ctx: WriteContext) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The player folder with the cmi5 adapter, by zip path."""
    files, diags = package_files(course, cset, ctx, RUNTIME, adapter=ADAPTER, reserved=(STRUCTURE,))
    if LAUNCH in files:
        files[LAUNCH] = allow_connect(files[LAUNCH].decode("utf-8")).encode("utf-8")
    return files, diags


class Cmi5(Format):
    name = "cmi5"
    folder = "cmi5"

    def check(self, course: Course) -> list[Diagnostic]:
        return [d for cset in course.sets for d in player_problems(course, cset, reserved=(STRUCTURE,))]

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        assert job.set_code is not None
        cset = course.set(job.set_code)
        files, diags = au_files(course, cset, ctx)
        if any(d.severity is Severity.ERROR for d in diags):
            return diags
        files[STRUCTURE] = structure(course, cset)
        out.write_zip(f"{cset.code}.zip", files)
        return diags
