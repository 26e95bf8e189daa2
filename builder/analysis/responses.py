"""What a learner response means for one resolved item: chosen options, credit, partial credit, the key it was
scored against. Both run-time syntaxes are read (SCORM 1.2 "a,c", "1.a"; SCORM 2004 "a[,]c", "1[.]a")."""

from __future__ import annotations

import re
from typing import assert_never

from builder.resolve.items import (
    ChoiceItem,
    FillInItem,
    Item,
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    SingleChoiceItem,
    TrueFalseItem,
)

LETTERS_12 = "abcdefghijklmnopq"  # 1.2 matching sources 10-26 are single letters (lms.js `source`)
RESULTS = {"correct": 1.0, "wrong": 0.0, "incorrect": 0.0, "unanticipated": 0.0}


def _split(value: str) -> list[str]:
    value = value.strip()
    if not value:
        return []
    return [p.strip() for p in (value.split("[,]") if "[,]" in value else value.split(","))]


def _norm(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.lower()


def chosen(item: ChoiceItem, response: str) -> tuple[str, ...] | None:
    """Option keys a choice or true/false response names, in the item's order; None if it names one the item lacks."""
    keys = {o.key for o in item.choices}
    if isinstance(item, TrueFalseItem):
        word = {"t": "true", "true": "true", "1": "true", "f": "false", "false": "false", "0": "false"}
        picked = [word.get(p.lower(), p) for p in _split(response)]
    else:
        picked = _split(response)
    if not set(picked) <= keys:
        return None
    return tuple(o.key for o in item.choices if o.key in picked)


def _pairs(item: MatchingItem, response: str) -> dict[str, str] | None:
    """Matching response as {source key: target key}."""
    out: dict[str, str] = {}
    for part in _split(response):
        source, _, target = part.partition("[.]") if "[.]" in part else part.partition(".")
        if source in LETTERS_12 and source not in {s.key for s in item.sources}:
            source = str(10 + LETTERS_12.index(source))
        out[source] = target
    if not set(out) <= {s.key for s in item.sources} or not set(out.values()) <= {o.key for o in item.targets}:
        return None
    return out


def _steps(item: OrderingItem, response: str) -> list[str] | None:
    steps = _split(response)
    return steps if set(steps) <= {o.key for o in item.steps} else None


def grade(item: Item, response: str) -> float | None:
    """All-or-nothing credit as the player scores it; None when the response does not fit the item."""
    match item:
        case FillInItem():
            return float(any(_norm(a, item.case_sensitive) == _norm(response, item.case_sensitive)
                             for a in item.answers))
        case SingleChoiceItem() | MultipleChoiceItem() | TrueFalseItem():
            picked = chosen(item, response)
            return None if picked is None else float(picked == item.correct_keys)
        case MatchingItem():
            pairs = _pairs(item, response)
            if pairs is None:
                return None
            return float(all(pairs.get(s.key) == o.key for s, o in zip(item.sources, item.targets, strict=True)))
        case OrderingItem():
            steps = _steps(item, response)
            return None if steps is None else float(tuple(steps) == item.correct_keys)
        case _:
            assert_never(item)


def partial(item: Item, response: str) -> float | None:
    """Partial credit where the item type has parts: multiple choice (share of options chosen or left rightly),
    matching (share of pairs right), ordering (share of steps in their place). Others: the credit itself."""
    if isinstance(item, MultipleChoiceItem):
        picked = chosen(item, response)
        if picked is None:
            return None
        return sum((o.key in picked) == o.correct for o in item.choices) / len(item.choices)
    if isinstance(item, MatchingItem):
        pairs = _pairs(item, response)
        if pairs is None:
            return None
        right = sum(pairs.get(s.key) == o.key for s, o in zip(item.sources, item.targets, strict=True))
        return right / len(item.sources)
    if isinstance(item, OrderingItem):
        steps = _steps(item, response)
        if steps is None:
            return None
        return sum(a == b for a, b in zip(steps, item.correct_keys, strict=False)) / len(item.steps)
    return grade(item, response)


def result_credit(result: str) -> float | None:
    """The LMS's own verdict: correct / wrong (1.2) / incorrect (2004); a number in 0–1 as is; else None."""
    value = result.strip().lower()
    if value in RESULTS:
        return RESULTS[value]
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        number = float(value)
        return number if 0 <= number <= 1 else None
    return None


def keys_as_reported(item: Item) -> set[str]:
    """The `correct_responses` patterns coursepack's player reports for this item, as Moodle's report joins them
    (with ","), in the 1.2 and the 2004 syntax: a report whose "Right answer" differs saw another version."""
    out = set()
    for v12 in (True, False):
        sep, pair = ("," if v12 else "[,]"), ("." if v12 else "[.]")
        match item:
            case FillInItem():
                flag = "true" if item.case_sensitive else "false"
                patterns = list(item.answers) if v12 else [f"{{case_matters={flag}}}{a}" for a in item.answers]
            case TrueFalseItem():
                key = item.correct_keys[0]
                patterns = [key[0] if v12 else key]  # 1.2 reports true/false as t/f
            case MatchingItem():
                def source(k: int, key: str, v12: bool = v12) -> str:
                    return key if not v12 or k < 9 else LETTERS_12[k - 9]

                patterns = [sep.join(f"{source(k, s.key)}{pair}{o.key}"
                                     for k, (s, o) in enumerate(zip(item.sources, item.targets, strict=True)))]
            case SingleChoiceItem() | MultipleChoiceItem() | OrderingItem():
                patterns = [sep.join(item.correct_keys)]
            case _:
                assert_never(item)
        out.add(",".join(patterns))
    return out


def latency_seconds(value: str) -> float | None:
    """A SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) or an ISO 8601 duration (PT1H2M3.5S); None otherwise."""
    value = value.strip()
    m = re.fullmatch(r"(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)", value)
    if m:
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = re.fullmatch(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", value)
    if m and value not in ("P", "PT"):
        d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return d * 86400 + h * 3600 + mi * 60 + s
    return None
