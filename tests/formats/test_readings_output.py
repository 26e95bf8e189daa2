"""Readings, activities, discussion prompts and the evaluation scale reach the player, guide, handbook and Moodle."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from builder.formats.base import Job, Made, Options
from builder.formats.moodle.assignment import assign_activity
from builder.formats.moodle.question_bank import question_bank
from builder.formats.pdf import writer as pdf
from builder.formats.player.package import content
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "check"))
from test_readings_and_scale import _lesson_extras, _scale  # noqa: E402

URL = "https://www.ala.org/advocacy/intfreedom/librarybill"


def _course(root: Path) -> Course:
    _lesson_extras(root, URL)
    _scale(root)
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    return resolve(sources)


def test_the_player_shows_the_lesson_material_after_the_text(minimal: Path) -> None:
    course = _course(minimal)
    ctx = WriteContext(load_theme("default"), "en")
    lesson = content(course, course.sets[0], ctx.catalogue, "1.2")["lessons"][0]
    more = lesson["more"]
    assert more.index("Try it at work") < more.index("To discuss") < more.index("Further reading")
    assert f'<a href="{URL}">' in more and "&lt;b&gt;before" in more


def test_the_player_leaves_out_an_empty_section(minimal: Path) -> None:
    sources, _ = check_curriculum(minimal, base=minimal)
    assert sources is not None
    course = resolve(sources)
    ctx = WriteContext(load_theme("default"), "en")
    assert content(course, course.sets[0], ctx.catalogue, "1.2")["lessons"][0]["more"] == ""


def test_guide_lists_readings_per_lesson_and_references_per_set_with_the_scale(minimal: Path) -> None:
    course = _course(minimal)
    for lang, refs, scale in (("en", "References", "Rating scale"), ("es", "Referencias", "Escala de valoración")):
        html = pdf.prepare(course, "TST", WriteContext(load_theme("default"), lang), Options("a4")).html
        assert 'id="references"' in html and refs in html
        assert html.count("<cite>Library Bill of Rights") == 2  # once after the lesson, once in the references
        assert scale in html and "Every criterion Met." in html
    handbook = pdf.prepare(course, None, WriteContext(load_theme("default"), "en"), Options("a4")).html
    assert handbook.count("<cite>Library Bill of Rights") == 1 and "Rating scale" in handbook


def test_moodle_grader_info_and_assignment_print_the_pass_rule(minimal: Path) -> None:
    course = _course(minimal)
    cset = course.sets[0]
    bank = question_bank(course, cset).decode()
    assert "Every criterion Met." in bank[bank.index("<graderinfo") :]
    files, _ = assign_activity(cset.portfolio[0], 5, 1, 0)
    assert "Every criterion Met." in files["activities/assign_5/assign.xml"].decode()


def test_references_list_each_source_once_sorted_even_without_an_author(minimal: Path) -> None:
    _lesson_extras(minimal, URL)
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("    activities:\n", "      - title: A guide with no named author\n"
                                       "      - author: Zed, Ann\n        title: Later in the alphabet\n"
                                       "    activities:\n", 1))
    _scale(minimal)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None, [d.render() for d in diags]
    html = pdf.prepare(resolve(sources), "TST", WriteContext(load_theme("default"), "en"), Options("a4")).html
    refs = html[html.index('<ul class="references">') :]
    refs = refs[: refs.index("</ul>")]
    assert refs.count("<li>") == 3
    assert refs.index("<cite>A guide") < refs.index("American Library") < refs.index("Zed, Ann")


def test_the_moodle_section_lists_each_source_once(minimal: Path) -> None:
    from builder.formats.moodle.course_backup import backup_entries

    _lesson_extras(minimal, URL)
    f = minimal / "sets" / "tst.yaml"
    again = (
        "      - author: American Library Association\n"
        "        title: Library Bill of Rights & its interpretations\n"
        "        note: A second note.\n"
    )
    f.write_text(f.read_text().replace("    activities:\n", again + "    activities:\n", 1))
    _scale(minimal)
    sources, diags = check_curriculum(minimal, base=minimal)
    assert sources is not None, [d.render() for d in diags]
    course = resolve(sources)
    package = minimal / "TST.zip"  # the scorm12 format's package, as the pipeline would hand it over
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("imsmanifest.xml", "<manifest/>")
    made = Made({Job("scorm12", s.code): {f"{s.code}.zip": package} for s in course.sets})
    entries, _ = backup_entries(course, WriteContext(load_theme("default"), "en"), made)
    section = next(v.decode() for k, v in entries.items() if k.endswith("section.xml") and b"Further reading" in v)
    assert section.count("Library Bill of Rights") == 1 and "Read it" in section and "A second note" not in section
