"""SCORM 1.2 and 2004 packages: XSD-valid manifests, complete file lists, metadata, determinism, safe content."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from support.projects import FORMATS, MINIMAL, REPO, VALIDATE, build, course_of, fill_in_items, real_sets

from builder.build import pipeline
from builder.formats.player.package import content, package_files, script_json, suspend_bound
from builder.formats.scorm.common import SUSPEND_MAX_12, scorm_files
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course
from builder.rules.check import check_curriculum
from builder.rules.limits import FILL_IN_MAX

SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
CP12 = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
MD12 = "{http://www.imsglobal.org/xsd/imsmd_rootv1p2p1}"
ADL12 = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
CP04 = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/LOM}"
SS = "{http://www.imsglobal.org/xsd/imsss}"
PLAYER = REPO / "themes" / "default" / "static" / "player"


@pytest.fixture(scope="module")
def curricula(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [MINIMAL, real_sets(tmp_path_factory.mktemp("real"))]


@pytest.fixture(scope="module", params=["1.2", "2004"])
def packages(request: pytest.FixtureRequest, curricula: list[Path], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("dist")
    zips: dict[str, Path] = {}
    for i, root in enumerate(curricula):
        zips.update(build(root, out / str(i), request.param))
    return request.param, zips


def _manifest(path: Path) -> tuple[etree._Element, list[str]]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        return etree.fromstring(zf.read("imsmanifest.xml"), SAFE), names


def test_every_package_is_valid_against_the_xsds(packages: tuple[str, dict[str, Path]]) -> None:
    _, zips = packages
    assert "TST" in zips
    for code, path in zips.items():
        run = subprocess.run([sys.executable, str(VALIDATE), "--quiet", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stdout.strip() == "valid", (code, run.stdout, run.stderr)


def test_manifest_lists_every_file_and_the_launch_page(packages: tuple[str, dict[str, Path]]) -> None:
    version, zips = packages
    cp = CP12 if version == "1.2" else CP04
    for path in zips.values():
        root, names = _manifest(path)
        assert "imsmanifest.xml" in names and "index.html" in names
        resources = root.findall(f"{cp}resources/{cp}resource")
        assert len(resources) == 1 and resources[0].get("href") == "index.html"
        listed = [f.get("href") for f in resources[0].findall(f"{cp}file")]
        assert sorted(listed) == sorted(n for n in names if n != "imsmanifest.xml")
        item = root.find(f"{cp}organizations/{cp}organization/{cp}item")
        assert item is not None and item.get("identifierref") == resources[0].get("identifier")


def test_metadata_mastery_and_objectives(packages: tuple[str, dict[str, Path]], curricula: list[Path]) -> None:
    version, zips = packages
    sets = {s.code: (c, s) for root in curricula for c in [course_of(root)] for s in c.sets}
    for code, path in zips.items():
        course, s = sets[code]
        root, _ = _manifest(path)
        lang = course.program.language
        if version == "1.2":
            general = root.find(f"{CP12}metadata/{MD12}lom/{MD12}general")
            assert general is not None
            assert general.findtext(f"{MD12}title/{MD12}langstring") == s.title
            assert general.findtext(f"{MD12}language") == lang
            assert general.findtext(f"{MD12}description/{MD12}langstring")
            assert [k.text for k in general.iterfind(f"{MD12}keyword/{MD12}langstring")] == list(s.keywords)
            version_path = f"{CP12}metadata/{MD12}lom/{MD12}lifecycle/{MD12}version/{MD12}langstring"
            assert root.findtext(version_path) == s.version
            mastery = root.findtext(f".//{CP12}item/{ADL12}masteryscore")
            assert mastery is not None and float(mastery) == pytest.approx(s.mastery_score * 100)
            assert 0 <= float(mastery) <= 100
        else:
            general = root.find(f"{CP04}metadata/{LOM}lom/{LOM}general")
            assert general is not None
            assert general.findtext(f"{LOM}title/{LOM}string") == s.title
            assert general.findtext(f"{LOM}language") == lang
            assert general.findtext(f"{LOM}description/{LOM}string")
            assert [k.text for k in general.iterfind(f"{LOM}keyword/{LOM}string")] == list(s.keywords)
            assert root.findtext(f".//{LOM}lifeCycle/{LOM}version/{LOM}string") == s.version
            objectives = root.find(f".//{CP04}item/{SS}sequencing/{SS}objectives")
            assert objectives is not None
            primary = objectives.find(f"{SS}primaryObjective")
            assert primary is not None and primary.get("satisfiedByMeasure") == "true"
            assert float(primary.findtext(f"{SS}minNormalizedMeasure") or "") == pytest.approx(s.mastery_score)
            ids = [o.get("objectiveID") for o in objectives.findall(f"{SS}objective")]
            assert ids == [o.id for o in s.outcomes]
            assert primary.get("objectiveID") not in ids
            # an LMS that takes cmi.scaled_passing_score from any objective (Moodle: the last) gets the mastery score
            measures = [o.findtext(f"{SS}minNormalizedMeasure") for o in objectives.findall(f"{SS}objective")]
            assert all(float(m or "nan") == pytest.approx(s.mastery_score) for m in measures)


def test_rebuild_is_byte_identical(tmp_path: Path, curricula: list[Path]) -> None:
    for (i, root), version in itertools.product(enumerate(curricula), FORMATS):
        first = build(root, tmp_path / "a" / str(i), version)
        second = build(root, tmp_path / "b" / "elsewhere" / str(i), version)
        for code in first:
            assert first[code].read_bytes() == second[code].read_bytes()
            with zipfile.ZipFile(first[code]) as zf:
                assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
                assert zf.namelist() == sorted(zf.namelist())


def test_coursepack_build_writes_one_zip_per_set_and_version(tmp_path: Path) -> None:
    result = pipeline.build(MINIMAL, tmp_path / "dist", ["scorm12", "scorm2004"], ["TST"], workers=1,
                            cache_dir=tmp_path / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]
    assert sorted(result.written) == ["scorm12/TST.zip", "scorm2004/TST.zip"]
    for rel in result.written:
        with zipfile.ZipFile(tmp_path / "dist" / rel) as zf:
            assert "imsmanifest.xml" in zf.namelist()


def test_player_budget_and_no_network() -> None:
    scripts = REPO / "builder" / "formats" / "player"
    files = [scripts / "player.js", scripts / "lms.js", PLAYER / "player.css"]
    assert sum(f.stat().st_size for f in files) <= 45_000  # issue 17: the whole player, unminified
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"https?://|fetch\(|XMLHttpRequest|sendBeacon|WebSocket|import\(", text), f.name


def test_content_json_cannot_close_its_script_element(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    payload = "</script><script>window.__pwned=1</script><!--"
    f.write_text(f.read_text().replace("Name the parts of a call number.", json.dumps(payload)), encoding="utf-8")
    course = course_of(minimal)
    theme = WriteContext(load_theme("default"), "en")
    files, diags = package_files(course, course.sets[0], theme, "1.2")
    assert not diags
    page = files["index.html"].decode()
    body = page.split('<script type="application/json" id="content">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    data = json.loads(body)
    assert data["outcomes"][0]["text"] == payload
    assert data == json.loads(str(script_json(content(course, course.sets[0], theme.catalogue, "1.2"))))


def test_launch_page_language_and_policy() -> None:
    course = course_of(MINIMAL)
    files, _ = package_files(course, course.sets[0], _ctx(course), "2004")
    page = files["index.html"].decode()
    assert '<html lang="en">' in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert re.findall(r'<script src="([^"]+)"', page) == ["player/lms.js", "player/player.js"]


def test_assets_are_packaged_and_may_not_replace_player_files(minimal: Path) -> None:
    (minimal / "images").mkdir()
    (minimal / "images" / "desk.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    f = minimal / "sets" / "tst.yaml"
    original = f.read_text()
    f.write_text(original.replace("glossary:", "assets:\n  - path: images/desk.png\n    alt: A desk\nglossary:"))
    course = course_of(minimal)
    files, diags = package_files(course, course.sets[0], _ctx(course), "1.2")
    assert not diags and files["images/desk.png"].startswith(b"\x89PNG")
    (minimal / "player").mkdir()  # the player's folder in the package; check.py lets only media through
    (minimal / "player" / "desk.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    f.write_text(original.replace("glossary:", "assets:\n  - path: player/desk.png\n    alt: Clash\nglossary:"))
    course = course_of(minimal)
    _, diags = package_files(course, course.sets[0], _ctx(course), "1.2")
    assert [d.code for d in diags] == ["scorm-asset"]


def test_player_speaks_the_programme_language(minimal: Path) -> None:
    f = minimal / "program.yaml"
    f.write_text(f.read_text().replace("language: en", "language: es"), encoding="utf-8")
    course = course_of(minimal)
    files, _ = package_files(course, course.sets[0], _ctx(course), "1.2")
    page = files["index.html"].decode()
    assert '<html lang="es">' in page and ">Siguiente<" in page
    data = json.loads(page.split('id="content">', 1)[1].split("</script>", 1)[0])
    assert data["strings"]["true"] == "Verdadero" and data["decimal"] == ","
    assert data["items"][2]["options"][0]["html"] == "Verdadero"  # true/false labels come from the catalogue


def test_answers_nobody_can_type_and_oversized_saved_progress_are_errors(minimal: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    original = f.read_text(encoding="utf-8")
    theme = WriteContext(load_theme("default"), "en")
    # check refuses such an answer at its line (test below); the writer keeps its own guard, shown on a course
    # changed after checking
    f.write_text(original.replace("portfolio:", fill_in_items(1, "x" * FILL_IN_MAX) + "portfolio:"), encoding="utf-8")
    course = course_of(minimal)
    cset = course.sets[0]
    longer = tuple(replace(it, answers=("x" * (FILL_IN_MAX + 1),)) if it.id == "TST-F0" else it for it in cset.items)
    course = replace(course, sets=(replace(cset, items=longer),))
    _, diags = package_files(course, course.sets[0], theme, "2004")
    assert [d.code for d in diags] == ["scorm-fill-in"] and "TST-F0" in diags[0].message
    assert diags[0].loc.path.endswith("tst.yaml") and diags[0].loc.line > 1  # at the item, not the file's top
    # 1.2 keeps 4096 characters; every typed answer may take 3 per character
    many = SUSPEND_MAX_12 // (3 * FILL_IN_MAX) + 1
    f.write_text(original.replace("portfolio:", fill_in_items(many, "cutter") + "portfolio:"), encoding="utf-8")
    course = course_of(minimal)
    assert suspend_bound(course.sets[0]) > SUSPEND_MAX_12
    assert [d.code for d in scorm_files(course, course.sets[0], theme, "1.2")[1]] == ["scorm-suspend"]
    assert scorm_files(course, course.sets[0], theme, "2004")[1] == []  # 64000 characters in 2004


def test_every_bundled_set_fits_scorm12_suspend_data(curricula: list[Path]) -> None:
    bounds = {s.code: suspend_bound(s) for root in curricula for s in course_of(root).sets}
    assert bounds["TST"] == len("c1|zzzzzz|9999|1|") + 1 + 3 + 1 + 3 * FILL_IN_MAX + 3 + 3 + 5
    assert all(b <= SUSPEND_MAX_12 for b in bounds.values()), bounds


def test_check_refuses_a_fill_in_answer_longer_than_the_answer_box(minimal: Path) -> None:
    """150 characters passed `check` and failed `build` (issue 16): one limit, enforced at the source line."""
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("portfolio:", fill_in_items(1, "x" * 150) + "portfolio:"),
                 encoding="utf-8")
    _, diags = check_curriculum(minimal, base=minimal)
    found = [d for d in diags if d.code == "answer-too-long"]
    assert len(found) == 1 and f"{FILL_IN_MAX} characters" in found[0].message
    assert found[0].loc.path.endswith("tst.yaml") and found[0].loc.line > 1


def _ctx(course: Course) -> WriteContext:
    return WriteContext(load_theme("default"), course.program.language)
