"""The player against scorm-again (a real LMS-side runtime) in headless chromium.

scorm-again accepts more than the specs allow (over-long suspend_data, responses of any shape) and
normalises some values it stores, so formats are checked here with our own patterns on the values
the SCO sent, and the data is checked on what scorm-again holds afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from support.interactions import TYPES, chosen_keys, expected, matches

from builder.formats.scorm.common import SUSPEND_MAX_12

from .conftest import ARTIFACTS, Launch, Sco, Site, resume_data

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser-runtime")]
VERSIONS = ["1.2", "2004"]
def check_interactions(sco: Sco, answers: list[tuple[str, bool, str | None]], earlier: Sco | None = None) -> None:
    """Every interaction scorm-again holds, field by field, against what the learner did.

    Formats are checked on the values sent in this session and in `earlier`, the session before a relaunch."""
    v, cmi = sco.version, sco.cmi()

    def sent(element: str) -> list[str]:
        return (earlier.sent(element) if earlier else []) + sco.sent(element)

    held = cmi["interactions"]
    assert len(held) == len(answers)
    items = {it["id"]: it for it in sco.content["items"]}
    response_field, stamp = ("student_response", "time") if v == "1.2" else ("learner_response", "timestamp")
    for n, (item_id, correct, text) in enumerate(answers):
        got, it = held[str(n)], items[item_id]
        patterns, response = expected(it, v, correct, text)
        kind = TYPES[it["type"]]
        assert got["id"] == item_id and matches("id", v, got["id"])
        assert got["type"] == kind
        assert [o["id"] for o in got["objectives"].values()] == it["outcomes"]
        assert [c["pattern"] for c in got["correct_responses"].values()] == patterns
        assert got[response_field] == response
        assert got["result"] == ("correct" if correct else ("wrong" if v == "1.2" else "incorrect"))
        assert float(got["weighting"]) == it["points"]
        prefix = f"cmi.interactions.{n}."
        for k in range(len(patterns)):
            for pattern in sent(f"{prefix}correct_responses.{k}.pattern"):
                assert matches("fill-in-pattern" if kind == "fill-in" else kind, v, pattern), pattern
        for field, fmt in ((response_field, kind), ("result", "result"), (stamp, "time"), ("latency", "latency")):
            values = sent(prefix + field)
            assert values and all(matches(fmt, v, x) for x in values), (field, values)


def check_objectives(sco: Sco, scores: dict[str, tuple[float, str]]) -> None:
    """{outcome id: (raw, status)}; status is passed, failed or incomplete."""
    held = {o["id"]: o for o in sco.cmi()["objectives"].values()}
    assert set(held) == set(scores)
    for oid, (raw, status) in scores.items():
        o = held[oid]
        assert float(o["score"]["raw"]) == pytest.approx(raw)
        assert (o["score"]["min"], o["score"]["max"]) == ("0", "100")
        if sco.version == "1.2":
            assert o["status"] == status
        else:
            assert float(o["score"]["scaled"]) == pytest.approx(raw / 100, abs=1e-4)
            assert o["success_status"] == {"incomplete": "unknown"}.get(status, status)
            assert o["completion_status"] == ("incomplete" if status == "incomplete" else "completed")


def check_result(sco: Sco, raw: float, passed: bool) -> None:
    cmi = sco.cmi()
    if sco.version == "1.2":
        assert cmi["core"]["lesson_status"] == ("passed" if passed else "failed")
        score = cmi["core"]["score"]
    else:
        assert cmi["completion_status"] == "completed"
        assert cmi["success_status"] == ("passed" if passed else "failed")
        score = cmi["score"]
        assert float(score["scaled"]) == pytest.approx(raw / 100, abs=1e-4)
    assert float(score["raw"]) == pytest.approx(raw)
    assert (score["min"], score["max"]) == ("0", "100")


def finishes(sco: Sco) -> int:
    return len(sco.calls("LMSFinish" if sco.version == "1.2" else "Terminate"))


def exit_value(sco: Sco) -> str:
    sent = sco.sent("cmi.core.exit" if sco.version == "1.2" else "cmi.exit")
    assert len(sent) == 1
    return sent[0]


def attempt(sco: Sco, plan: dict[str, bool]) -> list[tuple[str, bool, str | None]]:
    """Answer the remaining questions from the current one on; plan says which are answered right."""
    done = []
    while sco.frame.is_visible("form[data-item]"):
        it = sco.item()
        correct = plan.get(it["id"], False)
        sco.answer(correct)
        done.append((it["id"], correct, None))
        sco.next()
    return done


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("version", VERSIONS)
def test_passing_attempt(launch: Launch, version: str) -> None:
    sco = launch(version)
    assert sco.heading() == sco.content["strings"]["intro"]
    sco.next()
    assert sco.heading() == sco.content["lessons"][0]["title"]
    sco.next()
    sco.frame.click("#screen button.primary")
    answers = attempt(sco, {it["id"]: True for it in sco.content["items"]})
    assert sco.heading() == sco.content["strings"]["results"]
    assert "100%" in sco.frame.inner_text("#screen")
    check_result(sco, 100, passed=True)
    check_interactions(sco, answers)
    check_objectives(sco, {"TST-1": (100, "passed"), "TST-2": (100, "passed")})
    sco.close()
    assert finishes(sco) == 1 and sco.calls()[-1][0] in ("LMSFinish", "Terminate")
    assert exit_value(sco) == ("" if version == "1.2" else "suspend")  # 2004: so that a review gets the data
    session = "cmi.core.session_time" if version == "1.2" else "cmi.session_time"
    assert sco.sent(session) and all(matches("session", version, s) for s in sco.sent(session))
    assert sco.saved() is not None


@pytest.mark.parametrize("version", VERSIONS)
def test_failing_attempt(launch: Launch, version: str) -> None:
    sco = launch(version)
    sco.go_to_assessment()
    answers = attempt(sco, {"TST-Q1": True})
    check_result(sco, 14.29, passed=False)  # 1 point of 7
    check_interactions(sco, answers)
    check_objectives(sco, {"TST-1": (33.33, "failed"), "TST-2": (0, "failed")})
    # the LMS keeps attempts: no second try inside this one, and the learner is told where to start one
    assert not sco.frame.is_visible("#screen button.primary")
    assert sco.content["strings"]["retry_lms"] in sco.frame.inner_text("#screen")
    sco.close()
    assert finishes(sco) == 1
    assert exit_value(sco) == ("" if version == "1.2" else "suspend")  # over; 2004 keeps its data for review


@pytest.mark.parametrize("version", VERSIONS)
def test_relaunch_resumes_on_the_same_page_with_earlier_answers(launch: Launch, version: str) -> None:
    sco = launch(version)
    sco.go_to_assessment()
    plan = {"TST-Q1": True, "TST-Q2": False, "TST-Q3": True, "TST-Q4": False, "TST-Q5": False}
    first = [attempt_one(sco, plan[sco.item()["id"]]) for _ in plan]  # every type but ordering
    heading = sco.heading()
    # TST-1 (Q1, Q2, Q4) is fully answered; TST-2 still waits for Q6
    check_objectives(sco, {"TST-1": (33.33, "failed"), "TST-2": (25, "incomplete")})
    cmi = sco.cmi()
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == "incomplete" and cmi["core"]["score"]["raw"] == ""
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "unknown")
    commits = len(sco.calls("LMSCommit" if version == "1.2" else "Commit"))
    hide = "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});" \
           "document.dispatchEvent(new Event('visibilitychange'))"
    sco.frame.evaluate(hide)  # the tab goes to the background: saved, but the session goes on
    assert len(sco.calls("LMSCommit" if version == "1.2" else "Commit")) == commits + 1 and finishes(sco) == 0
    sco.frame.evaluate("Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true})")
    sco.close()
    assert finishes(sco) == 1 and exit_value(sco) == "suspend"

    again = launch(version, saved=resume_data(sco.saved(), version))
    assert again.heading() == heading  # "Question 6 of 6"
    for item_id in reversed(plan):  # each earlier answer is back, locked, with its feedback
        again.frame.click("#prev")
        it = again.item()
        assert it["id"] == item_id
        assert shown_answer(again) == {"response": expected_shown(it, plan[item_id]), "locked": True,
                                       "verdict": "ok" if plan[item_id] else "ko"}
    for _ in plan:
        again.frame.click("#next")
    rest = attempt(again, {"TST-Q6": True})
    check_interactions(again, first + rest, earlier=sco)
    check_result(again, 57.14, passed=False)  # Q1, Q3 and Q6 (2 points): 4 of 7
    check_objectives(again, {"TST-1": (33.33, "failed"), "TST-2": (75, "passed")})
    again.close()
    assert finishes(again) == 1


def shown_answer(sco: Sco) -> dict[str, Any]:
    """What the question on screen shows as the learner's answer, read from its controls."""
    shown: dict[str, Any] = sco.frame.evaluate("""() => {
        const f = document.querySelector('form[data-item]'), text = f.querySelector('#answer');
        const checked = [...f.querySelectorAll('input:checked')].map(e => e.value);
        const selects = [...f.querySelectorAll('select')].map(e => e.value);
        const controls = [...f.querySelectorAll('input, select, fieldset')];
        return {response: text ? text.value : selects.length ? selects : checked,
                locked: controls.every(e => e.disabled || e.closest('fieldset:disabled') !== null),
                verdict: f.querySelector('.feedback .verdict').classList[1]};
    }""")
    return shown


def expected_shown(it: dict[str, Any], correct: bool) -> str | list[str]:
    if it["type"] == "fill_in":
        return str(it["answers"][0]) if correct else "no idea"
    return chosen_keys(it, correct)  # input and select values are the option keys


def attempt_one(sco: Sco, correct: bool) -> tuple[str, bool, str | None]:
    item_id = sco.item()["id"]
    sco.answer(correct)
    sco.next()
    return item_id, correct, None


@pytest.mark.parametrize("version", VERSIONS)
def test_refused_commits_lose_no_answer(page: Page, launch: Launch, version: str) -> None:
    page.clock.install()  # the retry waits for the test, not for a real timer racing the next click
    sco = launch(version)
    strings = sco.content["strings"]
    sco.go_to_assessment()
    earlier = len(sco.calls("LMSCommit" if version == "1.2" else "Commit"))  # every move commits too
    page.evaluate("window.__faults.commits = 2")  # the answer's commit and the next move's are refused
    answers = [attempt_one(sco, True)]
    assert sco.frame.inner_text("#save") == strings["save_failed"]
    answers.append(attempt_one(sco, True))  # answered while the first save is still pending: its commit works
    sco.frame.locator("#save", has_text=strings["saved"]).wait_for()
    commits = [c[3] for c in sco.calls("LMSCommit" if version == "1.2" else "Commit")]
    assert commits[earlier:earlier + 3] == ["false", "false", "true"]
    saved = sco.saved()["cmi"]
    assert [i["id"] for i in saved["interactions"].values()] == ["TST-Q1", "TST-Q2"]
    answers += attempt(sco, {it["id"]: True for it in sco.content["items"]})
    sco.close()
    again = launch(version, saved=resume_data(sco.saved(), version))
    assert again.heading() == strings["results"]
    check_interactions(again, answers, earlier=sco)
    check_result(again, 100, passed=True)


@pytest.mark.parametrize("version", VERSIONS)
def test_pool_draw_and_shuffle_survive_a_relaunch_and_the_lms_keeps_attempts(launch: Launch, version: str) -> None:
    sco = launch(version, "POOL")
    sco.go_to_assessment()
    assert sco.heading().endswith(" 5")  # six items, a pool draws one of its two
    seen = []
    for _ in range(2):  # recorded after answering: a relaunch must show the learner's own order back
        sco.answer(False)
        seen.append((sco.item()["id"], option_order(sco)))
        sco.next()
    seen.append((sco.item()["id"], option_order(sco)))
    sco.close()
    again = launch(version, "POOL", saved=resume_data(sco.saved(), version))
    assert (again.item()["id"], option_order(again)) == seen[2]
    again.frame.click("#prev")
    again.frame.click("#prev")
    assert [(again.item()["id"], option_order(again))] == seen[:1]
    again.frame.click("#next")
    again.frame.click("#next")
    drawn = [seen[0][0], seen[1][0]] + [a[0] for a in attempt(again, {})]
    assert len(set(drawn)) == 5 and len({"TST-Q1", "TST-Q2"} & set(drawn)) == 1
    # in an LMS, one LMS attempt is one try: no "Try again", the set's own limit (2) is not counted here
    assert not again.frame.is_visible("#screen button.primary")
    assert again.content["strings"]["retry_lms"] in again.frame.inner_text("#screen")
    assert suspend_field(again, 2) == "1"
    again.frame.locator("#toc button", has_text=again.content["strings"]["assessment"]).click()
    assert again.content["strings"]["attempt_lms"] in again.frame.inner_text("#screen")
    again.close()
    assert exit_value(again) == ("" if version == "1.2" else "suspend")  # finished; 2004 keeps data for review


@pytest.mark.parametrize("version", VERSIONS)
def test_interactions_are_well_formed_with_shuffling_pools_and_eleven_pairs(launch: Launch, version: str) -> None:
    sco = launch(version, "POOL")
    sco.go_to_assessment()
    plan = {it["id"]: n % 2 == 0 for n, it in enumerate(sco.content["items"])}
    answers = attempt(sco, plan)
    assert len(answers) == 5
    check_interactions(sco, answers)
    n = [a[0] for a in answers].index("TST-Q5")
    pattern = sco.sent(f"cmi.interactions.{n}.correct_responses.0.pattern")[0]
    assert len(pattern.split("," if version == "1.2" else "[,]")) == 11


def option_order(sco: Sco) -> list[str]:
    ids: list[str] = sco.frame.eval_on_selector_all("form [id^=o-], form [id^=m-] option, .order li",
                                                   "els => els.map(e => e.id || e.value || e.dataset.key)")
    return ids


def suspend_field(sco: Sco, n: int) -> str:
    data = sco.cmi()["suspend_data"]
    return str(data.split("|")[n])


def test_suspend_data_of_the_largest_set_fits_scorm12(launch: Launch, site: Site) -> None:
    sco = launch("1.2", site.largest)
    sco.go_to_assessment()
    worst = "%" * sco.content["fillInMax"]  # "%" is escaped to three characters: the longest possible state
    answers = []
    while sco.frame.is_visible("form[data-item]"):
        it = sco.item()
        if it["type"] == "fill_in":
            sco.answer(False, text=worst)
            answers.append((it["id"], False, worst))
        elif it["type"] == "multiple_choice":
            for o in it["options"]:
                sco.frame.check(f"#o-{o['key']}")
            sco.frame.click("#check")
            answers.append((it["id"], len(it["correct"]) == len(it["options"]), None))
        else:
            sco.answer(True)
            answers.append((it["id"], True, None))
        sco.next()
    sco.close()
    sent = sco.sent("cmi.suspend_data")
    longest = max(len(s) for s in sent)
    bound = site.bound  # what the builder checks every set against
    assert longest <= bound <= SUSPEND_MAX_12
    assert bound - longest <= 8  # the bound is tight, so a set it accepts really fits (seed and attempt may be shorter)
    assert all(len(v) <= 255 for v in sco.sent("cmi.core.lesson_location"))
    assert len(sco.cmi()["interactions"]) == len(answers)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "suspend_data.txt").write_text(
        f"{site.largest} {len(answers)} items: {longest} characters (bound {bound}, limit {SUSPEND_MAX_12})\n")


@pytest.mark.parametrize("version", VERSIONS)
def test_preview_mode_without_an_lms(page: Page, site: Site, version: str) -> None:
    page.goto(site.package(version, "TST"))
    page.wait_for_selector("#screen h2")
    assert page.is_visible("#preview")
    assert "Preview" in page.inner_text("#preview")
    page.click("#next")
    page.click("#next")
    page.click("#screen button.primary")
    page.check("#o-b")
    page.click("#check")
    assert page.is_visible(".feedback .verdict.ok")
    # per-choice feedback: what the YAML says about the choice the learner made, and nothing about the other
    feedback = page.inner_text(".feedback")
    assert "Yes, the class number groups items by subject." in feedback and "author" not in feedback


@pytest.mark.parametrize(("version", "where"), [("1.2", {"nest": 3}), ("2004", {"nest": 3}), ("2004", {"popup": True})])
def test_api_is_found_through_parent_frames_and_the_opener(launch: Launch, version: str, where: dict[str, Any]) -> None:
    sco = launch(version, **where)
    assert not sco.frame.is_visible("#preview")
    assert sco.calls()[0][0] in ("LMSInitialize", "Initialize") and sco.calls()[0][3] == "true"
    sco.go_to_assessment()
    answers = [attempt_one(sco, True)]
    check_interactions(sco, answers)
    sco.close()
    assert finishes(sco) == 1


@pytest.mark.parametrize(("nest", "found"), [(8, True), (9, False)])
def test_api_search_stops_after_ten_windows(launch: Launch, nest: int, found: bool) -> None:
    """The climb is bounded so that a broken frame chain cannot hang the SCO: past it, preview mode.

    The SCO's window and nine above it are searched; with nine wrappers the harness is the eleventh."""
    sco = launch("1.2", nest=nest)
    assert sco.frame.is_visible("#preview") is not found
    assert bool(sco.calls()) is found


def test_hostile_content_never_runs(launch: Launch) -> None:
    sco = launch("1.2", "EVIL")
    pwned = "() => [window.__pwned, window.parent.__pwned, document.querySelectorAll('main script, main iframe,"\
            " main object, main embed, main [style], main form[action]').length]"
    for _ in range(2):
        sco.next()
        assert sco.frame.evaluate(pwned) == [None, None, 0]
    sco.frame.click("#screen button.primary")
    while sco.frame.is_visible("form[data-item]"):
        sco.answer(True)
        assert sco.frame.evaluate(pwned) == [None, None, 0], sco.item()["id"]
        sco.next()
    assert sco.frame.evaluate(pwned) == [None, None, 0]
    handlers = sco.frame.evaluate("() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                                  ".filter(a => a.name.startsWith('on')).length")
    assert handlers == 0
    check_result(sco, 100, passed=True)


def with_mode(cmi: dict[str, Any], version: str, mode: str) -> dict[str, Any]:
    """The CMI an LMS hands a session it launched in `mode` (review, browse) without credit."""
    core = cmi.setdefault("core", {}) if version == "1.2" else cmi
    core["lesson_mode" if version == "1.2" else "mode"] = mode
    core["credit"] = "no-credit"
    return cmi


@pytest.mark.parametrize("version", VERSIONS)
def test_review_shows_the_attempt_and_writes_nothing(launch: Launch, version: str) -> None:
    sco = launch(version)
    sco.go_to_assessment()
    answers = attempt(sco, {it["id"]: it["id"] != "TST-Q1" for it in sco.content["items"]})
    sco.close()
    review = launch(version, saved=with_mode(resume_data(sco.saved(), version), version, "review"))
    strings = review.content["strings"]
    assert review.heading() == strings["results"] and review.frame.inner_text("#mode") == strings["mode_review"]
    assert not review.frame.is_visible("#screen button.primary")  # no second try from a review
    review.frame.click("#screen button.secondary")  # review your answers
    for item_id, correct, _ in sorted(answers, key=lambda a: review.content["items"].index(
            next(it for it in review.content["items"] if it["id"] == a[0]))):
        assert review.item()["id"] == item_id
        assert review.frame.is_visible(f".feedback .verdict.{'ok' if correct else 'ko'}")
        assert not review.frame.is_visible("#check")
        review.next()
    review.close()
    assert [c[0] for c in review.calls()] == (["LMSInitialize", "LMSFinish"] if version == "1.2"
                                              else ["Initialize", "Terminate"])  # no SetValue, no Commit


@pytest.mark.parametrize("version", VERSIONS)
def test_browse_lets_the_learner_try_and_records_nothing(launch: Launch, version: str) -> None:
    sco = launch(version, saved=with_mode({}, version, "browse"))
    assert sco.frame.inner_text("#mode") == sco.content["strings"]["mode_browse"]
    sco.go_to_assessment()
    attempt_one(sco, True)
    sco.close()
    writes = [c for c in sco.calls() if not c[0].endswith(("Initialize", "Finish", "Terminate"))]
    # SCORM 1.2 has a status for it, and Moodle would call the session "completed" without it
    assert writes == ([["LMSSetValue", "cmi.core.lesson_status", "browsed", "true"]] if version == "1.2" else [])


@pytest.mark.parametrize("version", VERSIONS)
def test_a_no_credit_session_is_recorded_and_says_it_does_not_count(launch: Launch, version: str) -> None:
    sco = launch(version, saved=with_mode({}, version, "normal"))  # normal mode, credit: no-credit
    assert sco.frame.inner_text("#mode") == sco.content["strings"]["no_credit"]
    sco.go_to_assessment()
    attempt_one(sco, True)
    assert len(sco.cmi()["interactions"]) == 1  # recorded as usual: the LMS decides what counts
