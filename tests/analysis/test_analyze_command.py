"""`coursepack analyze` on report files shaped like Moodle's download (the Moodle test proves the shape on real
downloads): the planted flags, the CSV's figures, the HTML page, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from builder.analysis import Thresholds, run
from builder.analysis.tables import neutralise
from builder.cli import main
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

from .cohort import Learner, cohort, expected_flags, figures, moodle_report, plan_for

REPO = Path(__file__).resolve().parents[2]
CURRICULUM = REPO / "curriculum"
FLAG = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>warning|error)\[(?P<code>[\w-]+)\]: "
                  r"(?P<rest>.*)$", re.M)


@pytest.fixture(scope="module")
def course() -> Course:
    sources, _ = check_curriculum(CURRICULUM)
    assert sources is not None
    return resolve(sources)


@pytest.fixture(scope="module")
def learners(course: Course) -> list[Learner]:
    cset = course.set("TEC")
    return cohort(cset, "zqcand", plan_for(cset))


@pytest.fixture
def report(tmp_path: Path, learners: list[Learner]) -> Path:
    path = tmp_path / "TEC interactions.txt"
    path.write_text(moodle_report(learners, "Technology"), encoding="utf-8")
    return path


def analyze(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args, "--curriculum", str(CURRICULUM)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    return code, out, err


def flags(err: str) -> set[tuple[str, str]]:
    return {(m["rest"].split(":")[0], m["code"]) for m in FLAG.finditer(err) if m["sev"] == "warning"}


def test_planted_flags_csv_figures_and_a_deterministic_private_page(
    capsys: pytest.CaptureFixture[str], course: Course, learners: list[Learner], report: Path, tmp_path: Path
) -> None:
    cset = course.set("TEC")
    out_csv, out_html = tmp_path / "items.csv", tmp_path / "report.html"
    code, out, err = analyze(capsys, str(report), "--out", str(out_csv), "--out", str(out_html))
    assert code == 0
    independent = figures(cset, learners)
    assert flags(err) == expected_flags(cset, independent)
    plan = plan_for(cset)
    assert {(plan.hard, "item-too-hard"), (plan.reversed, "item-negative-discrimination"),
            (plan.dead, "distractor-non-functioning")} == flags(err)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert [r["item"] for r in rows] == [it.id for it in cset.items]
    for r in rows:
        want = independent["items"][r["item"]]
        assert float(r["facility"]) == pytest.approx(want["facility"], abs=0.005)
        assert float(r["discrimination_rpb"]) == pytest.approx(want["rpb"], abs=0.005)
        assert float(r["upper_lower"]) == pytest.approx(want["ul"], abs=0.005)
        assert r["source"] == f"{course.loc(r['item']).path}:{course.loc(r['item']).line}"
        assert not r["discrimination_rpb"].startswith("'")  # a negative number stays a number
    page = out_html.read_bytes()
    analyze(capsys, str(report), "--out", str(out_html))
    assert out_html.read_bytes() == page  # deterministic
    doc = lxml_html.fromstring(page)
    assert doc.get("lang") == "en" and not doc.xpath("//script") and not doc.xpath("//*[@src or @href]")
    for svg in doc.xpath("//svg"):  # every chart is named, described, and followed by its data table
        assert svg.get("role") == "img" and svg.xpath("./title") and svg.xpath("./desc")
        assert svg.getnext() is not None and svg.getnext().tag == "table"
    for text in (out, err, out_csv.read_text(), page.decode()):
        assert "@example.com" not in text and "Learner" not in text
        assert not any(re.search(rf"\b{lr.username}\b", text) for lr in learners)


@pytest.mark.parametrize("variant", ["utf16-excel", "utf8-bom-semicolons", "comma-quoted", "crlf"])
def test_spreadsheet_round_trips_read_the_same(
    capsys: pytest.CaptureFixture[str], report: Path, tmp_path: Path, variant: str
) -> None:
    _, _, reference = analyze(capsys, str(report))
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8")), delimiter="\t"))
    other = tmp_path / "resaved.csv"
    if variant == "utf16-excel":  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF
        other.write_bytes(report.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    elif variant == "crlf":
        other.write_bytes(report.read_bytes().replace(b"\n", b"\r\n"))
    else:
        buf = io.StringIO()
        delimiter = ";" if variant == "utf8-bom-semicolons" else ","
        csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL if variant == "comma-quoted" else csv.QUOTE_MINIMAL,
                   lineterminator="\r\n").writerows(rows)
        other.write_text(buf.getvalue(), encoding="utf-8-sig" if variant == "utf8-bom-semicolons" else "utf-8")
    code, _, err = analyze(capsys, str(other))
    assert code == 0
    assert flags(err) == flags(reference) and len(flags(err)) == 3


def located(err: str, code: str) -> re.Match[str]:
    found = [m for m in FLAG.finditer(err) if m["code"] == code]
    assert found, err
    return found[0]


def test_a_truncated_download_is_located_at_its_last_row(
    capsys: pytest.CaptureFixture[str], report: Path
) -> None:
    text = report.read_text(encoding="utf-8")
    report.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    code, _, err = analyze(capsys, str(report))
    m = located(err, "report-truncated")
    assert code == 1 and m["path"] == str(report) and int(m["line"]) == text[: len(text) * 2 // 3].count("\n") + 1


def test_a_quote_left_open_is_truncation(capsys: pytest.CaptureFixture[str], report: Path) -> None:
    report.write_text(report.read_text(encoding="utf-8").rstrip("\n") + '\t"unfinished', encoding="utf-8")
    code, _, err = analyze(capsys, str(report))
    assert code == 1 and located(err, "report-truncated")


def test_bytes_that_are_not_utf8_are_located(capsys: pytest.CaptureFixture[str], report: Path) -> None:
    data = report.read_bytes().replace(b"Learner zqcand03", b"L\xe9arner zqcand03", 1)  # Latin-1 é from a re-save
    report.write_bytes(data)
    code, _, err = analyze(capsys, str(report))
    m = located(err, "report-encoding")
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    assert code == 1 and (int(m["line"]), int(m["col"])) == (line, 2)


def test_another_curriculum_is_refused_at_the_first_item_cell(
    capsys: pytest.CaptureFixture[str], report: Path
) -> None:
    code = main(["analyze", str(report), "--curriculum", str(REPO / "tests" / "projects" / "minimal")])
    err = capsys.readouterr().err
    m = located(err, "report-other-curriculum")
    assert code == 1 and (int(m["line"]), int(m["col"])) == (2, report.read_text().split("\n")[1].index("TEC-") + 1)


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)"])
def test_formula_strings_are_read_as_text_and_never_written_as_formulas(
    capsys: pytest.CaptureFixture[str], report: Path, tmp_path: Path, payload: str
) -> None:
    lines = report.read_text(encoding="utf-8").split("\n")
    cells = lines[3].split("\t")
    cells[8] = payload  # the first Response cell of the third attempt
    lines[3] = "\t".join(cells)
    report.write_text("\n".join(lines), encoding="utf-8")
    out_csv = tmp_path / "items.csv"
    code, _, err = analyze(capsys, str(report), "--out", str(out_csv))
    m = located(err, "report-formula")
    assert code == 0 and int(m["line"]) == 4
    for row in csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell


def test_neutralise_follows_owasp_but_keeps_negative_numbers() -> None:
    assert neutralise("=1+2") == "'=1+2" and neutralise("-A1") == "'-A1" and neutralise("@x") == "'@x"
    assert neutralise("-0.12") == "-0.12" and neutralise("TEC-Q1") == "TEC-Q1"


def test_a_changed_key_marks_the_item_at_its_line(
    capsys: pytest.CaptureFixture[str], course: Course, report: Path
) -> None:
    lines = report.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    col = header.index("Right answer 0")
    for k in range(1, len(lines)):
        if lines[k]:
            cells = lines[k].split("\t")
            cells[col] = "d"
            lines[k] = "\t".join(cells)
    report.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = analyze(capsys, str(report))
    m = located(err, "item-changed-since-results")
    assert code == 0 and m["rest"].startswith("TEC-Q1: the results were scored against key 'd'")
    assert int(m["line"]) == course.loc("TEC-Q1").line


def test_default_moodle_columns_without_item_ids_say_what_to_tick(
    capsys: pytest.CaptureFixture[str], report: Path
) -> None:
    rows = [line.split("\t") for line in report.read_text(encoding="utf-8").split("\n") if line]
    keep = [k for k, name in enumerate(rows[0]) if not name.startswith(("Question", "Right answer", "Result"))]
    report.write_text("\n".join("\t".join(r[k] for k in keep) for r in rows), encoding="utf-8")
    code, _, err = analyze(capsys, str(report))
    assert code == 1 and "tick 'Question'" in err and located(err, "report-no-item-ids")


@pytest.mark.parametrize(("content", "code_name"), [(b"PK\x03\x04rest", "report-spreadsheet"), (b"", "report-empty"),
                                                   (b"a\tb\n1\t2\n", "report-not-interactions")])
def test_other_files_are_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, code_name: str
) -> None:
    path = tmp_path / "download.txt"
    path.write_bytes(content)
    code, _, err = analyze(capsys, str(path))
    assert code == 1 and located(err, code_name)


@pytest.mark.parametrize("args", [["--threshold", "bogus=1"], ["--threshold", "too_hard=x"], ["--out", "r.pdf"],
                                  ["--threshold", "group_share=0.6"], ["--threshold", "min_n=0"],
                                  ["--threshold", "distractor=1.5"],
                                  ["--results-version", "TEC"], ["--results-version", "ZZZ=1.0"], ["--nope"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], report: Path, args: list[str]) -> None:
    assert main(["analyze", str(report), *args, "--curriculum", str(CURRICULUM)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_missing_report_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["analyze", str(tmp_path / "nope.txt"), "--curriculum", str(CURRICULUM)]) == 2


def test_thresholds_change_the_flags_and_strict_fails_on_them(
    capsys: pytest.CaptureFixture[str], report: Path
) -> None:
    code, _, err = analyze(capsys, str(report), "--threshold", "too_hard=0.01", "--threshold", "distractor=0")
    assert code == 0 and {c for _, c in flags(err)} == {"item-negative-discrimination"}
    code, _, err = analyze(capsys, str(report), "--threshold", "min_n=100")
    assert code == 0 and not flags(err)
    assert analyze(capsys, str(report), "--strict")[0] == 1


def test_only_each_learners_first_attempt_counts(
    capsys: pytest.CaptureFixture[str], course: Course, learners: list[Learner], report: Path
) -> None:
    lines = report.read_text(encoding="utf-8").rstrip("\n").split("\n")
    retake = lines[1].split("\t")
    retake[2] = "2"  # the same learner again, second attempt, every answer right
    for k in range(len(retake)):
        if lines[0].split("\t")[k].startswith("Result "):
            retake[k] = "correct"
    report.write_text("\n".join([lines[0], "\t".join(retake), *lines[1:]]) + "\n", encoding="utf-8")
    analysis, _ = run(course, [report], Thresholds(), {})
    assert analysis is not None
    (got,) = analysis.sets
    independent = figures(course.set("TEC"), learners)
    assert got.attempts == len(learners)
    for it in got.items:
        assert it.facility == pytest.approx(independent["items"][it.item_id]["facility"], abs=1e-12)


@pytest.mark.parametrize("name", ["moodle456-scorm12-interactions.txt", "moodle456-quiz-responses.csv"])
def test_real_moodle_downloads_kept_as_fixtures(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """Two files exactly as Moodle 4.5.6 sent them to a logged-in trainer (tests/moodle/test_analysis.py makes
    new ones on every run): the seeded TEC cohort's planted flags, and no name or email in any output."""
    path = Path(__file__).parent / "data" / name
    code, out, err = analyze(capsys, str(path))
    assert code == 0
    assert flags(err) == {("TEC-Q1", "item-too-hard"), ("TEC-Q4", "item-negative-discrimination"),
                          ("TEC-Q7", "distractor-non-functioning")}
    assert "example.com" not in out + err and "Learner" not in out + err


def test_a_report_drawing_on_two_sets_is_analysed_per_set(course: Course, tmp_path: Path) -> None:
    tec, com = course.set("TEC"), course.set("COM")
    a = {lr.username: lr for lr in cohort(tec, "zqcand", plan_for(tec))}
    b = {lr.username: lr for lr in cohort(com, "zqcand", plan_for(com))}
    merged = [Learner(u, a[u].ability, a[u].answers + b[u].answers) for u in sorted(a)]
    path = tmp_path / "both.txt"
    path.write_text(moodle_report(merged, "Practice"), encoding="utf-8")
    analysis, diags = run(course, [path], Thresholds(), {})
    assert analysis is not None and sorted(s.code for s in analysis.sets) == ["COM", "TEC"]
    for s in analysis.sets:
        mine = [(a if s.code == "TEC" else b)[u] for u in sorted(a)]
        assert s.attempts == len(mine)
        assert s.alpha == pytest.approx(figures(course.set(s.code), mine)["alpha"], abs=1e-9)
    assert {(d.message.split(":")[0], d.code) for d in diags} == (
        expected_flags(tec, figures(tec, list(a.values()))) | expected_flags(com, figures(com, list(b.values()))))
