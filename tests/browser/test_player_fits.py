"""The player fits a phone (390x844), Moodle's default frame (714x666) and a desktop window (1280x800)
in every packaging: the screen's next step in view without scrolling, and no page-level sideways
scroll, on every screen type (about, lesson, assessment, each question type before and after it is
answered, results, review).

The web export walks every screen of every bundled set; SCORM 1.2, SCORM 2004 (scorm-again as the LMS,
in the page itself) and cmi5 (the test LMS/LRS of test_cmi5_runtime) walk every screen of the fewest
bundled sets that between them hold every question type."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Frame
from support.answering import answer_question, assert_fits, content_of, current_item
from support.chromium import fresh_page
from support.projects import course_of

from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.cmi5.writer import Cmi5
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course

from .conftest import SCORM_AGAIN, Site, _Quiet, _unzip
from .test_cmi5_runtime import Lrs, Session, _handler, _serve

pytestmark = pytest.mark.slow
PHONE, FRAME, DESKTOP = (390, 844), (714, 666), (1280, 800)
SIZES = [pytest.param(PHONE, id="phone-390x844"), pytest.param(FRAME, id="moodle-714x666"),
         pytest.param(DESKTOP, id="desktop-1280x800")]
TYPES = ("single_choice", "multiple_choice", "true_false", "fill_in", "matching", "ordering")


# Each matched target is readable in full: its <select> is wide enough for the text (measured in a span
# of the same font, less the box's padding and arrow), or the card repeats the text under the box.
_CUT_OFF = """() => [...document.querySelectorAll('.pair select')].filter(s => s.value).filter(s => {
  const cs = getComputedStyle(s), span = document.createElement('span'), text = s.selectedOptions[0].text;
  span.style.cssText = `position:absolute;white-space:pre;font:${cs.fontSize} ${cs.fontFamily}`;
  span.textContent = text;
  document.body.appendChild(span);
  const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
  const fits = span.getBoundingClientRect().width <= room;
  span.remove();
  return !fits && s.nextElementSibling.textContent !== text;
}).map(s => s.selectedOptions[0].text)"""


def walk(frame: Frame, where: str) -> dict[str, int]:
    """From the set's first screen to its results and the review of its answers, checking each screen;
    answers alternate right and wrong (wrong ones get the widest feedback). Screens seen, by type."""
    content = content_of(frame)
    seen: dict[str, int] = {}

    def check(kind: str, label: str) -> None:
        assert_fits(frame, f"{where} {content['code']} {label}")
        seen[kind] = seen.get(kind, 0) + 1

    check("about", "about")
    frame.click("#next")
    while frame.locator("#screen button.primary").count() == 0:  # lessons
        check("lesson", frame.inner_text("#screen h2"))
        frame.click("#next")
    check("assessment", "assessment")
    frame.click("#screen button.primary")
    n = 0
    while frame.locator("form[data-item]").count():
        it = current_item(frame, content)
        check(it["type"], it["id"])
        answer_question(frame, it, correct=n % 2 == 0)
        check(it["type"] + " answered", it["id"] + " answered")
        assert frame.evaluate(_CUT_OFF) == [], (where, it["id"])
        frame.click("#next")
        n += 1
    check("results", "results")
    frame.click("#screen button.secondary")  # review the answers
    frame.wait_for_selector("form[data-item] .feedback .verdict")
    check("review", "review")
    return seen


def covering(course: Course) -> list[str]:
    """The fewest sets (greedily) whose questions are of every type any set uses."""
    left = {it.type for s in course.sets for it in s.items}
    chosen: list[str] = []
    while left:
        best = max(course.sets, key=lambda s: (len(left & {it.type for it in s.items}), s.code))
        chosen.append(best.code)
        left -= {it.type for it in best.items}
    return chosen


def assert_every_type(seen: dict[str, int]) -> None:
    kinds = {"about", "lesson", "assessment", "results", "review"}
    kinds |= {t for t in TYPES if t in seen} | {t + " answered" for t in TYPES if t in seen}
    assert kinds <= set(seen), sorted(kinds - set(seen))


@pytest.mark.parametrize("size", SIZES)
def test_web_export_every_screen_of_every_set(browser: Browser, web: str, size: tuple[int, int]) -> None:
    seen: dict[str, int] = {}
    with fresh_page(browser, size[0], size[1], 10_000) as page:
        page.goto(f"{web}/index.html")
        links = page.eval_on_selector_all("#sets h2 a", "as => as.map(a => a.href)")
        assert len(links) >= 1
        for href in links:
            page.goto(href)
            page.wait_for_selector("#screen h2")
            for kind, count in walk(page.main_frame, f"web {size}").items():
                seen[kind] = seen.get(kind, 0) + count
    assert_every_type(seen)
    if len(links) >= 10:
        assert sum(seen.values()) >= 400  # ten sets of about 25 screens, questions checked twice


# scorm-again in the SCO's own window: the player finds the API there first, and the viewport is the page's
_API = {"1.2": "window.API = new Scorm12API({autocommit: false, lmsCommitUrl: false, logLevel: 5});",
        "2004": "window.API_1484_11 = new Scorm2004API({autocommit: false, lmsCommitUrl: false, logLevel: 5});"}


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("size", SIZES)
def test_scorm_packages_every_screen_type(browser: Browser, site: Site, version: str, size: tuple[int, int]) -> None:
    codes = covering(course_of(site.real))
    seen: dict[str, int] = {}
    with fresh_page(browser, size[0], size[1], 10_000) as page:
        page.add_init_script(path=str(SCORM_AGAIN))
        page.add_init_script(_API[version])
        for code in codes:
            page.goto(site.package(version, code))
            page.wait_for_selector("#screen h2")
            assert page.is_hidden("#preview")  # an LMS session, not the preview
            for kind, count in walk(page.main_frame, f"SCORM {version} {size}").items():
                seen[kind] = seen.get(kind, 0) + count
    assert_every_type(seen)


@pytest.fixture(scope="module")
def cmi5_aus(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], tuple[str, list[str]]]]:
    """The covering sets as cmi5 AUs on a local server: (base URL, codes)."""
    course = course_of(site.real)
    codes = covering(course)
    out = OutDir(tmp_path_factory.mktemp("cmi5-out"))
    ctx = WriteContext(load_theme(course.program.theme), course.program.language)
    root = tmp_path_factory.mktemp("cmi5-aus")
    for code in codes:
        assert not Cmi5().write(course, Job("cmi5", code), ctx, out, Options())
        _unzip(out.path(f"{code}.zip"), root / code)
    server, url = _serve(functools.partial(_Quiet, directory=str(root)))
    yield lambda: (url, codes)
    server.shutdown()
    server.server_close()


def _au_url(root: str, code: str) -> str:
    return f"{root}/{code}/index.html"


@pytest.mark.parametrize("size", SIZES)
def test_cmi5_every_screen_type(browser: Browser, cmi5_aus: Callable[[], tuple[str, list[str]]],
                                size: tuple[int, int]) -> None:
    url, codes = cmi5_aus()
    store = Lrs()
    server, store.url = _serve(_handler(store))
    seen: dict[str, int] = {}
    try:
        with fresh_page(browser, size[0], size[1], 10_000) as page:
            for code in codes:
                au = _Au(_au_url(url, code), f"https://example.org/au/{code}")
                session = Session(page, store, au, f"{code.lower():0<8}-0000-4000-8000-000000000000")
                assert page.is_hidden("#preview")  # launched by the LMS, not the preview
                for kind, count in walk(session.sco.frame, f"cmi5 {size}").items():
                    seen[kind] = seen.get(kind, 0) + count
    finally:
        server.shutdown()
        server.server_close()
    assert_every_type(seen)


class _Au:
    """What Session needs of an AU (see test_cmi5_runtime.Au)."""

    def __init__(self, url: str, au_id: str):
        self.url, self.au_id, self.mastery, self.move_on = url, au_id, 0.8, "CompletedAndPassed"
