"""What the SCORM 1.2 and 2004 writers share: the package's files, the player's content JSON, manifest helpers.

A package is the launch page (rendered from the theme's `player/index.html`), the theme's
`static/player/` files under `player/`, the set's assets at their curriculum paths and
`imsmanifest.xml`. Every learner-visible string comes from the Course (already sanitised)
or from the theme's message catalogue; the writer reads no clock, locale or working folder.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from typing import Any, ClassVar

import lxml.html
from lxml import etree
from markupsafe import Markup

from builder.build.output import OutDir
from builder.formats.base import Format, Job, Options
from builder.render.i18n import Catalogue, load_catalogue
from builder.render.themes import Theme
from builder.resolve.course import Course, CSet, Item
from builder.rules.diagnostics import Diagnostic, Severity, error
from builder.rules.limits import FILL_IN_MAX

LAUNCH = "index.html"
MANIFEST = "imsmanifest.xml"
PLAYER_DIR = "player"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUSPEND_MAX_12 = 4096  # cmi.suspend_data is a CMIString4096 in SCORM 1.2 (64000 characters in 2004)
# Identifiers the player writes (cmi.interactions.n.id, objective ids) must be URI-safe.
_ID_SAFE = re.compile(r"^[A-Za-z0-9._:-]+$")


def plain(html: str) -> str:
    """Sanitised HTML as one line of text, for metadata and <select> options (which take no markup)."""
    if not html.strip():
        return ""
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    return " ".join(text.split())


def mastery_percent(cset: CSet) -> float:
    """The pass mark as a 0-100 percentage, rounded like the player rounds scores."""
    return round(cset.mastery_score * 100, 2)


def number(value: float) -> str:
    """A decimal without a useless fraction: 80.0 → "80", 0.75 → "0.75"."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _item(item: Item, cat: Catalogue) -> dict[str, Any]:
    options = []
    for o in item.options:
        html = o.html
        if item.type == "true_false":
            # course.py spells these in English; the learner sees the catalogue's words
            html = cat.get("player.true" if o.key == "true" else "player.false")
            html = str(Markup.escape(html))
        options.append({"key": o.key, "html": html, "text": plain(html), "feedback": o.feedback_html})
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
    if item.sources:
        data["sources"] = [{"key": s.key, "html": s.html} for s in item.sources]
    if item.type == "fill_in":
        data["answers"] = list(item.answers)
        data["caseSensitive"] = item.case_sensitive
    if item.correct_feedback_html or item.incorrect_feedback_html:
        data["right"] = item.correct_feedback_html
        data["wrong"] = item.incorrect_feedback_html
    return data


def content(course: Course, cset: CSet, cat: Catalogue, scorm: str) -> dict[str, Any]:
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
        "mastery": mastery_percent(cset),
        "shuffle": cset.shuffle,
        "attempts": cset.attempts,
        "fillInMax": FILL_IN_MAX,
        "outcomes": [{"id": o.id, "text": o.statement} for o in cset.outcomes],
        "lessons": [{"id": x.id, "title": x.title, "minutes": x.minutes, "html": x.body_html} for x in cset.lessons],
        "items": [_item(it, cat) for it in cset.items],
        "pools": [{"id": p.id, "draw": p.draw, "items": [index[i] for i in p.items]} for p in cset.pools],
        "strings": {k[len("player.") :]: v for k, v in cat.as_dict().items() if k.startswith("player.")},
        "decimal": cat.get("number.decimal"),
    }


def _longest_answer(item: Item) -> int:
    """Characters player.js may store for one answer (see pack() there)."""
    if item.type == "fill_in":
        return 3 * FILL_IN_MAX  # each character may be escaped to three ("%25")
    if item.type in ("single_choice", "true_false"):
        return 1
    if item.type == "matching":
        return len(item.sources)  # one target key per source
    return len(item.options)  # every choice key, or every step


def suspend_bound(cset: CSet) -> int:
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


def launch_page(course: Course, cset: CSet, theme: Theme, cat: Catalogue, scorm: str, player: list[str]) -> str:
    env = theme.environment("player")
    template = env.get_template("index.html")
    return template.render(
        lang=course.program.language,
        program=course.program,
        cset=cset,
        t=cat.get,
        scripts=[f for f in player if f.endswith(".js")],
        styles=[f for f in player if f.endswith(".css")],
        content=script_json(content(course, cset, cat, scorm)),
    )


def package_files(course: Course, cset: CSet, theme: Theme, scorm: str) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every file of the package except the manifest, by zip path."""
    cat = load_catalogue(theme, course.program.language)
    static = theme.static_files("player")
    player = [f"{PLAYER_DIR}/{rel}" for rel in static]
    files: dict[str, bytes] = {f"{PLAYER_DIR}/{rel}": src.read_bytes() for rel, src in static.items()}
    files[LAUNCH] = launch_page(course, cset, theme, cat, scorm, player).encode("utf-8")
    diags: list[Diagnostic] = []
    reserved = {LAUNCH.casefold(), MANIFEST.casefold()}
    for asset in cset.assets:
        rel = asset.path.replace("\\", "/")  # check.py has proven it stays inside the curriculum
        if rel.casefold() in reserved or rel.casefold().startswith(PLAYER_DIR + "/"):
            diags.append(
                error(
                    "scorm-asset",
                    f"asset {rel!r} would replace a file of the player",
                    course.loc(cset.code),
                    f"move it out of {PLAYER_DIR}/ and do not name it {LAUNCH} or {MANIFEST}",
                )
            )
            continue
        files[rel] = asset.source.read_bytes()
    for ident in [o.id for o in cset.outcomes] + [it.id for it in cset.items]:
        if not _ID_SAFE.match(ident):
            diags.append(error("scorm-id", f"{ident!r} is not a valid SCORM identifier", course.loc(ident, cset.code)))
    for it in cset.items:
        for answer in it.answers:
            if len(answer) > FILL_IN_MAX:  # the answer box takes no more, so nobody could type it
                diags.append(error("scorm-fill-in", f"{it.id}: an accepted answer is longer than {FILL_IN_MAX} "
                                   "characters", course.loc(it.id, cset.code), "shorten the answer"))
    if scorm == "1.2" and suspend_bound(cset) > SUSPEND_MAX_12:
        diags.append(error("scorm-suspend", f"{cset.code}: the saved progress may reach {suspend_bound(cset)} "
                           f"characters, more than SCORM 1.2 keeps ({SUSPEND_MAX_12})", course.loc(cset.code),
                           "split the set or use fewer long answers; SCORM 2004 allows 64000"))
    return dict(sorted(files.items())), diags


def manifest_id(course: Course, cset: CSet) -> str:
    # xs:ID: an NCName; program ids are lowercase with dashes and set codes are capitals
    return f"{course.program.id}.{cset.code}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def sco_resource(root: etree._Element, cp: str, adlcp: str, scormtype: str, code: str, files: list[str]) -> None:
    """The package's one SCO resource, listing every file. SCORM 1.2 and 2004 write it alike but
    for their namespaces and the spelling of the type attribute (scormtype / scormType)."""
    resources = sub(root, f"{{{cp}}}resources")
    res = sub(resources, f"{{{cp}}}resource", identifier=f"RES-{code}", type="webcontent", href=LAUNCH)
    res.set(f"{{{adlcp}}}{scormtype}", "sco")
    for name in files:
        sub(res, f"{{{cp}}}file", href=name)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class ScormFormat(Format):
    """One zip per set: `<folder>/<CODE>.zip` with imsmanifest.xml at its root."""

    scorm: ClassVar[str]

    def write(self, course: Course, job: Job, theme: Theme, out: OutDir, options: Options) -> list[Diagnostic]:
        assert job.set_code is not None
        cset = course.set(job.set_code)
        files, diags = package_files(course, cset, theme, self.scorm)
        if any(d.severity is Severity.ERROR for d in diags):
            return diags
        files[MANIFEST] = self.manifest(course, cset, sorted(files))
        out.write_zip(f"{cset.code}.zip", files)
        return diags

    @abstractmethod
    def manifest(self, course: Course, cset: CSet, files: list[str]) -> bytes:
        """imsmanifest.xml listing `files` (every file but the manifest) in the SCO's resource."""
