"""The plain web export: the SCORM package's player and content as a static site, plus a list page."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import lxml.html
from PIL import Image

from builder.build.output import OutDir
from builder.build.pipeline import build
from builder.formats import get
from builder.formats.base import Job, Options
from builder.formats.web import Web
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[2]


def _course(root: Path) -> Course:
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    return resolve(sources)


def _write(course: Course, target: Path) -> dict[str, bytes]:
    fmt, theme, out = Web(), WriteContext(load_theme("default"), "en"), OutDir(target)
    for job in fmt.jobs(course):
        assert fmt.write(course, job, theme, out, Options()) == []
    return {p.relative_to(target).as_posix(): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}


def test_a_set_folder_is_the_scorm12_package_without_its_manifest(tmp_path: Path) -> None:
    course = _course(REPO / "tests/projects/minimal")
    site = _write(course, tmp_path / "web")
    out = OutDir(tmp_path / "scorm")
    get("scorm12").write(course, Job("scorm12", "TST"), WriteContext(load_theme("default"), "en"), out, Options())
    with zipfile.ZipFile(tmp_path / "scorm" / "TST.zip") as zf:
        package = {n: zf.read(n) for n in zf.namelist() if n != "imsmanifest.xml"}
    # one difference only: the web page's player never looks for an LMS (content "scorm": "none")
    assert package["index.html"].count(b'"scorm":"1.2"') == 1
    package["index.html"] = package["index.html"].replace(b'"scorm":"1.2"', b'"scorm":"none"')
    assert {k[len("TST/"):]: v for k, v in site.items() if k.startswith("TST/")} == package
    assert sorted(k for k in site if not k.startswith("TST/")) == [
        "favicon.ico", "index.css", "index.html", "player/player.css"]


def _refs(page: bytes) -> list[str]:
    doc = lxml.html.fromstring(page)
    return [v for el in doc.iter() for k, v in el.items() if k in ("href", "src")]


def test_every_link_stays_inside_the_site_and_exists(tmp_path: Path) -> None:
    site = _write(_course(REPO / "tests/projects/minimal"), tmp_path / "web")
    for page in [k for k in site if k.endswith("index.html")]:
        base = Path(page).parent
        for ref in _refs(site[page]):
            if ref.startswith("#"):
                continue
            assert not re.match(r"^[a-z]+:|^/", ref), (page, ref)  # relative: the site works from any folder
            assert (base / ref).as_posix().removeprefix("./") in site, (page, ref)
    index = lxml.html.fromstring(site["index.html"])
    assert [a.get("href") for a in index.xpath("//main[@id='sets']//h2/a")] == ["TST/index.html"]
    assert index.get("lang") == "en" and "default-src 'none'" in site["index.html"].decode()


def test_titles_are_escaped_on_the_list_page(minimal: Path, tmp_path: Path) -> None:
    f = minimal / "sets" / "tst.yaml"
    f.write_text(f.read_text().replace("title: Testing Basics", "title: 'Testing <b onclick=x()>& co'"), "utf-8")
    page = _write(_course(minimal), tmp_path / "web")["index.html"].decode()
    assert "TST: Testing &lt;b onclick=x()&gt;&amp; co" in page and "<b onclick" not in page


def test_favicon_is_a_real_icon(tmp_path: Path) -> None:
    site = _write(_course(REPO / "tests/projects/minimal"), tmp_path / "web")
    icon = Image.open(io.BytesIO(site["favicon.ico"]))
    assert icon.format == "ICO" and icon.size == (16, 16)
    assert icon.convert("RGB").getpixel((8, 8)) == (0x0F, 0x2D, 0x4A)


def test_build_is_byte_identical_and_keeps_the_list_on_a_one_set_build(tmp_path: Path) -> None:
    root = REPO / "tests/projects/minimal"
    first, second = tmp_path / "a" / "dist", tmp_path / "b" / "dist"
    for dist in (first, second):
        assert build(root, dist, ["web"], workers=1, force=True, cache_dir=dist.parent / "cache").ok
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert "web/index.html" in files and "web/TST/index.html" in files and "web/TST/player/player.js" in files
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert build(root, first, ["web"], set_codes=["TST"], workers=1, cache_dir=first.parent / "cache").ok
    assert (first / "web" / "index.html").read_bytes() == (second / "web" / "index.html").read_bytes()
