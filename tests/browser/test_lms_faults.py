"""The player when the LMS misbehaves: faults injected by the harness's wrapper round scorm-again's API.

For each fault: the learner is told (the #save status region, or the notice at the top when
nothing can be saved at all), and a relaunch with the CMI the LMS last accepted loses no answer
the LMS had acknowledged. Timers run on Playwright's clock so that retries with growing pauses
take no real time.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import Any

import pytest
from playwright.sync_api import Page
from support.projects import MINIMAL, build, course_of, near_limit

from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.player.package import suspend_bound
from builder.formats.scorm.common import SUSPEND_MAX_12
from builder.formats.web import Web
from builder.render.context import WriteContext
from builder.render.themes import load_theme

from .conftest import ARTIFACTS, Launch, Sco, Site, resume_data
from .test_scorm_runtime import attempt, attempt_one, check_interactions, expected_shown, finishes, shown_answer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-runtime")]
VERSIONS = ["1.2", "2004"]
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def commits(sco: Sco) -> list[str]:
    return [c[3] for c in sco.calls("LMSCommit" if sco.version == "1.2" else "Commit")]


def status(sco: Sco) -> str:
    return sco.frame.inner_text("#save")


def string(sco: Sco, key: str) -> str:
    return str(sco.content["strings"][key])


def saved_ids(sco: Sco) -> list[str]:
    """Interactions in the CMI the LMS last accepted."""
    saved = sco.saved()
    return [] if saved is None else [i["id"] for i in saved["cmi"]["interactions"].values()]


def set_fault(page: Page, name: str, value: Any) -> None:
    page.evaluate("([k, v]) => { window.__faults[k] = v; }", [name, value])


def retry_until_saved(sco: Sco, page: Page, limit: int = 12) -> int:
    """Let the player's retry timer fire (on the fake clock) until the LMS accepts; returns the pauses taken."""
    for n in range(limit):
        if status(sco) == string(sco, "saved"):
            return n
        page.clock.fast_forward(30_000)  # the longest pause the player waits
    raise AssertionError(f"still not saved: {status(sco)!r}, commits {commits(sco)}")


def relaunch_shows(again: Sco, answered: list[tuple[str, bool, str | None]]) -> None:
    """Walking back from the current question, each earlier answer is there, locked, with its verdict."""
    for item_id, correct, _ in reversed(answered):
        again.frame.click("#prev")
        it = again.item()
        assert it["id"] == item_id
        shown = shown_answer(again)
        if it["type"] == "ordering":  # its answer is the order of the steps
            shown["response"] = again.order()
        assert shown == {"response": expected_shown(it, correct), "locked": True, "verdict": "ok" if correct else "ko"}
    for _ in answered:
        again.frame.click("#next")


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("version", VERSIONS)
def test_commits_refused_many_times_in_a_row_then_recovered(page: Page, launch: Launch, version: str) -> None:
    page.clock.install()
    fails = 6
    sco = launch(version)
    sco.go_to_assessment()
    earlier = len(commits(sco))  # moving between screens commits too
    set_fault(page, "commits", fails)
    answers = []
    for correct in (True, False, True):  # each answer and each move commits at once, and each commit is refused
        answers.append(attempt_one(sco, correct))
        assert status(sco) == string(sco, "save_failed")
    assert saved_ids(sco) == []
    pauses = retry_until_saved(sco, page)
    # The timer met the other refusals, then went through on its own. One 30 s fast-forward can fire
    # two short back-offs, so the pause count varies with timing; the exact commit log below does not.
    assert 1 <= pauses <= fails - 3 + 1
    assert commits(sco)[earlier:] == ["false"] * fails + ["true"]
    assert saved_ids(sco) == [a[0] for a in answers]  # everything answered while refused reached the LMS
    answers += attempt(sco, {"TST-Q5": True, "TST-Q6": True})
    assert status(sco) == string(sco, "saved") and commits(sco)[-1] == "true"
    sco.close()
    again = launch(version, saved=resume_data(sco.saved(), version))
    assert again.heading() == string(again, "results")
    relaunch_shows(again, answers)
    check_interactions(again, answers, earlier=sco)


@pytest.mark.parametrize("version", VERSIONS)
def test_no_api_at_launch_is_a_preview_that_says_nothing_is_saved(launch: Launch, version: str) -> None:
    sco = launch(version, noApi=True)
    assert sco.frame.is_visible("#preview")
    assert sco.frame.inner_text("#preview") == string(sco, "preview")
    sco.go_to_assessment()
    attempt_one(sco, True)
    assert status(sco) == ""  # nothing claims to be saved
    assert sco.page.evaluate("window.__reads") == 0 and sco.calls() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_refused_initialize_is_told_and_nothing_else_is_called(launch: Launch, version: str) -> None:
    sco = launch(version, failInit=True)
    assert sco.frame.is_visible("#preview")
    assert sco.frame.inner_text("#preview") == string(sco, "lms_refused")
    sco.go_to_assessment()
    attempt_one(sco, True)
    sco.close()
    # no GetValue, no SetValue into a session the LMS did not open, no Commit, no Finish
    assert sco.calls() == [["LMSInitialize" if version == "1.2" else "Initialize", "", None, "false"]]
    assert sco.page.evaluate("window.__reads") == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_api_gone_mid_attempt_keeps_answers_and_loses_nothing_acknowledged(
    page: Page, launch: Launch, version: str
) -> None:
    page.clock.install()
    sco = launch(version)
    sco.go_to_assessment()
    answers = [attempt_one(sco, True)]
    assert saved_ids(sco) == ["TST-Q1"]
    set_fault(page, "gone", True)  # the LMS window goes away: every call on its API throws
    answers += [attempt_one(sco, False), attempt_one(sco, True)]
    assert status(sco) == string(sco, "lms_lost")
    assert saved_ids(sco) == ["TST-Q1"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lms-lost-{version}.png"))
    sco.frame.click("#prev")  # the answers live on in the page
    assert shown_answer(sco)["response"] == expected_shown(sco.item(), True)
    sco.frame.click("#next")
    page.clock.fast_forward(30_000)
    assert status(sco) == string(sco, "lms_lost")  # retried and still gone: still told
    set_fault(page, "gone", False)  # the API answers again: what it missed is sent, then committed
    retry_until_saved(sco, page)
    assert saved_ids(sco) == ["TST-Q1", "TST-Q2", "TST-Q3"]
    check_interactions(sco, answers)
    set_fault(page, "gone", True)  # gone for good this time
    lost = sco.item()["id"]
    sco.answer(True)
    assert status(sco) == string(sco, "lms_lost")
    sco.close()  # pagehide: the final commit and Finish throw too
    assert sco.calls()[-1][3] == "throw"
    again = launch(version, saved=resume_data(sco.saved(), version))
    assert again.item()["id"] == lost and not again.frame.is_visible(".feedback .verdict")
    relaunch_shows(again, answers)
    answers += attempt(again, {})
    check_interactions(again, answers, earlier=sco)


@pytest.mark.parametrize("version", VERSIONS)
def test_tab_closed_right_after_an_answer(page: Page, launch: Launch, version: str) -> None:
    """The answer's own commit is refused, then the tab closes before any retry: the pagehide commit carries it."""
    page.clock.install(time=START)
    page.clock.pause_at(START + dt.timedelta(seconds=1))  # the retry timer never fires on its own
    sco = launch(version, popup=True)
    sco.go_to_assessment()
    set_fault(page, "commits", 2)
    earlier = len(commits(sco))
    answers = [attempt_one(sco, True)]  # answered, moved on: both commits refused, no retry has fired
    heading = sco.heading()
    sco.frame.page.close(run_before_unload=True)  # the learner closes the SCO's window
    sco.page.wait_for_function("window.__calls.some(c => /Finish|Terminate/.test(c[0]))")
    sco.closed = sco.page.evaluate("({calls: window.__calls, saved: window.__saved})")
    exit_at = next(n for n, c in enumerate(sco.calls()) if c[1] in ("cmi.core.exit", "cmi.exit"))
    before = [c[3] for c in sco.calls()[:exit_at] if c[0].endswith("Commit")][earlier:]
    after = [c[3] for c in sco.calls()[exit_at:] if c[0].endswith("Commit")]
    assert (before, after, finishes(sco)) == (["false", "false"], ["true"], 1)
    again = launch(version, saved=resume_data(sco.saved(), version))
    assert again.heading() == heading
    relaunch_shows(again, answers)


def test_suspend_data_refused_by_a_strict_lms_is_a_failed_save(launch: Launch) -> None:
    """scorm-again keeps suspend_data of any length; an LMS that refuses it must not look like a save."""
    sco = launch("1.2", suspendLimit=10)
    sco.go_to_assessment()
    attempt_one(sco, True)
    # the LMS committed the rest (every move and answer commits), but not the state the answers live in
    assert commits(sco) and set(commits(sco)) == {"true"}
    assert status(sco) == string(sco, "save_failed")


PERCENT = "%" * 100  # "%" is stored as "%25": the longest state one fill-in answer can leave


@pytest.fixture(scope="module")
def full(site: Site, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The near-limit set as package FULL (SCORM 1.2) on the test site; its suspend_data bound."""
    work = tmp_path_factory.mktemp("near-limit")
    project = near_limit(work)
    with zipfile.ZipFile(build(project, work / "out", "1.2")["TST"]) as zf:
        zf.extractall(site.root / "p" / "1.2" / "FULL")
    return suspend_bound(course_of(project).sets[0])


def given(sco: Sco) -> str | list[str]:
    """The answer on screen: typed text, checked keys, or the steps' order."""
    return "".join(sco.order()) if sco.item()["type"] == "ordering" else shown_answer(sco)["response"]


def test_suspend_data_near_the_scorm12_limit(launch: Launch, full: int) -> None:
    """A set whose state can reach 4,095 characters, 60-character ids, an LMS that refuses more than 4,096:
    the player never sends more, and a relaunch shows every answer back."""
    sco = launch("1.2", "FULL", suspendLimit=SUSPEND_MAX_12)
    sco.go_to_assessment()
    answers: list[tuple[str, str | list[str]]] = []
    while sco.frame.is_visible("form[data-item]"):
        it = sco.item()
        if it["type"] == "fill_in":
            sco.frame.fill("#answer", PERCENT)
        elif it["type"] == "single_choice":
            sco.frame.check(f"#o-{it['options'][-1]['key']}")
        sco.frame.click("#check")  # an ordering is answered as it stands
        sco.frame.wait_for_selector(".feedback .verdict")
        answers.append((it["id"], given(sco)))
        sco.next()
    assert status(sco) == ""  # no save was ever refused
    assert "false" not in commits(sco)
    sent = sco.sent("cmi.suspend_data")
    # the builder's bound is within a few characters of the real thing (seed and attempt may be shorter)
    longest = max(map(len, sent))
    assert SUSPEND_MAX_12 - 10 <= longest <= full <= SUSPEND_MAX_12
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "suspend_data_near_limit.txt").write_text(
        f"{len(answers)} items, 60-character ids: {longest} characters sent (bound {full}, limit {SUSPEND_MAX_12})\n")
    assert len(answers) == 21 and all(len(i) == 60 for i, _ in answers)
    sco.close()
    again = launch("1.2", "FULL", saved=resume_data(sco.saved(), "1.2"), suspendLimit=SUSPEND_MAX_12)
    assert again.heading() == string(again, "results")
    for item_id, shown in reversed(answers):
        again.frame.click("#prev")
        assert (again.item()["id"], given(again)) == (item_id, shown)
    assert [i["id"] for i in again.cmi()["interactions"].values()] == [a[0] for a in answers]


@pytest.fixture(scope="module")
def web_page(site: Site) -> str:
    """The web export's page for the minimal set, on the harness's own origin (so that it could reach the API)."""
    course = course_of(MINIMAL)
    ctx = WriteContext(load_theme("default"), "en")
    assert Web().write(course, Job("web", "TST"), ctx, OutDir(site.root / "web"), Options()) == []
    return f"{site.url}/web/TST/index.html"


@pytest.mark.parametrize("version", VERSIONS)
def test_web_export_in_an_lms_frame_never_calls_its_api(launch: Launch, web_page: str, version: str) -> None:
    sco = launch(version, src=web_page)
    assert sco.content["scorm"] == "none"
    initialize = "LMSInitialize" if version == "1.2" else "Initialize"
    assert sco.frame.evaluate(f"typeof window.parent.{sco.api}.{initialize}") == "function"  # the API is right there
    assert sco.frame.inner_text("#preview").startswith(string(sco, "practice"))  # kept in this browser instead
    sco.go_to_assessment()
    attempt_one(sco, True)
    sco.close()
    assert sco.calls() == [] and sco.page.evaluate("window.__reads") == 0
