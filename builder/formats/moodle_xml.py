"""Moodle XML question bank: one category per set, one sub-category per outcome.

Shapes follow Moodle's qformat_xml importer and the qtype_ordering fixtures; fractions
are picked from the values Moodle's importer accepts (it rejects others by default).
"""

from __future__ import annotations

from html import escape

from lxml import etree

from ..course import Course, CSet, Item, PortfolioTask
from ..diagnostics import Diagnostic
from ..output import OutDir
from ..themes import Theme
from .base import Format, Job, Options

# Moodle's question_bank::fraction_options_full(): 100/n for n = 1..10 as Moodle writes them.
_SHARES = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
    9: "11.11111",
    10: "10",
}


def _cdata(value: str) -> str | etree.CDATA:
    """HTML goes in CDATA like Moodle's own export; text that would end a CDATA section is escaped instead."""
    return etree.CDATA(value) if value and "]]>" not in value else value


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = "html", cdata: bool = True) -> None:
    el = etree.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    inner = etree.SubElement(el, "text")
    inner.text = _cdata(value) if cdata else value


def _leaf(parent: etree._Element, tag: str, value: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = value
    return el


def _category_path(*parts: str) -> str:
    # Moodle splits category paths on "/"; a literal slash is written "//".
    return "/".join(["$course$", "top", *(p.replace("/", "//") for p in parts)])


def _category(quiz: etree._Element, path: str, info_html: str, idnumber: str) -> None:
    q = etree.SubElement(quiz, "question", type="category")
    cat = etree.SubElement(q, "category")
    _leaf(cat, "text", path)
    _text(q, "info", info_html)
    _leaf(q, "idnumber", idnumber)


def _head(
    quiz: etree._Element, qtype: str, name: str, prompt_html: str, general: str, grade: int, idnumber: str
) -> etree._Element:
    q = etree.SubElement(quiz, "question", type=qtype)
    _text(q, "name", name, fmt=None, cdata=False)
    _text(q, "questiontext", prompt_html)
    _text(q, "generalfeedback", general)
    _leaf(q, "defaultgrade", str(grade))
    _leaf(q, "penalty", "0.3333333")
    _leaf(q, "hidden", "0")
    _leaf(q, "idnumber", idnumber)
    return q


def _tags(q: etree._Element, values: tuple[str, ...]) -> None:
    tags = etree.SubElement(q, "tags")
    for value in values:
        tag = etree.SubElement(tags, "tag")
        _leaf(tag, "text", value)


def _combined_feedback(q: etree._Element, item: Item) -> None:
    right = item.correct_feedback_html or "Your answer is correct."
    wrong = item.incorrect_feedback_html or "Your answer is not correct."
    _text(q, "correctfeedback", right)
    _text(q, "partiallycorrectfeedback", wrong)
    _text(q, "incorrectfeedback", wrong)
    etree.SubElement(q, "shownumcorrect")


def _answer(q: etree._Element, fraction: str, text_html: str, feedback_html: str, fmt: str = "html") -> None:
    ans = etree.SubElement(q, "answer", fraction=fraction, format=fmt)
    inner = etree.SubElement(ans, "text")
    inner.text = _cdata(text_html) if fmt == "html" else text_html
    _text(ans, "feedback", feedback_html)


def _question(quiz: etree._Element, item: Item) -> None:
    name = item.id
    q: etree._Element
    if item.type in ("single_choice", "multiple_choice"):
        q = _head(quiz, "multichoice", name, item.prompt_html, item.feedback_html, item.points, item.id)
        single = item.type == "single_choice"
        _leaf(q, "single", "true" if single else "false")
        _leaf(q, "shuffleanswers", "true")
        _leaf(q, "answernumbering", "abc")
        _leaf(q, "showstandardinstruction", "1")
        _text(q, "correctfeedback", "Your answer is correct.")
        _text(q, "partiallycorrectfeedback", "Your answer is partially correct.")
        _text(q, "incorrectfeedback", "Your answer is incorrect.")
        etree.SubElement(q, "shownumcorrect")
        right = [o for o in item.options if o.correct]
        wrong = [o for o in item.options if not o.correct]
        for o in item.options:
            if o.correct:
                fraction = _SHARES.get(len(right), "0")
            else:
                # single choice: wrong is 0; multiple: wrong choices cancel the credit of a guess-all answer
                fraction = "0" if single or len(wrong) not in _SHARES else "-" + _SHARES[len(wrong)]
            _answer(q, fraction, o.html, o.feedback_html)
    elif item.type == "true_false":
        q = _head(quiz, "truefalse", name, item.prompt_html, item.feedback_html, item.points, item.id)
        for o in item.options:
            _answer(q, "100" if o.correct else "0", o.key, o.feedback_html, fmt="moodle_auto_format")
    elif item.type == "fill_in":
        q = _head(quiz, "shortanswer", name, item.prompt_html, item.feedback_html, item.points, item.id)
        _leaf(q, "usecase", "1" if item.case_sensitive else "0")
        for accepted in item.answers:
            # "*" is Moodle's wildcard; an accepted answer containing it must be escaped
            _answer(q, "100", accepted.replace("*", "\\*"), item.correct_feedback_html, fmt="moodle_auto_format")
        _answer(q, "0", "*", item.incorrect_feedback_html, fmt="moodle_auto_format")
    elif item.type == "matching":
        q = _head(quiz, "matching", name, item.prompt_html, item.feedback_html, item.points, item.id)
        _leaf(q, "shuffleanswers", "true")
        _combined_feedback(q, item)
        for left, target in zip(item.sources, item.options, strict=True):
            sub = etree.SubElement(q, "subquestion", format="html")
            _leaf(sub, "text", "").text = _cdata(left.html)
            ans = etree.SubElement(sub, "answer")
            _leaf(ans, "text", target.text)
    elif item.type == "ordering":
        q = _head(quiz, "ordering", name, item.prompt_html, item.feedback_html, item.points, item.id)
        _leaf(q, "layouttype", "VERTICAL")
        _leaf(q, "selecttype", "ALL")
        _leaf(q, "selectcount", str(len(item.options)))
        _leaf(q, "gradingtype", "ABSOLUTE_POSITION")
        _leaf(q, "showgrading", "SHOW")
        _leaf(q, "numberingstyle", "none")
        _combined_feedback(q, item)
        for position, step in enumerate(item.options, start=1):
            _answer(q, f"{position}.0000000", step.html, "")
    else:  # pragma: no cover - the model admits no other type
        raise ValueError(item.type)
    _tags(q, item.outcomes)


def _essay(quiz: etree._Element, s: CSet, task: PortfolioTask) -> None:
    evidence = "".join(f"<li>{escape(e)}</li>" for e in task.evidence)
    prompt = f"<h3>{escape(task.title)}</h3>{task.task_html}<p>Evidence to submit:</p><ul>{evidence}</ul>"
    q = _head(quiz, "essay", task.id, prompt, "", task.max_points, task.id)
    _leaf(q, "responseformat", "editor")
    _leaf(q, "responserequired", "1")
    _leaf(q, "responsefieldlines", "20")
    _leaf(q, "minwordlimit", "")
    _leaf(q, "maxwordlimit", "")
    _leaf(q, "attachments", "-1")
    _leaf(q, "attachmentsrequired", "0")
    _leaf(q, "maxbytes", "0")
    _leaf(q, "filetypeslist", "")
    levels = ", ".join(f"{lv.name} = {lv.points}" for lv in task.levels)
    grader = f"<p>Score each criterion: {escape(levels)}.</p>" + _rubric_html_escaped(task)
    _text(q, "graderinfo", grader)
    _text(q, "responsetemplate", "")
    _tags(q, task.outcomes)


def _rubric_html_escaped(task: PortfolioTask) -> str:
    head = "".join(f"<th>{escape(lv.name)} ({lv.points})</th>" for lv in task.levels)
    rows = "".join(
        f"<tr><th>{escape(c.name)}</th>" + "".join(f"<td>{escape(d)}</td>" for d in c.descriptors) + "</tr>"
        for c in task.criteria
    )
    return f"<table><thead><tr><th>Criterion</th>{head}</tr></thead><tbody>{rows}</tbody></table>"


def question_bank(course: Course, s: CSet) -> bytes:
    quiz = etree.Element("quiz")
    program = course.program.short_title
    set_name = f"{s.code} {s.title}"
    _category(quiz, _category_path(program, set_name), s.summary_html, s.code)
    for outcome in s.outcomes:
        items = [it for it in s.items if it.outcomes[0] == outcome.id]
        if not items:
            continue
        _category(
            quiz,
            _category_path(program, set_name, f"{outcome.id} {outcome.statement}"),
            f"<p>{escape(outcome.statement)} ({outcome.bloom.value})</p>",
            outcome.id,
        )
        for item in items:
            _question(quiz, item)
    if s.portfolio:
        _category(
            quiz,
            _category_path(program, set_name, "Portfolio"),
            "<p>Portfolio tasks, graded by rubric.</p>",
            f"{s.code}-PORTFOLIO",
        )
        for task in s.portfolio:
            _essay(quiz, s, task)
    data: bytes = etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


class MoodleXml(Format):
    name = "moodle_xml"
    folder = "moodle"

    def owns(self, rel: str) -> bool:
        return rel.endswith("-questions.xml")

    def write(self, course: Course, job: Job, theme: Theme, out: OutDir, options: Options) -> list[Diagnostic]:
        assert job.set_code is not None
        out.write_bytes(f"{job.set_code}-questions.xml", question_bank(course, course.set(job.set_code)))
        return []
