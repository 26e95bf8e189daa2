"""A second programme in another domain (tests/projects/bakery-safety: one required set, choose 1 of 2,
a course route only, no portfolio, unicode and markdown tables): it checks strict-clean, every format
builds, and no word of the bundled library programme reaches any output, inside packages and PDFs too."""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import formats
from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "tests" / "projects" / "bakery-safety"
LIBRARY = re.compile(
    r"\b(librar(?:y|ies|ian)s?|patrons?|dewey|lssc|call[ -]numbers?|shelv\w*|catalogu?ing|circulation|ALA-APA)\b",
    re.I,
)
ONE_ROUTE_WRONG = ("you can mix them", "If you take the portfolio route", "Portfolio rubrics", "portfolio rubrics",
                   "Evidence to submit")


def _texts(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    """Every text inside an output: zip and tar members, PDF pages and metadata, plain files."""
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        yield name, "\n".join(page.extract_text() or "" for page in reader.pages)
        yield f"{name} (metadata)", " ".join(str(v) for v in (reader.metadata or {}).values())
    elif name.endswith((".zip", ".imscc")):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                yield from _texts(f"{name}!{member}", z.read(member))
    elif name.endswith(".mbz"):
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for m in tar.getmembers():
                handle = tar.extractfile(m) if m.isfile() else None
                if handle is not None:
                    yield from _texts(f"{name}!{m.name}", handle.read())
    else:
        try:
            yield name, data.decode("utf-8")
        except UnicodeDecodeError:
            return  # fonts, images


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    dist = tmp_path_factory.mktemp("bakery") / "dist"
    argv = ["build", str(PROJECT), "--out", str(dist), "--format", ",".join(formats.available()), "--strict", "-q"]
    assert main(argv) == 0
    return {name: text for f in sorted(dist.rglob("*")) if f.is_file()
            for name, text in _texts(f.relative_to(dist).as_posix(), f.read_bytes())}


def test_the_programme_checks_strict_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict", str(PROJECT)]) == 0
    assert capsys.readouterr().out.startswith("ok: 3 sets, 6 outcomes, 3 lessons, 12 items, 0 portfolio tasks")


def test_its_sources_hold_no_library_word() -> None:
    for f in PROJECT.rglob("*.yaml"):
        assert LIBRARY.search(f.read_text(encoding="utf-8")) is None, f


@pytest.mark.slow
def test_no_library_word_reaches_any_output(outputs: dict[str, str]) -> None:
    assert len(outputs) > 100  # packages' members, PDFs, XML, CSV, web pages
    hits = [f"{name}: {m.group()!r}" for name, text in outputs.items() for m in LIBRARY.finditer(text)]
    assert not hits, "\n".join(hits[:20])


@pytest.mark.slow
def test_one_route_and_no_portfolio_read_as_such(outputs: dict[str, str]) -> None:
    handbook = outputs["pdf/handbook.pdf"]
    assert "There is one way to complete a set:" in handbook
    for name, text in outputs.items():
        if name.endswith((".pdf", ".xml", ".csv", ".html", "(metadata)")):
            for phrase in ONE_ROUTE_WRONG:
                assert phrase not in text, f"{name}: {phrase}"


@pytest.mark.slow
def test_unicode_and_tables_survive(outputs: dict[str, str]) -> None:
    assert "Crème pâtissière" in outputs["pdf/HYG.pdf"] and "5 °C or colder" in outputs["pdf/HYG.pdf"]
    lesson = outputs["cc/bakery-safety.imscc!HYG/HYG-L1.html"]
    assert "Crème pâtissière" in lesson and "<table" in lesson
    assert "za’atar" in outputs["moodle/ALG-questions.xml"] or "za’atar" in outputs["pdf/ALG.pdf"]


@pytest.mark.slow
def test_handbook_cover_without_short_title_prints_the_title_once(tmp_path: Path) -> None:
    import shutil

    from pypdf import PdfReader

    project = tmp_path / "bakery"
    shutil.copytree(PROJECT, project)
    program = project / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8").replace("short_title: BFSC\n", ""), encoding="utf-8")
    dist = tmp_path / "dist"
    assert main(["build", str(project), "--out", str(dist), "--format", "pdf", "-q"]) == 0
    cover = PdfReader(dist / "pdf" / "handbook.pdf").pages[0].extract_text()
    assert " ".join(cover.split()).count("Bakery Food Safety Certificate") == 1, cover
    assert not [line for line in cover.splitlines() if line.rstrip().endswith(("-", "\u2010", "\u00ad"))], cover
