"""Item analysis on real Moodle exports: a seeded cohort's attempts stored through Moodle's tracking API, the
Interactions report downloaded as a trainer downloads it, `coursepack analyze` run on the file.

The cohort (tests/analysis/cohort.py) plants an item nearly everyone misses, one only weak learners get right and a
distractor nobody chooses; the test computes every figure again on its own and compares."""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from analysis.cohort import Answer, Learner, as_tracks, cohort, expected_flags, figures, plan_for
from playwright.sync_api import Browser

from builder.analysis import Thresholds, run
from builder.resolve.course import Course, resolve
from builder.resolve.items import response_options
from builder.rules.check import check_curriculum

from .conftest import Built
from .learner import learner_in
from .site import LEARNER_PASSWORD, REPO, Moodle

pytestmark = [pytest.mark.slow, pytest.mark.moodle, pytest.mark.xdist_group("moodle-analysis")]
RESULTS_PHP = Path(__file__).resolve().parent / "php" / "cp_results.php"
WARNING = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): warning\[(?P<code>[\w-]+)\]: (?P<item>[A-Z]+-Q\d+):",
                     re.M)


class Trainer:
    """A teacher of the course with a browser-like session: logs in through the login form, saves the report's
    display settings through its form, downloads the report with the page's download link."""

    def __init__(self, moodle: Moodle, username: str):
        self.url = moodle.url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.get("/login/index.php").decode()
        token = re.search(r'name="logintoken" value="([^"]+)"', page)
        assert token, "no login token on the login page"
        self.post("/login/index.php", {"username": username, "password": LEARNER_PASSWORD,
                                       "logintoken": token.group(1)})

    def get(self, path: str) -> bytes:
        with self.opener.open(self.url + path, timeout=60) as response:
            return bytes(response.read())

    def post(self, path: str, data: dict[str, str]) -> bytes:
        with self.opener.open(self.url + path, urllib.parse.urlencode(data).encode(), timeout=60) as response:
            return bytes(response.read())

    def responses_csv(self, cmid: int) -> bytes:
        """Quiz → Results → Responses, with the question text, response and right answer shown, downloaded as
        "Comma separated values" (the report's options travel in its URL)."""
        return self.get(f"/mod/quiz/report.php?id={cmid}&mode=responses&attempts=enrolled_with&qtext=1&resp=1"
                        "&right=1&download=csv")

    def interactions_csv(self, cmid: int) -> bytes:
        """Reports → Interactions: tick Question, Response, Right answer and Result, save, download "CSV"."""
        report = f"/mod/scorm/report.php?id={cmid}&mode=interactions"
        page = self.get(report).decode()
        sesskey = re.search(r'"sesskey":"([^"]+)"', page)
        assert sesskey, "not logged in as a trainer: no sesskey on the report page"
        self.post(report, {"sesskey": sesskey.group(1), "_qf__mod_scorm_report_interactions_settings": "1",
                           "attemptsmode": "0", "qtext": "1", "resp": "1", "right": "1", "result": "1",
                           "pagesize": "20", "submitbutton": "Save preferences"})
        return self.get(report + "&download=CSV")


def seed(moodle: Moodle, built: Built, course: Course, code: str, version: str, run_id: str,
         tmp: Path) -> tuple[int, list[Learner], str]:
    short = f"ia{version.replace('.', '')}{run_id}"
    activity = moodle.site("activity", course=short, zip=str(built.zip(version, code)))
    cset = course.set(code)
    learners = cohort(cset, f"{short}u", plan_for(cset))
    trainer = f"{short}t"
    spec = tmp / f"cohort-{code}.json"
    spec.write_text(json.dumps({"course": short, "cmid": activity["cmid"], "trainer": trainer,
                                "learners": [as_tracks(lr, version) for lr in learners]}), encoding="utf-8")
    stored = moodle.run(RESULTS_PHP, f"--file={spec}")
    assert stored["learners"] == len(learners) >= 30
    return int(activity["cmid"]), learners, trainer


def play_for_real(moodle: Moodle, browser: Browser, course: Course, cmid: int, short: str,
                  wrong: set[str]) -> Learner:
    """One more learner who plays the coursepack player inside Moodle's SCORM player with the mouse; what Moodle
    stored for them becomes their line of the independent computation."""
    username = f"{short}real"
    info = moodle.site("learner", course=short, username=username)
    with learner_in(browser, moodle, username) as learner:
        player = learner.enter(cmid)
        player.to_assessment()
        plays = player.play(wrong)
        learner.leave(info["courseid"])
        tracks = learner.state(cmid)["tracks"]["1"]
    cset = course.set("TEC")
    assert sorted(i for i, _ in plays) == sorted(it.id for it in cset.items)
    stored = {}
    for n in range(len(plays)):
        p = f"cmi.interactions_{n}."
        stored[tracks[p + "id"]] = (tracks[p + "student_response"], tracks[p + "result"] == "correct")
    real = Learner(username, 1.0)
    for it in cset.items:
        response, correct = stored[it.id]
        assert correct == (it.id not in wrong), it.id
        keys: tuple[str, ...] = ()
        if it.type == "true_false":
            keys = ({"t": "true", "f": "false"}[response],)
        elif it.type in ("single_choice", "multiple_choice"):
            keys = tuple(response.split(","))
        real.answers.append(Answer(it, correct, keys, response, "", 1.0))  # only choice items are wrong here
    return real


def assert_same_figures(course: Course, report: Path, independent: dict[str, Any], attempts: int) -> None:
    """Every figure, at full precision, against the independent computation."""
    analysis, _ = run(course, [report], Thresholds(), {})
    assert analysis is not None
    (got,) = analysis.sets
    assert got.attempts == attempts and got.unfinished == 0
    assert got.kr20 == pytest.approx(independent["kr20"], abs=1e-9)
    assert got.alpha == pytest.approx(independent["alpha"], abs=1e-9)
    for it in got.items:
        want = independent["items"].get(it.item_id)
        if want is None:  # not in the quiz
            assert it.n == 0
            continue
        assert it.n == want["n"]
        assert it.facility == pytest.approx(want["facility"], abs=1e-12), it.item_id
        assert it.discrimination == pytest.approx(want["rpb"], abs=1e-9), it.item_id
        assert it.upper_lower == pytest.approx(want["ul"], abs=1e-12), it.item_id
        if it.partial is not None:
            assert it.partial == pytest.approx(want["partial"], abs=1e-12), it.item_id
        for o in it.options:
            assert o.share == pytest.approx(want["shares"][o.key], abs=1e-12), (it.item_id, o.key)
            assert o.upper_share == pytest.approx(want["upper_shares"][o.key], abs=1e-12), (it.item_id, o.key)
        assert not it.changed
    for o in got.outcomes:
        assert o.mastery == pytest.approx(independent["mastery"][o.outcome_id], abs=1e-12), o.outcome_id


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", "analyze", *args, "--curriculum", str(REPO / "curriculum")],
                          capture_output=True, text=True, timeout=120, cwd=REPO)



@pytest.fixture(scope="module")
def course() -> Course:
    """Located as `coursepack analyze curriculum` reports them: relative to the curriculum folder."""
    sources, _ = check_curriculum(REPO / "curriculum")
    assert sources is not None
    return resolve(sources)


def test_a_12_cohort_report_gives_the_planted_flags_at_their_yaml_lines_and_the_same_figures(
    moodle: Moodle, built: Built, course: Course, browser: Browser, run_id: str, tmp_path: Path
) -> None:
    cset = course.set("TEC")
    plan = plan_for(cset)
    cmid, learners, trainer = seed(moodle, built, course, "TEC", "1.2", run_id, tmp_path)
    learners.append(play_for_real(moodle, browser, course, cmid, f"ia12{run_id}", {plan.hard, plan.reversed}))
    data = Trainer(moodle, trainer).interactions_csv(cmid)
    report = tmp_path / "interactions.txt"
    report.write_bytes(data)
    header = data.split(b"\n", 1)[0].decode()
    assert header.split("\t")[:3] == ["Name", '"Email address"', "Attempt"]  # Moodle's own tab-separated download

    done = analyze(str(report), "--out", str(tmp_path / "items.csv"), "--out", str(tmp_path / "report.html"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    found = {(m["item"], m["code"]) for m in WARNING.finditer(done.stderr)}
    planted = {(plan.hard, "item-too-hard"), (plan.reversed, "item-negative-discrimination"),
               (plan.dead, "distractor-non-functioning")}
    independent = figures(cset, learners)
    assert planted <= found
    assert found == expected_flags(cset, independent) == planted  # and nothing else: the cohort has no noise flags
    for m in WARNING.finditer(done.stderr):  # each flag at the item's own line of the YAML
        loc = course.loc(m["item"], "TEC")
        assert (m["path"], int(m["line"]), int(m["col"])) == (loc.path, loc.line, loc.col)
    assert re.search(rf"warning\[item-negative-discrimination\]: {plan.reversed}: \d+ % correct \(n=37\), "
                     r"discrimination −0\.\d\d; option A chosen by \d+ % of the upper 27 %", done.stderr)

    assert_same_figures(course, report, independent, len(learners))

    # aggregates only: no name, user name or email of the cohort or the trainer anywhere
    outputs = [done.stdout, done.stderr, (tmp_path / "items.csv").read_text(), (tmp_path / "report.html").read_text()]
    for text in outputs:
        assert "@example.com" not in text and "Learner" not in text and trainer not in text
        assert not any(lr.username in text for lr in learners)

    # the same results under a newer YAML version: every item marked
    again = analyze(str(report), "--results-version", "TEC=0.9.0")
    assert again.returncode == 0
    yaml_version = course.set("TEC").version
    assert f"warning[set-version-differs]: TEC: results from version 0.9.0, the YAML is {yaml_version}" in again.stderr


def test_a_2004_cohort_report_has_no_interactions_in_moodle_45_and_the_command_says_so(
    moodle: Moodle, built: Built, course: Course, run_id: str, tmp_path: Path
) -> None:
    cmid, learners, trainer = seed(moodle, built, course, "COM", "2004", run_id, tmp_path)
    tracks = moodle.site("state", cmid=str(cmid), username=learners[0].username)["tracks"]["1"]
    assert tracks["cmi.interactions.0.id"] == learners[0].answers[0].item.id  # stored, under 2004 element names
    data = Trainer(moodle, trainer).interactions_csv(cmid)
    report = tmp_path / "interactions-2004.txt"
    report.write_bytes(data)
    lines = data.decode().splitlines()
    # Moodle 4.5's report reads "cmi.interactions_N.id" (1.2's names) only: one empty Question column for 2004
    assert [c for c in lines[0].split("\t") if "Question" in c] == ['"Question 0"']
    done = analyze(str(report))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{report}:1:1: error[report-no-interactions]:" in done.stderr


QUIZ_TYPES = ("single_choice", "multiple_choice", "true_false", "fill_in")


def test_a_quiz_of_the_question_bank_gives_the_same_flags_from_the_responses_report(
    moodle: Moodle, built: Built, course: Course, run_id: str, tmp_path: Path
) -> None:
    """The set's question bank imported, a quiz of its choice, true/false and short-answer questions, 36 finished
    attempts through the quiz API (the attempt page's post data, then Submit all and finish); the Responses report
    downloaded; question texts and choice texts matched back to items and options."""
    cset = course.set("TEC")
    short = f"iaq{run_id}"
    moodle.site("learner", course=short, username=f"{short}first")  # the course, with a first enrolment
    imported = moodle.shared("question_import.php", f"--file={built.out / 'moodle' / 'TEC-questions.xml'}",
                             f"--course={short}")
    assert imported["imported_count"] >= len(cset.items)
    learners = cohort(cset, f"{short}u", plan_for(cset))
    quiz_items = [it.id for it in cset.items if it.type in QUIZ_TYPES]

    def answer(a: Answer) -> dict[str, Any]:
        if a.item.type == "fill_in":
            return {"text": a.response_12}
        return {"choices": [[o.key for o in response_options(a.item)].index(k) for k in a.keys]}

    spec = tmp_path / "quiz.json"
    spec.write_text(json.dumps({"course": short, "trainer": f"{short}t", "items": quiz_items, "learners": [
        {"username": lr.username, "answers": {a.item.id: answer(a) for a in lr.answers if a.item.type in QUIZ_TYPES}}
        for lr in learners]}), encoding="utf-8")
    quiz = moodle.run(RESULTS_PHP, "--action=quiz", f"--file={spec}")
    data = Trainer(moodle, f"{short}t").responses_csv(quiz["cmid"])
    assert data.startswith(b"\xef\xbb\xbf")  # Moodle's quiz CSV: UTF-8 with a BOM, comma-separated
    report = tmp_path / "responses.csv"
    report.write_bytes(data)
    done = analyze(str(report))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    independent = figures(cset, learners, only=set(quiz_items))
    plan = plan_for(cset)
    found = {(m["item"], m["code"]) for m in WARNING.finditer(done.stderr)}
    assert found == expected_flags(cset, independent) == {
        (plan.hard, "item-too-hard"), (plan.reversed, "item-negative-discrimination"),
        (plan.dead, "distractor-non-functioning")}
    assert_same_figures(course, report, independent, len(learners))
    assert "@example.com" not in done.stdout + done.stderr and "Learner" not in done.stdout + done.stderr
