"""The programme as an IMS Common Cartridge 1.1 (cc/<program>.imscc): byte-identical rebuilds, valid against the CC 1.1
schemas Moodle's converter validates with, and every lesson, task and item of the curriculum inside.

The schemas are a copy of Moodle 4.5's backup/cc/schemas11 (the manifest's validator and the QTI profile); they are
read without network or entity expansion. The QTI profile's own rules (Schematron inside the XSD: cc_profile
values, cc_weighting 1-99, cc_maxattempts…) are checked too. The import into Moodle is
tests/moodle/test_cc_import.py.
"""

from __future__ import annotations

import copy
import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from builder.cli import main
from builder.formats.cc.qti import MULTIPLE, SINGLE, profile, rotations
from builder.formats.cc.qti import NS as QTI
from builder.formats.cc.writer import CommonCartridge
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "projects" / "minimal"
SCHEMAS = Path(__file__).resolve().parent / "schemas" / "cc11"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
SCH = "http://purl.oclc.org/dsdl/schematron"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
PROFILE = {"single_choice": SINGLE, "multiple_choice": MULTIPLE, "true_false": "cc.true_false.v0p1",
           "fill_in": "cc.fib.v0p1", "matching": SINGLE, "ordering": SINGLE}  # with at least three choices


def _build(src: Path, out: Path, fmt: str = "cc") -> Path:
    assert main(["build", str(src), "--out", str(out), "--format", fmt, "--force", "-q"]) == 0
    found = sorted((out / "cc").glob("*.imscc"))
    assert len(found) == 1, found
    return found[0]


def _course(src: Path) -> Course:
    sources, _ = check_curriculum(src, base=src)
    assert sources is not None
    return resolve(sources)


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), PARSER))


def _profile_rules() -> isoschematron.Schematron:
    """The Schematron patterns embedded in the QTI profile's XSD, as one ISO Schematron schema."""
    xsd = etree.parse(str(SCHEMAS / "ccv1p1_qtiasiv1p2p1_v1p0.xsd"), PARSER)
    root = etree.Element(f"{{{SCH}}}schema", nsmap={"sch": SCH})
    for el in xsd.iter(f"{{{SCH}}}ns", f"{{{SCH}}}pattern"):
        el = copy.deepcopy(el)
        for legacy in ("name", "abstract"):  # Schematron 1.5 attributes ISO does not have
            el.attrib.pop(legacy, None)
        root.append(el)
    return isoschematron.Schematron(root, store_report=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("cc") / "dist"
    return _build(MINIMAL, out, "cc,pdf"), out


def _files(imscc: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(imscc) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_two_builds_give_the_same_bytes(built: tuple[Path, Path], tmp_path: Path) -> None:
    first, _ = built
    second = _build(MINIMAL, tmp_path / "b")
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        names = z.namelist()
        assert names == sorted(names) and "imsmanifest.xml" in names
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_manifest_and_every_assessment_are_valid_cc_1_1(built: tuple[Path, Path]) -> None:
    files = _files(built[0])
    manifest = _schema("cc11libxml2validator.xsd")  # what Moodle's imscc11 converter validates with
    doc = etree.fromstring(files["imsmanifest.xml"], PARSER)
    assert manifest.validate(doc), manifest.error_log
    assert doc.findtext(f"{{{CP}}}metadata/{{{CP}}}schemaversion") == "1.1.0"
    qti, rules = _schema("ccv1p1_qtiasiv1p2p1_v1p0.xsd"), _profile_rules()
    tests = [n for n in files if n.endswith("assessment.xml")]
    assert tests
    for name in tests:
        test = etree.fromstring(files[name], PARSER)
        assert qti.validate(test), (name, qti.error_log)
        assert rules.validate(test), (name, etree.tostring(rules.validation_report)[:2000])
    # the rules bite: a weighting outside 1-99 is refused
    broken = etree.fromstring(files[tests[0]], PARSER)
    label = next(e for e in broken.iter(f"{{{QTI}}}fieldlabel") if e.text == "cc_weighting")
    label.getnext().text = "150"  # type: ignore[union-attr]
    assert not rules.validate(broken)


def test_every_lesson_task_and_item_is_in_the_cartridge(built: tuple[Path, Path]) -> None:
    imscc, out = built
    files = _files(imscc)
    course = _course(MINIMAL)
    doc = etree.fromstring(files["imsmanifest.xml"], PARSER)
    resources = {r.get("identifier"): r for r in doc.iter(f"{{{CP}}}resource")}
    sections = doc.findall(f"{{{CP}}}organizations/{{{CP}}}organization/{{{CP}}}item/{{{CP}}}item")
    assert [s.findtext(f"{{{CP}}}title") for s in sections] == [course.program.title] + [
        f"{s.code} {s.title}" for s in course.sets]
    # the handbook is the pdf format's file, byte for byte
    assert hashlib.sha256(files["handbook.pdf"]).digest() == hashlib.sha256(
        (out / "pdf" / "handbook.pdf").read_bytes()).digest()
    for cset, section in zip(course.sets, sections[1:], strict=True):
        titles = [i.findtext(f"{{{CP}}}title") for i in section.iter(f"{{{CP}}}item") if i is not section]
        guide_title = f"{cset.code} {cset.title}: study guide (PDF)"
        assert titles == ([lesson.title for lesson in cset.lessons]
                          + [f"{t.id} {t.title} (portfolio)" for t in cset.portfolio] + [guide_title]
                          + [f"{cset.code} assessment"])
        # the set's study guide is the pdf format's file too, byte for byte, as a web content file
        guide = resources[f"R-{cset.code}-GUIDE"]
        assert (guide.get("type"), guide.get("href")) == ("webcontent", f"{cset.code}/{cset.code}.pdf")
        assert files[f"{cset.code}/{cset.code}.pdf"] == (out / "pdf" / f"{cset.code}.pdf").read_bytes()
        for lesson in cset.lessons:
            page = files[f"{cset.code}/{lesson.id}.html"].decode()
            assert resources[f"R-{lesson.id}"].get("type") == "webcontent"
            assert lesson.body_html in page
        test = resources[f"R-{cset.code}-ASSESSMENT"]
        assert test.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment" and test.get("href") is None
        qti = etree.fromstring(files[f"{cset.code}/assessment.xml"], PARSER)
        items = {i.get("ident"): i for i in qti.iter(f"{{{QTI}}}item")}
        assert list(items) == [it.id for it in cset.items]
        for it in cset.items:
            el = items[it.id]
            fields = {f.findtext(f"{{{QTI}}}fieldlabel"): f.findtext(f"{{{QTI}}}fieldentry")
                      for f in el.iter(f"{{{QTI}}}qtimetadatafield")}
            few = len(rotations(len(it.correct_keys))) if it.type in ("matching", "ordering") else len(
                getattr(it, "choices", ())) if it.type == "single_choice" else 3
            kind = PROFILE[it.type] if few >= 3 else MULTIPLE  # one right answer of two: a multiple response
            assert fields == {"cc_profile": kind, "cc_weighting": str(it.points)}, it.id
            assert profile(it) == kind
            right = el.find(f"{{{QTI}}}resprocessing/{{{QTI}}}respcondition[@title='Correct']")
            assert right is not None and right.findtext(f"{{{QTI}}}setvar") == "100"
            keys = [v.text for v in right.iter(f"{{{QTI}}}varequal") if v.getparent().tag != f"{{{QTI}}}not"]
            labels = {lab.get("ident"): lab.findtext(f".//{{{QTI}}}mattext")
                      for lab in el.iter(f"{{{QTI}}}response_label")}
            if it.type == "fill_in":
                assert keys == list(it.answers)
            elif it.type in ("matching", "ordering"):
                # a choice between arrangements: the right one is the key, and there are up to three wrong ones
                [key] = keys
                count = len(it.correct_keys)
                assert len(labels) == len(rotations(count)) and key in labels
                if it.type == "ordering":
                    assert labels[key] == " → ".join(s.html for s in it.steps)  # type: ignore[attr-defined]
            else:
                assert keys == list(it.correct_keys), it.id


def test_an_attempt_limit_the_profile_lacks_is_a_warning_at_the_set() -> None:
    """CC's QTI profile allows 1 to 5 attempts or unlimited: 7 becomes unlimited, with a warning at the set."""
    course = _course(MINIMAL)
    cset = course.sets[0]
    changed = replace(course, sets=(replace(cset, attempts=7), *course.sets[1:]))
    assert CommonCartridge().check(course) == []
    [found] = CommonCartridge().check(changed)
    assert found.code == "cc-attempts" and found.loc == course.loc(cset.code) and "7" in found.message
