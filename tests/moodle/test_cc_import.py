"""The programme's Common Cartridge (cc/<program>.imscc) imported by the real Moodle 4.5 through its own converters.

php/cp_backup.php does what the Restore page does with an uploaded .imscc: detect the format (imscc11), convert it
(imscc11 → moodle1 → moodle2, after validating the manifest against the CC 1.1 schemas) and restore it as a new
course; then it counts what Moodle made. Counts are compared with the resolved Course (the YAML).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from builder.resolve.course import Course

from .conftest import Built
from .site import REPO, Moodle
from .test_imports import words

pytestmark = [pytest.mark.slow, pytest.mark.moodle, pytest.mark.xdist_group("moodle-cc")]
HELPER = Path(__file__).resolve().parent / "php" / "cp_backup.php"
MINIMAL = REPO / "tests" / "projects" / "minimal"
QTYPE = {"single_choice": "multichoice", "multiple_choice": "multichoice", "true_false": "truefalse",
         "fill_in": "shortanswer", "matching": "multichoice", "ordering": "multichoice"}  # CC 1.1 has six types


@pytest.fixture(scope="module")
def imscc(built: Built) -> Path:
    """The cartridge as `coursepack build` writes it (conftest.built)."""
    [found] = sorted((built.out / "cc").glob("*.imscc"))
    return found


@pytest.fixture(scope="module")
def imported(moodle: Moodle, imscc: Path) -> dict[str, Any]:
    return moodle.run(HELPER, "--action=imscc", f"--file={imscc}")


def test_moodle_converts_and_restores_the_cartridge_cleanly(imported: dict[str, Any]) -> None:
    assert imported["format"] == "imscc11"
    assert imported["precheck"] == [] and imported["log_problems"] == []


def test_a_page_per_lesson_and_task_a_quiz_per_set_the_guides_and_the_handbook(imported: dict[str, Any],
                                                                              course: Course) -> None:
    lessons = sum(len(s.lessons) for s in course.sets)
    tasks = sum(len(s.portfolio) for s in course.sets)
    assert imported["modules"] == {"page": 1 + lessons + tasks, "resource": 1 + len(course.sets),
                                   "quiz": len(course.sets)}
    files = {a["section"]: a["files"] for a in imported["activities"] if a["modname"] == "resource"}
    assert files[0] == ["handbook.pdf"]
    quizzes = {a["name"]: a for a in imported["activities"] if a["modname"] == "quiz"}
    for n, cset in enumerate(course.sets_by_rule(), start=1):  # the programme's section is the first, 0
        assert files[n] == [f"{cset.code}.pdf"], cset.code  # the set's study guide, as a File in its section
        quiz = quizzes[f"{cset.code} assessment"]
        assert quiz["section"] == n and quiz["slots"] == len(cset.items), cset.code
        # Moodle 4.5's converter puts each question in its quiz with a mark of 1 and writes every quiz with
        # "Total of marks" 4 and "Maximum grade" 10, whatever its questions (its templates in backup/cc/sheets):
        # docs/lms/common-cartridge.md says how to fix a quiz after importing
        assert (quiz["marks"], quiz["sumgrades"], quiz["grade"]) == (len(cset.items), 4, 10), cset.code
    qtypes: dict[str, int] = {}
    for it in (it for s in course.sets for it in s.items):
        qtypes[QTYPE[it.type]] = qtypes.get(QTYPE[it.type], 0) + 1
    assert imported["qtypes"] == qtypes


def test_the_imported_questions_hold_the_yaml_keys(moodle: Moodle, imported: dict[str, Any], course: Course) -> None:
    """Each question as Moodle's importer made it (named by the item id): the mark is the item's points, the right
    choices, true/false answer or accepted answers are the YAML's; a matching or ordering item has one right
    arrangement among its choices. A multiple response comes in as Moodle's importer makes it: an equal share
    per right choice and nothing off for a wrong one (docs/lms/common-cartridge.md)."""
    loaded = {q["name"]: q for q in moodle.site("questions", course=imported["course"]["shortname"])["questions"]}
    for it in (it for s in course.sets for it in s.items):
        q = loaded[it.id]
        assert q["defaultmark"] == it.points, it.id
        right = sorted(words(a["text"]) for a in q.get("answers", []) if a["fraction"] > 0)
        if it.type == "true_false":
            assert q["right"] == it.correct_keys[0], it.id
        elif it.type == "fill_in":
            assert right == sorted(words(a) for a in it.answers), it.id  # type: ignore[attr-defined]
        elif it.type in ("single_choice", "multiple_choice"):
            texts = {o.key: words(o.text) for o in it.choices}  # type: ignore[attr-defined]
            assert right == sorted(texts[k] for k in it.correct_keys), it.id
        else:
            assert len(right) == 1, it.id


def test_importing_twice_does_not_clash(moodle: Moodle, tmp_path: Path) -> None:
    """The same cartridge twice (the minimal project's, to keep it quick): two courses, alike."""
    out = tmp_path / "dist"
    done = subprocess.run([sys.executable, "-m", "builder", "build", str(MINIMAL), "--out", str(out), "--format",
                           "cc"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    [small] = sorted((out / "cc").glob("*.imscc"))
    first, again = (moodle.run(HELPER, "--action=imscc", f"--file={small}") for _ in range(2))
    assert again["course"]["id"] != first["course"]["id"]
    assert again["course"]["shortname"] != first["course"]["shortname"]
    assert again["modules"] == first["modules"] and again["qtypes"] == first["qtypes"]
    assert first["modules"]["quiz"] == 1 and first["log_problems"] == again["log_problems"] == []
