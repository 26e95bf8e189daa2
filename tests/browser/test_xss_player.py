"""Stored XSS in the real player: hostile curriculum text in every field, played in scorm-again in chromium.

Four packages share the payloads out so that every payload lands once in every field: in package k,
field j carries the payloads whose index ≡ j + k (mod 4), each field its own parse context. Every
field also starts with a marker word, so the test can prove the field really was on screen. The
learner visits every screen and answers every question twice (wrong, then right after a retry) so
that every piece of feedback is shown. Nothing may run (payloads set __pwned on the SCO's window,
its parent or top, or open dialogs), no handler or script URL may reach the DOM, and no request may
leave the package. CSP reports in the console are fine: they are the second line of defence.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route
from ruamel.yaml import YAML
from security.payloads import XSS_PAYLOADS
from support.projects import MINIMAL, build

from .conftest import ARTIFACTS, Launch, Sco, Site

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-runtime")]
PACKAGES = 4
VERSION_OF = ["1.2", "1.2", "1.2", "2004"]  # the page is the same in both; one 2004 package proves it

Field = tuple[Any, ...]
ITEMS = ("assessment", "items")
SHOWN: list[Field] = [
    ("title",), ("summary",), ("outcomes", 0, "statement"), ("outcomes", 1, "statement"),
    ("lessons", 0, "title"), ("lessons", 0, "body"),
    *[(*ITEMS, n, "prompt") for n in range(6)],
    *[(*ITEMS, 0, "choices", c, part) for c in range(2) for part in ("text", "feedback")],
    *[(*ITEMS, 1, "choices", c, part) for c in range(3) for part in ("text", "feedback")],
    (*ITEMS, 1, "feedback"), (*ITEMS, 2, "feedback_true"), (*ITEMS, 2, "feedback_false"),
    *[(*ITEMS, n, f"feedback_{r}") for n in (3, 4, 5) for r in ("correct", "incorrect")],
    *[(*ITEMS, 4, "pairs", p, side) for p in range(3) for side in ("left", "right")],
    *[(*ITEMS, 5, "sequence", s) for s in range(3)],
]
# In the curriculum but not in the player (guides and handbooks show them): they must not leak into it either.
NOT_SHOWN: list[Field] = [
    ("glossary", 0, "term"), ("glossary", 0, "definition"), ("portfolio", 0, "title"), ("portfolio", 0, "task"),
    ("portfolio", 0, "evidence", 0), ("portfolio", 0, "rubric", "levels", 0, "name"),
    ("portfolio", 0, "rubric", "criteria", 0, "name"), ("portfolio", 0, "rubric", "criteria", 0, "descriptors", 0),
]
ANSWERS: Field = (*ITEMS, 3, "answers")  # accepted fill-in answers: one payload each, as short as the box
FIELDS = SHOWN + NOT_SHOWN
FILL_IN_MAX = 100


def marker(k: int, j: int) -> str:
    return f"zq{k}x{j}"


def share(k: int, j: int) -> list[str]:
    return [p for i, p in enumerate(XSS_PAYLOADS) if i % PACKAGES == (j + k) % PACKAGES]


def hostile_project(target: Path, k: int) -> Path:
    root = target / f"xss{k}"
    shutil.copytree(MINIMAL, root)
    path = root / "sets" / "tst.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    for j, field in enumerate(FIELDS):
        node = data
        for part in field[:-1]:
            node = node[part]
        node[field[-1]] = " ".join([marker(k, j), *share(k, j)])
    node = data
    for part in ANSWERS[:-1]:
        node = node[part]
    node[ANSWERS[-1]] = [p for p in share(k, len(FIELDS)) if len(p) <= FILL_IN_MAX]
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return root


@dataclass
class Package:
    name: str
    version: str
    files: set[str]  # every URL the package may load


@pytest.fixture(scope="module")
def packages(site: Site, tmp_path_factory: pytest.TempPathFactory) -> list[Package]:
    work = tmp_path_factory.mktemp("xss")
    out = []
    for k in range(PACKAGES):
        version, name = VERSION_OF[k], f"XSS{k}"
        target = site.root / "p" / version / name
        with zipfile.ZipFile(build(hostile_project(work, k), work / "out" / str(k), version)["TST"]) as zf:
            zf.extractall(target)
        files = {f"{site.url}/p/{version}/{name}/{p.relative_to(target).as_posix()}"
                 for p in target.rglob("*") if p.is_file()}
        out.append(Package(name, version, files))
    return out


@dataclass
class Watch:
    dialogs: list[str]
    outside: list[str]  # requests for anything but the harness and the package
    served: list[str]  # requests the guard let through
    console: list[str]


@pytest.fixture
def watch(page: Page, site: Site) -> Iterator[Watch]:
    w = Watch([], [], [], [])
    page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: w.console.append(m.text) if m.type == "error" else None)
    yield w


def guard(page: Page, site: Site, w: Watch, pkg: Package) -> None:
    allowed = pkg.files | {f"{site.url}/__harness/index.html", f"{site.url}/__harness/scorm-again.js"}

    def handle(route: Route) -> None:
        if route.request.url in allowed:
            w.served.append(route.request.url)
            route.continue_()
        else:
            w.outside.append(route.request.url)
            route.abort()

    page.unroute("**/*")
    page.route("**/*", handle)


# What could run or load, anywhere in the SCO's document, and the text a learner can perceive.
INSPECT = r"""() => {
  const all = [...document.querySelectorAll('*')];
  const own = s => s.id === 'content' || /\/player\/(lms|player)\.js$/.test(s.src);
  const urls = all.flatMap(e => ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster']
    .map(a => e.getAttribute(a)).filter(Boolean));
  return {
    pwned: [window.__pwned, window.parent.__pwned, window.top.__pwned].map(v => v === undefined ? null : v),
    scripts: [...document.scripts].filter(s => !own(s)).map(s => s.outerHTML.slice(0, 80)),
    elements: [...document.querySelectorAll('body iframe, body object, body embed, base, body style, body link, ' +
      'meta[http-equiv]:not([http-equiv=Content-Security-Policy]), body svg, body math, body form[action], ' +
      'body video, body audio, [srcdoc]')]
      .map(e => e.outerHTML.slice(0, 80)),
    handlers: all.flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => e.tagName + '@' + a.name)),
    styled: all.filter(e => e.hasAttribute('style')).map(e => e.tagName),
    urls: urls.filter(u => !/^(https?:|mailto:|#|player\/|[\w-]+\.css$)/i.test(u.trim())),
    text: [document.title, document.body.innerText,
      ...all.filter(e => e.tagName === 'OPTION').map(e => e.textContent),
      ...all.map(e => e.getAttribute('aria-label')).filter(Boolean)].join('\n'),
  };
}"""
# SVG links have no click(): a dispatched click follows any kind of link
CLICK_LINKS = """() => { const links = [...document.querySelectorAll('#screen a')];
  links.filter(a => !/^https?:/i.test(a.getAttribute('href') || ''))
    .forEach(a => a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})));
  return links.length; }"""


class Visit:
    """One package played through, checked after every step."""

    def __init__(self, sco: Sco, w: Watch):
        self.sco, self.w, self.seen, self.steps, self.links = sco, w, "", 0, 0

    def check(self) -> None:
        self.links += self.sco.frame.evaluate(CLICK_LINKS)
        got: dict[str, Any] = self.sco.frame.evaluate(INSPECT)
        where = self.sco.heading()
        assert got["pwned"] == [None, None, None], where
        for key in ("scripts", "elements", "handlers", "styled", "urls"):
            assert got[key] == [], (where, key, got[key])
        assert self.w.dialogs == [] and self.w.outside == [], (where, self.w)
        self.seen += got["text"]
        self.steps += 1

    def questions(self, correct: bool, typed: str) -> None:
        self.check()  # the assessment screen
        self.sco.frame.click("#screen button.primary")
        while self.sco.frame.is_visible("form[data-item]"):
            self.sco.answer(correct, text=None if correct else typed)
            self.check()  # with the feedback
            self.sco.next()
        self.check()  # the results


def test_no_payload_runs_in_any_field(page: Page, launch: Launch, site: Site, packages: list[Package],
                                      watch: Watch) -> None:
    report = []
    for k, pkg in enumerate(packages):
        guard(page, site, watch, pkg)
        sco = launch(pkg.version, pkg.name)
        visit = Visit(sco, watch)
        visit.check()  # about this set
        sco.next()
        visit.check()  # the lesson
        sco.next()
        # every wrong-answer feedback; the learner types a payload that is not an accepted answer
        accepted = {" ".join(a.split()).lower() for it in sco.content["items"] for a in it.get("answers", [])}
        typed = next(p for p in XSS_PAYLOADS[k:] if len(p) <= FILL_IN_MAX and p not in share(k, len(FIELDS))
                     and " ".join(p.split()).lower() not in accepted)
        visit.questions(correct=False, typed=typed)
        # the LMS keeps attempts: a second session of the package is the learner's next attempt
        sco = visit.sco = launch(pkg.version, pkg.name)
        sco.frame.locator("#toc button", has_text=sco.content["strings"]["assessment"]).click()
        visit.questions(correct=True, typed="")  # every right-answer feedback (the fill-in: an accepted payload)
        assert "100%" in sco.frame.inner_text("#screen")  # the learner could still do everything
        assert sco.frame.url in watch.served  # the guard sees the SCO frame's requests too
        missing = [FIELDS[j] for j in range(len(SHOWN)) if marker(k, j) not in visit.seen]
        assert missing == [], missing
        leaked = [FIELDS[j] for j in range(len(SHOWN), len(FIELDS)) if marker(k, j) in sco.frame.content()]
        assert leaked == []
        csp = [m for m in watch.console if "Content Security Policy" not in m]
        assert csp == [], csp  # the only console errors allowed are the CSP's own reports
        report.append(f"{pkg.name} (SCORM {pkg.version}): {visit.steps} checks, {visit.links} links clicked")
    tried = sum(len(share(k, j)) for k in range(PACKAGES) for j in range(len(FIELDS)))
    assert tried == len(XSS_PAYLOADS) * len(FIELDS)  # every payload in every field, once
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "xss_player.txt").write_text(
        f"{len(XSS_PAYLOADS)} payloads x {len(FIELDS)} fields ({len(SHOWN)} shown by the player) = {tried}, "
        f"plus fill-in answers; in {PACKAGES} packages\n" + "\n".join(report) + "\n", encoding="utf-8")
    page.screenshot(path=str(ARTIFACTS / "xss-player.png"))
    assert re.search(r"zq\d", visit.seen)
