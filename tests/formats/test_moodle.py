"""Moodle XML question bank and competency CSV, read back the way Moodle's importers read them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from builder.check import check_curriculum
from builder.course import Course, resolve
from builder.formats.competency_csv import HEADER, framework_csv
from builder.formats.moodle_xml import question_bank

REPO = Path(__file__).resolve().parents[2]
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# Moodle's question_bank::fraction_options_full() as percentages (positive and negative)
ALLOWED = {Decimal(v) for v in ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
                                 "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")}
ALLOWED |= {-v for v in ALLOWED}


def _course(root: Path) -> Course:
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    return resolve(sources)


def _courses() -> list[Course]:
    found = [_course(REPO / "tests/projects/minimal")]
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO)
    if sources is not None:
        found.append(resolve(sources))
    return found


@pytest.fixture(scope="module", params=range(len(_courses())), ids=lambda i: ["minimal", "lssc"][i])
def course(request: pytest.FixtureRequest) -> Course:
    return _courses()[request.param]


def _text(q: etree._Element, path: str) -> str:
    el = q.find(path)
    assert el is not None, path
    return el.text or ""


def test_question_bank_shapes(course: Course) -> None:
    for s in course.sets:
        root = etree.fromstring(question_bank(course, s), SAFE)
        assert root.tag == "quiz"
        questions = root.findall("question")
        categories = [q for q in questions if q.get("type") == "category"]
        paths = [_text(c, "category/text") for c in categories]
        assert paths[0].startswith("$course$/top/") and f"{s.code} {s.title}" in paths[0]
        assert all(p.startswith(paths[0] + "/") for p in paths[1:])
        for o in s.outcomes:
            assert any(_text(c, "idnumber") == o.id for c in categories), o.id
        real = [q for q in questions if q.get("type") != "category"]
        ids = [_text(q, "idnumber") for q in real]
        assert ids == [it.id for o in s.outcomes for it in s.items if it.outcomes[0] == o.id] + [
            t.id for t in s.portfolio]
        by_id = {it.id: it for it in s.items}
        for q in real:
            assert _text(q, "name/text") and _text(q, "questiontext/text")
            assert q.find("questiontext").get("format") == "html"
            qid = _text(q, "idnumber")
            kind = q.get("type")
            fractions = [Decimal(a.get("fraction")) for a in q.findall("answer")]
            if kind == "multichoice":
                assert all(f in ALLOWED for f in fractions)
                positive = sum(f for f in fractions if f > 0)
                assert abs(positive - 100) < Decimal("0.001"), (qid, fractions)
                single = _text(q, "single") == "true"
                assert single == (by_id[qid].type == "single_choice")
                assert all(a.find("feedback/text").text for a in q.findall("answer"))
            elif kind == "truefalse":
                assert sorted(fractions) == [0, 100]
                assert {_text(a, "text") for a in q.findall("answer")} == {"true", "false"}
            elif kind == "shortanswer":
                assert fractions.count(Decimal(100)) == len(by_id[qid].answers)
                assert _text(q, "usecase") in ("0", "1")
            elif kind == "matching":
                subs = q.findall("subquestion")
                assert len(subs) == len(by_id[qid].sources) >= 2
            elif kind == "ordering":
                # Moodle's ordering import fails with a database error without <shownumcorrect/>
                assert q.find("shownumcorrect") is not None
                assert fractions == [Decimal(i) for i in range(1, len(fractions) + 1)]
            elif kind == "essay":
                assert "<table>" in _text(q, "graderinfo/text")
            else:
                pytest.fail(f"unexpected type {kind}")
            if kind != "essay":
                tags = [t.text for t in q.findall("tags/tag/text")]
                assert tags == list(by_id[qid].outcomes)


def test_question_bank_is_safe_xml(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("Which part of a call number shows the subject?",
                                       "'Which <script>alert(1)</script> ]]> & part?'"))
    course = _course(minimal)
    data = question_bank(course, course.sets[0])
    root = etree.fromstring(data, SAFE)
    text = root.xpath("//question[idnumber='TST-Q1']/questiontext/text")[0].text
    assert "<script>" not in text and "&lt;script&gt;" in text and "]]" in text


def _moodle_read(text: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Read rows by position, the way tool_lpimportcsv does, and attach children to parents."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert tuple(header) == HEADER
    framework: dict[str, str] = {}
    flat: dict[str, dict[str, str]] = {}
    for row in reader:
        assert len(row) == len(HEADER)
        record = dict(zip(["parent", "idnumber", "shortname", "description", "descriptionformat", "scalevalues",
                           "scaleconfig", "ruletype", "ruleoutcome", "ruleconfig", "related", "exportid",
                           "isframework", "taxonomies"], row, strict=True))
        if record["isframework"]:
            framework = record
        else:
            flat[record["idnumber"]] = record
    return framework, flat


def test_competency_csv_reads_back_as_a_tree(course: Course) -> None:
    framework, flat = _moodle_read(framework_csv(course))
    assert framework["idnumber"] == f"{course.program.id}-{course.program.version}"
    assert framework["scalevalues"] == "Not yet competent,Competent"
    assert framework["taxonomies"].split(",") == ["domain", "outcome"]
    reachable: set[str] = set()

    def walk(parent: str) -> None:
        for idnumber, rec in flat.items():
            if rec["parent"] == parent:
                reachable.add(idnumber)
                walk(idnumber)

    walk("")
    # a row whose parent is unknown would be dropped silently by Moodle together with its children
    assert reachable == set(flat)
    for s in course.sets:
        assert flat[s.code]["parent"] == ""
        for o in s.outcomes:
            assert flat[o.id]["parent"] == s.code
            assert flat[o.id]["shortname"] and len(flat[o.id]["shortname"]) <= 100
    order = list(flat)
    assert all(order.index(r["parent"]) < order.index(i) for i, r in flat.items() if r["parent"])
