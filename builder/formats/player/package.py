"""The learner's player as a folder of files: launch page, content JSON, scripts, theme styles, assets.

The SCORM 1.2 and 2004 writers, cmi5 and the web export all ship this folder; they differ in the
runtime adapter (lms.js speaks SCORM or keeps practice progress in the browser, cmi5.js speaks xAPI)
and in the manifest they add. The scripts live beside this module, not in the themes: a theme
restyles the player with CSS and templates but never ships code that runs in a learner's browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, assert_never

from markupsafe import Markup

from builder.render.context import WriteContext
from builder.render.i18n import Catalogue
from builder.render.text import plain
from builder.resolve.course import Course, CourseSet, Lesson
from builder.resolve.items import (
    FillInItem,
    Item,
    MatchingItem,
    MultipleChoiceItem,
    Option,
    OrderingItem,
    SingleChoiceItem,
    TrueFalseItem,
    response_options,
)
from builder.rules.diagnostics import Diagnostic
from builder.rules.limits import FILL_IN_MAX
from builder.rules.registry import report

LAUNCH = "index.html"
PLAYER_DIR = "player"
SCRIPTS = Path(__file__).resolve().parent
PLAYER_JS = SCRIPTS / "player.js"
SCORM_ADAPTER = SCRIPTS / "lms.js"
# Identifiers the player writes (cmi.interactions.n.id, objective ids) must be URI-safe.
_ID_SAFE = re.compile(r"^[A-Za-z0-9._:-]+$")




def _option(o: Option, html: str) -> dict[str, Any]:
    return {"key": o.key, "html": html, "text": plain(html), "feedback": o.feedback_html}


def _item(item: Item, cat: Catalogue) -> dict[str, Any]:
    """One item as the player reads it: `options` are what a response names by key (choices, matching
    targets or steps), `correct` the keyed response; fields only some types have are left out."""
    if isinstance(item, TrueFalseItem):
        # the catalogue's words for true and false, in the programme's language
        words = {o.key: str(Markup.escape(cat.get(f"player.{o.key}"))) for o in item.choices}
        options = [_option(o, words[o.key]) for o in item.choices]
    else:
        options = [_option(o, o.html) for o in response_options(item)]
    data: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "outcomes": list(item.outcomes),
        "points": item.points,
        "prompt": item.prompt_html,
        "feedback": item.feedback_html,
        "options": options,
        "correct": list(item.correct_keys),
    }
    if isinstance(item, MatchingItem):
        data["sources"] = [{"key": s.key, "html": s.html} for s in item.sources]
    if isinstance(item, FillInItem):
        data["answers"] = list(item.answers)
        data["caseSensitive"] = item.case_sensitive
    if isinstance(item, (FillInItem, MatchingItem, OrderingItem)) and (
        item.correct_feedback_html or item.incorrect_feedback_html
    ):
        data["right"] = item.correct_feedback_html
        data["wrong"] = item.incorrect_feedback_html
    return data


def content(course: Course, cset: CourseSet, cat: Catalogue, scorm: str) -> dict[str, Any]:
    """Everything the player shows or scores, as plain JSON data."""
    index = {it.id: i for i, it in enumerate(cset.items)}
    return {
        "scorm": scorm,
        "lang": course.program.language,
        "program": course.program.id,
        "code": cset.code,
        "version": cset.version,
        "title": cset.title,
        "summary": cset.summary_html,
        "mastery": cset.pass_percent,
        "shuffle": cset.shuffle,
        "attempts": cset.attempts,
        "fillInMax": FILL_IN_MAX,
        "outcomes": [{"id": o.id, "text": o.statement} for o in cset.outcomes],
        "lessons": [
            {"id": x.id, "title": x.title, "minutes": x.minutes, "html": x.body_html, "more": lesson_more(x, cat)}
            for x in cset.lessons
        ],
        "items": [_item(it, cat) for it in cset.items],
        "pools": [{"id": p.id, "draw": p.draw, "items": [index[i] for i in p.items]} for p in cset.pools],
        "strings": {k[len("player.") :]: v for k, v in cat.as_dict().items() if k.startswith("player.")},
        "decimal": cat.get("number.decimal"),
    }


def lesson_more(lesson: Lesson, cat: Catalogue) -> str:
    """The end of a lesson screen: activities, discussion prompts and further reading, as one HTML block
    (empty when the lesson has none). Every part was escaped or sanitised when the course was resolved."""
    parts = []
    for key, blocks in (("player.activities", lesson.activities_html), ("player.discussion", lesson.discussion_html)):
        if blocks:
            items = "".join(f"<li>{b}</li>" for b in blocks)
            parts.append(f'<h3>{Markup.escape(cat.get(key))}</h3><ul class="prompts">{items}</ul>')
    if lesson.readings:
        items = "".join(f"<li>{r.html}</li>" for r in lesson.readings)
        parts.append(f'<h3>{Markup.escape(cat.get("player.readings"))}</h3><ul class="readings">{items}</ul>')
    return f'<section class="lesson-more">{"".join(parts)}</section>' if parts else ""


def _longest_answer(item: Item) -> int:
    """Characters player.js may store for one answer (see pack() there): typed text, escaped, or one
    character per chosen option, matched target or step (its position, whatever its key)."""
    match item:
        case FillInItem():
            return 3 * FILL_IN_MAX  # each character may be escaped to three ("%25")
        case SingleChoiceItem() | TrueFalseItem():
            return 1
        case MatchingItem():
            return len(item.sources)  # one target per source
        case MultipleChoiceItem():
            return len(item.choices)  # every choice
        case OrderingItem():
            return len(item.steps)  # every step
        case _:
            assert_never(item)


def suspend_bound(cset: CourseSet) -> int:
    """The longest suspend_data player.js can write for this set: "c1|seed|attempt|finished|a,b,…".

    The browser test measures the real thing for the largest bundled set against this bound."""
    answers = [_longest_answer(it) for it in cset.items]
    seed = 6  # a 31-bit seed in base 36
    attempt = len(str(cset.attempts)) if cset.attempts else 4  # unlimited: assume fewer than 10000 tries
    return len("c1|") + seed + 1 + attempt + len("|1|") + sum(answers) + max(len(answers) - 1, 0)


def script_json(data: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">: no "</script>" or "<!--" can form."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _is_script(name: str) -> bool:
    return name.casefold().endswith((".js", ".mjs"))


def launch_page(course: Course, cset: CourseSet, ctx: WriteContext, runtime: str, player: list[str]) -> str:
    template = ctx.environment("player").get_template("index.html")
    return template.render(
        lang=course.program.language,
        program=course.program,
        cset=cset,
        t=ctx.catalogue.get,
        scripts=[f for f in player if f.endswith(".js")],
        styles=[f for f in player if f.endswith(".css")],
        content=script_json(content(course, cset, ctx.catalogue, runtime)),
    )


def package_files(
    course: Course, cset: CourseSet, ctx: WriteContext, runtime: str, adapter: Path = SCORM_ADAPTER,
    reserved: tuple[str, ...] = (),
) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every file of the player folder by path: the launch page, the runtime `adapter` (which must
    define window.LMS, so it loads before player.js), player.js, the theme's styles and the set's
    assets. `reserved` are names the format adds beside them (a manifest), which no asset may take."""
    scripts = {f"{PLAYER_DIR}/{adapter.name}": adapter, f"{PLAYER_DIR}/{PLAYER_JS.name}": PLAYER_JS}
    # the theme's files (styles, fonts, images) but never a script: only ours run in the learner's browser
    themed = {f"{PLAYER_DIR}/{rel}": src for rel, src in ctx.static("player").items() if not _is_script(rel)}
    files: dict[str, bytes] = {name: src.read_bytes() for name, src in {**themed, **scripts}.items()}
    files[LAUNCH] = launch_page(course, cset, ctx, runtime, [*scripts, *themed]).encode("utf-8")
    diags = player_problems(course, cset, reserved)
    if not any(d.code == "scorm-asset" for d in diags):
        files.update((asset.path.replace("\\", "/"), asset.source.read_bytes()) for asset in cset.assets)
    return dict(sorted(files.items())), diags


def player_problems(course: Course, cset: CourseSet, reserved: tuple[str, ...] = ()) -> list[Diagnostic]:
    """What stops a set from becoming a player folder, found without writing it (`check` asks too)."""
    diags: list[Diagnostic] = []
    taken = {name.casefold() for name in (LAUNCH, *reserved)}
    for asset in cset.assets:
        rel = asset.path.replace("\\", "/")  # check has proven it stays inside the curriculum
        if rel.casefold() in taken or rel.casefold().startswith(PLAYER_DIR + "/"):
            names = " or ".join(sorted({LAUNCH, *reserved}))
            hint = f"move it out of {PLAYER_DIR}/ and do not name it {names}"
            diags.append(report("scorm-asset", f"asset {rel!r} would replace a file of the player",
                               course.loc(cset.code), hint))
    for ident in [o.id for o in cset.outcomes] + [it.id for it in cset.items]:
        if not _ID_SAFE.match(ident):
            diags.append(report("scorm-id", f"{ident!r} is not a valid SCORM identifier", course.loc(ident, cset.code)))
    for it in cset.items:
        for answer in it.answers if isinstance(it, FillInItem) else ():
            if len(answer) > FILL_IN_MAX:  # the answer box takes no more, so nobody could type it
                diags.append(report("scorm-fill-in", f"{it.id}: an accepted answer is longer than {FILL_IN_MAX} "
                                   "characters", course.loc(it.id, cset.code), "shorten the answer"))
    return diags
