"""A learner in Moodle's own SCORM player: logs in, enters an activity in a mode, plays the
coursepack player inside iframe#scorm_object with the mouse, and leaves as a learner leaves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Frame, Page
from support.answering import answer_question, content_of, current_item

from .site import LEARNER_PASSWORD, Moodle

# Moodle's default display ("Current window", course structure shown) at a common laptop size gives the
# SCO about 714x666 CSS px: the size trainers' learners get unless the activity says otherwise.
LAPTOP = (1366, 768)


class Player:
    """The coursepack player inside Moodle's frame."""

    def __init__(self, page: Page, frame: Frame):
        self.page, self.frame = page, frame
        self.content = content_of(frame)
        self.strings: dict[str, str] = self.content["strings"]

    def heading(self) -> str:
        return self.frame.inner_text("#screen h2")

    def text(self) -> str:
        return self.frame.inner_text("body")

    def item(self) -> dict[str, Any]:
        return current_item(self.frame, self.content)

    def on_question(self) -> bool:
        return self.frame.locator("form[data-item]").count() > 0

    def next(self) -> None:
        self.frame.click("#next")

    def previous(self) -> None:
        self.frame.click("#prev")

    def contents(self, label: str) -> None:
        """Choose an entry of the contents, opening them first where they fold away (phone, Moodle's frame)."""
        if self.frame.is_visible("#toc-toggle"):
            self.frame.click("#toc-toggle")
        self.frame.locator("#toc button", has_text=label).click()

    def to_assessment(self) -> None:
        """Through the screens (as a learner on a small screen does), then the assessment's start button."""
        while self.frame.locator("#screen button.primary").count() == 0:
            self.next()
        self.frame.click("#screen button.primary")

    def answer(self, correct: bool) -> str:
        it = self.item()
        answer_question(self.frame, it, correct)
        return str(it["id"])

    def play(self, wrong: set[str], stop_after: int | None = None) -> list[tuple[str, bool]]:
        """Answer the questions from the current one on: every item in `wrong` wrong, the others right."""
        done: list[tuple[str, bool]] = []
        while self.on_question() and (stop_after is None or len(done) < stop_after):
            it = self.item()
            self.answer(it["id"] not in wrong)
            done.append((it["id"], it["id"] not in wrong))
            self.next()
        return done


class Learner:
    def __init__(self, page: Page, moodle: Moodle, username: str):
        self.page, self.moodle, self.username = page, moodle, username

    def login(self) -> None:
        # A second try: on a busy machine the first form can come back with an expired login token
        # (Moodle then shows the form again with loginredirect=1).
        for _ in range(2):
            self.page.goto(f"{self.moodle.url}/login/index.php")
            self.page.fill("#username", self.username)
            self.page.fill("#password", LEARNER_PASSWORD)
            self.page.click("#loginbtn")
            self.page.wait_for_load_state("load")
            if "/login/" not in self.page.url:
                return
        raise AssertionError(f"login failed for {self.username}: {self.page.url}")

    def enter(self, cmid: int, mode: str = "normal", new_attempt: bool = False) -> Player:
        """From the activity page: Enter (or Preview for mode="browse"), ticking "Start a new attempt"
        if asked; an activity that skips its entry page goes straight to the player."""
        self.page.goto(f"{self.moodle.url}/mod/scorm/view.php?id={cmid}")
        if "/mod/scorm/player.php" not in self.page.url:
            if new_attempt:
                self.page.check("#a")
            self.page.click("#b" if mode == "browse" else "#n")
        self.page.wait_for_url("**/mod/scorm/player.php**")
        handle = self.page.wait_for_selector("#scorm_object", state="attached", timeout=30_000)
        assert handle is not None
        for _ in range(200):
            frame = handle.content_frame()
            if frame is not None and frame.url.endswith("/index.html"):
                break
            self.page.wait_for_timeout(50)
        assert frame is not None
        frame.wait_for_selector("#screen h2", timeout=30_000)
        return Player(self.page, frame)

    def leave(self, course_id: int) -> None:
        """Off to the course page, as "Exit activity" does: the SCO gets pagehide and commits (by beacon)."""
        self.page.goto(f"{self.moodle.url}/course/view.php?id={course_id}")
        self.page.wait_for_load_state("load")

    def state(self, cmid: int) -> dict[str, Any]:
        """What Moodle stored, once the session's last requests have landed: the final commit and
        Terminate/LMSFinish go out (by beacon) after the page is gone. Settled = unchanged for 1.5 s."""
        last: dict[str, Any] | None = None
        for _ in range(20):  # up to 30 s
            now = self.moodle.site("state", cmid=str(cmid), username=self.username)
            if now == last:
                return now
            last = now
            self.page.wait_for_timeout(1500)
        raise AssertionError(f"Moodle never settled: {last}")


@contextmanager
def learner_in(browser: Browser, moodle: Moodle, username: str, size: tuple[int, int] = LAPTOP) -> Iterator[Learner]:
    """A fresh browser context for one learner; any uncaught error in the coursepack player fails the test."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(45_000)  # generous: a loaded 2-core CI machine runs PHP, PostgreSQL and Chromium
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "/player/" in (m.location or {}).get(
        "url", "") else None)
    learner = Learner(page, moodle, username)
    learner.login()
    try:
        yield learner
    finally:
        context.close()
    assert not errors, errors
