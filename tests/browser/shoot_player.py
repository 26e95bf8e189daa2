"""Screenshots of each player screen type for docs/lms/player.md, on a phone and on a desktop.

    .venv/bin/python -m tests.browser.shoot_player [--out docs/images/player]

Not a test: it builds the web export of the bundled curriculum, walks one set's screens in Debian's
chromium at 390x844 and 1280x800 and writes <size>-<screen>.png: about, lesson, contents (phone),
assessment, each question type before it is answered (the choice types once answered wrong, with
their feedback), results and review. Look at every image before committing it.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Page
from support.answering import answer_question, content_of, current_item
from support.chromium import fresh_page, launched
from support.projects import REPO, real_sets

from builder.build.pipeline import build
from builder.rules.check import check_curriculum

from .conftest import _Quiet

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
ANSWER_FIRST = {"single_choice", "multiple_choice", "true_false", "fill_in"}  # shown answered (wrong) only


def _set_with_most_types(web: Path, page: Page, url: str) -> str:
    best, most = "", -1
    for index in sorted(web.glob("*/index.html")):
        page.goto(f"{url}/{index.parent.name}/index.html")
        kinds = {it["type"] for it in content_of(page.main_frame)["items"]}
        if len(kinds) > most:
            best, most = index.parent.name, len(kinds)
    return best


def shoot(page: Page, url: str, code: str, size: str, out: Path) -> list[str]:
    shots: list[str] = []

    def snap(name: str) -> None:
        page.mouse.move(0, 0)  # no button in its hover colours
        page.wait_for_timeout(50)
        path = out / f"{size}-{name}.png"
        page.screenshot(path=str(path))
        # 256 colours (octree keeps the few green and red pixels): a third of the bytes
        Image.open(path).convert("RGB").quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
            path, optimize=True)
        shots.append(path.name)

    page.goto(f"{url}/{code}/index.html")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_selector("#screen h2")
    content: dict[str, Any] = content_of(page.main_frame)
    snap("about")
    page.click("#next")
    snap("lesson")
    if page.is_visible("#toc-toggle"):
        page.click("#toc-toggle")
        snap("contents")
        page.click("#toc-toggle")
    while page.locator("#screen button.primary").count() == 0:
        page.click("#next")
    snap("assessment")
    page.click("#screen button.primary")
    done: set[str] = set()
    while page.locator("form[data-item]").count():
        it = current_item(page.main_frame, content)
        kind = it["type"]
        if kind not in done and kind not in ANSWER_FIRST:
            snap(kind.replace("_", "-"))
        answer_question(page.main_frame, it, correct=False)  # wrong: the fullest feedback
        if kind not in done:
            snap(kind.replace("_", "-") + "-feedback")
        done.add(kind)
        page.click("#next")
    snap("results")
    page.click("#screen button.secondary")
    page.wait_for_selector("form[data-item] .feedback .verdict")
    snap("review")
    return shots


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "images" / "player")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # the bundled programme itself when it checks clean (its own title in the header)
        project = REPO / "curriculum" if check_curriculum(REPO / "curriculum", base=REPO)[0] else real_sets(work)
        result = build(project, work / "dist", ["web"], workers=1, cache_dir=work / "cache")
        assert result.ok, [d.render() for d in result.diagnostics]
        web = work / "dist" / "web"
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(web)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        with launched() as browser:
            for size, (w, h) in SIZES.items():
                with fresh_page(browser, w, h, 10_000) as page:
                    code = _set_with_most_types(web, page, url)
                    for name in shoot(page, url, code, size, args.out):
                        print(args.out / name)
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
