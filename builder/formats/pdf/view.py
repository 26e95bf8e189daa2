"""What the PDF templates show, computed from the Course: pure functions, no I/O.

On paper a learner cannot shuffle, so matching targets and ordering steps are printed in a scrambled
order (a fixed one per item id, so rebuilds are identical) and the answer key refers to those labels.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import assert_never

from builder.resolve.course import Course, CourseSet, Lesson, Term
from builder.resolve.items import (
    FillInItem,
    Item,
    MatchingItem,
    MultipleChoiceItem,
    Option,
    OrderingItem,
    SingleChoiceItem,
    TrueFalseItem,
)

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Labelled:
    label: str  # "a", "b"… or "1", "2"…
    option: Option


@dataclass(frozen=True)
class Question:
    """One item as printed in a self-check, with what the answer key needs to refer back to it."""

    item: Item
    anchor: str  # id of its first printed occurrence
    shown: tuple[Labelled, ...]  # choices, matching targets or ordering steps in printed order
    lefts: tuple[Labelled, ...]  # matching: numbered left sides
    answer: tuple[Labelled, ...]  # the correct choices, the target for each left side, or the steps in order


@dataclass(frozen=True)
class Occurrence:
    number: int  # position within its self-check, from 1
    anchor: str
    question: Question


@dataclass(frozen=True)
class SelfCheck:
    anchor: str
    lesson: Lesson | None  # None: the review of items no lesson's outcomes reach
    number: int  # lesson number, 0 for the review
    questions: tuple[Occurrence, ...]


@dataclass(frozen=True)
class KeyEntry:
    """One line of the answer key, in the order the questions are printed."""

    check: SelfCheck
    occurrence: Occurrence
    first: tuple[SelfCheck, Occurrence] | None  # a repeated question: where its answer is given


@dataclass(frozen=True)
class Chapter:
    number: int
    anchor: str
    lesson: Lesson
    check: SelfCheck | None


@dataclass(frozen=True)
class Guide:
    cset: CourseSet
    chapters: tuple[Chapter, ...]
    review: SelfCheck | None
    questions: tuple[Question, ...]  # every item, set order
    key: tuple[KeyEntry, ...]  # the answer key: self-check by self-check, question by question
    glossary: tuple[Term, ...]
    lessons_by_outcome: tuple[tuple[str, tuple[int, ...]], ...]
    minutes: int

    def lesson_numbers(self, outcome_id: str) -> tuple[int, ...]:
        return dict(self.lessons_by_outcome).get(outcome_id, ())


def anchor(*parts: str) -> str:
    """An HTML id from curriculum ids (letters, digits, dashes) and fixed words."""
    return "-".join(p.lower() for p in parts)


def scramble(count: int, seed: str) -> list[int]:
    """A fixed permutation of range(count) that is never the identity when count > 1."""
    order = list(range(count))
    random.Random(seed).shuffle(order)  # str seeds hash with SHA-512: stable across runs and machines
    if count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def _scrambled(options: tuple[Option, ...], seed: str) -> tuple[tuple[Labelled, ...], dict[str, str]]:
    """Options printed in a fixed shuffled order, lettered, and the letter each option got."""
    order = scramble(len(options), seed)
    shown = tuple(Labelled(LETTERS[pos], options[i]) for pos, i in enumerate(order))
    return shown, {options[i].key: LETTERS[pos] for pos, i in enumerate(order)}


def question(item: Item, first_anchor: str) -> Question:
    match item:
        case MatchingItem():
            shown, label_of = _scrambled(item.targets, item.id)
            lefts = tuple(Labelled(str(n + 1), s) for n, s in enumerate(item.sources))
            answer = tuple(Labelled(label_of[t.key], t) for t in item.targets)
            return Question(item, first_anchor, shown, lefts, answer)
        case OrderingItem():
            shown, label_of = _scrambled(item.steps, item.id)
            answer = tuple(Labelled(label_of[s.key], s) for s in item.steps)
            return Question(item, first_anchor, shown, (), answer)
        case TrueFalseItem():
            shown = tuple(Labelled(o.key, o) for o in item.choices)  # the template prints the catalogue's word
        case SingleChoiceItem() | MultipleChoiceItem():
            shown = tuple(Labelled(LETTERS[i], o) for i, o in enumerate(item.choices))
        case FillInItem():
            shown = ()
        case _:
            assert_never(item)
    return Question(item, first_anchor, shown, (), tuple(x for x in shown if x.option.correct))


def guide(cset: CourseSet) -> Guide:
    placed: dict[str, str] = {}  # item id → anchor of its first occurrence
    plan: list[tuple[int, Lesson | None, str, tuple[Item, ...]]] = []
    for n, x in enumerate(cset.lessons, start=1):
        plan.append((n, x, anchor("check", x.id), cset.items_for(x.outcomes)))
    reached = {it.id for _, _, _, items in plan for it in items}
    leftover = tuple(it for it in cset.items if it.id not in reached)
    if leftover:
        plan.append((0, None, anchor("check", cset.code, "review"), leftover))
    for _, _, check_anchor, items in plan:
        for it in items:
            placed.setdefault(it.id, anchor(check_anchor, it.id))
    questions = {it.id: question(it, placed[it.id]) for it in cset.items}
    checks: list[SelfCheck] = []
    for n, lesson, check_anchor, items in plan:
        occurrences = tuple(
            Occurrence(i, anchor(check_anchor, it.id), questions[it.id]) for i, it in enumerate(items, start=1)
        )
        checks.append(SelfCheck(check_anchor, lesson, n, occurrences))
    by_lesson = {c.lesson.id: c for c in checks if c.lesson is not None and c.questions}
    chapters = tuple(
        Chapter(n, anchor("lesson", x.id), x, by_lesson.get(x.id)) for n, x in enumerate(cset.lessons, start=1)
    )
    review = next((c for c in checks if c.lesson is None), None)
    key: list[KeyEntry] = []
    seen: dict[str, tuple[SelfCheck, Occurrence]] = {}
    for check in checks:
        for occ in check.questions:
            key.append(KeyEntry(check, occ, seen.get(occ.question.item.id)))
            seen.setdefault(occ.question.item.id, (check, occ))
    by_outcome = tuple(
        (o.id, tuple(n for n, x in enumerate(cset.lessons, start=1) if o.id in x.outcomes)) for o in cset.outcomes
    )
    return Guide(
        cset=cset,
        chapters=chapters,
        review=review,
        questions=tuple(questions[it.id] for it in cset.items),
        key=tuple(key),
        glossary=sorted_terms(cset.glossary),
        lessons_by_outcome=by_outcome,
        minutes=sum(x.minutes for x in cset.lessons),
    )


def sorted_terms(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    # casefold, not the machine locale: writers never read the locale
    return tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.term)))


@dataclass(frozen=True)
class Rule:
    title: str
    choose: int | None
    sets: tuple[CourseSet, ...]


def rules(course: Course) -> tuple[Rule, ...]:
    known = {s.code: s for s in course.sets}
    return tuple(
        Rule(r.title, r.choose, tuple(known[c] for c in r.codes if c in known)) for r in course.program.requirements
    )


def to_complete(course: Course) -> int:
    """How many sets a candidate finishes: every required one plus each elective rule's choose."""
    return sum(len(r.codes) if r.choose is None else r.choose for r in course.program.requirements)


# Regions assumed when a programme names only a language: hyphenation patterns and spelling differ.
DEFAULT_REGION = {"en": "en-US", "es": "es-ES", "pt": "pt-BR", "fr": "fr-FR", "de": "de-DE"}


def locale(language: str) -> str:
    """The BCP 47 tag the PDF declares (and hyphenates by): the programme's language with a region."""
    return language if "-" in language else DEFAULT_REGION.get(language, language)


_NUMBERED = re.compile(r"(?<=\w) (?=\d)")  # "MARC 21", "Section 108": a name and its number
_LAST_SPACE = re.compile(r" (?=\S{1,12}$)")  # the last word of a title never stands alone


def keep_together(title: str) -> str:
    """A title with no-break spaces where a break would strand a number or a short last word."""
    title = _NUMBERED.sub("\u00a0", title)
    if title.count(" ") >= 2:
        title = _LAST_SPACE.sub("\u00a0", title)
    return title


_HEADING = re.compile(r"<(/?)h([3-6])\b")


def lift_headings(fragment: str) -> str:
    """Markdown headings start at h3 (for the player); under a lesson's h1 they are h2 and below."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) - 1}", fragment)


_TOKENS = re.compile(r"(<[^>]*>)")
_RAW = ("code", "pre", "style", "script")
_OPENERS = set(" \t\n\u00a0([{\u2014\u2013/-")


def smarten(html: str) -> str:
    """Typographic quotes, apostrophes, dashes and ellipses in the text of `html` (the part from
    <body on), as markdown-it's typographer would set them; code, tags and attributes are left alone."""
    start = html.find("<body")
    head, body = (html[:start], html[start:]) if start >= 0 else ("", html)
    out: list[str] = []
    prev = " "  # the last character of text seen, across tags
    raw = 0  # depth inside code, pre, style or script
    for part in _TOKENS.split(body):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(maxsplit=1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in _RAW and not part.endswith("/>"):
                raw += -1 if part.startswith("</") else 1
            out.append(part)
            continue
        if raw or not part:
            out.append(part)
            continue
        text = part.replace("&#39;", "'").replace("&quot;", '"').replace("&#34;", '"')
        text = text.replace("...", "\u2026").replace("--", "\u2013").replace(" - ", " \u2013 ")
        if '"' not in text and "'" not in text:
            prev = text[-1]
            out.append(text)
            continue
        chars: list[str] = []
        for i, c in enumerate(text):
            before = chars[-1] if chars else prev
            if c == '"':
                c = "\u201c" if before in _OPENERS or before in "\u2018\u201c" else "\u201d"
            elif c == "'":
                after = text[i + 1] if i + 1 < len(text) else ""
                if before.isalnum() or before in ".,;:!?)\u201d\u2019" or (before in _OPENERS and after.isdigit()):
                    c = "\u2019"  # apostrophe (don't, the '90s) or closing quote
                else:
                    c = "\u2018"
            chars.append(c)
        if chars:
            prev = chars[-1]
        out.append("".join(chars))
    return head + "".join(out)
