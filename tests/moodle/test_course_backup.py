"""The programme's course backup (moodle/<program>.mbz) restored by the real Moodle 4.5, read back from its database.

The restore is Moodle's own CLI (admin/cli/restore_backup.php, a new course in the default category); what
it stored is read through Moodle's API by php/cp_course.php. The competency framework (competency_csv) is
imported first, as the docs tell a trainer to, so that restore can link the course and its activities to it.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from builder.formats.moodle.course_backup import framework_idnumber
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

from .conftest import Built
from .expectations import edges
from .learner import learner_in
from .site import REPO, Moodle
from .test_imports import QTYPE, expected_answers, moodle_answers
from .test_player_in_moodle import play_through

pytestmark = [pytest.mark.slow, pytest.mark.moodle, pytest.mark.xdist_group("moodle-backup")]
COMPLETION_INCOMPLETE, COMPLETION_COMPLETE = 0, 1  # lib/completionlib.php
HELPER = Path(__file__).resolve().parent / "php" / "cp_course.php"
BACKUP = Path(__file__).resolve().parent / "php" / "cp_backup.php"
GRADE_TYPE_NONE = 0  # lib/grade/constants.php
RULE_NONE, RULE_EVIDENCE = 0, 1  # core_competency course_module_competency::OUTCOME_NONE, OUTCOME_EVIDENCE

# docs/lms/moodle-scorm.md, "Recommended settings", as mod_scorm stores them
RECOMMENDED = {"version": "SCORM_1.2", "grademethod": "1", "maxgrade": "100", "whatgrade": "0",
               "forcenewattempt": "1", "skipview": "2", "hidetoc": "3", "masteryoverride": "1",
               "forcecompleted": "0", "completionstatusrequired": "2", "popup": "0"}


@pytest.fixture(scope="module")
def mbz(built: Built) -> Path:
    """The course backup as `coursepack build` writes it, the competency CSV beside it (conftest.built)."""
    found = sorted((built.out / "moodle").glob("*.mbz"))
    assert len(found) == 1, found
    return found[0]


def _restore(moodle: Moodle, mbz: Path) -> int:
    done = subprocess.run(["php", str(moodle.dirroot / "admin" / "cli" / "restore_backup.php"), f"--file={mbz}",
                           "--categoryid=1"], capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert not re.search(r"(?i)exception|error|warning|notice", output), output
    found = re.search(r"Restored course ID: (\d+)", output)
    assert found, output
    return int(found.group(1))


@pytest.fixture(scope="module")
def framework(moodle: Moodle, mbz: Path, course: Course) -> str:
    """The framework on the site before the restore (docs: framework first, then restore). Its id number can be
    imported once per site: a long-lived site that has it from an earlier run keeps it, unless its competencies
    are no longer the curriculum's (then the helper renames the old one out of the way)."""
    idnumber = framework_idnumber(course)
    csv = mbz.parent / "competencies.csv"
    if not moodle.run(BACKUP, "--action=framework", f"--idnumber={idnumber}", f"--expect={csv}")["exists"]:
        # another run on the same site may import it at the same moment: then its import stands
        report = moodle.shared("competency_import.php", f"--file={csv}", ok=(0, 1, 2))
        assert not report.get("dropped_rows"), report
    found = moodle.run(BACKUP, "--action=framework", f"--idnumber={idnumber}")
    assert found["competencies"] == len(course.sets) + sum(len(s.outcomes) for s in course.sets)
    return idnumber


@pytest.fixture(scope="module")
def restored(moodle: Moodle, mbz: Path, framework: str) -> dict[str, Any]:
    courseid = _restore(moodle, mbz)
    return moodle.run(HELPER, "--action=read", f"--courseid={courseid}")


def test_restores_into_a_course_with_a_section_per_set_in_programme_order(restored: dict[str, Any]) -> None:
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO)
    assert sources is not None
    course = resolve(sources)
    sets = course.sets_by_rule()
    # required sets first, then electives
    assert [s.required for s in sets] == sorted((s.required for s in sets), reverse=True)
    info = restored["course"]
    # a second restore on a long-lived site gets "… copy N" and "<id>_N": the programme's names are the stem
    assert info["fullname"].startswith(course.program.title) and info["shortname"].startswith(course.program.id)
    assert info["format"] == "topics" and restored["completion_enabled"]
    sections = restored["sections"]
    assert "Program rules" in sections[0]["summary"]
    assert [a["modname"] for a in sections[0]["activities"]] == ["resource"]
    assert [s["name"] for s in sections[1:]] == [f"{s.code} {s.title}" for s in sets]
    for section, cset in zip(sections[1:], sets, strict=True):
        rule = "Required set." if cset.required else "Elective set."
        assert rule in section["summary"], section["name"]
        assert [a["modname"] for a in section["activities"]] == (["scorm", "quiz"] + ["assign"] * len(cset.portfolio)
                                                                 + ["resource"])
        # the set's study guide, last: the pdf format's <set>.pdf as a File
        guide = section["activities"][-1]
        assert guide["idnumber"] == f"{cset.code}-guide" and guide["name"].endswith("study guide (PDF)")
        assert [(f["filename"], f["mimetype"]) for f in guide["files"]] == [(f"{cset.code}.pdf", "application/pdf")]
        activity = section["activities"][0]
        assert activity["idnumber"] == cset.code
        scorm = activity["scorm"]
        assert {k: scorm[k] for k in RECOMMENDED} == RECOMMENDED, cset.code
        assert scorm["maxattempt"] == str(cset.attempts)
        # completion: automatic, on status "passed" only
        assert activity["completion"] == 2
        # the package was restored as Moodle's parser leaves it: one SCO, launched, with the mastery score
        assert activity["sco_count"] == 1 and activity["launch_sco"] == f"ITEM-{cset.code}"
        assert activity["sco_data"]["masteryscore"] == f"{cset.pass_percent:g}"
        assert activity["package_files"] == [f"{cset.code}.zip"] and activity["package_sha1_matches"]
        assert {"imsmanifest.xml", "index.html"} <= set(activity["content_files"])
        assert activity["grade_item"] == {"grademax": 100, "gradepass": cset.pass_percent,
                                          "itemname": f"{cset.code} {cset.title}"}


def test_each_portfolio_task_is_an_assignment_graded_with_its_rubric(restored: dict[str, Any]) -> None:
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO)
    assert sources is not None
    by_id = {a["idnumber"]: a for s in restored["sections"] for a in s["activities"] if a["modname"] == "assign"}
    tasks = [t for s in resolve(sources).sets for t in s.portfolio]
    assert sorted(by_id) == sorted(t.id for t in tasks)
    for task in tasks:
        activity = by_id[task.id]
        assert activity["assign"]["grade"] == 100 and activity["assign"]["completionsubmit"] == 1
        assert activity["completion"] == 2  # automatic: complete once submitted
        assert all(html.escape(e) in activity["assign"]["intro"] for e in task.evidence)
        assert activity["plugins_enabled"] == ["assignfeedback_comments", "assignsubmission_file",
                                               "assignsubmission_onlinetext"]
        assert activity["grading_method"] == "rubric" and activity["rubric_ready"], task.id
        assert activity["rubric"]["criteria"] == [
            {"description": c.name,
             "levels": [{"score": lv.points, "definition": f"{lv.name}: {d}"}
                        for lv, d in zip(task.levels, c.descriptors, strict=True)]}
            for c in task.criteria
        ], task.id


def test_restoring_twice_does_not_clash(moodle: Moodle, mbz: Path, restored: dict[str, Any]) -> None:
    again = moodle.run(HELPER, "--action=read", f"--courseid={_restore(moodle, mbz)}")
    assert again["course"]["id"] != restored["course"]["id"]
    assert again["course"]["shortname"] != restored["course"]["shortname"]
    assert [s["name"] for s in again["sections"]] == [s["name"] for s in restored["sections"]]


def test_a_learner_passes_a_set_and_the_gradebook_and_completion_move(
    moodle: Moodle, restored: dict[str, Any], browser: Browser, run_id: str
) -> None:
    """Played in Moodle's own player inside the restored course: the lowest passing score of the set with the
    fewest items (to keep it short) reaches the gradebook as the percentage and completes the activity."""
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO)
    assert sources is not None
    cset = min(resolve(sources).sets, key=lambda s: (len(s.items), s.code))
    section = next(s for s in restored["sections"] if s["name"] == f"{cset.code} {cset.title}")
    cmid = section["activities"][0]["cmid"]
    username = f"cpbk{run_id}"
    moodle.site("learner", course=restored["course"]["shortname"], username=username)
    passing, _ = edges(cset)
    with learner_in(browser, moodle, username) as learner:
        assert learner.state(cmid)["completion"] == COMPLETION_INCOMPLETE
        player = learner.enter(cmid)  # skip content structure page "Always": straight into the package
        play_through(player, passing)
        learner.leave(restored["course"]["id"])
        state = learner.state(cmid)
    assert state["tracks"]["1"]["cmi.core.lesson_status"] == "passed"
    assert float(state["grade"]) == pytest.approx(passing.pct)
    assert float(state["gradepass"]) == pytest.approx(cset.pass_percent)
    assert state["completion"] == COMPLETION_COMPLETE


def test_the_handbook_pdf_is_a_file_resource_on_top(restored: dict[str, Any], mbz: Path) -> None:
    handbook = restored["sections"][0]["activities"][0]
    assert handbook["name"].endswith("handbook (PDF)") and handbook["modname"] == "resource"
    [pdf] = handbook["files"]
    assert (pdf["filename"], pdf["mimetype"], pdf["sortorder"]) == ("handbook.pdf", "application/pdf", 1)
    assert pdf["filesize"] > 100_000


def _draws(cset: Any) -> dict[str, int]:
    """Questions drawn per outcome: half the outcome's questions in the bank, rounded up."""
    counts: dict[str, int] = {}
    for item in cset.items:
        counts[item.outcomes[0]] = counts.get(item.outcomes[0], 0) + 1
    return {o: (n + 1) // 2 for o, n in counts.items()}


def test_each_set_has_a_practice_quiz_drawing_from_its_outcome_categories(
    moodle: Moodle, restored: dict[str, Any], course: Course
) -> None:
    categories = {c["idnumber"]: c for c in restored["categories"] if c["idnumber"]}
    for cset in course.sets_by_rule():
        section = next(s for s in restored["sections"] if s["name"] == f"{cset.code} {cset.title}")
        quiz = section["activities"][1]
        assert quiz["modname"] == "quiz" and quiz["idnumber"] == f"{cset.code}-PRACTICE"
        # one random question per slot, each from an outcome category of the course's own bank
        slots = quiz["slots"]
        assert all(s["random"] and not s["fixed"] and s["category_context_is_course"] for s in slots), cset.code
        drawn: dict[str, int] = {}
        for s in slots:
            drawn[s["category"]] = drawn.get(s["category"], 0) + 1
        assert drawn == _draws(cset), cset.code
        assert quiz["quiz"]["sumgrades"] == len(slots) == quiz["slot_count"]
        # practice: marks for the learner, nothing in the gradebook's total (a quiz with maximum grade 0)
        assert (quiz["quiz"]["grade"], quiz["quiz"]["gradetype"]) == (0, GRADE_TYPE_NONE)
        assert quiz["quiz"]["completionminattempts"] == 1
        assert quiz["completion"] == 2
        # the bank's tree: top / programme / set / an outcome each (+ the portfolio), as the XML import makes it
        assert categories[cset.code]["parent"] == course.program.short_title
        for o in cset.outcomes:
            items = sorted(it.id for it in cset.items if it.outcomes[0] == o.id)
            if items:
                assert categories[o.id]["parent"] == f"{cset.code} {cset.title}"
                assert sorted(categories[o.id]["questions"]) == items, o.id
        if cset.portfolio:
            assert sorted(categories[f"{cset.code}-PORTFOLIO"]["questions"]) == sorted(t.id for t in cset.portfolio)
    # Moodle's own attempt start resolves every random slot to a question of the slot's category
    cset = course.sets_by_rule()[0]
    section = next(s for s in restored["sections"] if s["name"] == f"{cset.code} {cset.title}")
    attempt = moodle.run(BACKUP, "--action=attempt", f"--cmid={section['activities'][1]['cmid']}")
    drawn_ids = [d["idnumber"] for d in attempt["drawn"]]
    assert len(drawn_ids) == sum(_draws(cset).values()) == len(set(drawn_ids))
    by_id = {it.id: it for it in cset.items}
    assert all(by_id[d["idnumber"]].outcomes[0] == d["category"] for d in attempt["drawn"])


def test_the_bank_questions_hold_the_yaml_keys(moodle: Moodle, restored: dict[str, Any], course: Course) -> None:
    """Every question restored from questions.xml, loaded through Moodle's question bank: the same type, mark
    and answer key as the YAML (what test_imports checks for the Moodle XML import of the same bank)."""
    loaded = {q["idnumber"]: q for q in moodle.site("questions", course=restored["course"]["shortname"])["questions"]}
    items = [it for s in course.sets for it in s.items]
    tasks = [t for s in course.sets for t in s.portfolio]
    assert sorted(loaded) == sorted([it.id for it in items] + [t.id for t in tasks])
    for it in items:
        q = loaded[it.id]
        assert (q["qtype"], q["defaultmark"]) == (QTYPE[it.type], it.points), it.id
        assert q["category"].startswith(it.outcomes[0] + " "), it.id
        assert moodle_answers(q, it.type) == expected_answers(it), it.id
    for task in tasks:
        assert (loaded[task.id]["qtype"], loaded[task.id]["defaultmark"]) == ("essay", task.max_points)


def test_course_and_activities_link_to_the_framework_outcomes(restored: dict[str, Any], course: Course,
                                                            framework: str) -> None:
    outcomes = [o.id for s in course.sets_by_rule() for o in s.outcomes]
    assert restored["course_competencies"] == [[framework, o, RULE_NONE] for o in outcomes]
    tasks = {t.id: t for s in course.sets for t in s.portfolio}
    for cset in course.sets_by_rule():
        section = next(s for s in restored["sections"] if s["name"] == f"{cset.code} {cset.title}")
        own = [o.id for o in cset.outcomes]
        for activity in section["activities"]:
            if activity["modname"] == "scorm":
                assert activity["competencies"] == [[framework, o, RULE_EVIDENCE] for o in own]
            elif activity["modname"] == "quiz":
                assert activity["competencies"] == [[framework, o, RULE_NONE] for o in own]
            elif activity["modname"] == "assign":
                task = tasks[activity["idnumber"]]
                assert activity["competencies"] == [[framework, o, RULE_EVIDENCE] for o in task.outcomes]
            else:  # the study guide: reading it is evidence of nothing
                assert (activity["modname"], activity["competencies"]) == ("resource", [])
