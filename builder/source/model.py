"""Source models: the shape of the YAML a curriculum committee writes.

These models check single documents only; rules that span documents (unique ids,
references, program rules) live in check.py.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import urllib.parse
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)


def _as_written(value: Any) -> Any:
    """Numbers the loader saw as plain scalars keep their source text (1.10 stays "1.10")."""
    source = getattr(value, "source", None)
    if isinstance(source, str):
        return source
    return value


def _no_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _characters(value: Any) -> Any:
    """Plain text is text, not HTML: a committee member who writes `R&eacute;sum&eacute;` or `Q&amp;A`
    means the characters, which every output then escapes once (it showed `&amp;amp;` before).
    Markdown fields need no such step: markdown-it decodes references itself."""
    return html.unescape(value) if isinstance(value, str) and "&" in value else value


# A before-validator, so the after-validators stay the same for Text and Markdown (docgen reads them).
Text = Annotated[str, BeforeValidator(_as_written), BeforeValidator(_characters), AfterValidator(_no_blank)]
Markdown = Annotated[str, BeforeValidator(_as_written), AfterValidator(_no_blank)]
CODE_RE = r"^[A-Z][A-Z0-9]{1,9}$"
ID_RE = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
# Constraints before the validator: the validator still runs first (it wraps them), and the
# patterns reach the JSON Schema, so editors flag a bad code or id as it is typed.
SetCode = Annotated[str, StringConstraints(pattern=CODE_RE), BeforeValidator(_as_written)]
Ident = Annotated[str, StringConstraints(pattern=ID_RE, max_length=60), BeforeValidator(_as_written)]
Version = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+){0,3}$"), BeforeValidator(_as_written)]
LANG_RE = r"^[a-z]{2,3}(-[A-Z]{2})?$"


def _web_address(value: Any) -> Any:
    """A reading's address is a plain http(s) link: no `javascript:`, `file:` or `mailto:`, no spaces."""
    if not isinstance(value, str):
        return value
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(
            f"{value!r} is not an http or https address | write the full address, e.g. https://www.ala.org/..."
        )
    return value


WebAddress = Annotated[str, AfterValidator(_web_address)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Bloom(str, Enum):
    """Bloom's revised taxonomy, lowest to highest."""

    remember = "remember"
    understand = "understand"
    apply = "apply"
    analyze = "analyze"
    evaluate = "evaluate"
    create = "create"

    @property
    def rank(self) -> int:
        return list(Bloom).index(self)


# ---------------------------------------------------------------- program


class RequirementRule(Strict):
    """Either `required: [codes]` or `choose: N` with `from: [codes]`."""

    title: Text | None = Field(None, description="Heading shown for this rule, e.g. 'Electives'.")
    required: list[SetCode] | None = Field(None, description="Set codes every candidate completes.")
    choose: Annotated[int, Field(ge=1)] | None = Field(
        None, description="How many sets the candidate picks from `from`."
    )
    from_: list[SetCode] | None = Field(None, alias="from", description="Set codes a candidate chooses from.")

    @model_validator(mode="after")
    def _one_form(self) -> RequirementRule:
        has_required = self.required is not None
        has_choose = self.choose is not None or self.from_ is not None
        if has_required == has_choose:
            raise ValueError(
                "a requirement has either `required: [...]` or `choose: N` with `from: [...]`"
                " | write `required: [<codes>]` for sets everyone completes, or `choose: 1` plus"
                " `from: [<codes>]` for a choice, with the `code:` values of your set files"
            )
        if has_choose and (self.choose is None or self.from_ is None):
            raise ValueError("`choose: N` and `from: [...]` go together | add the missing `choose:` or `from:` line")
        return self


class RouteKind(str, Enum):
    course = "course"
    portfolio = "portfolio"


class Route(Strict):
    id: RouteKind = Field(description="`course` or `portfolio`.")
    title: Text
    description: Markdown
    pass_rule: Markdown | None = Field(
        None,
        description="How a submission on this route passes, e.g. the portfolio's review rule; "
        "printed after the description and on every rubric worksheet.",
    )


class LintSettings(Strict):
    """Thresholds of the item-writing lint in `check` (warnings; see docs/curriculum/checking.md)."""

    enabled: bool = Field(True, description="Run the item-writing lint at all.")
    ignore: list[Annotated[str, StringConstraints(pattern=r"^[a-z]+(-[a-z]+)*(:[A-Za-z][A-Za-z0-9-]*)?$")]] = Field(
        default_factory=list,
        description="Lint codes not to report, e.g. `negative-stem`, or waived for one item, lesson or set: "
        "`option-length:ABC-Q4`, `key-longest:ABC`, `true-false-balance:programme`.",
    )
    min_items: Annotated[int, Field(ge=2)] = Field(
        4, description="Items of a kind a set needs before its key patterns are judged."
    )
    longest_key_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5, description="Largest share of single-choice items whose key may be the longest choice."
    )
    true_false_share: Annotated[float, Field(ge=0.5, le=1)] = Field(
        0.7, description="Largest share of true/false items that may have the same key."
    )
    select_all_spread: Annotated[int, Field(ge=0)] = Field(
        2, description="How far apart the fewest and most right choices of a set's select-all items must be."
    )
    option_length_ratio: Annotated[float, Field(ge=1)] = Field(
        3.0, description="Longest choice over shortest, in characters, above which `option-length` warns."
    )
    option_length_min: Annotated[int, Field(ge=0)] = Field(
        40, description="Choices shorter than this many characters are never too long."
    )
    similarity: Annotated[float, Field(gt=0, le=1)] = Field(
        0.4, description="Share of content words two items in different sets may have in common."
    )
    passage_similarity: Annotated[float, Field(gt=0, le=1)] = Field(
        0.3, description="Share of content words two lesson paragraphs in different sets may have in common."
    )


class ScaleLevel(Strict):
    name: Text = Field(description="The rating as reviewers write it, e.g. `Met`.")
    points: Annotated[int, Field(ge=0, le=100)] = Field(description="Points of the level in a points-based LMS grade.")
    met: bool = Field(False, description="True for a level that counts as fully met under the pass rule.")
    description: Text | None = Field(None, description="What evidence at this level looks like, for every criterion.")


class Evaluation(Strict):
    """How portfolios are rated: one scale, lowest level first, and one pass rule."""

    scale: list[ScaleLevel] = Field(min_length=2, max_length=6, description="Rating levels, lowest first.")
    pass_rule: Markdown = Field(
        description="How a portfolio passes on this scale, e.g. at least 70 % of criteria met and none not met."
    )

    @model_validator(mode="after")
    def _some_met(self) -> Evaluation:
        if not any(level.met for level in self.scale):
            raise ValueError("no level of the scale counts as met | add `met: true` to the level that passes")
        return self


class Program(Strict):
    schema_: str | None = Field(None, alias="$schema", description="Editor hint, ignored by the builder.")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = Field(
        description="Short lowercase id, used in package identifiers."
    )
    title: Text
    short_title: Text | None = None
    publisher: Text = Field(description="Who issues the program; the author of every guide.")
    version: Version
    released: dt.date = Field(description="Date of this curriculum version (YYYY-MM-DD).")
    language: Annotated[str, StringConstraints(pattern=LANG_RE)] = Field(
        "en", description="BCP 47 language of the content, e.g. en or es."
    )
    description: Markdown
    notice: Markdown | None = Field(None, description="Disclaimer printed in guides and packages.")
    requirements: list[RequirementRule] = Field(min_length=1)
    routes: list[Route] = Field(min_length=1)
    time_limit_years: Annotated[int, Field(ge=1)] | None = None
    theme: str = "default"
    evaluation: Evaluation | None = Field(
        None,
        description="The portfolio's evaluation scale and pass rule, declared once for every set: rubrics that "
        "leave out `levels` use this scale, and guides, handbook, worksheets and Moodle print this rule.",
    )
    lint: LintSettings = Field(
        default_factory=LintSettings, description="Thresholds of the item-writing lint; every field is optional."
    )


# ---------------------------------------------------------------- competency set


class Outcome(Strict):
    id: Ident
    statement: Text
    bloom: Bloom


class Reading(Strict):
    """A structured citation: cite the source in your own words, never paste its text."""

    author: Text | None = Field(None, description="Person or body responsible, e.g. an author or a standards body.")
    title: Text = Field(description="The source's own title.")
    publisher: Text | None = Field(None, description="Publisher or issuing body, when it differs from the author.")
    year: Annotated[int, Field(ge=1450, le=2100)] | None = Field(
        None, description="Year of the edition or revision cited."
    )
    url: WebAddress | None = Field(None, description="Where to read it: an http or https address.")
    note: Text | None = Field(None, description="Why to read it, in a sentence of your own.")


class Lesson(Strict):
    id: Ident
    title: Text
    outcomes: list[Ident] = Field(min_length=1)
    minutes: Annotated[int, Field(ge=1, le=600)] = Field(description="Estimated study time.")
    body: Markdown
    readings: list[Reading] = Field(
        default_factory=list, description="Further reading for the lesson; the guides list them per set."
    )
    activities: list[Markdown] = Field(
        default_factory=list, description="Things to do at work or in class, one prompt each."
    )
    discussion: list[Markdown] = Field(
        default_factory=list, description="Questions for a study group or an instructor-led discussion."
    )


class Choice(Strict):
    text: Text
    correct: bool = False
    feedback: Text


class ItemBase(Strict):
    id: Ident
    outcomes: list[Ident] = Field(min_length=1)
    prompt: Markdown
    points: Annotated[int, Field(ge=1, le=100)] = 1
    bloom: Bloom | None = Field(None, description="The Bloom level this item actually tests.")
    scenario: bool = Field(False, description="True for a workplace scenario item.")
    feedback: Markdown | None = Field(None, description="General feedback shown after any answer.")


class SingleChoice(ItemBase):
    type: Literal["single_choice"]
    choices: list[Choice] = Field(min_length=2, max_length=26)

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if sum(c.correct for c in self.choices) != 1:
            raise ValueError(
                "a single_choice item has exactly one choice with `correct: true`"
                " | mark one choice correct, or use type: multiple_choice for several"
            )
        return self


class MultipleChoice(ItemBase):
    type: Literal["multiple_choice"]
    choices: list[Choice] = Field(min_length=2, max_length=26)

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if not any(c.correct for c in self.choices):
            raise ValueError(
                "a multiple_choice item needs at least one choice with `correct: true`"
                " | add `correct: true` to each right choice"
            )
        return self


class TrueFalse(ItemBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text = Field(description="Shown to a learner who answers True.")
    feedback_false: Text = Field(description="Shown to a learner who answers False.")


class FillIn(ItemBase):
    type: Literal["fill_in"]
    answers: list[Text] = Field(min_length=1, description="Every accepted answer.")
    case_sensitive: bool = False
    feedback_correct: Text
    feedback_incorrect: Text


class Pair(Strict):
    left: Text
    right: Text


class Matching(ItemBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2, max_length=26)
    feedback_correct: Text
    feedback_incorrect: Text


class Ordering(ItemBase):
    type: Literal["ordering"]
    sequence: list[Text] = Field(min_length=2, max_length=26, description="Steps in the right order.")
    feedback_correct: Text
    feedback_incorrect: Text


Item = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | FillIn | Matching | Ordering,
    Field(discriminator="type"),
]
ITEM_TYPES = ("single_choice", "multiple_choice", "true_false", "fill_in", "matching", "ordering")
SourceItem = SingleChoice | MultipleChoice | TrueFalse | FillIn | Matching | Ordering  # for match statements


class Pool(Strict):
    id: Ident
    draw: Annotated[int, Field(ge=1)] = Field(description="How many of `items` each attempt shows.")
    items: list[Ident] = Field(min_length=1)


class Assessment(Strict):
    mastery_score: Annotated[float, Field(ge=0, le=1)] = Field(description="Share of points needed to pass, 0 to 1.")
    shuffle: bool = False
    attempts: Annotated[int, Field(ge=0)] = Field(
        0, description="Tries at the assessment where the player counts them (web export, cmi5); 0 = unlimited. "
        "A SCORM LMS keeps its own attempts: set its number of attempts to this value.")
    items: list[Item] = Field(min_length=1)
    pools: list[Pool] = Field(default_factory=list)


class RubricLevel(Strict):
    name: Text
    points: Annotated[int, Field(ge=0, le=100)]


class Criterion(Strict):
    name: Text
    descriptors: list[Text] = Field(min_length=2, description="One per rubric level, same order.")
    outcomes: list[Ident] = Field(
        default_factory=list,
        description="Outcomes of the task this criterion evidences; once any criterion names some, "
        "`check` warns about a claimed outcome no criterion covers.",
    )


class Rubric(Strict):
    levels: list[RubricLevel] = Field(
        default_factory=list,
        max_length=6,
        description="Rating levels, lowest first (at least 2); leave out to use the programme's `evaluation` scale.",
    )
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _two_levels(self) -> Rubric:
        if len(self.levels) == 1:
            raise ValueError(
                "a rubric has at least two levels | add a level, or leave out `levels` for the programme's scale"
            )
        return self


class PortfolioTask(Strict):
    id: Ident
    title: Text
    outcomes: list[Ident] = Field(min_length=1)
    task: Markdown
    evidence: list[Text] = Field(min_length=1)
    rubric: Rubric


class GlossaryEntry(Strict):
    term: Text
    definition: Text


class Asset(Strict):
    path: str = Field(description="Path relative to the curriculum folder.")
    alt: Text = Field(description="Text alternative for people who cannot see the image.")


class CompetencySet(Strict):
    schema_: str | None = Field(None, alias="$schema", description="Editor hint, ignored by the builder.")
    code: SetCode
    title: Text
    version: Version
    released: dt.date | None = Field(None, description="Date of this set's version; defaults to the program's.")
    summary: Markdown
    keywords: list[Text] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(min_length=1)
    lessons: list[Lesson] = Field(min_length=1)
    assessment: Assessment
    portfolio: list[PortfolioTask] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)


IDENT_PATTERN = re.compile(ID_RE)
