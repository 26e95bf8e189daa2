"""Every screen of every bundled set on a phone (390x844) and in Moodle's default frame (714x666):
the screen's next step in view without scrolling, and no page-level sideways scroll, before and
after each question is answered (feedback and "right answer" tags make rows longer)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .answering import answer_question, assert_fits, content_of, current_item
from .chromium import fresh_page

pytestmark = pytest.mark.slow
SIZES = [pytest.param((390, 844), marks=pytest.mark.xdist_group("browser-fit-phone"), id="phone-390x844"),
         pytest.param((714, 666), marks=pytest.mark.xdist_group("browser-fit-frame"), id="moodle-714x666")]


@pytest.mark.parametrize("size", SIZES)
def test_every_screen_fits(browser: Browser, web: str, size: tuple[int, int]) -> None:
    screens = 0
    with fresh_page(browser, size[0], size[1], 10_000) as page:
        page.goto(f"{web}/index.html")
        links = page.eval_on_selector_all("#sets h2 a", "as => as.map(a => a.href)")
        assert len(links) >= 1
        for href in links:
            page.goto(href)
            frame = page.main_frame
            frame.wait_for_selector("#screen h2")
            content = content_of(frame)
            code = content["code"]
            while frame.locator("#screen button.primary").count() == 0:  # about, lessons
                assert_fits(frame, f"{code} {frame.inner_text('#screen h2')}")
                frame.click("#next")
                screens += 1
            assert_fits(frame, f"{code} assessment")
            frame.click("#screen button.primary")
            n = 0
            while frame.locator("form[data-item]").count():
                it = current_item(frame, content)
                assert_fits(frame, it["id"])
                answer_question(frame, it, correct=n % 2 == 0)  # wrong ones get the widest feedback
                assert_fits(frame, it["id"] + " answered")
                frame.click("#next")
                screens, n = screens + 1, n + 1
            assert_fits(frame, f"{code} results")
    assert screens >= 200  # ten sets of about 25 screens each
