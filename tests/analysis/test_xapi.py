"""xAPI statements (what coursepack's cmi5 player sends an LRS for each answer) as an analysis input."""

from __future__ import annotations

import json
import statistics
import uuid
from pathlib import Path

import pytest

from builder.analysis import Thresholds, run
from builder.cli import main
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

from .cohort import Learner, as_tracks, cohort, expected_flags, figures, plan_for

REPO = Path(__file__).resolve().parents[2]
ACTIVITY = "https://example.org/lssc/TEC"


@pytest.fixture(scope="module")
def course() -> Course:
    sources, _ = check_curriculum(REPO / "curriculum")
    assert sources is not None
    return resolve(sources)


def statements(learners: list[Learner]) -> list[dict[str, object]]:
    """As builder/formats/cmi5/cmi5.js `reportAnswers` builds them, one registration per learner."""
    out: list[dict[str, object]] = []
    for j, lr in enumerate(learners):
        registration = str(uuid.UUID(int=j + 1))
        for k, i in enumerate(as_tracks(lr, "2004")["interactions"]):
            out.append({
                "id": str(uuid.UUID(int=1000 * (j + 1) + k)), "timestamp": f"2026-12-01T10:{k:02d}:{j:02d}.00Z",
                "actor": {"objectType": "Agent", "name": f"Candidate {lr.username}",
                          "mbox": f"mailto:{lr.username}@example.com"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
                "object": {"objectType": "Activity", "id": f"{ACTIVITY}/{i['id']}", "definition": {
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "name": {"en": i["id"]},
                    "interactionType": i["type"], "correctResponsesPattern": i["patterns"]}},
                "result": {"response": i["response"], "success": i["result"] == "correct",
                           "duration": f"PT{10 + k + j % 5}.00S"},
                "context": {"registration": registration, "contextActivities": {"parent": [{"id": ACTIVITY}]}},
            })
    return out


def test_lrs_statements_give_the_planted_flags_and_median_latency(
    course: Course, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cset = course.set("TEC")
    learners = cohort(cset, "zqcand", plan_for(cset))
    export = tmp_path / "statements.json"
    export.write_text(json.dumps({"statements": statements(learners), "more": ""}), encoding="utf-8")
    analysis, diags = run(course, [export], Thresholds(), {})
    assert analysis is not None
    independent = figures(cset, learners)
    flagged = {(d.message.split(":")[0], d.code) for d in diags}
    assert flagged == expected_flags(cset, independent) and len(flagged) == 3
    (got,) = analysis.sets
    assert got.attempts == len(learners)
    for k, it in enumerate(got.items):
        assert it.facility == pytest.approx(independent["items"][it.item_id]["facility"], abs=1e-12)
        assert it.median_latency == statistics.median(10 + k + j % 5 for j in range(len(learners)))
    assert main(["analyze", str(export), "--curriculum", str(REPO / "curriculum")]) == 0
    out, err = capsys.readouterr()
    assert "example.com" not in out + err and "Candidate" not in out + err


def test_a_cut_json_export_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "statements.json"
    export.write_text('[{"verb": {"id": "x"}}, {"actor"', encoding="utf-8")
    assert main(["analyze", str(export), "--curriculum", str(REPO / "curriculum")]) == 1
    assert f"{export}:1:" in capsys.readouterr().err
