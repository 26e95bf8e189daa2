"""Everything coursepack builds for Moodle goes in through Moodle's own importers, cleanly and whole.

The SCORM zips through the activity form's validation and manifest parser, the question banks through
qformat_xml with the import page's settings, the competency framework through tool_lpimportcsv. Counts
and answer keys are compared with the resolved Course (the YAML), not with the files written."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from builder.resolve.course import Course
from builder.resolve.items import Item, response_options

from .conftest import Built
from .site import Moodle

pytestmark = [pytest.mark.slow, pytest.mark.moodle, pytest.mark.xdist_group("moodle-imports")]
QTYPE = {"single_choice": "multichoice", "multiple_choice": "multichoice", "true_false": "truefalse",
         "fill_in": "shortanswer", "matching": "match", "ordering": "ordering"}


def words(text: str) -> str:
    """Text compared past markup: Moodle's html_to_text upper-cases bold and marks emphasis."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_every_scorm_package_imports_without_a_warning(moodle: Moodle, built: Built, course: Course, run_id: str,
                                                       version: str) -> None:
    for cset in course.sets:
        report = moodle.shared("scorm_import.php", f"--zip={built.zip(version, cset.code)}",
                               f"--course=cpi{version.replace('.', '')}-{run_id}", f"--name={cset.code}")
        where = f"{version} {cset.code}"
        assert report["validation_errors"] == [] and report["ok"], where
        assert (report["warnings"], report["php_messages"], report["output"]) == ([], [], []), where
        assert report["scorm"]["version"] == ("SCORM_1.2" if version == "1.2" else "SCORM_1.3"), where
        assert report["sco_count"] == 1, where
        sco = next(s for s in report["scoes"] if s["scormtype"] == "sco")
        assert (sco["launch"], sco["title"]) == ("index.html", cset.title), where
        if version == "1.2":
            assert float(sco["data"]["masteryscore"]) == pytest.approx(cset.mastery_score * 100), where
        else:
            assert report["seq"]["scorm_seq_objective"] == len(cset.outcomes) + 1, where
            # the pass mark Moodle's 2004 runtime will hand the SCO: the set's, whichever objective it reads last
            passmark = moodle.site("passmark", cmid=str(report["cmid"]))
            assert float(passmark["scaled_passing_score"]) == pytest.approx(cset.mastery_score), (where, passmark)


def expected_answers(item: Item) -> dict[str, object]:
    """What Moodle's loaded question should hold for this item."""
    if item.type == "true_false":
        return {"right": item.correct_keys[0]}
    if item.type == "fill_in":
        return {"right": sorted(words(a) for a in item.answers)}
    if item.type == "matching":
        targets = {o.key: o.text for o in response_options(item)}
        return {"pairs": [(words(s.text), words(targets[k])) for s, k in zip(item.sources, item.correct_keys,
                                                                            strict=True)]}
    texts = {o.key: words(o.text) for o in response_options(item)}
    if item.type == "ordering":
        return {"order": [texts[k] for k in item.correct_keys]}
    return {"right": sorted(texts[k] for k in item.correct_keys), "count": len(response_options(item))}


def moodle_answers(q: dict[str, object], kind: str) -> dict[str, object]:
    answers = q.get("answers", [])
    assert isinstance(answers, list)
    if kind == "true_false":
        return {"right": q["right"]}
    if kind == "matching":
        pairs = q["pairs"]
        assert isinstance(pairs, list)
        return {"pairs": [(words(a), words(b)) for a, b in pairs]}
    if kind == "ordering":
        return {"order": [words(a["text"]) for a in answers]}
    right = sorted(words(a["text"]) for a in answers if a["fraction"] > 0)
    if kind == "fill_in":
        return {"right": right}
    return {"right": right, "count": len(answers)}


def test_every_question_bank_imports_with_the_yaml_keys(moodle: Moodle, built: Built, course: Course,
                                                        run_id: str) -> None:
    for cset in course.sets:
        short = f"cpq-{cset.code.lower()}-{run_id}"
        report = moodle.shared("question_import.php", f"--file={built.out / 'moodle' / f'{cset.code}-questions.xml'}",
                               f"--course={short}")
        assert report["import_errors"] == 0 and report["php_messages"] == [], cset.code
        assert report["imported_count"] == len(cset.items) + len(cset.portfolio), cset.code
        loaded = {q["idnumber"]: q for q in moodle.site("questions", course=short)["questions"]}
        assert set(loaded) == {it.id for it in cset.items} | {t.id for t in cset.portfolio}, cset.code
        for it in cset.items:
            q = loaded[it.id]
            assert q["qtype"] == QTYPE[it.type], it.id
            assert q["defaultmark"] == it.points, it.id
            assert q["category"].startswith(it.outcomes[0] + " "), it.id  # a category per outcome
            assert moodle_answers(q, it.type) == expected_answers(it), it.id
        for task in cset.portfolio:
            q = loaded[task.id]
            assert q["qtype"] == "essay" and q["name"] == f"{task.id} {task.title}", q["name"]
            assert q["defaultmark"] == task.max_points


def test_the_competency_framework_imports_every_row(moodle: Moodle, built: Built, course: Course, run_id: str,
                                                    tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO((built.out / "moodle" / "competencies.csv").read_text(encoding="utf-8"))))
    framework = next(r for r in rows[1:] if r[12] == "1")
    unique = f"{framework[1]}-{run_id}"  # a framework id number can be imported once per site
    for row in rows[1:]:
        row[1 if row is framework else 0] = unique if row is framework or row[0] == framework[1] else row[0]
    renamed = tmp_path / "competencies.csv"
    with renamed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    report = moodle.shared("competency_import.php", f"--file={renamed}")  # rc 4 would mean rows dropped
    assert not report["dropped_rows"]
    ids = {c["idnumber"] for c in report["competencies"]}
    expected = {s.code for s in course.sets} | {o.id for s in course.sets for o in s.outcomes}
    assert expected <= ids, sorted(expected - ids)
    assert len(report["competencies"]) == len(rows) - 2  # every row but the header and the framework
