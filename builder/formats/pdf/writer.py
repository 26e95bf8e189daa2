"""PDF study guides (one per set) and the program handbook, from theme templates through WeasyPrint.

The writer builds one HTML document per job from the frozen Course, checks every image it would
embed against the fetch policy (so all bad images are reported at once, at their source), then
renders with a fetcher that refuses anything else. Output is byte-identical for the same input:
no build time (dates come from the curriculum version) and a content-derived PDF identifier.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any
from urllib.parse import urljoin

import jinja2
from markupsafe import Markup
from weasyprint import HTML  # type: ignore[import-untyped]

from builder import __version__
from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.pdf import parts, view
from builder.formats.pdf.sandbox import VIRTUAL_ROOT, GuardedFetcher, Policy, Refused, fill_alts, images
from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.render.text import handbook_subject
from builder.resolve.course import Course, CourseSet
from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report
from builder.source.model import Bloom

PAPER_CSS = {"a4": "A4", "letter": "letter"}
# Tagged PDF with the PDF/UA-1 identification (WeasyPrint 70 also turns on pdf_tags for it).
RENDER_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True}


def open_outline(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: a reader opens the file with the bookmarks panel showing."""
    pdf.catalog["PageMode"] = "/UseOutlines"


@dataclass(frozen=True)
class Prepared:
    """One job's HTML and everything needed to render it and to explain failures."""

    name: str  # file name under pdf/
    html: str
    policy: Policy
    diagnostics: tuple[Diagnostic, ...]
    where: tuple[tuple[str, SourceLoc], ...]  # resolved image URL → where it was written
    loc: SourceLoc  # fallback location: the set file or program.yaml
    per_part: int = 0  # the handbook of a large catalogue: sets per part (parts.py); 0 renders it whole
    page_ref: str = ""  # CSS content of a page reference numbered by attr(data-page), for the parts
    double: bool = False  # printed double-sided


class Pdf(Format):
    name = "pdf"
    folder = "pdf"
    version = "1"

    def option_key(self, options: Options) -> list[str]:
        # single-sided keeps the key it always had, so adding the option invalidated no cached PDF
        return [options.paper] + ([f"sides={options.sides}"] if options.sides != "single" else [])

    def jobs(self, course: Course) -> list[Job]:
        return [Job(self.name, s.code) for s in course.sets] + [Job(self.name, None)]

    def inputs(self, course: Course, job: Job) -> Course:
        # The handbook summarises sets (outcomes, lesson titles, rubrics) and never prints a lesson's
        # text or a question: a lesson edit must not re-render it.
        return course if job.set_code else course.outline()

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        prepared = prepare(course, job.set_code, ctx, options)
        diags = list(prepared.diagnostics)
        if any(d.severity.value == "error" for d in diags):
            return diags
        try:
            data, logged = render(prepared)
        except Refused as exc:
            loc = dict(prepared.where).get(exc.url, prepared.loc)
            return [*diags, report("pdf-fetch-refused", f"PDF renderer refused {exc.url}: {exc.reason}", loc)]
        diags += [report("pdf-render", f"WeasyPrint: {message}", _where_glyph(course, job.set_code, message)
                         or prepared.loc) for message in logged]
        out.write_bytes(prepared.name, data)
        return diags


def prepare(course: Course, set_code: str | None, ctx: WriteContext, options: Options) -> Prepared:
    """HTML for a set's guide (set_code) or the handbook (None), with its image problems."""
    cset = course.set(set_code) if set_code else None
    assets = cset.assets if cset else tuple(a for s in course.sets for a in s.assets)
    policy = Policy.of(ctx.theme.chain, assets)
    catalogue = ctx.catalogue
    env = _environment(ctx, policy)
    diags, where = _check_images(course, cset, policy)
    context = _common(course, ctx, options)
    if cset:
        meta = _guide_meta(course, cset, catalogue)
        html = env.get_template("guide.html").render(**context, meta=meta, guide=view.guide(cset), set=cset)
        name, loc = f"{cset.code}.pdf", course.loc(cset.code)
    else:
        meta = _handbook_meta(course, catalogue)
        html = env.get_template("handbook.html").render(**context, meta=meta, rules=view.rules(course))
        name, loc = "handbook.pdf", course.loc("program")
    per_part = parts.PART_SETS if cset is None and len(course.sets) > parts.PART_SETS else 0
    page_ref = css_content(catalogue.get("pdf.page_ref"), page="attr(data-page)")
    return Prepared(
        name, view.smarten(html), policy, tuple(diags), tuple(where.items()), loc, per_part, page_ref,
        options.sides == "double",
    )


def render(prepared: Prepared) -> tuple[bytes, list[str]]:
    """The PDF bytes and WeasyPrint's own warnings; raises Refused when the HTML asks for a forbidden URL."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    fetcher = GuardedFetcher(prepared.policy)

    def layout(html: str) -> Any:
        return HTML(string=html, base_url=VIRTUAL_ROOT, url_fetcher=fetcher).render(**RENDER_OPTIONS)

    def write(document: Any) -> bytes:
        data: bytes = document.write_pdf(finisher=open_outline, **RENDER_OPTIONS)
        return data

    try:
        joined = None
        if prepared.per_part:
            joined = parts.render(prepared.html, prepared.per_part, layout, write, prepared.page_ref, prepared.double)
        data = joined if joined is not None else write(layout(prepared.html))
    finally:
        logger.removeHandler(handler)
    return data, handler.messages


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# ---------------------------------------------------------------- images


def _html_parts(value: Any) -> Iterator[str]:
    """Every `*_html` string inside a Course object (items keep HTML in options and feedback)."""
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            inner = getattr(value, f.name)
            if f.name.endswith("_html") and isinstance(inner, str):
                yield inner
            elif isinstance(inner, tuple) or is_dataclass(inner):
                yield from _html_parts(inner)
    elif isinstance(value, tuple):
        for inner in value:
            yield from _html_parts(inner)


def _fragments(course: Course, cset: CourseSet | None) -> Iterator[tuple[str, str]]:
    """(location key, HTML) for every piece of content the document prints."""
    p = course.program
    yield "program.description", p.description_html
    yield "program.notice", p.notice_html
    for r in p.routes:
        yield f"program.route.{r.id}", r.description_html
    for s in [cset] if cset else course.sets:
        yield f"{s.code}.summary", s.summary_html
        for task in s.portfolio:
            yield task.id, task.task_html
        if cset:
            for lesson in s.lessons:
                yield lesson.id, lesson.body_html
            for item in s.items:
                for part in _html_parts(item):
                    yield item.id, part


_MISSING_GLYPH = re.compile(r"\(U\+([0-9A-F]{4,6})\)")


def _where_glyph(course: Course, set_code: str | None, message: str) -> SourceLoc | None:
    """For WeasyPrint's "no font has this character" warning: where the text holding it was written (the
    lesson, item, outcome or term), so the committee finds the emoji or the CJK word; None for other warnings."""
    found = _MISSING_GLYPH.search(message)
    if not found:
        return None
    char = chr(int(found[1], 16))
    cset = course.set(set_code) if set_code else None
    texts: list[tuple[str, str]] = list(_fragments(course, cset))
    for s in [cset] if cset else course.sets:
        texts += [(s.code, s.title)] + [(o.id, o.statement) for o in s.outcomes]
        texts += [(x.id, x.title) for x in s.lessons] + [(s.code, f"{g.term} {g.definition}") for g in s.glossary]
    key = next((k for k, text in texts if char in text), None)
    return course.loc(key, set_code or "program") if key else None


def _check_images(
    course: Course, cset: CourseSet | None, policy: Policy
) -> tuple[list[Diagnostic], dict[str, SourceLoc]]:
    diags: list[Diagnostic] = []
    where: dict[str, SourceLoc] = {}
    fallback = cset.code if cset else "program"
    for key, fragment in _fragments(course, cset):
        for img in images(fragment):
            loc = course.loc(key, fallback)
            where.setdefault(urljoin(VIRTUAL_ROOT, img.src), loc)
            reason = policy.problem(img.src)
            if reason:
                hint = "list the image under the set's assets: (path and alt) and refer to it by that path"
                message = f"image {img.src!r} cannot go into a PDF: {reason}"
                diags.append(report("pdf-image-refused", message, loc, hint))
            elif not img.alt and not policy.alt_for(img.src):
                message = f"image {img.src!r} has no text alternative"
                diags.append(report("image-no-alt", message, loc, "write ![what it shows](path)"))
    return diags, where


# ---------------------------------------------------------------- templates


def css_string(text: str) -> str:
    """A CSS string literal that is also safe inside <style> (no quote, backslash or '<' survives)."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;!?()'-_·" else f"\\{ord(c):x} " for c in text) + '"'


def css_content(template: str, **counters: str) -> str:
    """A catalogue string with {name} placeholders as a CSS `content` value, e.g. "Page " counter(page)."""
    out: list[str] = []
    rest = template
    while rest:
        start = rest.find("{")
        end = rest.find("}", start)
        if start < 0 or end < 0:
            out.append(css_string(rest))
            break
        if start:
            out.append(css_string(rest[:start]))
        out.append(counters[rest[start + 1 : end]])
        rest = rest[end + 1 :]
    return " ".join(out) or '""'


def _page_css(catalogue: Catalogue, options: Options, running: str) -> Markup:
    page_of = css_content(catalogue.get("pdf.page_of"), page="counter(page)", pages="counter(pages)")
    ref = css_content(catalogue.get("pdf.page_ref"), page="target-counter(attr(href), page)")
    rules = [
        f"@page {{ size: {PAPER_CSS.get(options.paper, 'A4')}; }}",
        f"@page {{ @top-left {{ content: {css_string(running)}; }} @bottom-center {{ content: {page_of}; }} }}",
        f"a.pageref::after {{ content: {ref}; }}",
    ]
    if options.sides == "double":
        rules += _double_sided(css_string(running), page_of)
    return Markup("\n".join(rules))


def _double_sided(running: str, page_of: str) -> list[str]:
    """Printed on both sides: margins mirrored (the wider one at the binding), the document's title
    on the outside of a left-hand page and the section's on the outside of a right-hand one, the page
    number in the outer corner, every chapter opening on a right-hand page, blank versos left blank."""
    return [
        "@page :right { margin-left: 24mm; margin-right: 18mm;"
        " @top-left { content: none; } @top-right { content: string(section, last); text-align: right; }"
        f" @bottom-center {{ content: none; }} @bottom-right {{ content: {page_of}; text-align: right; }} }}",
        "@page :left { margin-left: 18mm; margin-right: 24mm;"
        f" @top-left {{ content: {running}; }} @top-right {{ content: none; }}"
        f" @bottom-center {{ content: none; }} @bottom-left {{ content: {page_of}; }} }}",
        "@page :blank { @top-left { content: none; } @top-right { content: none; }"
        " @bottom-left { content: none; } @bottom-right { content: none; } @bottom-center { content: none; } }",
        "@page front { @bottom-left { content: none; } @bottom-right { content: none; } }",
        ".chapter { break-before: right; }",
    ]


def _common(course: Course, ctx: WriteContext, options: Options) -> dict[str, Any]:
    catalogue = ctx.catalogue
    css = [path.as_uri() for path in ctx.stylesheets("pdf").values()]
    return {
        "program": course.program,
        "course": course,
        "stylesheets": css,
        "paper": options.paper,
        "generator": f"coursepack {__version__}",
        "blooms": {b: catalogue.get(f"pdf.bloom.{b.value}") for b in Bloom},
        "page_css": lambda running: _page_css(catalogue, options, running),
        "to_complete": view.to_complete(course),
        "locale": view.locale(course.program.language),
        "portfolio_rule": next((r.pass_rule_html for r in course.program.routes if r.id == "portfolio"), ""),
    }


@dataclass(frozen=True)
class Meta:
    """Document metadata; WeasyPrint reads it from <title> and <meta> (dates from dcterms.*)."""

    title: str
    subject: str
    keywords: tuple[str, ...]
    created: dt.date
    modified: dt.date
    running: str  # running head on every page after the title pages


def _guide_meta(course: Course, cset: CourseSet, catalogue: Catalogue) -> Meta:
    p = course.program
    return Meta(
        title=catalogue.get("pdf.guide.doc_title", code=cset.code, title=cset.title),
        subject=catalogue.get("pdf.guide.subject", title=cset.title, program=p.title),
        keywords=(*cset.keywords, p.short_title, cset.code),
        created=cset.released,
        modified=cset.released,
        running=f"{cset.code} · {cset.title}",
    )


def _handbook_meta(course: Course, catalogue: Catalogue) -> Meta:
    p = course.program
    return Meta(
        title=catalogue.get("pdf.handbook.doc_title", program=p.title),
        subject=handbook_subject(course, catalogue),
        keywords=(p.short_title, *(s.title for s in course.sets)),
        created=p.released,
        modified=max([p.released, *(s.released for s in course.sets)]),
        running=catalogue.get("pdf.handbook.running", program=p.short_title),
    )


def _environment(ctx: WriteContext, policy: Policy) -> jinja2.Environment:
    # an overlay: the filter below knows this job's assets, the shared environment must not
    env = ctx.environment("pdf").overlay()
    env.globals, env.filters = dict(env.globals), dict(env.filters)  # an overlay shares these dicts
    catalogue = ctx.catalogue

    def tx(key: str, **values: Any) -> Markup:
        """A catalogue string with its values escaped unless they are already markup."""
        return Markup.escape(catalogue.get(key)).format(**values)

    def content(fragment: str) -> Markup:
        # The Course's HTML is sanitised once at resolve time; here only missing alt text is filled in.
        return Markup(fill_alts(fragment, policy))

    def tn(key: str, n: int, **values: Any) -> Markup:
        """A count in words: `<key>.one` for 1, `<key>.other` otherwise (enough for en and es)."""
        return tx(f"{key}.{'one' if n == 1 else 'other'}", n=n, **values)

    env.globals.update(
        t=catalogue.get,
        tx=tx,
        tn=tn,
        date=catalogue.date,
        number=catalogue.number,
        letters=view.LETTERS,
    )
    env.filters["content"] = content
    env.filters["pct"] = lambda value: catalogue.number(value * 100)
    env.filters["keep_together"] = view.keep_together
    env.filters["lift_headings"] = view.lift_headings
    return env


