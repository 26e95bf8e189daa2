"""Text helpers every output shares: sanitised HTML flattened to one line, numbers without a useless fraction,
a programme requirement in words."""

from __future__ import annotations

from html import escape

import lxml.html

from builder.render.i18n import Catalogue
from builder.resolve.course import Course, Requirement


def plain(html: str) -> str:
    """Sanitised HTML as one line of text, for metadata and <select> options (which take no markup)."""
    if not html.strip():
        return ""
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    return " ".join(text.split())


def number(value: float) -> str:
    """A decimal without a useless fraction: 80.0 → "80", 0.75 → "0.75"."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def requirement_text(req: Requirement, cat: Catalogue) -> str:
    """"<title>: all of A, B" or "<title>: choose 3 of C, D, E, F", in the programme's language."""
    codes = ", ".join(req.codes)
    if req.choose is None:
        title = req.title or cat.get("requirement.required")
        return cat.get("requirement.all_of", title=title, codes=codes)
    title = req.title or cat.get("requirement.choose", choose=req.choose)
    return cat.get("requirement.choose_of", title=title, n=req.choose, codes=codes)


def programme_rules_html(course: Course, cat: Catalogue, level: int) -> str:
    """The programme's description, its requirements in words and its routes, headed at <h`level`> (routes one
    level below): the front page of a course backup or a cartridge."""
    p = course.program
    rules = "".join(f"<li>{escape(requirement_text(r, cat))}</li>" for r in p.requirements)
    sub = level + 1
    routes = "".join(f"<h{sub}>{escape(r.title)}</h{sub}>{r.description_html}{r.pass_rule_html}" for r in p.routes)
    heading = escape(cat.get("pdf.handbook.rules"))
    return f"{p.description_html}<h{level}>{heading}</h{level}><ul>{rules}</ul>{routes}"


def handbook_subject(course: Course, catalogue: Catalogue) -> str:
    """What the handbook holds, in a line: rubrics are named only when a set has a portfolio task."""
    key = "pdf.handbook.subject" if any(s.portfolio for s in course.sets) else "pdf.handbook.subject_course"
    return catalogue.get(key, program=course.program.title)
