"""Resolved assessment items: one frozen class per item type, each with only the fields its type has.

Writers handle `Item` with `match item: case ChoiceItem(): …` and end with `assert_never(item)`, so mypy
names every writer that forgets a type when one is added. A response refers to options by `key`: an
opaque string, stable across builds (a, b, c… for choices, targets and steps; 1, 2, 3… for matching
sources; "true"/"false"), never by position or length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from builder.source import markup
from builder.source.model import Bloom, FillIn, Matching, MultipleChoice, Ordering, SingleChoice, TrueFalse

KEYS = "abcdefghijklmnopqrstuvwxyz"  # the model allows at most 10 choices, pairs or steps


@dataclass(frozen=True)
class Option:
    """A choice, a matching side or an ordering step."""

    key: str
    html: str
    text: str
    correct: bool = False
    feedback_html: str = ""


@dataclass(frozen=True, kw_only=True)
class _Common:
    id: str
    outcomes: tuple[str, ...]
    points: int
    bloom: Bloom | None
    scenario: bool
    prompt_html: str
    feedback_html: str


@dataclass(frozen=True, kw_only=True)
class _Judged(_Common):
    """Types judged as a whole answer, with one feedback for right and one for wrong."""

    correct_feedback_html: str
    incorrect_feedback_html: str


@dataclass(frozen=True, kw_only=True)
class SingleChoiceItem(_Common):
    type: Literal["single_choice"] = "single_choice"
    choices: tuple[Option, ...]

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.choices if o.correct)


@dataclass(frozen=True, kw_only=True)
class MultipleChoiceItem(_Common):
    type: Literal["multiple_choice"] = "multiple_choice"
    choices: tuple[Option, ...]

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.choices if o.correct)


@dataclass(frozen=True, kw_only=True)
class TrueFalseItem(_Common):
    """`choices` are "true" then "false"; their text is the catalogue's words, filled in by each writer."""

    type: Literal["true_false"] = "true_false"
    answer: bool
    choices: tuple[Option, Option]

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return ("true",) if self.answer else ("false",)


@dataclass(frozen=True, kw_only=True)
class FillInItem(_Judged):
    type: Literal["fill_in"] = "fill_in"
    answers: tuple[str, ...]
    case_sensitive: bool

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, kw_only=True)
class MatchingItem(_Judged):
    """`targets[i]` is the match of `sources[i]`; writers shuffle what they show, never these."""

    type: Literal["matching"] = "matching"
    sources: tuple[Option, ...]
    targets: tuple[Option, ...]

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.targets)


@dataclass(frozen=True, kw_only=True)
class OrderingItem(_Judged):
    """`steps` in their right order."""

    type: Literal["ordering"] = "ordering"
    steps: tuple[Option, ...]

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.steps)


ChoiceItem = SingleChoiceItem | MultipleChoiceItem | TrueFalseItem
Item = SingleChoiceItem | MultipleChoiceItem | TrueFalseItem | FillInItem | MatchingItem | OrderingItem


def response_options(item: Item) -> tuple[Option, ...]:
    """The options a learner's response names by key: choices, matching targets or steps (none for fill-in)."""
    if isinstance(item, MatchingItem):
        return item.targets
    if isinstance(item, OrderingItem):
        return item.steps
    if isinstance(item, FillInItem):
        return ()
    return item.choices


def resolve_item(src: Any) -> Item:
    """The source model's item, its markdown rendered and sanitised once."""
    common: dict[str, Any] = {
        "id": src.id,
        "outcomes": tuple(src.outcomes),
        "points": src.points,
        "bloom": src.bloom,
        "scenario": src.scenario,
        "prompt_html": markup.block(src.prompt),
        "feedback_html": markup.block(src.feedback) if src.feedback else "",
    }
    if isinstance(src, (SingleChoice, MultipleChoice)):
        choices = tuple(
            Option(KEYS[i], markup.inline(c.text), c.text, c.correct, markup.inline(c.feedback))
            for i, c in enumerate(src.choices)
        )
        if isinstance(src, SingleChoice):
            return SingleChoiceItem(**common, choices=choices)
        return MultipleChoiceItem(**common, choices=choices)
    if isinstance(src, TrueFalse):
        # No words here: "True"/"False" are the catalogue's, in the programme's language (see the writers).
        yes = Option("true", "", "", src.answer is True, markup.inline(src.feedback_true))
        no = Option("false", "", "", src.answer is False, markup.inline(src.feedback_false))
        return TrueFalseItem(**common, answer=src.answer, choices=(yes, no))
    judged: dict[str, Any] = {
        **common,
        "correct_feedback_html": markup.inline(src.feedback_correct),
        "incorrect_feedback_html": markup.inline(src.feedback_incorrect),
    }
    if isinstance(src, FillIn):
        return FillInItem(**judged, answers=tuple(src.answers), case_sensitive=src.case_sensitive)
    if isinstance(src, Matching):
        sources = tuple(Option(str(i + 1), markup.inline(p.left), p.left) for i, p in enumerate(src.pairs))
        targets = tuple(Option(KEYS[i], markup.inline(p.right), p.right) for i, p in enumerate(src.pairs))
        return MatchingItem(**judged, sources=sources, targets=targets)
    if isinstance(src, Ordering):
        steps = tuple(Option(KEYS[i], markup.inline(s), s) for i, s in enumerate(src.sequence))
        return OrderingItem(**judged, steps=steps)
    raise TypeError(f"unknown item type {src.type}")
