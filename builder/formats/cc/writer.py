"""The programme as an IMS Common Cartridge 1.1 (`cc/<program id>.imscc`), the version Moodle imports.

One zip with imsmanifest.xml at its root (CC 1.1 namespaces, valid against the CC 1.1 XSDs that Moodle's
converter validates with: backup/cc/schemas11). The organisation is a rooted hierarchy whose top items
become course sections on import:
- "Programme": the programme's description and rules as a page, and the handbook PDF as a file;
- a section per set, required sets first: a web page per lesson, a page per portfolio task (task, evidence,
  rubric), the set's study guide PDF, and the set's assessment as QTI 1.2 (qti.py, with the types CC's
  profile allows).
The PDFs are the pdf format's own files (dist/pdf/), handed over by the pipeline (Format.needs): a build of
the cartridge builds the PDFs first, and never lays one out a second time.
Deterministic: no dates, fixed zip entry times, identifiers from the curriculum's own ids.
"""

from __future__ import annotations

from html import escape
from typing import Any

from lxml import etree

from builder.build.output import OutDir, deterministic_zip
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.cc.qti import ATTEMPTS, assessment
from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.render.text import programme_rules_html
from builder.resolve.course import Course, CourseSet, Lesson, PortfolioTask
from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report

NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = (f"{NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
           f"{LOMM} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd")
NSMAP: dict[Any, str] = {None: NS, "lomimscc": LOMM, "xsi": XSI}
MANIFEST = "imsmanifest.xml"
WEBCONTENT = "webcontent"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


def _page(title: str, body: str, language: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>\n").encode()


def _lesson_html(cset: CourseSet, lesson: Lesson, cat: Catalogue) -> str:
    outcomes = ", ".join(lesson.outcomes)
    parts = [f"<p>{lesson.minutes} min · {escape(outcomes)}</p>", lesson.body_html]
    if lesson.activities_html:
        parts.append(f"<h2>{escape(cat.get('player.activities'))}</h2>" + "".join(lesson.activities_html))
    if lesson.discussion_html:
        parts.append(f"<h2>{escape(cat.get('player.discussion'))}</h2>" + "".join(lesson.discussion_html))
    if lesson.readings:
        items = "".join(f"<li>{r.html}</li>" for r in lesson.readings)
        parts.append(f"<h2>{escape(cat.get('player.readings'))}</h2><ul>{items}</ul>")
    return "".join(parts)


def _task_html(task: PortfolioTask, cat: Catalogue) -> str:
    evidence = "".join(f"<li>{escape(e)}</li>" for e in task.evidence)
    head = "".join(f"<th>{escape(lv.name)} ({lv.points})</th>" for lv in task.levels)
    rows = "".join(f"<tr><th>{escape(c.name)}</th>" + "".join(f"<td>{escape(d)}</td>" for d in c.descriptors)
                   + "</tr>" for c in task.criteria)
    shown = f"{cat.get('pdf.portfolio.outcomes')} {', '.join(task.outcomes)}"
    return (f"{task.task_html}<h2>{escape(cat.get('pdf.portfolio.evidence'))}</h2><ul>{evidence}</ul>"
            f"<p>{escape(shown)}</p><h2>{escape(cat.get('pdf.rubric.title'))}</h2><table><thead><tr>"
            f"<th>{escape(cat.get('pdf.rubric.criterion'))}</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"{task.pass_rule_html}")


class _Manifest:
    def __init__(self, course: Course) -> None:
        p = course.program
        self.root = etree.Element(f"{{{NS}}}manifest", nsmap=NSMAP,
                                  identifier=f"M-{p.id}-{p.version}".replace(".", "_"))
        self.root.set(f"{{{XSI}}}schemaLocation", SCHEMAS)
        meta = self._sub(self.root, "metadata")
        self._sub(meta, "schema", "IMS Common Cartridge")
        self._sub(meta, "schemaversion", "1.1.0")
        general = etree.SubElement(etree.SubElement(meta, f"{{{LOMM}}}lom"), f"{{{LOMM}}}general")
        for tag, text in (("title", p.title), ("description", f"{p.title} {p.version} ({p.publisher})")):
            holder = etree.SubElement(general, f"{{{LOMM}}}{tag}")
            el = etree.SubElement(holder, f"{{{LOMM}}}string", language=p.language)
            el.text = text
        organization = self._sub(self._sub(self.root, "organizations"), "organization", identifier="ORG",
                                 structure="rooted-hierarchy")
        self.top = self._sub(organization, "item", identifier="ROOT")
        self.resources = self._sub(self.root, "resources")

    @staticmethod
    def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    def section(self, ident: str, title: str) -> etree._Element:
        item = self._sub(self.top, "item", identifier=f"S-{ident}")
        self._sub(item, "title", title)
        return item

    def resource(self, section: etree._Element, ident: str, title: str, kind: str, files: list[str],
                 href: str | None = None, depends: tuple[str, ...] = ()) -> None:
        item = self._sub(section, "item", identifier=f"I-{ident}", identifierref=f"R-{ident}")
        self._sub(item, "title", title)
        self.hidden(ident, kind, files, href, depends)

    def hidden(self, ident: str, kind: str, files: list[str], href: str | None = None,
               depends: tuple[str, ...] = ()) -> None:
        """A resource no item shows (the assets pages depend on)."""
        attrs = {"identifier": f"R-{ident}", "type": kind, **({"href": href} if href else {})}
        res = self._sub(self.resources, "resource", **attrs)
        for name in files:
            self._sub(res, "file", href=name)
        for dep in depends:
            self._sub(res, "dependency", identifierref=f"R-{dep}")

    def bytes(self) -> bytes:
        data: bytes = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return data


def _guide_job(code: str | None) -> Job:
    """The pdf format's job whose file the cartridge holds: a set's study guide, or the handbook (None)."""
    return Job("pdf", code)


def cartridge(course: Course, ctx: WriteContext, made: Made) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every file of the .imscc by path, and what the cartridge could not say as the curriculum does.
    `made`: the pdf format's files, the handbook and each set's guide."""
    p = course.program
    language = p.language
    files: dict[str, bytes] = {}
    diags: list[Diagnostic] = []
    manifest = _Manifest(course)
    top = manifest.section("PROGRAMME", p.title)
    about = ctx.catalogue.get("pdf.handbook.about")
    files["programme.html"] = _page(about, programme_rules_html(course, ctx.catalogue, 2), language)
    manifest.resource(top, "PROGRAMME", about, WEBCONTENT, ["programme.html"], "programme.html")
    handbook = made.read(_guide_job(None))
    if handbook:
        [(name, data)] = handbook.items()
        files[name] = data
        title = ctx.catalogue.get("pdf.handbook.doc_title", program=p.title) + " (PDF)"
        manifest.resource(top, "HANDBOOK", title, WEBCONTENT, [name], name)
    else:
        diags.append(report("handbook-not-embedded", "the cartridge holds no handbook: the pdf format wrote none "
                            "(its own messages say why)", course.loc("program")))
    for cset in course.sets_by_rule():
        code = cset.code
        section = manifest.section(code, f"{code} {cset.title}")
        assets = [f"{code}/{a.path.replace(chr(92), '/')}" for a in cset.assets]
        for asset, path in zip(cset.assets, assets, strict=True):
            files[path] = asset.source.read_bytes()
        depends: tuple[str, ...] = ()
        if assets:
            manifest.hidden(f"{code}-ASSETS", WEBCONTENT, sorted(assets))
            depends = (f"{code}-ASSETS",)
        for lesson in cset.lessons:
            href = f"{code}/{lesson.id}.html"
            files[href] = _page(lesson.title, _lesson_html(cset, lesson, ctx.catalogue), language)
            manifest.resource(section, lesson.id, lesson.title, WEBCONTENT, [href], href, depends)
        for task in cset.portfolio:
            href = f"{code}/{task.id}.html"
            title = f"{task.id} {task.title} (portfolio)"
            files[href] = _page(title, _task_html(task, ctx.catalogue), language)
            manifest.resource(section, task.id, title, WEBCONTENT, [href], href)
        for name, data in made.read(_guide_job(code)).items():  # a guide the pdf format could not write is
            href = f"{code}/{name}"                                # an error of its own: the build stops there
            files[href] = data
            title = ctx.catalogue.get("pdf.guide.doc_title", code=code, title=cset.title) + " (PDF)"
            manifest.resource(section, f"{code}-GUIDE", title, WEBCONTENT, [href], href)
        if cset.items:
            href = f"{code}/assessment.xml"
            files[href] = assessment(cset, ctx.catalogue, cset.attempts)
            manifest.resource(section, f"{code}-ASSESSMENT", f"{code} assessment", ASSESSMENT, [href])
    files[MANIFEST] = manifest.bytes()
    return files, diags + problems(course)


def problems(course: Course) -> list[Diagnostic]:
    """What the cartridge cannot say as the curriculum does: an attempt limit CC's QTI profile has no value for.
    (Item types it has no question type for are asked another way: see qti.py.)"""
    return [
        report("cc-attempts", f"{s.code}: a Common Cartridge allows 1 to 5 attempts or unlimited; the cartridge's "
                f"assessment allows unlimited instead of {s.attempts}", course.loc(s.code),
                "set attempts to 5 or fewer, or 0 for unlimited")
        for s in course.sets if s.attempts not in (0, *ATTEMPTS)
    ]


class CommonCartridge(Format):
    name = "cc"
    folder = "cc"
    version = "2"

    uses = ("pdf",)

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, None)]

    def needs(self, course: Course, job: Job) -> list[Job]:
        return [_guide_job(None), *(_guide_job(s.code) for s in course.sets)]

    def check(self, course: Course) -> list[Diagnostic]:
        return problems(course)

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        files, diags = cartridge(course, ctx, made)
        out.write_bytes(f"{course.program.id}.imscc", deterministic_zip(files))
        return diags
