"""The plain web export in a real browser: served over HTTP, no LMS, every request answered, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from support.answering import answer_question, content_of, current_item

from .conftest import ARTIFACTS, run_axe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-web")]


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    """The page, failing the test on any console error, failed request or HTTP error status."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield page
    assert not problems, problems


def test_index_lists_every_set_and_passes_axe(watched: Page, web: str) -> None:
    watched.goto(f"{web}/index.html")
    links = watched.eval_on_selector_all("#sets h2 a", "as => as.map(a => a.getAttribute('href'))")
    assert links and all(h.endswith("/index.html") for h in links)
    assert watched.evaluate("getComputedStyle(document.querySelector('.top')).backgroundColor") != "rgba(0, 0, 0, 0)"
    violations = run_axe(watched.main_frame)
    assert not violations, violations
    ARTIFACTS.mkdir(exist_ok=True)
    watched.screenshot(path=str(ARTIFACTS / "web-index.png"), full_page=False)


def test_a_set_plays_in_preview_mode(watched: Page, web: str) -> None:
    watched.goto(f"{web}/index.html")
    watched.click("#sets h2 a >> nth=0")
    watched.wait_for_selector("#screen h2")
    # no LMS: the player says nothing is saved, and keeps working
    assert watched.is_visible("#preview")
    first = watched.inner_text("#screen h2")
    watched.click("#next")
    assert watched.inner_text("#screen h2") != first
    watched.click("#toc li:nth-last-child(2) button")  # the assessment
    watched.click("#screen button.primary")
    watched.wait_for_selector("form[data-item]")
    item = current_item(watched.main_frame, content_of(watched.main_frame))
    watched.click("#check")  # checked without an answer: the reminder, no crash
    if item["type"] != "ordering":  # (the items are shuffled; an ordering always has an answer, its first order)
        assert watched.locator(".feedback .verdict").count() == 0
        assert watched.inner_text("form[data-item] .feedback").strip(), "no reminder to answer first"
        _answer_anything(watched)
        watched.click("#check")
    watched.wait_for_selector(".feedback .verdict")
    assert watched.inner_text("#save") == ""  # nothing claims to be saved
    violations = run_axe(watched.main_frame)
    assert not violations, violations
    ARTIFACTS.mkdir(exist_ok=True)
    watched.screenshot(path=str(ARTIFACTS / "web-set.png"), full_page=False)


def test_every_set_page_loads_its_files(watched: Page, web: str) -> None:
    watched.goto(f"{web}/index.html")
    links = watched.eval_on_selector_all("#sets h2 a", "as => as.map(a => a.href)")
    for href in links:
        watched.goto(href)
        watched.wait_for_selector("#screen h2")
        assert watched.is_visible("#preview"), href


def _answer_anything(page: Page) -> None:
    """Give the current question some answer, whatever its type (an ordering always has one)."""
    form = "form[data-item] "
    if page.locator(form + "input[type=text]").count():
        page.fill(form + "input[type=text]", "an answer")
    elif page.locator(form + "input[type=radio], " + form + "input[type=checkbox]").count():
        page.locator(form + "input[type=radio], " + form + "input[type=checkbox]").first.check()
    for k in range(page.locator(form + "select").count()):
        page.locator(form + "select").nth(k).select_option(index=1)


def test_practice_is_kept_in_the_browser_and_can_start_over(watched: Page, web: str) -> None:
    """The web export keeps the learner's place and answers across a reload, and "Start over" clears them."""
    watched.goto(f"{web}/index.html")
    watched.click("#sets h2 a >> nth=0")
    watched.wait_for_selector("#screen h2")
    content = content_of(watched.main_frame)
    assert content["strings"]["practice"] in watched.inner_text("#preview")
    watched.click("#toc li:nth-last-child(2) button")  # the assessment
    watched.click("#screen button.primary")
    first = current_item(watched.main_frame, content)
    answer_question(watched.main_frame, first, correct=True)
    watched.click("#next")
    heading = watched.inner_text("#screen h2")
    watched.reload()
    watched.wait_for_selector("#screen h2")
    assert watched.inner_text("#screen h2") == heading  # the same question, after a reload
    watched.click("#prev")
    assert current_item(watched.main_frame, content)["id"] == first["id"]
    assert watched.is_visible(".feedback.ok .verdict")  # the answer is kept, with its feedback
    watched.click("#preview button")  # start over
    watched.wait_for_selector("#screen h2")
    assert watched.inner_text("#screen h2") == content["strings"]["intro"]
    assert watched.get_attribute("#preview a", "href") == "../index.html"  # the way back to every set
