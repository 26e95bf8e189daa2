"""Accessibility of the player: axe-core on every screen, a whole attempt by keyboard, focus, motion, language."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from .conftest import ARTIFACTS, Launch, Sco, Site, run_axe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-a11y")]


def assert_axe_clean(frame: Frame, where: str) -> None:
    violations = run_axe(frame)
    assert not violations, (where, violations)


def test_axe_finds_nothing_on_any_screen(launch: Launch) -> None:
    sco = launch("1.2")
    checked = 0
    assert_axe_clean(sco.frame, "intro")
    while not sco.frame.is_visible("#screen button.primary"):  # lessons, up to the assessment
        sco.next()
        assert_axe_clean(sco.frame, sco.heading())
        checked += 1
    sco.frame.click("#screen button.primary")
    sco.frame.click("#check")  # checked without an answer: the reminder
    assert_axe_clean(sco.frame, "reminder")
    while sco.frame.is_visible("form[data-item]"):
        it = sco.item()
        assert_axe_clean(sco.frame, it["id"])
        sco.answer(it["type"] in ("single_choice", "ordering"))
        assert_axe_clean(sco.frame, it["id"] + " with feedback")
        sco.next()
        checked += 2
    assert_axe_clean(sco.frame, "results, failed")
    sco.frame.click("#screen button.secondary")  # review the answers
    while sco.frame.is_visible("form[data-item]") and not sco.frame.is_disabled("#next"):
        assert_axe_clean(sco.frame, sco.item()["id"] + " in review")
        sco.next()
        checked += 1
    assert checked >= 18


def test_axe_on_the_largest_bundled_set(launch: Launch, site: Site) -> None:
    sco = launch("2004", site.largest)
    for _ in sco.content["lessons"]:
        sco.next()
        assert_axe_clean(sco.frame, sco.heading())
    sco.next()
    sco.frame.click("#screen button.primary")
    seen = set()
    while sco.frame.is_visible("form[data-item]"):
        it = sco.item()
        if it["type"] not in seen:
            seen.add(it["type"])
            assert_axe_clean(sco.frame, it["id"])
        sco.answer(True)
        if len(seen) == 6:
            assert_axe_clean(sco.frame, it["id"] + " with feedback")
        sco.next()
    assert len(seen) == 6, f"the largest set should use every item type, saw {sorted(seen)}"
    assert_axe_clean(sco.frame, "results, passed")


def test_axe_in_preview_mode(page: Page, site: Site) -> None:
    page.goto(site.package("2004", "TST"))
    page.wait_for_selector("#screen h2")
    assert page.is_visible("#preview")
    assert_axe_clean(page.main_frame, "preview")


# ---------------------------------------------------------------- keyboard only


def active(frame: Frame, expr: str) -> Any:
    """Evaluate `expr` with `a` bound to the focused element (reading the page is not operating it)."""
    return frame.evaluate(f"() => {{ const a = document.activeElement; return {expr}; }}")


def tab_to(page: Page, frame: Frame, expr: str, limit: int = 60) -> None:
    for _ in range(limit):
        if active(frame, expr):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {expr}")


def keyboard_answer(page: Page, sco: Sco) -> None:
    f, it = sco.frame, sco.item()
    kind, right = it["type"], it["correct"]
    if kind in ("single_choice", "true_false"):
        code = right[0]
        tab_to(page, f, "a.name === 'answer'")
        page.keyboard.press("Space")
        for _ in range(len(it["options"])):
            if active(f, f"a.value === '{code}' && a.checked"):
                break
            page.keyboard.press("ArrowDown")
    elif kind == "multiple_choice":
        for o in it["options"]:
            if o["key"] in right:
                tab_to(page, f, f"a.id === 'o-{o['key']}'")
                page.keyboard.press("Space")
    elif kind == "fill_in":
        tab_to(page, f, "a.id === 'answer'")
        page.keyboard.type(it["answers"][0])
        page.keyboard.press("Enter")
        return
    elif kind == "matching":
        for k, key in enumerate(right):
            tab_to(page, f, f"a.id === 'm-{k}'")
            for _ in range(len(right) + 1):
                if active(f, f"a.value === '{key}'"):
                    break
                page.keyboard.press("ArrowDown")
    elif kind == "ordering":
        labels = {o["key"]: sco.content["strings"]["move_up"].replace("{step}", o["text"]) for o in it["options"]}
        for pos, key in enumerate(right):
            at = sco.order().index(key)
            if at > pos:
                tab_to(page, f, f"a.getAttribute('aria-label') === {labels[key]!r}")
                for _ in range(at - pos):
                    page.keyboard.press("Enter")  # focus stays on the moved step's button
        assert sco.order() == right
    tab_to(page, f, "a.type === 'submit'")
    page.keyboard.press("Enter")


def test_whole_attempt_with_the_keyboard_only(launch: Launch, page: Page) -> None:
    sco = launch("2004")
    f = sco.frame
    page.keyboard.press("Tab")
    assert active(f, "a.className === 'skip'")
    for _ in range(2):  # intro, lesson
        tab_to(page, f, "a.id === 'next'")
        page.keyboard.press("Enter")
        assert active(f, "a.tagName === 'H2'"), "focus goes to the new screen's heading"
    page.keyboard.press("Tab")
    assert active(f, "a.className === 'primary'")  # Start the assessment
    page.keyboard.press("Enter")
    for _ in range(len(sco.content["items"])):
        assert active(f, "a.tagName === 'H2'")
        keyboard_answer(page, sco)
        f.wait_for_selector(".feedback .verdict.ok")
        assert active(f, "a.id === 'next'"), "after checking, focus waits on Next"
        page.keyboard.press("Enter")
    assert sco.heading() == sco.content["strings"]["results"]
    assert sco.cmi()["success_status"] == "passed"


def test_focus_is_visible_and_motion_is_reduced(launch: Launch, page: Page) -> None:
    sco = launch("1.2")
    page.keyboard.press("Tab")
    tab_to(page, sco.frame, "a.id === 'next'")
    outline = active(sco.frame, "getComputedStyle(a).outlineStyle + ' ' + getComputedStyle(a).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")
    duration = sco.frame.evaluate("() => getComputedStyle(document.querySelector('#next')).transitionDuration")
    assert duration == "0s"  # the context asks for prefers-reduced-motion: reduce
    assert sco.frame.evaluate("() => document.documentElement.lang") == "en"


def test_screenshots(launch: Launch) -> None:
    """Pictures for people reviewing the look: a lesson, matching and ordering questions with feedback, results."""
    ARTIFACTS.mkdir(exist_ok=True)
    sco = launch("1.2")
    sco.next()
    sco.page.screenshot(path=str(ARTIFACTS / "player-lesson.png"), full_page=True)
    sco.page.set_viewport_size({"width": 420, "height": 900})  # a phone: one column, the screen first
    sco.page.screenshot(path=str(ARTIFACTS / "player-lesson-narrow.png"))
    # the contents fold behind a button: the screen starts under the header, then the button opens them
    assert not sco.frame.is_visible(".toc") and sco.frame.is_visible("#toc-toggle")
    sco.frame.click("#toc-toggle")
    assert sco.frame.is_visible(".toc") and sco.frame.get_attribute("#toc-toggle", "aria-expanded") == "true"
    sco.page.screenshot(path=str(ARTIFACTS / "player-contents-narrow.png"))
    sco.frame.click("#toc-toggle")
    assert not sco.frame.is_visible(".toc")
    sco.page.set_viewport_size({"width": 1100, "height": 900})
    sco.next()
    sco.frame.click("#screen button.primary")
    shots = {"single_choice": "player-question", "matching": "player-matching", "ordering": "player-ordering"}
    while sco.frame.is_visible("form[data-item]"):
        kind = sco.item()["type"]
        if kind in ("matching", "ordering"):  # the controls as the learner first sees them
            sco.page.screenshot(path=str(ARTIFACTS / f"{shots[kind]}.png"), full_page=True)
        sco.answer(kind not in shots)  # wrong: the feedback then also shows the right answer
        if kind in shots:
            sco.page.screenshot(path=str(ARTIFACTS / f"{shots[kind]}-feedback.png"), full_page=True)
        sco.next()
    sco.page.screenshot(path=str(ARTIFACTS / "player-results.png"), full_page=True)
    expected = ["player-lesson", "player-results", "player-matching", "player-ordering"]
    expected += [f"{name}-feedback" for name in shots.values()]
    for name in expected:
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 0
