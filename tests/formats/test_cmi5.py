"""cmi5 packages: XSD-valid cmi5.xml for every set, the course structure's values, the AU's files, determinism."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from support.projects import MINIMAL, VALIDATE, course_of, real_sets

from builder import formats
from builder.build import pipeline
from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.cmi5.writer import Cmi5, allow_connect
from builder.render.context import WriteContext
from builder.render.text import plain
from builder.render.themes import load_theme
from builder.resolve.course import Course

NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def build(root: Path, out: Path) -> tuple[Course, dict[str, Path]]:
    course = course_of(root)
    folder = OutDir(out)
    theme = WriteContext(load_theme(course.program.theme), course.program.language)
    for s in course.sets:
        diags = Cmi5().write(course, Job("cmi5", s.code), theme, folder, Options())
        assert not diags, [d.render() for d in diags]
    return course, {s.code: folder.path(f"{s.code}.zip") for s in course.sets}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Course, dict[str, Path]]]:
    return [build(MINIMAL, tmp_path_factory.mktemp("minimal")),
            build(real_sets(tmp_path_factory.mktemp("real")), tmp_path_factory.mktemp("dist"))]


def _structure(path: Path) -> tuple[etree._Element, list[str]]:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("cmi5.xml"), SAFE), zf.namelist()


def test_every_course_structure_is_valid_against_the_xsd(packages: list[tuple[Course, dict[str, Path]]]) -> None:
    zips = [p for _, by_code in packages for p in by_code.values()]
    assert len(zips) >= 1
    for path in zips:
        run = subprocess.run([sys.executable, str(VALIDATE), "--quiet", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stdout.strip() == "valid", (path.name, run.stdout, run.stderr)


def test_structure_carries_the_sets_values(packages: list[tuple[Course, dict[str, Path]]]) -> None:
    for course, zips in packages:
        lang = course.program.language
        for cset in course.sets:
            root, names = _structure(zips[cset.code])
            aus = root.findall("c:au", NS)
            assert len(aus) == 1 and not root.findall(".//c:block", NS)
            au = aus[0]
            assert float(au.get("masteryScore", "")) == cset.mastery_score
            assert au.get("moveOn") == "CompletedAndPassed" and au.get("launchMethod") == "AnyWindow"
            assert au.findtext("c:url", namespaces=NS) in names
            assert au.findtext("c:title/c:langstring", namespaces=NS) == cset.title
            assert au.findtext("c:description/c:langstring", namespaces=NS) == plain(cset.summary_html)
            for node in root.iterfind(".//c:langstring", NS):
                assert node.get("lang") == lang and node.text and node.text.strip() == node.text
            ids = [au.get("id"), root.find("c:course", NS).get("id")]  # type: ignore[union-attr]
            objectives = root.findall("c:objectives/c:objective", NS)
            ids += [o.get("id") for o in objectives]
            assert len(set(ids)) == len(ids)
            assert all(re.fullmatch(r"urn:coursepack:[a-z0-9-]+:\S+", str(i)) for i in ids)
            assert [o.findtext("c:title/c:langstring", namespaces=NS) for o in objectives] == [
                o.id for o in cset.outcomes
            ]
            refs = [r.get("idref") for r in au.findall("c:objectives/c:objective", NS)]
            assert refs == [o.get("id") for o in objectives]


def test_au_is_the_player_with_the_cmi5_adapter(packages: list[tuple[Course, dict[str, Path]]]) -> None:
    _, zips = packages[0]
    with zipfile.ZipFile(zips["TST"]) as zf:
        names = zf.namelist()
        page = zf.read("index.html").decode()
    assert "cmi5.xml" in names and "player/cmi5.js" in names and "player/player.js" in names
    assert "player/lms.js" not in names and "imsmanifest.xml" not in names
    # the adapter defines window.LMS before the player starts
    assert re.findall(r'<script src="([^"]+)"', page) == ["player/cmi5.js", "player/player.js"]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    directives = [d.strip() for d in csp[1].split(";")]
    assert "default-src 'none'" in directives and "script-src 'self'" in directives
    assert directives[-1] == "connect-src http: https:"
    data = json.loads(page.split('id="content">', 1)[1].split("</script>", 1)[0])
    assert data["scorm"] == "cmi5"


def test_allow_connect_replaces_a_connect_directive_and_leaves_pages_without_policy() -> None:
    page = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; connect-src 'self'\">"
    assert allow_connect(page) == (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; connect-src http: https:">'
    )
    assert allow_connect("<p>no policy</p>") == "<p>no policy</p>"


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    _, first = build(MINIMAL, tmp_path / "a")
    _, second = build(MINIMAL, tmp_path / "b" / "elsewhere")
    assert first["TST"].read_bytes() == second["TST"].read_bytes()
    with zipfile.ZipFile(first["TST"]) as zf:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())


def test_coursepack_build_writes_one_cmi5_zip_per_set(tmp_path: Path) -> None:
    assert "cmi5" in formats.available() and "cmi5" in formats.DEFAULT
    result = pipeline.build(MINIMAL, tmp_path / "dist", ["cmi5"], ["TST"], workers=1, cache_dir=tmp_path / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]
    assert sorted(result.written) == ["cmi5/TST.zip"]


def test_an_asset_may_not_replace_the_course_structure(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # check.py already refuses .xml assets (asset-type); the writer's own guard is the second line
    # of defence, so let one through the first.
    import builder.source.media

    monkeypatch.setattr(builder.source.media, "MEDIA_TYPES", builder.source.media.MEDIA_TYPES | {".xml"})
    (minimal / "CMI5.XML").write_text("<x/>")
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("glossary:", "assets:\n  - path: CMI5.XML\n    alt: Clash\nglossary:"))
    course = course_of(minimal)
    ctx = WriteContext(load_theme("default"), "en")
    diags = Cmi5().write(course, Job("cmi5", "TST"), ctx, OutDir(minimal / "out"), Options())
    assert [d.code for d in diags] == ["scorm-asset"]
    assert not (minimal / "out" / "TST.zip").exists()
