"""Browser fixtures: packages unzipped behind a local HTTP server, Debian's chromium, a scorm-again harness.

One server per test session (per xdist worker), one browser per test module, one context per test.
"""

from __future__ import annotations

import copy
import functools
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page
from support.answering import answer_question, order_of
from support.chromium import fresh_page, launched
from support.projects import MINIMAL, REPO, build, course_of, hostile, pooled, real_sets

from builder.build.pipeline import build as build_project
from builder.formats.player.package import suspend_bound
from builder.rules.check import check_curriculum

HARNESS = Path(__file__).resolve().parent / "harness.html"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCORM_AGAIN = REPO / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"
ARTIFACTS = REPO / "test-artifacts"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@dataclass
class Site:
    url: str
    root: Path
    largest: str  # the bundled set with the longest possible state
    bound: int  # that set's suspend_data bound, as the builder computes it
    real: Path  # every bundled set, each checked clean on its own, as a project (see projects.real_sets)
    codes: tuple[str, ...] = ()  # their codes: each set's package is on the site for both versions

    def package(self, version: str, name: str) -> str:
        return f"{self.url}/p/{version}/{name}/index.html"


def _unzip(path: Path, target: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(target)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("site")
    work = tmp_path_factory.mktemp("work")
    (root / "__harness").mkdir()
    shutil.copy(HARNESS, root / "__harness" / "index.html")
    shutil.copy(SCORM_AGAIN, root / "__harness" / "scorm-again.js")
    real = real_sets(work)
    # the set whose suspend_data can grow longest
    biggest = max(course_of(real).sets, key=lambda s: (suspend_bound(s), s.code))
    largest, bound = biggest.code, suspend_bound(biggest)
    for version in ("1.2", "2004"):
        for name, project in (("TST", MINIMAL), ("POOL", pooled(work / version)), ("EVIL", hostile(work / version))):
            _unzip(build(project, work / "out" / version / name, version)["TST"], root / "p" / version / name)
        zips = build(real, work / "out" / version / "real", version)
        for code, path in zips.items():
            _unzip(path, root / "p" / version / code)
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    codes = tuple(s.code for s in course_of(real).sets) if real is not None else ()
    yield Site(f"http://127.0.0.1:{server.server_port}", root, largest, bound, real, codes)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with fresh_page(browser, 1100, 900, 10_000) as pg:
        yield pg


class Sco:
    """One LMS session of a package inside the harness, and a learner who answers on purpose."""

    def __init__(self, page: Page, version: str, frame: Frame):
        self.page = page
        self.version = version
        self.frame = frame
        self.content: dict[str, Any] = frame.evaluate("JSON.parse(document.getElementById('content').textContent)")
        self.api = "API" if version == "1.2" else "API_1484_11"
        self.closed: dict[str, Any] | None = None  # the harness's records when the learner closed the SCO

    # ------------------------------------------------------------ reading
    def heading(self) -> str:
        return self.frame.inner_text("#screen h2")

    def item(self) -> dict[str, Any]:
        item_id = self.frame.get_attribute("form[data-item]", "data-item")
        return next(it for it in self.content["items"] if it["id"] == item_id)

    def cmi(self) -> dict[str, Any]:
        data: dict[str, Any] = self.page.evaluate(f"{self.api}.renderCMIToJSONObject()")
        return data["cmi"]

    def calls(self, name: str | None = None) -> list[list[Any]]:
        calls: list[list[Any]] = self.closed["calls"] if self.closed else self.page.evaluate("window.__calls")
        return [c for c in calls if name is None or c[0] == name]

    def sent(self, element: str) -> list[str]:
        """Every value the SCO set for one element, in order (what it sent, before scorm-again normalises)."""
        return [c[2] for c in self.calls() if c[0].endswith("SetValue") and c[1] == element]

    def saved(self) -> dict[str, Any]:
        data: dict[str, Any] = self.closed["saved"] if self.closed else self.page.evaluate("window.__saved")
        return data

    # ------------------------------------------------------------ acting
    def next(self) -> None:
        self.frame.click("#next")

    def go_to_assessment(self) -> None:
        self.frame.locator("#toc button", has_text=self.content["strings"]["assessment"]).click()
        self.frame.click("#screen button.primary")

    def order(self) -> list[str]:
        return order_of(self.frame)

    def answer(self, correct: bool = True, text: str | None = None) -> None:
        """Answer the current question right or wrong with the mouse, then check it."""
        answer_question(self.frame, self.item(), correct, text)

    def close(self) -> None:
        """The learner closes the window: the SCO gets pagehide. Keeps what the harness recorded."""
        self.frame.goto("about:blank")
        self.closed = self.page.evaluate("({calls: window.__calls, saved: window.__saved})")


def resume_data(saved: dict[str, Any], version: str) -> dict[str, Any]:
    """What an LMS hands a returning learner: the stored CMI, entry=resume after a suspend."""
    cmi = copy.deepcopy(saved["cmi"])
    core = cmi["core"] if version == "1.2" else cmi
    core["entry"] = "resume" if core.get("exit") == "suspend" else ""
    core["exit"] = ""
    core.pop("session_time", None)
    return cmi


Launch = Callable[..., Sco]


def _sco_frame(page: Page, src: str) -> Frame:
    """The frame that loaded the SCO, however deep the harness nested it."""
    for _ in range(100):
        found = [f for f in page.frames if f.url == src]
        if found:
            return found[0]
        page.wait_for_timeout(50)
    raise AssertionError(f"no frame loaded {src}")


@pytest.fixture
def launch(page: Page, site: Site) -> Launch:
    def run(version: str, name: str = "TST", saved: dict[str, Any] | None = None, fail_commits: int = 0,
            nest: int = 0, popup: bool = False, src: str | None = None, **faults: Any) -> Sco:
        """nest: frames between the harness and the SCO; popup: the SCO opens in a window of its own;
        src: another page than the package's; faults: more of the harness's options (failInit, noApi,
        suspendLimit), see harness.html."""
        page.goto(f"{site.url}/__harness/index.html")
        src = src or site.package(version, name)
        opts = {"version": version, "src": src, "saved": saved, "failCommits": fail_commits, "nest": nest,
                "popup": popup, **faults}
        if popup:
            with page.expect_popup() as opened:
                page.evaluate("opts => window.launch(opts)", opts)
            frame = opened.value.main_frame
        else:
            page.evaluate("opts => window.launch(opts)", opts)
            frame = _sco_frame(page, src)
        frame.wait_for_selector("#screen h2")
        return Sco(page, version, frame)

    return run


def run_axe(frame: Frame) -> list[dict[str, Any]]:
    """axe-core's violations on the frame's current screen (all rules axe runs by default)."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the SCO's CSP allows no inline script
    result: list[dict[str, Any]] = frame.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html + ' :: ' + n.failureSummary)}))"
    )
    return result


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """dist/web of the bundled curriculum when it checks clean (else of the minimal project), over HTTP."""
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO)
    project = REPO / "curriculum" if sources is not None else MINIMAL
    dist = tmp_path_factory.mktemp("web") / "dist"
    result = build_project(project, dist, ["web"], workers=1, cache_dir=dist.parent / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(dist / "web")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
