"""The coursepack player inside Moodle 4.5's own SCORM player, played as a learner in headless Chromium.

Each test builds nothing itself: the bundled curriculum is built once (conftest.built), each package is
added as a SCORM activity through Moodle's own code, once with the settings docs/lms/moodle-scorm.md
recommends and once with the activity form's defaults. Learners are fresh Moodle users. What Moodle stored
(tracks, gradebook, completion) is compared with what the YAML says, through expectations.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser
from support.answering import assert_fits as fits
from support.interactions import TYPES, expected, matches
from support.projects import course_of

from builder.resolve.course import CourseSet

from .conftest import Built
from .expectations import Script, edges, outcome_results
from .learner import Learner, Player, learner_in
from .site import REPO, Moodle

pytestmark = [pytest.mark.slow, pytest.mark.moodle]
CODE = "FND"  # the set the issue measured: 20 items, 5 of them worth 2 points, mastery 80 %
# docs/lms/moodle-scorm.md, "Recommended settings", as the activity form's fields (test_docs_table checks the page)
DOCS: dict[str, Any] = {
    "popup": 0,  # Display package: Current window
    "skipview": 2,  # Student skip content structure page: Always
    "hidetoc": 3,  # Display course structure in player: Disabled
    "grademethod": 1,  # Grading method: Highest grade
    "maxgrade": 100,
    "maxattempt": 0,  # Number of attempts: Unlimited
    "whatgrade": 0,  # Attempts grading: Highest attempt
    "forcenewattempt": 1,  # Force new attempt: When previous attempt completed, passed or failed
    "forcecompleted": 0,
    "auto": 0,
    "autocommit": 0,
    "masteryoverride": 1,
    "completion": 2,  # Completion tracking: Add requirements (automatic)
    "completionstatusrequired": 2,  # Require status: Passed (and not Completed)
}
COMPLETION_INCOMPLETE, COMPLETION_COMPLETE, COMPLETION_PASS, COMPLETION_FAIL = 0, 1, 2, 3

@pytest.fixture(scope="module")
def cset() -> CourseSet:
    return course_of(REPO / "curriculum").set(CODE)


class Course:
    """One Moodle course per version and test run, holding the two activities and the learners."""

    def __init__(self, moodle: Moodle, built: Built, version: str, run_id: str):
        self.moodle, self.version = moodle, version
        self.short = f"cp{version.replace('.', '')}-{run_id}"
        self.id = 0
        self.cmid: dict[str, int] = {}
        for setting, values in (("docs", DOCS), ("defaults", {})):
            made = moodle.site("activity", course=self.short, zip=str(built.zip(version, CODE)),
                               settings=json.dumps(values), name=f"{CODE} {setting}")
            assert made["version"] == ("SCORM_1.2" if version == "1.2" else "SCORM_1.3"), made
            assert made["output"] == "", made["output"]
            self.cmid[setting], self.id = made["cmid"], made["courseid"]
        self.learners = 0

    def new_learner(self) -> str:
        self.learners += 1
        name = f"{self.short}-l{self.learners}".lower()
        self.moodle.site("learner", course=self.short, username=name)
        return name


# a version's tests share its course, so each version is one xdist group (the two run side by side)
VERSIONS = [pytest.param(v, marks=pytest.mark.xdist_group(f"moodle-{v}")) for v in ("1.2", "2004")]


@pytest.fixture(scope="module", params=VERSIONS)
def course(request: pytest.FixtureRequest, moodle: Moodle, built: Built, run_id: str) -> Course:
    return Course(moodle, built, str(request.param), run_id)


@pytest.fixture
def learner(browser: Browser, moodle: Moodle, course: Course) -> Iterator[Learner]:
    with learner_in(browser, moodle, course.new_learner()) as someone:
        yield someone


# ---------------------------------------------------------------- reading what Moodle stored


def dotted(element: str) -> str:
    """Moodle stores SCORM 1.2's cmi.interactions.0.objectives.1.id as cmi.interactions_0.objectives_1.id."""
    return re.sub(r"_(\d+)(?=\.)", r".\1", element)


def indexed(tracks: dict[str, str], prefix: str) -> list[dict[str, str]]:
    """cmi.interactions.N.* (or objectives) as a list in N order, each with its fields."""
    rows: dict[int, dict[str, str]] = {}
    for element, value in ((dotted(k), v) for k, v in tracks.items()):
        m = re.fullmatch(re.escape(prefix) + r"\.(\d+)\.(.+)", element)
        if m:
            rows.setdefault(int(m[1]), {})[m[2]] = value
    return [rows[n] for n in sorted(rows)]


TOTAL_TIME = ("cmi.core.total_time", "cmi.total_time")


def unchanged_by_review(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Not one value the package writes changed, nor the time. Moodle computes the total time itself in
    Terminate, whose request it sends by beacon as the page goes: when that request of the earlier
    session never arrived, the review's Terminate stores the total for the first time (same time)."""
    for attempt, tracks in before["tracks"].items():
        later = after["tracks"][attempt]
        assert {k: v for k, v in later.items() if k not in TOTAL_TIME} == \
            {k: v for k, v in tracks.items() if k not in TOTAL_TIME}
        for key in TOTAL_TIME:
            if key in tracks:
                assert later[key] == tracks[key], key  # a review adds no time
    assert after["grade"] == before["grade"] and after["completion"] == before["completion"]


def check_tracks(version: str, tracks: dict[str, str], cset: CourseSet, script: Script, plays: list[tuple[str, bool]],
                 player: Player) -> None:
    """Status, score, every interaction and every outcome's objective, against the YAML's expectations
    (response patterns in the player's option keys, which the builder assigns)."""
    raw = tracks["cmi.core.score.raw" if version == "1.2" else "cmi.score.raw"]
    assert float(raw) == pytest.approx(script.pct)
    if version == "1.2":
        assert tracks["cmi.core.lesson_status"] == ("passed" if script.passed else "failed")
        assert (tracks["cmi.core.score.min"], tracks["cmi.core.score.max"]) == ("0", "100")
        assert tracks.get("cmi.core.exit", "") == ""  # an empty value is not stored
    else:
        assert tracks["cmi.completion_status"] == "completed"
        assert tracks["cmi.success_status"] == ("passed" if script.passed else "failed")
        assert float(tracks["cmi.score.scaled"]) == pytest.approx(script.pct / 100)
        assert (tracks["cmi.score.min"], tracks["cmi.score.max"]) == ("0", "100")
        assert tracks["cmi.exit"] == "suspend"  # finished, yet suspended: Moodle hands a review the data only then
    items = {it.id: it for it in cset.items}
    stored = indexed(tracks, "cmi.interactions")
    assert [(row["id"], row["result"] == "correct") for row in stored] == plays  # one each, in the order played
    response = "student_response" if version == "1.2" else "learner_response"
    for row, (item_id, correct) in zip(stored, plays, strict=True):
        it = items[item_id]
        assert row["type"] == TYPES[it.type]
        assert row["result"] == ("correct" if correct else ("wrong" if version == "1.2" else "incorrect"))
        assert int(row["weighting"]) == it.points
        assert [row[f"objectives.{k}.id"] for k in range(len(it.outcomes))] == list(it.outcomes)
        assert matches("latency", version, row["latency"]) and matches("time", version, row["time" if version == "1.2"
                                                                                           else "timestamp"])
        if it.type != "fill_in":  # the learner's typed text is checked by the scorm-again tests
            content_item = next(c for c in player.content["items"] if c["id"] == it.id)
            patterns, answer = expected(content_item, version, correct)
            assert row["correct_responses.0.pattern"] == patterns[0] and row[response] == answer
    objectives = {row["id"]: row for row in indexed(tracks, "cmi.objectives")}
    for outcome_id, (pct, met) in outcome_results(cset, script.wrong).items():
        row = objectives[outcome_id]
        assert float(row["score.raw"]) == pytest.approx(pct), outcome_id
        status = row["status"] if version == "1.2" else row["success_status"]
        assert status == ("passed" if met else "failed"), outcome_id


def assert_fits(player: Player, where: str) -> None:
    fits(player.frame, where)


def play_through(player: Player, script: Script, check_layout: bool = False) -> list[tuple[str, bool]]:
    """From the first screen: every screen up to the assessment, then every question by the script."""
    if check_layout:
        assert_fits(player, player.heading())
    while player.frame.locator("#screen button.primary").count() == 0:
        player.next()
        if check_layout:
            assert_fits(player, player.heading())
    player.frame.click("#screen button.primary")
    plays = []
    while player.on_question():
        if check_layout:
            assert_fits(player, player.heading())
        it = player.item()
        player.answer(it["id"] not in script.wrong)
        if check_layout:
            assert_fits(player, player.heading() + " answered")
        plays.append((it["id"], it["id"] not in script.wrong))
        player.next()
    if check_layout:
        assert_fits(player, "results")
    return plays


def verdict(player: Player, script: Script, mastery: str) -> None:
    text = player.frame.inner_text("#screen")
    key = "passed" if script.passed else "failed"
    assert player.strings[key].replace("{mastery}", mastery) in text  # the pass mark the LMS handed over
    assert player.strings["score"].replace("{score}", f"{script.pct:g}") in text


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("edge", ["pass", "fail"])
def test_docs_settings_grade_both_edges_of_the_pass_mark(
    course: Course, learner: Learner, moodle: Moodle, cset: CourseSet, edge: str
) -> None:
    passing, failing = edges(cset)
    script = passing if edge == "pass" else failing
    cmid = course.cmid["docs"]
    player = learner.enter(cmid)  # "skip content structure page: Always": straight into the player
    assert player.heading() == player.strings["intro"]
    plays = play_through(player, script)
    verdict(player, script, "80")
    assert not player.frame.is_visible("#screen button.primary")  # no second try inside a Moodle attempt
    if not script.passed:
        assert player.strings["retry_lms"] in player.frame.inner_text("#screen")
    learner.leave(course.id)
    state = learner.state(cmid)
    check_tracks(course.version, state["tracks"]["1"], cset, script, plays, player)
    assert float(state["grade"]) == pytest.approx(script.pct)  # Highest grade, maximum 100: the percentage
    assert state["completion"] == (COMPLETION_COMPLETE if script.passed else COMPLETION_INCOMPLETE)
    record(course.version, "docs", edge, script, state)

    # "Force new attempt: when previous attempt completed, passed or failed": coming back starts afresh
    again = learner.enter(cmid)
    assert again.heading() == again.strings["intro"]
    again.to_assessment()
    assert again.heading() == again.strings["question"].replace("{n}", "1").replace("{total}", str(len(cset.items)))
    assert not again.frame.is_visible(".feedback .verdict")
    first = again.answer(True)
    learner.leave(course.id)
    later = learner.state(cmid)
    unchanged_by_review({"tracks": {"1": state["tracks"]["1"]}, "grade": 0, "completion": 0},
                        {"tracks": {"1": later["tracks"]["1"]}, "grade": 0, "completion": 0})  # attempt 1 kept
    assert [row["id"] for row in indexed(later["tracks"]["2"], "cmi.interactions")] == [first]
    assert float(later["grade"]) == pytest.approx(script.pct)  # Highest attempt: attempt 2 is still open


def test_form_defaults_pass_then_review_writes_nothing_then_a_new_attempt(
    course: Course, learner: Learner, cset: CourseSet
) -> None:
    passing, _ = edges(cset)
    cmid = course.cmid["defaults"]
    player = learner.enter(cmid)
    size = learner.page.eval_on_selector("#scorm_object", "e => [e.clientWidth, e.clientHeight]")
    assert abs(size[0] - 714) <= 20 and abs(size[1] - 666) <= 20, size  # the frame the issue measured
    frame_box = learner.page.eval_on_selector("#scorm_object", "e => e.getBoundingClientRect().bottom")
    assert frame_box <= learner.page.viewport_size["height"] + 1  # brought fully into the window
    plays = play_through(player, passing, check_layout=True)
    verdict(player, passing, "80")
    learner.leave(course.id)
    state = learner.state(cmid)
    check_tracks(course.version, state["tracks"]["1"], cset, passing, plays, player)
    assert float(state["grade"]) == pytest.approx(passing.pct)
    record(course.version, "defaults", "pass", passing, state)

    # Back after passing: Moodle opens review mode. The player shows the attempt and records nothing.
    review = learner.enter(cmid)
    assert review.frame.inner_text("#mode") == review.strings["mode_review"]
    assert review.heading() == review.strings["results"]
    verdict(review, passing, "80")
    assert not review.frame.is_visible("#screen button.primary")
    review.contents(review.strings["assessment"])
    review.frame.click("#screen button.primary")
    for _ in range(3):  # answers are there, locked, with their verdicts; nothing to check
        assert review.frame.is_visible(".feedback .verdict") and not review.frame.is_visible("#check")
        review.next()
    learner.leave(course.id)
    unchanged_by_review(state, learner.state(cmid))  # no answer, location, state or time

    # "Start a new attempt" on the activity page: a clean attempt 2
    fresh = learner.enter(cmid, new_attempt=True)
    assert fresh.heading() == fresh.strings["intro"] and not fresh.frame.is_visible("#mode")
    fresh.to_assessment()
    assert not fresh.frame.is_visible(".feedback .verdict")
    first = fresh.answer(False)
    learner.leave(course.id)
    later = learner.state(cmid)
    unchanged_by_review({"tracks": {"1": state["tracks"]["1"]}, "grade": 0, "completion": 0},
                        {"tracks": {"1": later["tracks"]["1"]}, "grade": 0, "completion": 0})
    assert [row["id"] for row in indexed(later["tracks"]["2"], "cmi.interactions")] == [first]


def test_form_defaults_fail_then_review_says_how_to_try_again(
    course: Course, learner: Learner, cset: CourseSet
) -> None:
    _, failing = edges(cset)
    cmid = course.cmid["defaults"]
    player = learner.enter(cmid)
    plays = play_through(player, failing)
    verdict(player, failing, "80")
    learner.leave(course.id)
    state = learner.state(cmid)
    check_tracks(course.version, state["tracks"]["1"], cset, failing, plays, player)
    assert float(state["grade"]) == pytest.approx(failing.pct)  # Highest grade counts a failed attempt's score
    record(course.version, "defaults", "fail", failing, state)
    review = learner.enter(cmid)  # failed is finished too: Moodle reviews unless "Start a new attempt" is ticked
    assert review.frame.inner_text("#mode") == review.strings["mode_review"]
    verdict(review, failing, "80")
    assert review.strings["retry_lms"] in review.frame.inner_text("#screen")
    learner.leave(course.id)
    unchanged_by_review(state, learner.state(cmid))


def test_leaving_midway_resumes_on_the_same_screen_with_the_answers(
    course: Course, learner: Learner, cset: CourseSet
) -> None:
    cmid = course.cmid["defaults"]
    player = learner.enter(cmid)
    player.to_assessment()
    first = player.play(set(), stop_after=3)
    heading = player.heading()  # question 4, not answered yet
    learner.leave(course.id)
    tracks = learner.state(cmid)["tracks"]["1"]
    if course.version == "1.2":
        assert (tracks["cmi.core.lesson_status"], tracks["cmi.core.exit"]) == ("incomplete", "suspend")
    else:
        assert (tracks["cmi.completion_status"], tracks["cmi.exit"]) == ("incomplete", "suspend")
    assert [row["id"] for row in indexed(tracks, "cmi.interactions")] == [item_id for item_id, _ in first]

    again = learner.enter(cmid)
    assert again.heading() == heading
    again.previous()
    assert again.item()["id"] == first[-1][0] and again.frame.is_visible(".feedback .verdict.ok")
    again.next()
    rest = again.play(set())
    learner.leave(course.id)
    state = learner.state(cmid)
    everything = Script(frozenset(), 100.0, True)
    check_tracks(course.version, state["tracks"]["1"], cset, everything, first + rest, again)
    assert float(state["grade"]) == pytest.approx(100)


def test_browse_mode_records_no_credit(course: Course, learner: Learner) -> None:
    cmid = course.cmid["defaults"]  # the form's default leaves "Preview" (browse mode) available
    player = learner.enter(cmid, mode="browse")
    assert player.frame.inner_text("#mode") == player.strings["mode_browse"]
    player.to_assessment()
    player.play(set(), stop_after=2)
    learner.leave(course.id)
    state = learner.state(cmid)
    # Moodle itself keeps a "browsed" attempt with its time, and the gradebook shows 0 for it (Highest
    # grade of no score); the player wrote nothing: no score, answer, objective result or saved state.
    assert state["grade"] is None or float(state["grade"]) == 0
    stored = {dotted(k): v for attempt in state["tracks"].values() for k, v in attempt.items()}
    written = [k for k in stored if re.match(r"cmi\.(interactions|suspend_data|core\.score|score|location|"
                                              r"core\.lesson_location|success_status)", k)
               or (k.startswith("cmi.objectives.") and not k.endswith(".id"))]  # ids: Moodle's, from the manifest
    assert written == []
    assert stored.get("cmi.core.lesson_status", "browsed") == "browsed"
    assert stored.get("cmi.completion_status", "unknown") in ("unknown", "not attempted")


# What Moodle stored for each scripted learner, next to the YAML's expectation (for the note).
REPORT = REPO / "test-artifacts" / "moodle-grading.jsonl"


def record(version: str, setting: str, edge: str, script: Script, state: dict[str, Any]) -> None:
    tracks = state["tracks"]["1"]
    status = ({k: tracks[k] for k in ("cmi.core.lesson_status",)} if version == "1.2"
              else {k: tracks[k] for k in ("cmi.completion_status", "cmi.success_status")})
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"version": version, "settings": setting, "learner": edge,
                            "yaml": {"score": script.pct, "passed": script.passed}, "moodle": {
                                **status, "raw": tracks.get("cmi.core.score.raw", tracks.get("cmi.score.raw")),
                                "grade": state["grade"], "completion": state["completion"]}}) + "\n")
