"""`coursepack serve` for real: a subprocess on a free port, a temp copy of the minimal project, headless Chromium.

The module's server lives through every test in order: reload on an edit, the error overlay and its
clearing, the CMI panel, refused paths; the teardown stops it with Ctrl-C (SIGINT) and checks the exit.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from support.chromium import fresh_page, launched

from builder.preview.pages import Pages
from builder.preview.server import LiveState, Status
from builder.preview.site import SetEntry, SiteBuild

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "projects" / "minimal"
ARTIFACTS = REPO / "test-artifacts"


@dataclass
class Served:
    url: str
    port: int
    root: Path
    proc: subprocess.Popen[str]
    log: list[str]

    @property
    def set_file(self) -> Path:
        return self.root / "sets" / "tst.yaml"

    def edit(self, old: str, new: str) -> None:
        text = self.set_file.read_text(encoding="utf-8")
        assert old in text, old
        self.set_file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _reader(stream: object, lines: queue.Queue[str], log: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        log.append(line)
        lines.put(line)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve") / "cur"
    shutil.copytree(MINIMAL, root)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", str(root), "--port", "0"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    threading.Thread(target=_reader, args=(proc.stderr, lines, log), daemon=True).start()
    url = None
    while url is None:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            proc.kill()
            pytest.fail(f"serve did not start: {''.join(log)}")
        if m := re.search(r" at (http://127\.0\.0\.1:(\d+))/ ", line):
            url, port = m[1], int(m[2])
    yield Served(url, port, root, proc, log)
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
    assert proc.wait(timeout=15) == 0, "".join(log)
    assert log[-1].strip() == "stopped"
    assert "Traceback" not in "".join(log)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as b:
        yield b


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with fresh_page(browser, 1300, 850, 15_000) as pg:
        yield pg


def _simulator(page: Page, served: Served) -> None:
    page.goto(served.url + "/")
    page.click("text=Open in the LMS simulator")
    page.frame_locator("#sco").locator("#screen h2").wait_for()


def _wait_reload(page: Page) -> None:
    """Until the page has been replaced by a new document (the marker set before lives only in the old one)."""
    page.wait_for_function("() => window.__before_edit === undefined")
    page.wait_for_load_state()


@pytest.mark.slow
def test_programme_page_lists_the_sets_and_an_edit_reloads_the_player(page: Page, served: Served) -> None:
    page.goto(served.url + "/")
    assert page.inner_text("h1") == "Minimal Programme"
    assert "Testing Basics" in page.inner_text("#set-TST")
    _simulator(page, served)
    toc = page.frame_locator("#sco").locator("#toc")
    assert "Call numbers" in toc.inner_text()
    page.evaluate("window.__before_edit = 1")
    served.edit("    title: Call numbers\n", "    title: Shelf marks explained\n")
    _wait_reload(page)
    toc = page.frame_locator("#sco").locator("#toc")
    toc.locator("text=Shelf marks explained").wait_for()
    assert "Call numbers" not in toc.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-simulator.png"))


@pytest.mark.slow
def test_a_broken_file_shows_an_overlay_with_its_location_until_fixed(page: Page, served: Served) -> None:
    _simulator(page, served)
    text = served.set_file.read_text(encoding="utf-8")
    line = text.splitlines().index("  mastery_score: 0.75") + 1
    served.edit("  mastery_score: 0.75\n", "  mastery_score: [0.75\n")  # a flow sequence never closed
    overlay = page.locator("#build-errors")
    overlay.wait_for()
    assert re.search(r"sets/tst\.yaml:\d+:\d+ error\[yaml-syntax\]", overlay.inner_text()), overlay.inner_text()
    served.edit("  mastery_score: [0.75\n", "  mastery_score: lots\n")  # still broken: the overlay updates
    overlay.locator("text=wrong-type").wait_for()
    message = overlay.inner_text()
    assert re.search(rf"sets/tst\.yaml:{line}:18 error\[wrong-type\]: `mastery_score`", message), message
    assert "has 1 error" in message and "yaml-syntax" not in message
    assert page.frame_locator("#sco").locator("#screen h2").is_visible()  # the last good build stays usable
    page.goto(served.url + "/")  # a page opened while the build is broken shows the overlay at once
    page.locator("#build-errors").wait_for()
    page.evaluate("window.__before_edit = 1")
    served.set_file.write_text(text, encoding="utf-8")
    _wait_reload(page)
    page.locator("#set-TST").wait_for()
    assert page.locator("#build-errors").count() == 0
    assert any("build failed" in line for line in served.log)


@pytest.mark.slow
def test_answering_shows_the_cmi_data_and_reset_starts_a_new_attempt(page: Page, served: Served) -> None:
    _simulator(page, served)
    sco = page.frame_locator("#sco")
    sco.locator("#toc button", has_text="Assessment").click()
    sco.locator("#screen button.primary").click()
    sco.locator("#o-b").check()  # TST-Q1: "The class number", the right answer
    sco.locator("#check").click()
    sco.locator(".feedback .verdict").wait_for()
    panel = page.locator("#cmi")
    page.locator("#commit", has_text="Committed").wait_for()

    def value(element: str) -> str:
        return panel.locator(f'tr[data-element="{element}"] td').inner_text()

    assert value("cmi.interactions.0.id") == "TST-Q1"
    assert value("cmi.interactions.0.student_response") == "b"
    assert value("cmi.interactions.0.result") == "correct"
    assert value("cmi.core.lesson_status") == "incomplete"
    assert re.fullmatch(r"c1\|\w+\|1\|0\|b,,,,,", value("cmi.suspend_data"))
    assert "LMSCommit" in page.inner_text("#calls")
    page.reload()  # what a live reload does: the attempt resumes from the last commit
    page.frame_locator("#sco").locator("#screen h2").wait_for()
    assert "resume" in page.inner_text("#attempt")
    assert page.frame_locator("#sco").locator("#screen h2").inner_text() == "Question 1 of 6"
    page.click("#reset")
    page.wait_for_function("() => document.getElementById('attempt').textContent === 'New attempt.'")
    page.frame_locator("#sco").locator("#screen h2").wait_for()
    assert page.frame_locator("#sco").locator("#screen h2").inner_text() != "Question 1 of 6"


def _get(served: Served, target: str, host: str | None = None, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=timeout)
    headers = {"Host": host} if host else {}
    conn.request("GET", target, headers=headers)  # sent as written: http.client does not normalise ".."
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


@pytest.mark.slow
@pytest.mark.parametrize(
    "target",
    [
        "/p/TST/../../../../../../etc/passwd",
        "/p/TST/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/p/TST/player/..%2f..%2f..%2fprogram.yaml",
        "/__sim/../serve.py",
        "/__sim/%2e%2e%2fserve.py",
        "/p/TST/..\\..\\program.yaml",
        "/p/TST/%5c..%5cprogram.yaml",
        "/p/TST/index.html%00.png",
    ],
)
def test_climbing_paths_are_refused(served: Served, target: str) -> None:
    status, body = _get(served, target)
    assert status == 400, (target, status)
    assert b"root:" not in body and b"requirements" not in body


@pytest.mark.slow
def test_only_built_files_and_known_routes_are_served(served: Served) -> None:
    assert _get(served, "/p/TST/index.html")[0] == 200
    assert _get(served, "/p/TST/player/player.js")[0] == 200
    assert _get(served, "/__sim/scorm12.min.js")[0] == 200
    for target in ("/p/TST/imsmanifest.xml", "/sets/tst.yaml", "/program.yaml", "/sim/NOPE/", "/pdf/NOPE.pdf"):
        assert _get(served, target)[0] == 404, target
    # a page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) gets nothing
    assert _get(served, "/", host=f"attacker.example:{served.port}")[0] == 421
    assert _get(served, "/", host=f"localhost:{served.port}")[0] == 200


@pytest.mark.slow
def test_pdf_guide_is_built_on_demand_and_cached(served: Served) -> None:
    status, first = _get(served, "/pdf/TST.pdf", timeout=120)  # the first render also loads WeasyPrint
    assert status == 200 and first.startswith(b"%PDF-")
    assert _get(served, "/pdf/TST.pdf") == (200, first)  # the same bytes: served from the cache


def test_without_scorm_again_the_simulator_says_how_to_fix_it() -> None:
    status = Status("t-1", True, ())
    entry = SetEntry("TST", "Testing Basics", "<p>x</p>", 1, 6, 75.0)
    missing = Pages().simulator(status, entry, ready=False)
    assert "scorm-again is missing" in missing and "make build" in missing
    assert "/__sim/sim.js" not in missing  # no half-working simulator
    ready = Pages().simulator(status, entry, ready=True)
    assert "/__sim/scorm12.min.js" in ready and "scorm-again is missing" not in ready


def test_a_waiting_event_stream_wakes_on_a_new_status_and_on_close() -> None:
    state = LiveState("t")
    first = state.publish(SiteBuild(None, ()))
    assert state.wait(None, 0.01) == first  # a new stream gets the current status at once
    assert state.wait(first.version, 0.01) == first  # nothing new: the heartbeat's timeout
    threading.Timer(0.05, state.close).start()
    assert state.wait(first.version, 5) is None
