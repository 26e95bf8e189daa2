"""The programme as a Moodle course backup (.mbz): byte-identical rebuilds, and an archive Moodle's reader takes.

Moodle's tgz_extractor (lib/filestorage/tgz_extractor.php) reads POSIX ustar headers only (no pax or GNU
long names); convert_helper::detect_moodle2_format() recognises a backup by the first 200 bytes of
moodle_backup.xml, double-quoted XML declaration included. The restore itself is tested against the real
Moodle in tests/moodle/test_course_backup.py.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import tarfile
from pathlib import Path

from lxml import etree

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "projects" / "minimal"


def _build(src: Path, out: Path, fmt: str = "moodle_course") -> Path:
    assert main(["build", str(src), "--out", str(out), "--format", fmt, "--force", "-q"]) == 0  # no cache copy
    found = sorted((out / "moodle").glob("*.mbz"))
    assert len(found) == 1, found
    return found[0]


def _members(mbz: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(mbz, "r:gz") as tar:
        return {m.name: m for m in tar.getmembers()}


def test_two_builds_give_the_same_bytes(tmp_path: Path) -> None:
    first = _build(MINIMAL, tmp_path / "a")
    second = _build(MINIMAL, tmp_path / "b")
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()
    raw = first.read_bytes()
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0"  # gzip, mtime 0
    members = _members(first)
    assert list(members) == sorted(members)
    assert all(m.mtime == 0 and m.uid == 0 and m.gid == 0 for m in members.values())
    with gzip.open(first) as gz:
        header = gz.read(512)
    assert header[257:263] == b"ustar\0"


def test_the_tree_is_a_moodle2_course_backup_with_the_scorm12_packages(tmp_path: Path) -> None:
    mbz = _build(MINIMAL, tmp_path / "a", "moodle_course,scorm12")
    with tarfile.open(mbz, "r:gz") as tar:
        data = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    head = data["moodle_backup.xml"][:200].decode()
    assert head.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "<moodle_backup>" in head
    assert "<information>" in head
    info = etree.fromstring(data["moodle_backup.xml"])
    assert info.findtext("information/details/detail/format") == "moodle2"
    assert info.findtext("information/details/detail/type") == "course"
    # every file of files.xml is in files/ under its sha1, and every activity references its files
    files = etree.fromstring(data["files.xml"])
    for row in files.iter("file"):
        sha1 = row.findtext("contenthash")
        assert sha1 is not None
        blob = data[f"files/{sha1[:2]}/{sha1}"]
        assert hashlib.sha1(blob).hexdigest() == sha1 and len(blob) == int(row.findtext("filesize") or -1)
    # the package inside is byte for byte the scorm12 format's zip
    packages = {row.findtext("filename"): row.findtext("contenthash") for row in files.iter("file")
                if row.findtext("filearea") == "package"}
    assert packages
    for name, sha1 in packages.items():
        built = (tmp_path / "a" / "scorm12" / str(name)).read_bytes()
        assert hashlib.sha1(built).hexdigest() == sha1, name
    for activity in info.iterfind("information/contents/activities/activity"):
        directory = activity.findtext("directory")
        if activity.findtext("modulename") == "assign":  # a portfolio task, graded with its rubric
            assert etree.fromstring(data[f"{directory}/grading.xml"]).findtext("area/activemethod") == "rubric"
            continue
        if activity.findtext("modulename") in ("resource", "quiz"):  # the handbook, a practice quiz: tested below
            continue
        scorm = etree.fromstring(data[f"{directory}/scorm.xml"])
        assert scorm.findtext("scorm/version") == "SCORM_1.2"
        assert scorm.findtext("scorm/sha1hash") in packages.values()
        ids = {int(f.findtext("id") or 0) for f in etree.fromstring(data[f"{directory}/inforef.xml"]).iter("file")}
        own = {i for i, row in enumerate(files.iter("file"), start=1) if row.findtext("contextid") == scorm.get(
            "contextid")}
        assert ids == own  # the package zip and its unpacked files, in the activity's context


def test_questions_handbook_and_competency_links(tmp_path: Path) -> None:
    """questions.xml is the moodle_xml format's bank question for question; the handbook and guide resources are
    the pdf format's files byte for byte; competency links name the competency_csv framework's id numbers."""
    mbz = _build(MINIMAL, tmp_path / "a", "moodle_course,moodle_xml,pdf,competency_csv")
    with tarfile.open(mbz, "r:gz") as tar:
        data = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    banks = [etree.parse(str(p)).getroot() for p in sorted((tmp_path / "a" / "moodle").glob("*-questions.xml"))]
    in_xml = sorted(q.findtext("idnumber") or "" for b in banks for q in b.iter("question")
                    if q.get("type") != "category")
    in_xml_categories = sorted(q.findtext("idnumber") or "" for b in banks for q in b.iter("question")
                               if q.get("type") == "category")
    questions = etree.fromstring(data["questions.xml"])
    assert sorted(e.findtext("idnumber") or "" for e in questions.iter("question_bank_entry")) == in_xml
    categories = questions.findall("question_category")
    # one top category for the course's bank (restore refuses two), then the programme's, the set's, the outcomes'
    assert (categories[0].findtext("name"), categories[0].findtext("parent")) == ("top", "0")
    assert sum(c.findtext("parent") == "0" for c in categories) == 1
    assert sorted(c.findtext("idnumber") for c in categories if c.findtext("idnumber") != "$@NULL@$") == \
        in_xml_categories
    # the handbook
    files = etree.fromstring(data["files.xml"])
    pdfs = {r.findtext("filename"): r.findtext("contenthash") for r in files.iter("file")
            if r.findtext("component") == "mod_resource"}
    assert pdfs == {name: hashlib.sha1((tmp_path / "a" / "pdf" / name).read_bytes()).hexdigest()
                    for name in ("handbook.pdf", "TST.pdf")}
    # competencies: the framework's id number is the CSV's first data row's
    framework = (tmp_path / "a" / "moodle" / "competencies.csv").read_text(encoding="utf-8").splitlines()[1]
    course_links = etree.fromstring(data["course/competencies.xml"])
    fw = {c.findtext("frameworkidnumber") for c in course_links.iter("competency")}
    assert len(fw) == 1 and framework.split(",")[1] == fw.pop()


def test_section_rules_name_untitled_requirements_in_the_programme_language(tmp_path: Path) -> None:
    """A requirement without a title reads "Required: all of HYG." and an elective one "Choose 1: choose 1 of …",
    from the strings catalogue, in Spanish for a Spanish programme (issue 21: it printed "Required set. : all of")."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "tests" / "projects" / "bakery-safety", src)
    expected = (("en", "Required: all of HYG.", "Choose 1: choose 1 of ALG, OVN."),
                ("es", "Obligatorios: todos estos: HYG.", "Elige 1: elige 1 de estos: ALG, OVN."))
    for language, required, elective in expected:
        program = src / "program.yaml"
        program.write_text(re.sub(r"^language: \w+", f"language: {language}", program.read_text(), flags=re.M))
        mbz = _build(src, tmp_path / language)
        with tarfile.open(mbz, "r:gz") as tar:
            sections = [tar.extractfile(m).read().decode() for m in tar.getmembers()  # type: ignore[union-attr]
                        if m.name.endswith("/section.xml")]
        text = "".join(sections)
        assert required in text and elective in text, language


def test_the_course_starts_on_the_programme_release_date(tmp_path: Path) -> None:
    """Not 1 January 1970: the Restore page offers the backup's start date, and a trainer would have to fix it."""
    import calendar
    import datetime as dt

    mbz = _build(MINIMAL, tmp_path / "a")
    with tarfile.open(mbz, "r:gz") as tar:
        course = etree.fromstring(tar.extractfile("course/course.xml").read())  # type: ignore[union-attr]
        info = etree.fromstring(tar.extractfile("moodle_backup.xml").read())  # type: ignore[union-attr]
    released = re.search(r"^released: (\S+)", (MINIMAL / "program.yaml").read_text(), re.M)
    assert released
    expected = str(calendar.timegm(dt.date.fromisoformat(released[1]).timetuple()))
    assert course.findtext("startdate") == expected
    assert info.findtext("information/original_course_startdate") == expected
