"""Lessons' readings, activities and discussion prompts; the programme's evaluation scale and pass rule."""

from __future__ import annotations

from pathlib import Path

from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

BODY = "      Put three books in order.\n"
READING = (
    "    readings:\n"
    "      - author: American Library Association\n"
    "        title: Library Bill of Rights & its interpretations\n"
    "        year: 2019\n"
    "        url: {url}\n"
    "        note: Read it <b>before</b> lesson 2.\n"
    "    activities:\n"
    "      - Shelve a **cart** of returns.\n"
    "    discussion:\n"
    "      - Which shelf is hardest to keep in order, and why?\n"
)
SCALE = (
    "evaluation:\n"
    "  scale:\n"
    "    - {name: Not met, points: 0, description: Missing.}\n"
    "    - {name: Met, points: 2, met: true, description: Shown.}\n"
    "  pass_rule: Every criterion Met.\n"
)


def _lesson_extras(root: Path, url: str = "https://www.ala.org/advocacy/intfreedom/librarybill") -> None:
    f = root / "sets" / "tst.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(BODY, BODY + READING.format(url=url), 1), encoding="utf-8")


def _codes(root: Path) -> list[tuple[str, int]]:
    return [(d.code, d.loc.line) for d in check_curriculum(root, base=root)[1]]


def _scale(root: Path, drop_levels: bool = True) -> None:
    (root / "program.yaml").write_text((root / "program.yaml").read_text(encoding="utf-8") + SCALE, encoding="utf-8")
    if drop_levels:
        f = root / "sets" / "tst.yaml"
        levels = "      levels:\n        - {name: Not met, points: 0}\n        - {name: Met, points: 2}\n"
        f.write_text(f.read_text(encoding="utf-8").replace(levels, ""), encoding="utf-8")


def test_readings_activities_and_discussion_resolve_escaped(minimal: Path) -> None:
    _lesson_extras(minimal)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None and diags == []
    lesson = resolve(sources).sets[0].lessons[0]
    (reading,) = lesson.readings
    assert reading.year == 2019 and reading.publisher is None
    assert reading.html == (
        "American Library Association. <cite>Library Bill of Rights &amp; its interpretations</cite>. 2019."
        ' <a href="https://www.ala.org/advocacy/intfreedom/librarybill">'
        "https://www.ala.org/advocacy/intfreedom/librarybill</a>"
        ' <span class="reading-note">Read it &lt;b&gt;before&lt;/b&gt; lesson 2.</span>'
    )
    assert lesson.activities_html == ("<p>Shelve a <strong>cart</strong> of returns.</p>",)
    assert len(lesson.discussion_html) == 1


def test_a_reading_address_must_be_http_or_https(minimal: Path) -> None:
    for url in ("javascript:alert(1)", "ftp://example.org/x", "www.ala.org/rusa", "https://ala.org/a b"):
        target = minimal.parent / url.replace("/", "_").replace(":", "_").replace(" ", "_")
        target.mkdir()
        for name in ("program.yaml", "sets"):
            src = minimal / name
            if src.is_dir():
                (target / "sets").mkdir()
                (target / "sets" / "tst.yaml").write_text((src / "tst.yaml").read_text())
            else:
                (target / name).write_text(src.read_text())
        _lesson_extras(target, url=f'"{url}"')
        diags = check_curriculum(target, base=target)[1]
        assert [d.loc.line for d in diags if d.severity.value == "error"] == [26], url
        assert "http or https" in diags[0].message


def test_rubrics_without_levels_rate_on_the_programme_scale_and_carry_its_rule(minimal: Path) -> None:
    _scale(minimal)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None and diags == []
    course = resolve(sources)
    (task,) = course.sets[0].portfolio
    assert [(lv.name, lv.points) for lv in task.levels] == [("Not met", 0), ("Met", 2)]
    assert task.pass_rule_html == "<p>Every criterion Met.</p>"
    assert [lv.met for lv in course.program.scale] == [False, True]
    portfolio = next(r for r in course.program.routes if r.id == "portfolio")
    assert portfolio.pass_rule_html == task.pass_rule_html  # printed by the guide and handbook route sections


def test_a_rubric_with_other_levels_than_the_scale_is_a_warning(minimal: Path) -> None:
    _scale(minimal, drop_levels=False)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("{name: Met, points: 2}", "{name: Exemplary, points: 3}"))
    assert _codes(minimal) == [("rubric-scale", 90)]


def test_descriptors_must_match_the_programme_scale(minimal: Path) -> None:
    _scale(minimal)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("[Errors remain, All fixed]", "[Errors remain, Some fixed, All fixed]"))
    assert [c for c, _ in _codes(minimal)] == ["rubric-shape"]


def test_no_scale_anywhere_is_an_error(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("      levels:\n        - {name: Not met, points: 0}\n"
                                       "        - {name: Met, points: 2}\n", ""))
    assert [c for c, _ in _codes(minimal)] == ["rubric-no-scale"]


def test_the_pass_rule_is_declared_once(minimal: Path) -> None:
    _scale(minimal)
    p = minimal / "program.yaml"
    p.write_text(p.read_text().replace(
        "    description: Submit the portfolio task for review.\n",
        "    description: Submit the portfolio task for review.\n    pass_rule: Two reviewers agree.\n",
    ))
    assert [c for c, _ in _codes(minimal)] == ["pass-rule-twice"]


def test_a_scale_needs_a_level_that_counts_as_met(minimal: Path) -> None:
    _scale(minimal)
    p = minimal / "program.yaml"
    p.write_text(p.read_text().replace(", met: true", ""))
    diags = check_curriculum(minimal, base=minimal)[1]
    assert any("counts as met" in d.message for d in diags)
