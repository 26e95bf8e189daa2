"""A learner answering the player's current question on purpose, right or wrong, with the mouse.

Shared by the scorm-again tests (tests/browser) and the real-Moodle tests (tests/moodle): the same
hands on the same screens, whichever LMS is on the other side."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame


def content_of(frame: Frame) -> dict[str, Any]:
    """The player's content JSON (what it shows and scores)."""
    data: dict[str, Any] = frame.evaluate("JSON.parse(document.getElementById('content').textContent)")
    return data


def current_item(frame: Frame, content: dict[str, Any]) -> dict[str, Any]:
    item_id = frame.get_attribute("form[data-item]", "data-item")
    return next(it for it in content["items"] if it["id"] == item_id)


def order_of(frame: Frame) -> list[str]:
    keys: list[str] = frame.eval_on_selector_all(".order li", "els => els.map(e => e.dataset.key)")
    return keys


def answer_question(frame: Frame, it: dict[str, Any], correct: bool = True, text: str | None = None) -> None:
    """Answer the question on screen right or wrong, then check it and wait for the verdict."""
    kind, right = it["type"], it["correct"]
    wrong_key = next((o["key"] for o in it["options"] if o["key"] not in right), None)
    if kind in ("single_choice", "true_false", "multiple_choice"):
        for key in right if correct else [wrong_key]:
            frame.check(f"#o-{key}")
    elif kind == "fill_in":
        frame.fill("#answer", text if text is not None else (it["answers"][0] if correct else "no idea"))
    elif kind == "matching":
        targets = right if correct else right[1:] + right[:1]
        for k, key in enumerate(targets):
            frame.select_option(f"#m-{k}", key)
    elif kind == "ordering":
        target = right if correct else right[::-1]
        for pos, key in enumerate(target):
            at = order_of(frame).index(key)
            for _ in range(at - pos):
                frame.click(f".order li >> nth={at} >> button >> nth=0")
                at -= 1
    frame.click("#check")
    frame.wait_for_selector(".feedback .verdict")


# The screen's one next step: Check answer on an open question, the screen's own button (start the
# assessment, review), else Next; where it is on the page without scrolling, and how wide the page is.
_PRIMARY = """() => {
  const shown = e => e && !e.hidden && e.getClientRects().length > 0;
  const check = document.getElementById('check'), next = document.getElementById('next');
  const start = document.querySelector('#screen button.primary');
  const primary = shown(check) ? check : shown(start) ? start : shown(next) && !next.disabled ? next : null;
  const r = primary && primary.getBoundingClientRect();
  return {label: primary ? primary.textContent : null, top: r ? r.top : 0, bottom: r ? r.bottom : 0,
          width: innerWidth, height: innerHeight, scrollWidth: document.documentElement.scrollWidth};
}"""


def assert_fits(frame: Frame, where: str) -> None:
    """The screen's next step is in view without scrolling, and nothing pushes the page sideways."""
    got: dict[str, Any] = frame.evaluate(_PRIMARY)
    assert got["scrollWidth"] <= got["width"], (where, got)
    if got["label"] is not None:
        assert got["top"] >= 0 and got["bottom"] <= got["height"], (where, got)
