"""Themes end to end: `--theme high-contrast` builds a player axe-core finds nothing wrong with, `theme:` in
program.yaml selects it too, and a third-party theme folder that overrides one template changes only that."""

from __future__ import annotations

import difflib
import functools
import shutil
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page
from support.answering import answer_question, content_of, current_item
from support.projects import MINIMAL, course_of

from builder.cli import main
from builder.formats.base import Options
from builder.formats.pdf.writer import prepare
from builder.render.context import WriteContext
from builder.render.themes import THEMES_DIR, load_theme

from .conftest import ARTIFACTS, _Quiet, run_axe

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-themes")]

BRAND = '<p class="brand">Acme Library Academy</p>'


def build_zip(project: Path, out: Path, theme: str | None = None) -> Path:
    """`coursepack build --format scorm12` in-process; the set's package."""
    args = ["build", str(project), "--format", "scorm12", "--out", str(out), "-j", "1", "--quiet"]
    assert main(args + (["--theme", theme] if theme else [])) == 0
    return out / "scorm12" / "TST.zip"


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@contextmanager
def served(package: Path, folder: Path) -> Iterator[str]:
    with zipfile.ZipFile(package) as zf:
        zf.extractall(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html"
    finally:
        server.shutdown()
        server.server_close()


def test_high_contrast_player_passes_axe_on_every_screen_type(page: Page, tmp_path: Path) -> None:
    package = build_zip(MINIMAL, tmp_path / "dist", "high-contrast")
    assert "player/theme.css" in entries(package)
    with served(package, tmp_path / "site") as url:
        page.goto(url)
        page.wait_for_selector("#screen h2")
        look = page.evaluate(
            "() => { const r = getComputedStyle(document.documentElement), b = getComputedStyle(document.body);"
            " return [r.backgroundColor, b.color, r.fontSize]; }"
        )
        assert look == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "20px"]  # black, white, 125 % of 16 px
        page.click("#next")  # the first lesson
        assert page.inner_text("#screen h2") == "Call numbers"
        page.keyboard.press("Tab")
        focused = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
        assert focused == "rgb(255, 255, 0)"
        assert run_axe(page.main_frame) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "high-contrast-lesson.png"))
        page.locator("#toc button", has_text="Assessment").click()
        page.click("#screen button.primary")
        page.wait_for_selector("form[data-item]")
        assert run_axe(page.main_frame) == []
        page.check("#o-a")  # wrong on purpose: the "not correct" colours
        page.click("#check")
        page.wait_for_selector(".feedback .verdict")
        assert run_axe(page.main_frame) == []
        page.screenshot(path=str(ARTIFACTS / "high-contrast-question.png"))
        # every other question type, before and after its (wrong) answer, the results and the review
        content = content_of(page.main_frame)
        page.click("#next")
        while page.locator("form[data-item]").count():
            it = current_item(page.main_frame, content)
            assert run_axe(page.main_frame) == [], it["id"]
            answer_question(page.main_frame, it, correct=False)
            assert run_axe(page.main_frame) == [], it["id"] + " answered"
            page.click("#next")
        assert run_axe(page.main_frame) == [], "results"
        page.click("#screen button.secondary")
        page.wait_for_selector("form[data-item]")
        assert run_axe(page.main_frame) == [], "review"


def test_high_contrast_pdf_uses_its_stylesheet_after_the_default() -> None:
    course = course_of(MINIMAL)
    html = prepare(course, "TST", WriteContext(load_theme("high-contrast"), "en"), Options()).html
    default = (THEMES_DIR / "default" / "static" / "pdf" / "print.css").as_uri()
    ours = (THEMES_DIR / "high-contrast" / "static" / "pdf" / "theme.css").as_uri()
    assert default in html and ours in html
    assert html.index(default) < html.index(ours)  # later wins: the theme's properties override


def test_theme_in_program_yaml_selects_it(tmp_path: Path) -> None:
    project = tmp_path / "cur"
    shutil.copytree(MINIMAL, project)
    program = project / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8") + "theme: high-contrast\n", encoding="utf-8")
    files = entries(build_zip(project, tmp_path / "dist"))
    assert files["player/theme.css"] == (THEMES_DIR / "high-contrast" / "static" / "player" / "theme.css").read_bytes()
    assert b'href="player/theme.css"' in files["index.html"]


def test_a_third_party_theme_overriding_one_template_changes_only_that(page: Page, tmp_path: Path) -> None:
    acme = tmp_path / "themes" / "acme"
    (acme / "templates" / "player").mkdir(parents=True)
    (acme / "theme.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    original = (THEMES_DIR / "default" / "templates" / "player" / "index.html").read_text(encoding="utf-8")
    anchor = '<header class="top">\n'
    assert anchor in original
    (acme / "templates" / "player" / "index.html").write_text(
        original.replace(anchor, anchor + f"  {BRAND}\n"), encoding="utf-8"
    )
    default = entries(build_zip(MINIMAL, tmp_path / "default", "default"))
    themed_zip = build_zip(MINIMAL, tmp_path / "acme-dist", str(acme))  # given by path, not by name
    themed = entries(themed_zip)
    assert themed.keys() == default.keys()
    assert [n for n in default if default[n] != themed[n]] == ["index.html"]  # player files and manifest unchanged
    before, after = (files["index.html"].decode().splitlines() for files in (default, themed))
    diff = [line for line in difflib.ndiff(before, after) if line[:1] in "+-?"]
    assert diff == [f"+   {BRAND}"]
    with served(themed_zip, tmp_path / "site") as url:
        page.goto(url)
        page.wait_for_selector("#screen h2")  # the player still runs
        assert page.inner_text("header.top .brand") == "Acme Library Academy"
