"""A set's assessment as QTI 1.2 in the Common Cartridge 1.1 profile (ccv1p1_qtiasiv1p2p1_v1p0.xsd).

The profile knows six item types; the item shapes follow Moodle's own Common Cartridge exporter
(backup/cc/cc_lib), which its importer (backup/cc/entity11.quiz.class.php) reads back:
- single choice → cc.multiple_choice, true/false → cc.true_false, fill-in → cc.fib (a `varequal` per accepted
  answer, `case` as the item says), multiple choice → cc.multiple_response (right only when exactly the right
  choices are ticked);
- matching and ordering have no CC type: each becomes a cc.multiple_choice "Which … is right?" whose choices
  are the right pairing (or order) and up to three wrong ones made by shifting the targets (or steps) round;
  the prompt says so. The learner still has to know the whole answer; partial credit is lost.
What the profile has no place for: pools (every item is in the assessment), the pass mark and per-choice
penalties. Its multiple choice has at least three choices: one right answer out of two (a two-choice single
choice, two pairs or steps) is a multiple response whose right answer is that one, and the prompt says so
("Tick one answer."). Instructions are the theme's catalogue strings (pdf.q.how.*), in the programme's language.
Scores are the profile's 0/100 per item, weighted by the item's points (cc_weighting).
"""

from __future__ import annotations

import hashlib
from html import escape
from typing import Any, assert_never

from lxml import etree

from builder.render.i18n import Catalogue
from builder.resolve.course import CourseSet
from builder.resolve.items import (
    KEYS,
    FillInItem,
    Item,
    MatchingItem,
    MultipleChoiceItem,
    Option,
    OrderingItem,
    SingleChoiceItem,
    TrueFalseItem,
)

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
NSMAP: dict[Any, str] = {None: NS, "xsi": XSI}
RESPONSE = "response1"
WEIGHT_MAX = 99  # the profile's cc_weighting is 1-99 (and Moodle's importer takes 1 for anything else)
ATTEMPTS = (1, 2, 3, 4, 5)  # the profile's cc_maxattempts: these or "unlimited"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _meta(parent: etree._Element, fields: list[tuple[str, str]]) -> None:
    meta = _el(parent, "qtimetadata")
    for label, entry in fields:
        field = _el(meta, "qtimetadatafield")
        _el(field, "fieldlabel", label)
        _el(field, "fieldentry", entry)


def _material(parent: etree._Element, html: str) -> None:
    _el(_el(parent, "material"), "mattext", html, texttype="text/html")


def _feedback(item_el: etree._Element, ident: str, html: str) -> None:
    fb = _el(item_el, "itemfeedback", ident=ident)
    _material(_el(fb, "flow_mat"), html)


def _choices(pres: etree._Element, labels: list[tuple[str, str]], multiple: bool) -> None:
    lid = _el(pres, "response_lid", ident=RESPONSE, rcardinality="Multiple" if multiple else "Single")
    render = _el(lid, "render_choice")
    for ident, html in labels:
        _material(_el(render, "response_label", ident=ident), html)


def _condition(proc: etree._Element, title: str | None, score: str | None, feedback: str | None,
               cont: bool = False) -> etree._Element:
    cond = _el(proc, "respcondition", **({"title": title} if title else {}), **{"continue": "Yes" if cont else "No"})
    var = _el(cond, "conditionvar")
    if score is not None:
        _el(cond, "setvar", score, varname="SCORE", action="Set")
    if feedback:
        _el(cond, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return var


def rotations(count: int) -> list[list[int]]:
    """The right arrangement (identity) and up to three wrong ones: the targets shifted round by 1, 2, 3."""
    return [[(i + shift) % count for i in range(count)] for shift in range(min(count, 4))]


def _position(item_id: str, count: int) -> int:
    """Where the right answer stands among `count` choices: fixed per item, not always first."""
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % count


def _arrangements(item: MatchingItem | OrderingItem, catalogue: Catalogue) -> tuple[str, list[str]]:
    """The degraded item's question and its choices in the order shown, the right one at index 0 before moving."""
    if isinstance(item, MatchingItem):
        shown = [
            "; ".join(f"{item.sources[i].html} → {item.targets[j].html}" for i, j in enumerate(order))
            for order in rotations(len(item.targets))
        ]
        return catalogue.get("cc.which_pairing"), shown
    shown = [" → ".join(item.steps[j].html for j in order) for order in rotations(len(item.steps))]
    return catalogue.get("cc.which_order"), shown


MIN_CHOICES = 3  # the profile's cc.multiple_choice has more than two response labels (RULE 4d)
SINGLE, MULTIPLE = "cc.multiple_choice.v0p1", "cc.multiple_response.v0p1"


def profile(item: Item) -> str:
    """The profile's question type for the item. One answer out of fewer than three choices (a two-choice single
    choice, the two arrangements of two pairs or steps) is a multiple response whose right answer is that one."""
    match item:
        case SingleChoiceItem():
            return SINGLE if len(item.choices) >= MIN_CHOICES else MULTIPLE
        case MultipleChoiceItem():
            return MULTIPLE
        case TrueFalseItem():
            return "cc.true_false.v0p1"
        case FillInItem():
            return "cc.fib.v0p1"
        case MatchingItem() | OrderingItem():
            return SINGLE if len(rotations(len(item.correct_keys))) >= MIN_CHOICES else MULTIPLE
        case _:
            assert_never(item)


def _exactly(pres: etree._Element, proc: etree._Element, labels: list[tuple[str, str]], right: set[str],
             feedback: str | None) -> None:
    """A multiple response: right when exactly the `right` labels are ticked."""
    _choices(pres, labels, multiple=True)
    var = _el(_condition(proc, "Correct", "100", feedback), "and")
    for key, _ in labels:
        _el(var if key in right else _el(var, "not"), "varequal", key, respident=RESPONSE, case="Yes")


def _one_of(pres: etree._Element, proc: etree._Element, labels: list[tuple[str, str]], right: str,
            feedback: str | None) -> None:
    _choices(pres, labels, multiple=False)
    _el(_condition(proc, "Correct", "100", feedback), "varequal", right, respident=RESPONSE)


def _pick_one(pres: etree._Element, proc: etree._Element, prompt: str, choices: tuple[Option, ...],
              words: dict[str, str]) -> list[tuple[str, str]]:
    """A multiple choice or true/false: a condition per choice, for its feedback; the right one scores."""
    _material(pres, prompt)
    _choices(pres, [(o.key, o.html or escape(words.get(o.key, o.text))) for o in choices], multiple=False)
    feedbacks = []
    for o in choices:
        fb = f"{o.key}_fb" if o.feedback_html else None
        var = _condition(proc, "Correct" if o.correct else None, "100" if o.correct else None, fb)
        _el(var, "varequal", o.key, respident=RESPONSE)
        if fb:
            feedbacks.append((fb, o.feedback_html))
    return feedbacks


def _item(section: etree._Element, item: Item, catalogue: Catalogue) -> None:
    el = _el(section, "item", ident=item.id, title=item.id)
    kind = profile(item)
    _meta(_el(el, "itemmetadata"), [("cc_profile", kind), ("cc_weighting", str(min(item.points, WEIGHT_MAX)))])
    pres = _el(el, "presentation")
    proc = _el(el, "resprocessing")
    _el(_el(proc, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    feedbacks: list[tuple[str, str]] = []
    if item.feedback_html:  # general feedback: shown whatever the answer (continue Yes, condition <other/>)
        _el(_condition(proc, None, None, "general_fb", cont=True), "other")
        feedbacks.append(("general_fb", item.feedback_html))
    tick_one = "" if kind == SINGLE else f"<p><em>{escape(catalogue.get('pdf.q.how.single_choice'))}</em></p>"
    match item:
        case TrueFalseItem():
            words = {"true": catalogue.get("player.true"), "false": catalogue.get("player.false")}
            feedbacks += _pick_one(pres, proc, item.prompt_html, item.choices, words)
        case SingleChoiceItem() if kind == SINGLE:
            feedbacks += _pick_one(pres, proc, item.prompt_html, item.choices, {})
        case SingleChoiceItem() | MultipleChoiceItem():
            how = tick_one if isinstance(item, SingleChoiceItem) else (
                f"<p><em>{escape(catalogue.get('pdf.q.how.multiple_choice'))}</em></p>")
            _material(pres, item.prompt_html + how)
            _exactly(pres, proc, [(o.key, o.html) for o in item.choices], set(item.correct_keys), None)
        case FillInItem():
            _material(pres, item.prompt_html)
            _el(_el(pres, "response_str", ident=RESPONSE, rcardinality="Single"), "render_fib")
            var = _condition(proc, "Correct", "100", "correct_fb" if item.correct_feedback_html else None)
            for accepted in item.answers:
                _el(var, "varequal", accepted, respident=RESPONSE, case="Yes" if item.case_sensitive else "No")
            _el(_condition(proc, None, "0", "incorrect_fb" if item.incorrect_feedback_html else None), "other")
        case MatchingItem() | OrderingItem():
            question, shown = _arrangements(item, catalogue)
            _material(pres, f"{item.prompt_html}<p><em>{escape(question)}</em></p>{tick_one}")
            right = _position(item.id, len(shown))
            order = shown[1:]
            order.insert(right, shown[0])
            labels = [(KEYS[i], html) for i, html in enumerate(order)]
            fb = "correct_fb" if item.correct_feedback_html else None
            if kind == SINGLE:
                _one_of(pres, proc, labels, labels[right][0], fb)
            else:
                _exactly(pres, proc, labels, {labels[right][0]}, fb)
            _el(_condition(proc, None, "0", "incorrect_fb" if item.incorrect_feedback_html else None), "other")
        case _:
            assert_never(item)
    if isinstance(item, (FillInItem, MatchingItem, OrderingItem)):
        feedbacks += [(k, v) for k, v in (("correct_fb", item.correct_feedback_html),
                                          ("incorrect_fb", item.incorrect_feedback_html)) if v]
    for ident, html in feedbacks:
        _feedback(el, ident, html)


def assessment(cset: CourseSet, catalogue: Catalogue, attempts: int) -> bytes:
    root = etree.Element(f"{{{NS}}}questestinterop", nsmap=NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {SCHEMA}")
    test = _el(root, "assessment", ident=f"{cset.code}-ASSESSMENT", title=f"{cset.code} {cset.title}: assessment")
    limit = str(attempts) if attempts in ATTEMPTS else "unlimited"
    _meta(test, [("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                 ("qmd_scoretype", "Percentage"), ("cc_maxattempts", limit)])
    section = _el(test, "section", ident=f"{cset.code}-ITEMS")
    for item in cset.items:
        _item(section, item, catalogue)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
