"""Item-writing lint: the cues a test-wise candidate exploits and the flaws an item-writing committee
rejects, as warnings at the item's source position.

`lint(sets, settings)` reads valid sets only and returns warnings; `check.py` calls it once per run.
Per-item rules look at one item; per-set rules (where the key sits, how true/false keys split, how
many choices of a select-all item are right) need `min_items` items of the kind before they speak;
the duplicate rule compares items and lesson passages across the whole curriculum.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report
from builder.source.load import Document, KeyPath
from builder.source.model import Choice, CompetencySet, LintSettings

ALL_NONE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.I)
NEGATIVE = re.compile(r"\b(not|except|least|never|cannot|isn't|doesn't|don't|shouldn't|wouldn't)\b", re.I)
# A negative inside a relative clause ("people who cannot read print") describes; it does not turn the question.
RELATIVE = re.compile(r"\b(who|that|which|whose|whom)\s+$", re.I)
EMPHASIS = re.compile(r"(\*\*|__|\*|_)([^*_]+)\1")
# "only" is left out: in a key it usually restricts ("only the manager may decide"), it does not overclaim.
ABSOLUTE = re.compile(r"\b(always|never|every|everyone|everything|none|nobody|no one|all|completely|entirely"
                      r"|impossible|guarantee[sd]?)\b", re.I)
# Words that admit exceptions to a rule; "often" and "sometimes" speak of frequency and are left alone.
HEDGE = re.compile(r"\b(usually|generally|typically|normally|in most cases|most of the time"
                   r"|tends? to|not always|it depends|as a rule)\b", re.I)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class _Source(Protocol):
    @property
    def model(self) -> CompetencySet: ...

    @property
    def doc(self) -> Document: ...


def lint(sets: Sequence[_Source], settings: LintSettings) -> list[Diagnostic]:
    if not settings.enabled:
        return []
    out: list[Diagnostic] = []
    for s in sets:
        out += _per_item(s.model, s.doc, settings)
        out += _per_set(s.model, s.doc, settings)
    out += _across(sets, settings)
    out += _duplicates(sets, settings)
    skip = set(settings.ignore)
    return [d for d in out if d.code not in skip and f"{d.code}:{_subject(d)}" not in skip]


def _subject(d: Diagnostic) -> str:
    """The item, lesson or set a warning is about: `option-length:TEC-Q4` waives one item only,
    `true-false-balance:programme` the programme-wide count."""
    if d.message.startswith("the programme:"):
        return "programme"
    found = re.match(r"(?:item|set|lesson) ([A-Z][A-Z0-9-]*)", d.message)
    return found.group(1) if found else ""


def _plain(text: str) -> str:
    return re.sub(r"[`*_>#\[\]()]", "", text).strip()


def _words(text: str) -> list[str]:
    return WORD.findall(_plain(text).casefold())


def _item_path(i: int) -> KeyPath:
    return ("assessment", "items", i)


# ---------------------------------------------------------------- one item at a time


def _per_item(m: CompetencySet, doc: Document, cfg: LintSettings) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, item in enumerate(m.assessment.items):
        path = _item_path(i)
        choices: list[Choice] = list(getattr(item, "choices", []))
        for j, c in enumerate(choices):
            if ALL_NONE.search(c.text):
                out.append(report(
                    "all-none-of-above",
                    f"item {item.id}: the choice {c.text!r} is an 'all/none of the above' option",
                    doc.loc(path + ("choices", j, "text")),
                    "write a real option; candidates who spot two right answers get 'all of the above' free,"
                    " and 'none of the above' tests what a candidate knows is wrong",
                ))
        out += _negative_stem(item.id, item.prompt, doc, path)
        keys = [(j, c) for j, c in enumerate(choices) if c.correct]
        for j, c in keys:
            word = ABSOLUTE.search(c.text)
            if word:
                out.append(report(
                    "absolute-key",
                    f"item {item.id}: the keyed choice says {word.group(0)!r}, an absolute a sceptical expert"
                    " can usually find an exception to",
                    doc.loc(path + ("choices", j, "text")),
                    "state the key as precisely as the facts allow, or reword so no exception makes it wrong",
                ))
            asked = f"{_question(item.prompt)} {c.text}"
            out += _hedged(item.id, asked, c.feedback, doc, path + ("choices", j, "feedback"))
        if item.type == "true_false":
            word = ABSOLUTE.search(_plain(item.prompt)) if item.answer else None
            if word:
                out.append(report(
                    "absolute-key",
                    f"item {item.id}: the statement, keyed true, says {word.group(0)!r};"
                    " one exception would make it false",
                    doc.loc(path + ("prompt",)),
                    "state it as precisely as the facts allow",
                ))
            fb_key = "feedback_true" if item.answer else "feedback_false"
            stated = item.prompt if item.answer else ""
            out += _hedged(item.id, stated, getattr(item, fb_key), doc, path + (fb_key,))
        if len(choices) >= 2:
            out += _lengths(item.id, choices, doc, path, cfg)
    return out


def _question(prompt: str) -> str:
    """The sentence that asks (the last one ending in ? or :); a scenario before it only sets the scene."""
    sentences = [s for s in re.split(r"(?<=[.?!:])[\"'”’)]*\s+", prompt.strip()) if s]
    return next((s for s in reversed(sentences) if s.rstrip().endswith(("?", ":"))), "")


def _negative_stem(ident: str, prompt: str, doc: Document, path: KeyPath) -> list[Diagnostic]:
    """A question that turns on a negative word the candidate can read past."""
    question = _question(prompt)
    if not question:
        return []
    emphasised = {w.casefold() for _, inner in EMPHASIS.findall(question) for w in WORD.findall(inner.casefold())}
    for found in NEGATIVE.finditer(question):
        word = found.group(0)
        if word.isupper() and len(word) > 1 or word.casefold() in emphasised:
            continue
        if RELATIVE.search(question[:found.start()]):
            continue
        return [report(
            "negative-stem",
            f"item {ident}: the question turns on {word!r}, which is easy to read past",
            doc.loc(path + ("prompt",)),
            f"ask it positively, or emphasise the word: **{word}** or {word.upper()}",
        )]
    return []


def _hedged(ident: str, key: str, feedback: str, doc: Document, at: KeyPath) -> list[Diagnostic]:
    hedge = HEDGE.search(feedback)
    # The key counts as qualified when it, or the question it answers, admits a possibility.
    if not hedge or HEDGE.search(key) or re.search(r"\b(may|might|can|could|likely|most|many)\b", key, re.I):
        return []
    return [report(
        "hedged-feedback",
        f"item {ident}: the key's feedback says {hedge.group(0)!r} while the key is stated without exception",
        doc.loc(at),
        "if there are exceptions, the key is arguable: qualify it, or choose a key that holds without them",
    )]


def _lengths(ident: str, choices: list[Choice], doc: Document, path: KeyPath, cfg: LintSettings) -> list[Diagnostic]:
    lengths = [len(_plain(c.text)) for c in choices]
    short, long_ = min(lengths), max(lengths)
    if long_ < cfg.option_length_min or long_ <= cfg.option_length_ratio * max(short, 1):
        return []
    j = lengths.index(long_)
    return [report(
        "option-length",
        f"item {ident}: the longest choice has {long_} characters, the shortest {short}"
        f" (more than {cfg.option_length_ratio:g} times)",
        doc.loc(path + ("choices", j, "text")),
        "make the options alike in length and detail; the odd one out draws the eye, right or wrong",
    )]


# ---------------------------------------------------------------- patterns across a set


def _per_set(m: CompetencySet, doc: Document, cfg: LintSettings) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    items = list(enumerate(m.assessment.items))
    single = [(i, it) for i, it in items if it.type == "single_choice"]
    longest = [i for i, it in single if _key_is_longest(list(getattr(it, "choices", [])))]
    if len(single) >= cfg.min_items and len(longest) > cfg.longest_key_share * len(single):
        out.append(report(
            "key-longest",
            f"set {m.code}: the key is the longest choice in {len(longest)} of {len(single)} single-choice items",
            doc.loc(_item_path(longest[0]) + ("id",)),
            f"at most {cfg.longest_key_share:.0%} may be; trim the keys or lengthen a plausible distractor"
            f" (items: {', '.join(m.assessment.items[i].id for i in longest)})",
        ))
    out += _key_patterns(f"set {m.code}", [(doc, i, it) for i, it in items], cfg)
    return out


def _across(sets: Sequence[_Source], cfg: LintSettings) -> list[Diagnostic]:
    """The same patterns over the whole programme: a candidate who takes six sets learns them too."""
    if len(sets) < 2:
        return []
    every = [(s.doc, i, it) for s in sets for i, it in enumerate(s.model.assessment.items)]
    # A pattern held by one set alone is that set's finding, already reported.
    spread = {kind: len({s.model.code for s in sets for it in s.model.assessment.items if it.type == kind})
              for kind in ("true_false", "multiple_choice")}
    kinds = {"true-false-balance": "true_false", "select-all-pattern": "multiple_choice"}
    return [d for d in _key_patterns("the programme", every, cfg) if spread[kinds[d.code]] > 1]


def _key_patterns(scope: str, items: list[tuple[Document, int, Any]], cfg: LintSettings) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    tf = [(doc, i, bool(it.answer)) for doc, i, it in items if it.type == "true_false"]
    if len(tf) >= cfg.min_items:
        trues = sum(answer for _, _, answer in tf)
        side, count = ("true", trues) if trues * 2 >= len(tf) else ("false", len(tf) - trues)
        if count > cfg.true_false_share * len(tf):
            doc, first, _ = next(x for x in tf if x[2] == (side == "true"))
            out.append(report(
                "true-false-balance",
                f"{scope}: {count} of {len(tf)} true/false items are keyed {side}",
                doc.loc(_item_path(first) + ("answer",)),
                f"at most {cfg.true_false_share:.0%} may share one key; rewrite some statements the other way",
            ))
    multi = [(doc, i, it) for doc, i, it in items if it.type == "multiple_choice"]
    if len(multi) >= cfg.min_items:
        counts = [sum(c.correct for c in it.choices) for _, _, it in multi]
        if max(counts) - min(counts) < cfg.select_all_spread:
            many = f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else f"{min(counts)}"
            doc, first, _ = multi[0]
            out.append(report(
                "select-all-pattern",
                f"{scope}: every select-all item has {many} right choices",
                doc.loc(_item_path(first) + ("id",)),
                "vary how many are right (one; all but one) so ticking the usual number is no strategy",
            ))
    return out


def _key_is_longest(choices: list[Choice]) -> bool:
    lengths = [len(_plain(c.text)) for c in choices]
    key = next((n for n, c in zip(lengths, choices, strict=True) if c.correct), 0)
    return sum(n >= key for n in lengths) == 1  # strictly the longest; a tie gives nothing away


# ---------------------------------------------------------------- the same text twice


STOP = frozenset(re.findall(r"\w+", """the a an of to and or in on for is are be it its this that with as at by
    from not no you your their they them he she his her we our can may will would should do does what which who
    when how if than then so into about one"""))


def _bag(text: str) -> frozenset[str]:
    """The content words of a text: paraphrase keeps most of them, so near-copies still match."""
    return frozenset(w for w in _words(text) if len(w) > 2 and w not in STOP)


def _item_text(item: Any) -> str:
    parts: list[str] = [item.prompt]
    parts += [c.text for c in getattr(item, "choices", [])]
    parts += list(getattr(item, "sequence", []))
    parts += [f"{p.left} {p.right}" for p in getattr(item, "pairs", [])]
    return "\n".join(parts)


def _paragraphs(body: str) -> Iterable[tuple[int, str]]:
    """Paragraphs of running text with their first line's offset in the body (headings, block fences
    and tables are no passages)."""
    for found in re.finditer(r"(?:^[ \t]*\S.*(?:\n|$))+", body, re.M):
        lines = [x for x in found.group(0).splitlines() if not x.lstrip().startswith(("#", ":::", "|"))]
        text = " ".join(lines)
        if len(_words(text)) >= 25:
            first = found.start() + len(found.group(0)) - len(found.group(0).lstrip("\n"))
            yield body.count("\n", 0, first), text


def _duplicates(sets: Sequence[_Source], cfg: LintSettings) -> list[Diagnostic]:
    Entry = tuple[str, Document, KeyPath, str, frozenset[str]]
    items: list[Entry] = []
    passages: list[Entry] = []
    for s in sets:
        for i, item in enumerate(s.model.assessment.items):
            items.append((s.model.code, s.doc, _item_path(i) + ("prompt",), f"item {item.id}", _bag(_item_text(item))))
        for i, lesson in enumerate(s.model.lessons):
            for offset, text in _paragraphs(lesson.body):
                loc_path: KeyPath = ("lessons", i, "body")
                passages.append((s.model.code, s.doc, loc_path + (offset,), f"lesson {lesson.id}", _bag(text)))
    out: list[Diagnostic] = []
    out += _similar(items, cfg.similarity, "duplicate-item", "item", same_set=False)
    out += _similar(passages, cfg.passage_similarity, "duplicate-passage", "passage", same_set=False)
    return out


def _similar(entries: list[Any], limit: float, code: str, what: str, same_set: bool) -> list[Diagnostic]:
    index: dict[str, list[int]] = defaultdict(list)
    for n, entry in enumerate(entries):
        for sh in entry[4]:
            index[sh].append(n)
    out: list[Diagnostic] = []
    for n, (code_a, doc_a, path_a, name_a, sh_a) in enumerate(entries):
        shared: dict[int, int] = defaultdict(int)
        for sh in sh_a:
            for k in index[sh]:
                if k < n:
                    shared[k] += 1
        for k, count in sorted(shared.items()):
            code_b, doc_b, path_b, name_b, sh_b = entries[k]
            if code_a == code_b and not same_set or not sh_a:
                continue
            score = count / len(sh_a | sh_b)
            if score >= limit:
                out.append(report(
                    code,
                    f"{name_a}: this {what} shares {score:.0%} of its words with {name_b} at {_loc(doc_b, path_b)}",
                    _loc(doc_a, path_a),
                    "say it once, or make each one do its own work; a candidate who takes both sets"
                    " meets the same text twice",
                ))
                break
    return out


def _loc(doc: Document, path: KeyPath) -> Any:
    """A passage's position: the body's position moved down by the paragraph's line offset."""
    if path and path[0] == "lessons" and len(path) == 4 and isinstance(path[3], int):
        base = doc.loc(path[:3])
        return type(base)(base.path, base.line + 1 + path[3], base.col)
    return doc.loc(path)
