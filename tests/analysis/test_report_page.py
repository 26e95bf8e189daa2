"""The HTML report in a real browser: axe-core finds nothing, and it loads nothing from anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.chromium import fresh_page, launched

from builder.analysis import Thresholds, run
from builder.analysis.page import as_html
from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

from .cohort import cohort, moodle_report, plan_for

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.slow
def test_the_report_page_is_axe_clean_and_self_contained(tmp_path: Path) -> None:
    sources, _ = check_curriculum(REPO / "curriculum")
    assert sources is not None
    course = resolve(sources)
    cset = course.set("TEC")
    report = tmp_path / "tec.txt"
    report.write_text(moodle_report(cohort(cset, "zqcand", plan_for(cset)), "Technology"), encoding="utf-8")
    analysis, _ = run(course, [report], Thresholds(), {})
    assert analysis is not None
    page_file = tmp_path / "report.html"
    page_file.write_text(as_html(analysis, "LSSC: item analysis"), encoding="utf-8")
    with launched() as browser, fresh_page(browser, 1280, 900, 20_000) as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        page.evaluate(AXE.read_text(encoding="utf-8"))
        violations: list[dict[str, Any]] = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.html)}))")
        assert violations == []
        assert requests == [page_file.as_uri()]
        assert page.locator("svg[role=img]").count() >= 4
