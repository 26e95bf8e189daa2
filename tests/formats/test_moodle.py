"""Moodle XML question bank and competency CSV, read back the way Moodle's importers read them.

The readers below restate, in Python, the rules of Moodle's own code that decide whether an import
works: qformat_xml (question/format/xml/format.php), qformat_default::importprocess() and
split_category_path() (question/format.php), question_bank::fraction_options_full(), the
save_question_options() checks of qtype_multichoice / qtype_shortanswer / qtype_match /
qtype_ordering, csv_import_reader (PHP's fgetcsv) and tool_lpimportcsv's framework_importer.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from builder.formats.competency_csv import HEADER, framework_csv
from builder.formats.moodle.question_bank import category_path, problems, question_bank
from builder.resolve.course import Course, resolve
from builder.resolve.items import response_options
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[2]
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# question_bank::fraction_options_full(): none, 100%, the raw fractions, their negatives, -100%.
_RAW = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667,
        0.1428571, 0.125, 0.1111111, 0.1, 0.05)
GRADES = (0.0, 1.0, *_RAW, *(-f for f in _RAW), -1.0)
FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}  # qformat_xml::trans_format()
TAXONOMIES = {"behaviour", "competency", "concept", "domain", "indicator", "level", "outcome", "practice",
              "proficiency", "skill", "value"}  # competency_framework::TAXONOMY_*


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


# ---------------------------------------------------------------- the XML importer's rules


def split_category_path(path: str) -> list[str]:
    """qformat_default::split_category_path(): "/" separates, "//" is a literal slash, names are trimmed."""
    return [raw.replace("//", "/").strip() for raw in re.split(r"(?<!/)/(?!/)", path)]


def _text(el: etree._Element, path: str) -> str:
    found = el.find(path)
    assert found is not None, path
    return (found.text or "").strip()  # qformat_xml::getpath(..., istext) trims


def _fraction(answer: etree._Element) -> float:
    return float(answer.get("fraction", "0")) / 100  # qformat_xml::import_answer()


def _grade_ok(fraction: float) -> bool:
    # match_grade_options($gradeoptionsfull, $fraction, 'error'), the importer's default
    return any(abs(fraction - g) < 0.00001 for g in GRADES)


def check_question(q: etree._Element) -> None:
    """Raise AssertionError for anything that makes Moodle refuse the question or stop the import."""
    kind = q.get("type")
    name = _text(q, "name/text")
    assert name and len(name) <= 255
    for field in ("questiontext", "generalfeedback"):
        assert q.find(field).get("format") in FORMATS
    answers = q.findall("answer")
    if kind in ("multichoice", "shortanswer"):
        fractions = [_fraction(a) for a in answers]
        assert all(_grade_ok(f) for f in fractions), fractions  # else the whole file is refused
        if kind == "shortanswer" or _text(q, "single") == "true":
            assert max(fractions) == 1.0, fractions  # "fractionsnomax": the import stops here
        else:
            assert round(sum(f for f in fractions if f > 0), 2) == 1, fractions  # "fractionsaddwrong"
        assert len(answers) >= (2 if kind == "multichoice" else 1)
    elif kind == "truefalse":
        assert sorted(_text(a, "text") for a in answers) == ["false", "true"]
        assert sorted(a.get("fraction") for a in answers) == ["0", "100"]
    elif kind == "matching":
        subs = q.findall("subquestion")
        assert all(_text(s, "text") and _text(s, "answer/text") for s in subs)  # else "nomatchinganswer"
        assert len(subs) >= 2
    elif kind == "ordering":
        # qtype_ordering reads the element's text into an integer column: empty or missing breaks the insert
        assert _text(q, "shownumcorrect") in ("0", "1")
        assert len([a for a in answers if _text(a, "text")]) >= 2
        assert int(_text(q, "selectcount")) == len(answers)
    elif kind == "essay":
        assert _text(q, "responseformat") == "editor"
    else:
        pytest.fail(f"type {kind} is not one this writer should produce")
    if kind in ("multichoice", "matching"):
        assert q.find("shownumcorrect") is not None


def read_bank(data: bytes) -> list[tuple[list[str], etree._Element]]:
    """Every question with the category path it lands in (the "get category from file" import)."""
    root = etree.fromstring(data, SAFE)
    assert root.tag == "quiz"
    where: list[str] = []
    out = []
    for q in root.findall("question"):
        if q.get("type") == "category":
            names = split_category_path(_text(q, "category/text"))
            assert names[:2] == ["$course$", "top"] and len(names) >= 3
            assert all(0 < len(n) <= 255 for n in names)  # question_categories.name
            assert q.find("info").get("format") in FORMATS
            where = names[2:]
        else:
            assert where, "a question before any category lands in the default one"
            check_question(q)
            out.append((where, q))
    return out


def test_question_bank_imports(course: Course) -> None:
    for s in course.sets:
        bank = read_bank(question_bank(course, s))
        by_id = {it.id: it for it in s.items}
        tasks = {t.id: t for t in s.portfolio}
        statements = {o.id: f"{o.id} {o.statement}" for o in s.outcomes}
        ids = [_text(q, "idnumber") for _, q in bank]
        assert sorted(ids) == sorted([*by_id, *tasks])  # every item and task once
        for where, q in bank:
            qid = _text(q, "idnumber")
            assert where[:2] == [course.program.short_title, f"{s.code} {s.title}"]
            tags = [t.text for t in q.findall("tags/tag/text")]
            if qid in tasks:
                task = tasks[qid]
                assert where[2:] == ["Portfolio"] and tags == list(task.outcomes)
                assert _text(q, "name/text") == f"{task.id} {task.title}"  # not the title run into the task
                assert _text(q, "defaultgrade") == str(task.max_points)
                grader = _text(q, "graderinfo/text")
                assert "<table>" in grader and all(html.escape(c.name) in grader for c in task.criteria)
                continue
            it = by_id[qid]
            assert where[2:] == [statements[it.outcomes[0]]] and tags == list(it.outcomes)
            assert _text(q, "questiontext/text") == it.prompt_html.strip()
            assert _text(q, "generalfeedback/text") == it.feedback_html.strip()
            assert _text(q, "defaultgrade") == str(it.points)
            _same_answers(q, it)


def _same_answers(q: etree._Element, it: Any) -> None:
    answers = q.findall("answer")
    kind = q.get("type")
    if kind == "multichoice":
        assert (_text(q, "single") == "true") == (it.type == "single_choice")
        assert [_text(a, "text") for a in answers] == [o.html for o in response_options(it)]
        assert [_fraction(a) > 0 for a in answers] == [o.correct for o in response_options(it)]
        if it.type == "multiple_choice" and not all(o.correct for o in response_options(it)):
            # ticking every box scores nothing
            assert sum(_fraction(a) for a in answers) <= 0.001
    elif kind == "truefalse":
        right = next(a for a in answers if a.get("fraction") == "100")
        assert _text(right, "text") == next(o.key for o in response_options(it) if o.correct)
    elif kind == "shortanswer":
        accepted = [_text(a, "text").replace("\\*", "*") for a in answers if _fraction(a) == 1]
        assert accepted == list(it.answers)
        assert _text(q, "usecase") == ("1" if it.case_sensitive else "0")
    elif kind == "matching":
        pairs = [(_text(s, "text"), _text(s, "answer/text")) for s in q.findall("subquestion")]
        assert pairs == [(a.html, b.text) for a, b in zip(it.sources, response_options(it), strict=True)]
    elif kind == "ordering":
        # the file order is the key
        assert [_text(a, "text") for a in answers] == [o.html for o in response_options(it)]


def test_markdown_arrives_as_sanitised_html_in_cdata(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("Which part of a call number shows the subject?",
                                       "'Which **part** <script>alert(1)</script> ]]> & part?'"))
    course = _course(minimal)
    data = question_bank(course, course.sets[0])
    text = etree.fromstring(data, SAFE).xpath("//question[idnumber='TST-Q1']/questiontext/text")[0].text
    assert "<strong>part</strong>" in text and "<script>" not in text and "&lt;script&gt;" in text
    assert b"<![CDATA[<p>Which <strong>part</strong>" in data
    assert b"<![CDATA[<p>Which can appear in a call number?</p>]]>" in data
    read_bank(data)


def test_category_names_survive_moodles_path_splitting() -> None:
    names = ["LSSC", "A/B testing", "/lead", "trail/", "x" * 300]
    got = split_category_path(category_path(*names))
    assert got[:2] == ["$course$", "top"]
    assert got[2:6] == names[:4] and got[6].startswith("x" * 200) and len(got[6]) <= 255


def _add_item(minimal: Path, block: str) -> Course:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("    - id: TST-Q3\n", block + "    - id: TST-Q3\n"))
    return _course(minimal)


def _multi(minimal: Path, count: int, right: int) -> Course:
    choices = "".join(f"        - {{text: Choice {i}, correct: {str(i < right).lower()}, feedback: F}}\n"
                      for i in range(count))
    return _add_item(minimal, "    - id: TST-Q9\n      type: multiple_choice\n      outcomes: [TST-1]\n"
                              "      prompt: Pick some.\n      choices:\n" + choices)


def test_eleven_right_choices_are_left_out_with_a_warning(minimal: Path) -> None:
    course = _multi(minimal, 12, 11)
    s = course.sets[0]
    ids = [_text(q, "idnumber") for _, q in read_bank(question_bank(course, s))]
    assert "TST-Q9" not in ids and "TST-Q2" in ids
    assert [d.code for d in problems(course, s)] == ["moodle-skipped"]
    assert "tst.yaml" in str(problems(course, s)[0].loc)


@pytest.mark.parametrize(("count", "cost"), [(26, "0"), (15, "-5"), (7, "-25")])
def test_many_wrong_choices_cost_at_most_the_credit(minimal: Path, count: int, cost: str) -> None:
    course = _multi(minimal, count, 3)
    bank = {_text(q, "idnumber"): q for _, q in read_bank(question_bank(course, course.sets[0]))}
    fractions = [a.get("fraction") for a in bank["TST-Q9"].findall("answer")]
    # past 20 wrong answers even Moodle's smallest step (5%) each would take more than the credit away
    assert fractions == ["33.33333"] * 3 + [cost] * (count - 3)


def test_two_pair_matching_is_flagged(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace('        - {left: "900", right: History}\n', ""))
    course = _course(minimal)
    assert [d.code for d in problems(course, course.sets[0])] == ["moodle-matching"]
    read_bank(question_bank(course, course.sets[0]))


# ---------------------------------------------------------------- the CSV importer's rules


def php_fgetcsv(text: str) -> list[list[str]]:
    """PHP's fgetcsv(..., ',', '"') with its default escape "\\": inside quotes a backslash and the
    character after it are kept as they are, so a quote after a backslash does not close the field."""
    rows: list[list[str]] = []
    row: list[str] = []
    field: list[str] = []
    i, quoted, n = 0, False, len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == "\\" and i + 1 < n:
                field += [c, text[i + 1]]
                i += 2
                continue
            if c == '"':
                if text[i + 1 : i + 2] == '"':
                    field.append('"')
                    i += 2
                    continue
                quoted = False
            else:
                field.append(c)
        elif c == '"' and not field:
            quoted = True
        elif c == ",":
            row.append("".join(field))
            field = []
        elif c == "\n":
            row.append("".join(field))
            rows.append(row)
            row, field = [], []
        else:
            field.append(c)
        i += 1
    if field or row:
        row.append("".join(field))
        rows.append(row)
    return rows


def read_framework(text: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """framework_importer: columns by position, the row with a true "is framework" is the framework, the
    others hang under the row whose id number equals their parent's; what create_competency() creates."""
    table = php_fgetcsv(text)
    assert table[0] == list(HEADER)
    assert all(len(r) == len(HEADER) for r in table), "csv_import_reader: csvweirdcolumns"
    keys = ["parent", "idnumber", "shortname", "description", "descriptionformat", "scalevalues", "scaleconfig",
            "ruletype", "ruleoutcome", "ruleconfig", "related", "exportid", "isframework", "taxonomies"]
    records = [dict(zip(keys, r, strict=True)) for r in table[1:]]
    frameworks = [r for r in records if r["isframework"] not in ("", "0")]  # PHP truthiness
    assert len(frameworks) == 1
    flat = {r["idnumber"]: r for r in records if r not in frameworks}
    created: list[dict[str, Any]] = []

    def create(parent: str, depth: int) -> None:
        for rec in flat.values():
            if rec["parent"] == parent:
                if not (rec["idnumber"] and rec["shortname"]):
                    continue  # dropped silently, with all its children
                created.append({**rec, "depth": depth})
                create(rec["idnumber"], depth + 1)

    create("", 0)
    return frameworks[0], created


def _valid_scale(values: str, config: str) -> None:
    """competency_framework::validate_scaleconfiguration(): the scale id first, one default, a proficient value."""
    items = values.split(",")
    conf = json.loads(config)
    assert "scaleid" in conf[0]
    ids = [c["id"] for c in conf[1:]]
    assert sorted(ids) == list(range(1, len(items) + 1))
    assert sum(c["scaledefault"] for c in conf[1:]) == 1 and any(c["proficient"] for c in conf[1:])


def test_competency_csv_reads_back_as_a_tree(course: Course) -> None:
    text = framework_csv(course)
    framework, created = read_framework(text)
    assert framework["idnumber"] == f"{course.program.id}-{course.program.version}"
    assert set(framework["taxonomies"].split(",")) <= TAXONOMIES
    _valid_scale(framework["scalevalues"], framework["scaleconfig"])
    expected = [(s.code, "", 0) for s in course.sets]
    expected = [row for s in course.sets for row in [(s.code, "", 0)] + [(o.id, s.code, 1) for o in s.outcomes]]
    # every set and outcome created, under the right parent, in the order of the curriculum
    assert [(c["idnumber"], c["parent"], c["depth"]) for c in created] == expected
    for c in created:
        assert len(c["shortname"]) <= 100 and len(c["idnumber"]) <= 100
        assert c["descriptionformat"] == "1" and c["ruleoutcome"] in ("0", "1", "2", "3")
        assert c["ruletype"] in ("", "core_competency\\competency_rule_all", "core_competency\\competency_rule_points")
        assert c["ruleconfig"] == "null" and not c["scalevalues"]  # no config, and the framework's scale
    # the parents come first, as Moodle's exporter writes them
    order = [r[1] for r in php_fgetcsv(text)[2:]]
    assert all(order.index(c["parent"]) < order.index(c["idnumber"]) for c in created if c["parent"])


def test_backslash_before_a_quote_keeps_the_row_whole(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("statement: Name the parts of a call number.",
                                       "statement: 'Open C:\\\"Shelf lists\\\" and name the parts, then\\'"))
    course = _course(minimal)
    statement = course.sets[0].outcomes[0].statement
    assert '\\"' in statement and statement.endswith("\\")
    _, created = read_framework(framework_csv(course))
    row = next(c for c in created if c["idnumber"] == "TST-1")
    assert html.unescape(row["shortname"]) == f"TST-1 {statement}"
    assert [c["idnumber"] for c in created] == ["TST", "TST-1", "TST-2"]
