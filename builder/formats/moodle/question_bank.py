"""Moodle XML question bank: one category per set, one sub-category per outcome, one for the portfolio.

Shapes follow Moodle's own importer (question/format/xml/format.php, qformat_default::importprocess,
qtype_ordering::import_from_xml). What those reject, and what this writer does about it:
- a fraction outside question_bank::fraction_options_full() stops the whole import ("matchgrades =
  error"), and a multichoice whose positive fractions do not add up to 100 (or a single-answer one
  without a 100) ends the import after that question: fractions come from `_FRACTIONS` only;
- an ordering question whose <shownumcorrect> is missing or empty fails in the database: it always
  carries <shownumcorrect>1</shownumcorrect>, as Moodle's exporter writes it;
- a category name longer than the 255 characters of question_categories.name fails in the database.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import assert_never

from lxml import etree

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.render.text import plain
from builder.resolve.course import Course, CourseSet, PortfolioTask
from builder.resolve.items import (
    FillInItem,
    Item,
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    SingleChoiceItem,
    TrueFalseItem,
)
from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report

# question_bank::fraction_options_full() as percentages with Moodle's 7 decimals of a fraction:
# p/q for q <= 6, p/10, 1/q for q <= 10, 1/20 (and their negatives).
_FRACTIONS = tuple(
    Decimal(v)
    for v in ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25", "20",
              "16.66667", "14.28571", "12.5", "11.11111", "10", "5")
)
CATEGORY_NAME_MAX = 255  # question_categories.name
QUESTION_NAME_MAX = 100  # Moodle allows 255; a bank list reads better short, and the idnumber holds the id


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


def share(count: int) -> Decimal | None:
    """Each of `count` equal parts of 100 that Moodle accepts, or None when no allowed value is one."""
    exact = Decimal(100) / count
    found = next((f for f in _FRACTIONS if abs(f - exact) < Decimal("0.001")), None)
    return found


def penalty(count: int) -> Decimal:
    """The largest allowed fraction no bigger than 100/count: choosing every wrong answer cancels (about) all
    credit. Zero past 20 wrong answers, where even Moodle's smallest step (5%) would be too much."""
    return next((f for f in _FRACTIONS if f <= Decimal(100) / count), Decimal(0))


def unsupported(item: Item) -> str | None:
    """Why Moodle cannot take this item as it is, or None. Such items are left out of the bank."""
    if isinstance(item, MultipleChoiceItem) and share(right := len(item.correct_keys)) is None:
        return f"{right} correct choices cannot share 100% in fractions Moodle accepts (at most 10 can)"
    return None


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


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def category_path(*names: str) -> str:
    """Names joined like qformat_default::assemble_category_path(): "/" inside a name is doubled, and a
    name starting or ending with "/" is padded with a space so that split_category_path() finds it again."""
    escaped = []
    for name in names:
        part = _shorten(name, CATEGORY_NAME_MAX).replace("/", "//")
        part = (" " + part) if part.startswith("/") else part
        part = (part + " ") if part.endswith("/") else part
        escaped.append(part)
    return "/".join(["$course$", "top", *escaped])


def _category(quiz: etree._Element, path: str, info_html: str, idnumber: str) -> None:
    q = etree.SubElement(quiz, "question", type="category")
    cat = etree.SubElement(q, "category")
    _leaf(cat, "text", path)
    _text(q, "info", info_html)
    _leaf(q, "idnumber", idnumber)


def _head(
    quiz: etree._Element, qtype: str, ident: str, prompt_html: str, general: str, grade: int, title: str = ""
) -> etree._Element:
    """The fields every question has. The name is the id and the title where there is one (a
    portfolio task), else the id and the start of the prompt, as the question bank lists it."""
    q = etree.SubElement(quiz, "question", type=qtype)
    name = _shorten(f"{ident} {title or plain(prompt_html)}".strip(), QUESTION_NAME_MAX)
    _text(q, "name", name, fmt=None, cdata=False)
    _text(q, "questiontext", prompt_html)
    _text(q, "generalfeedback", general)
    _leaf(q, "defaultgrade", str(grade))
    _leaf(q, "penalty", "0.3333333")
    _leaf(q, "hidden", "0")
    _leaf(q, "idnumber", ident)
    return q


def _tags(q: etree._Element, values: tuple[str, ...]) -> None:
    tags = etree.SubElement(q, "tags")
    for value in values:
        tag = etree.SubElement(tags, "tag")
        _leaf(tag, "text", value)


def _combined_feedback(q: etree._Element, right_html: str, wrong_html: str, shownumcorrect: str | None = None) -> None:
    # Only what the author wrote: Moodle shows its own (localised) right/wrong state next to it.
    _text(q, "correctfeedback", right_html)
    _text(q, "partiallycorrectfeedback", wrong_html)
    _text(q, "incorrectfeedback", wrong_html)
    if shownumcorrect:
        _leaf(q, "shownumcorrect", shownumcorrect)
    else:
        etree.SubElement(q, "shownumcorrect")


def _answer(q: etree._Element, fraction: str, text: str, feedback_html: str, fmt: str = "html") -> None:
    ans = etree.SubElement(q, "answer", fraction=fraction, format=fmt)
    inner = etree.SubElement(ans, "text")
    inner.text = _cdata(text) if fmt == "html" else text
    _text(ans, "feedback", feedback_html)


def _choices(q: etree._Element, item: SingleChoiceItem | MultipleChoiceItem) -> None:
    single = isinstance(item, SingleChoiceItem)
    _leaf(q, "single", "true" if single else "false")
    _leaf(q, "shuffleanswers", "true")
    _leaf(q, "answernumbering", "abc")
    _leaf(q, "showstandardinstruction", "1")
    _combined_feedback(q, "", "")  # choices carry their own feedback
    right = sum(o.correct for o in item.choices)
    wrong = len(item.choices) - right
    credit = share(right)
    assert credit is not None  # unsupported() keeps such items out
    for o in item.choices:
        if o.correct:
            fraction = _percent(credit)
        else:
            # with several right answers, ticking every box must not be a free pass
            cost = Decimal(0) if single else penalty(wrong)
            fraction = "-" + _percent(cost) if cost else "0"
        _answer(q, fraction, o.html, o.feedback_html)


def _question(quiz: etree._Element, item: Item) -> None:
    q = _head(quiz, _QTYPE[item.type], item.id, item.prompt_html, item.feedback_html, item.points)
    match item:
        case SingleChoiceItem() | MultipleChoiceItem():
            _choices(q, item)
        case TrueFalseItem():
            for o in item.choices:  # matched by the answer text "true"/"false", not by position
                _answer(q, "100" if o.correct else "0", o.key, o.feedback_html, fmt="moodle_auto_format")
        case FillInItem():
            _leaf(q, "usecase", "1" if item.case_sensitive else "0")
            for accepted in item.answers:
                # "*" is Moodle's wildcard; qtype_shortanswer reads "\*" as a literal star
                _answer(q, "100", accepted.replace("*", "\\*"), item.correct_feedback_html, fmt="moodle_auto_format")
            _answer(q, "0", "*", item.incorrect_feedback_html, fmt="moodle_auto_format")
        case MatchingItem():
            _leaf(q, "shuffleanswers", "true")
            _combined_feedback(q, item.correct_feedback_html, item.incorrect_feedback_html)
            for left, target in zip(item.sources, item.targets, strict=True):
                sub = etree.SubElement(q, "subquestion", format="html")
                _leaf(sub, "text", "").text = _cdata(left.html)
                ans = etree.SubElement(sub, "answer")
                _leaf(ans, "text", target.text)  # the choices of a drop-down: plain text
        case OrderingItem():
            _leaf(q, "layouttype", "VERTICAL")
            _leaf(q, "selecttype", "ALL")
            _leaf(q, "selectcount", str(len(item.steps)))
            _leaf(q, "gradingtype", "ABSOLUTE_POSITION")
            _leaf(q, "showgrading", "SHOW")
            _leaf(q, "numberingstyle", "none")
            _combined_feedback(q, item.correct_feedback_html, item.incorrect_feedback_html, shownumcorrect="1")
            # the file order is the right order; Moodle renumbers the fractions 1..n on save
            for position, step in enumerate(item.steps, start=1):
                _answer(q, f"{position}.0000000", step.html, "")
        case _:
            assert_never(item)
    _tags(q, item.outcomes)


_QTYPE = {
    "single_choice": "multichoice",
    "multiple_choice": "multichoice",
    "true_false": "truefalse",
    "fill_in": "shortanswer",
    "matching": "matching",
    "ordering": "ordering",
}


def _catalogue(course: Course, cat: Catalogue | None) -> Catalogue:
    """The writer's catalogue; callers without a WriteContext (tests, the quiz backup) get the
    default theme's strings in the programme's language."""
    if cat is not None:
        return cat
    from builder.render.i18n import load_catalogue
    from builder.render.themes import load_theme

    return load_catalogue(load_theme("default"), course.program.language)


def _essay(quiz: etree._Element, task: PortfolioTask, cat: Catalogue) -> None:
    evidence = "".join(f"<li>{escape(e)}</li>" for e in task.evidence)
    prompt = (
        f"<h3>{escape(task.title)}</h3>{task.task_html}<p>{escape(cat.get('moodle.evidence'))}</p><ul>{evidence}</ul>"
    )
    q = _head(quiz, "essay", task.id, prompt, "", task.max_points, title=task.title)
    _leaf(q, "responseformat", "editor")
    _leaf(q, "responserequired", "1")
    _leaf(q, "responsefieldlines", "20")
    _leaf(q, "minwordlimit", "")
    _leaf(q, "maxwordlimit", "")
    _leaf(q, "attachments", "-1")  # evidence is files: photos, sign-off sheets
    _leaf(q, "attachmentsrequired", "0")
    _leaf(q, "maxbytes", "0")
    _leaf(q, "filetypeslist", "")
    levels = ", ".join(f"{lv.name} = {lv.points}" for lv in task.levels)
    score = f"<p>{escape(cat.get('moodle.score_each', levels=levels))}</p>"
    _text(q, "graderinfo", score + _rubric(task, cat) + task.pass_rule_html)
    _text(q, "responsetemplate", "")
    _tags(q, task.outcomes)


def _rubric(task: PortfolioTask, cat: Catalogue) -> str:
    head = "".join(f"<th>{escape(lv.name)} ({lv.points})</th>" for lv in task.levels)
    rows = "".join(
        f"<tr><th>{escape(c.name)}</th>" + "".join(f"<td>{escape(d)}</td>" for d in c.descriptors) + "</tr>"
        for c in task.criteria
    )
    criterion = escape(cat.get("moodle.criterion"))
    return f"<table><thead><tr><th>{criterion}</th>{head}</tr></thead><tbody>{rows}</tbody></table>"


def question_bank(course: Course, s: CourseSet, catalogue: Catalogue | None = None) -> bytes:
    cat = _catalogue(course, catalogue)
    quiz = etree.Element("quiz")
    program = course.program.short_title
    set_name = f"{s.code} {s.title}"
    _category(quiz, category_path(program, set_name), s.summary_html, s.code)
    for outcome in s.outcomes:
        # an item assessing several outcomes lives under its first one and is tagged with all
        items = [it for it in s.items if it.outcomes[0] == outcome.id and unsupported(it) is None]
        if not items:
            continue
        _category(
            quiz,
            category_path(program, set_name, f"{outcome.id} {outcome.statement}"),
            f"<p>{escape(outcome.statement)} ({outcome.bloom.value})</p>",
            outcome.id,
        )
        for item in items:
            _question(quiz, item)
    if s.portfolio:
        _category(
            quiz,
            category_path(program, set_name, cat.get("moodle.portfolio_category")),
            f"<p>{escape(cat.get('moodle.portfolio_info'))}</p>",
            f"{s.code}-PORTFOLIO",
        )
        for task in s.portfolio:
            _essay(quiz, task, cat)
    data: bytes = etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def problems(course: Course, s: CourseSet) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in s.items:
        reason = unsupported(item)
        if reason:
            out.append(report("moodle-skipped", f"item {item.id} is left out of the Moodle bank: {reason}",
                               course.loc(item.id, s.code), "mark at most 10 choices correct"))
        elif isinstance(item, MatchingItem) and len(item.sources) < 3:
            out.append(report("moodle-matching", f"item {item.id} has {len(item.sources)} pairs; Moodle imports it "
                               "but its editor refuses to save a matching question with fewer than 3 answers",
                               course.loc(item.id, s.code), "add a third pair"))
    return out


class MoodleXml(Format):
    name = "moodle_xml"
    folder = "moodle"
    version = "2"

    def owns(self, rel: str) -> bool:
        return rel.endswith("-questions.xml")

    def check(self, course: Course) -> list[Diagnostic]:
        return [d for s in course.sets for d in problems(course, s)]

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        assert job.set_code is not None
        cset = course.set(job.set_code)
        out.write_bytes(f"{job.set_code}-questions.xml", question_bank(course, cset, ctx.catalogue))
        return problems(course, cset)
