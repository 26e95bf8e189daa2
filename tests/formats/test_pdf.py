"""PDF study guides and handbook, read back the way a reader (and a checker) would.

Each PDF is rendered once per module (through the real pipeline) and shared by the tests; pages are
read back with pypdf, each page's text extracted at most once, and only the pages a check needs.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pdf_structure import outline, structure
from pypdf import PdfReader

from builder.build import pipeline
from builder.build.output import OutDir
from builder.formats.base import Job, Options
from builder.formats.pdf import writer as pdf
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.resolve.items import response_options
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "projects" / "minimal"
ARTIFACTS = REPO / "test-artifacts" / "pdf"
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)

pytestmark = pytest.mark.xdist_group("pdf")  # one worker renders the module's PDFs once


# ---------------------------------------------------------------- helpers


def course_of(root: Path) -> Course:
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    return resolve(sources)


class Doc:
    """One PDF read back with pypdf; text is extracted lazily (it is the slow part), once per page."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reader = PdfReader(path)
        self._text: dict[int, str] = {}

    def text(self, index: int) -> str:
        if index not in self._text:
            self._text[index] = norm(self.reader.pages[index].extract_text() or "")
        return self._text[index]

    def texts(self) -> list[str]:
        return [self.text(i) for i in range(len(self.reader.pages))]

    @cached_property
    def marks(self) -> list[tuple[str, int, int]]:
        return outline(self.reader)

    def page_of(self, title: str) -> int:
        """Index of the page the first bookmark with this title points at."""
        return next(page for t, _, page in self.marks if t == title)

    def page_starting(self, prefix: str) -> int:
        """Index of the page the first bookmark whose title starts with `prefix` points at."""
        return next(page for t, _, page in self.marks if t.startswith(prefix))


@dataclass
class Built:
    root: Path
    dist: Path
    course: Course
    paper: str
    docs: dict[str, Doc] = field(default_factory=dict)

    def doc(self, name: str) -> Doc:
        if name not in self.docs:
            self.docs[name] = Doc(self.dist / "pdf" / name)
        return self.docs[name]

    def reader(self, name: str) -> PdfReader:
        return self.doc(name).reader

    def html(self, code: str | None) -> str:
        return pdf.prepare(self.course, code, WriteContext(load_theme("default"), "en"), Options(self.paper)).html


def build(root: Path, dist: Path, paper: str = "a4") -> Built:
    result = pipeline.build(
        root, dist, ["pdf"], options=Options(paper), force=True, workers=2, cache_dir=dist.parent / "cache"
    )
    assert result.ok, [d.render() for d in result.diagnostics]
    assert not result.diagnostics, [d.render() for d in result.diagnostics]  # no WeasyPrint warnings either
    return Built(root, dist, course_of(root), paper)


class _Headings(HTMLParser):
    """Heading texts in document order, as the PDF outline should list them: not the headings inside a
    lesson's text (every lesson has its "At your desk") nor the minor ones ("Evidence to collect")."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[list[str]] = []
        self._labels: list[str | None] = []
        self._skip: list[bool] = []
        self._divs: list[bool] = []  # open divs: True for a lesson's text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div":
            self._divs.append("lesson-body" in classes)
        if re.fullmatch(r"h[1-6]", tag):
            self._open.append([])
            self._labels.append(dict(attrs).get("data-label"))
            self._skip.append(any(self._divs) or "minor" in classes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._divs:
            self._divs.pop()
        if re.fullmatch(r"h[1-6]", tag) and self._open:
            text = " ".join("".join(self._open.pop()).split())
            label = self._labels.pop()
            if not self._skip.pop():
                self.found.append(label if label is not None else text)

    def handle_data(self, data: str) -> None:
        for parts in self._open:
            parts.append(data)


def headings(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: str) -> str:
    """Whitespace collapsed; a line break after a hyphen ("de-<br>escalation") extracts as "de- escalation";
    typographic quotes (the PDF sets "readers'" as "readers’") compared as the straight ones of the source."""
    return re.sub(r"-\s+", "-", " ".join(text.split())).translate(_STRAIGHT)


def printed_page(text: str, title: str) -> int:
    """The page number printed after a title in a contents page (leader dots between)."""
    found = re.search(re.escape(norm(title)) + r"[ .]*?(\d+)\b", text)
    assert found, f"{title!r} not in the contents"
    return int(found.group(1))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(MINIMAL, tmp_path_factory.mktemp("minimal") / "dist")


@pytest.fixture(scope="module")
def minimal_letter(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(MINIMAL, tmp_path_factory.mktemp("letter") / "dist", paper="letter")


@pytest.fixture(scope="module")
def lssc(lssc_a4_dist: Path) -> Built:
    built = Built(REPO / "curriculum", lssc_a4_dist, course_of(REPO / "curriculum"), "a4")
    assert len(built.course.sets) == 10
    return built


def guides(built: Built) -> list[str]:
    return [f"{s.code}.pdf" for s in built.course.sets]


# ---------------------------------------------------------------- jobs and files


def test_one_guide_per_set_and_one_handbook(minimal: Built) -> None:
    jobs = pdf.Pdf().jobs(minimal.course)
    assert jobs == [Job("pdf", "TST"), Job("pdf", None)]
    assert sorted(p.name for p in (minimal.dist / "pdf").iterdir()) == ["TST.pdf", "handbook.pdf"]


def test_page_x_of_y_and_running_heads(minimal: Built) -> None:
    for name, running in (("TST.pdf", "TST · Testing Basics"), ("handbook.pdf", "Minimal Programme · Handbook")):
        doc = minimal.doc(name)
        total = len(doc.reader.pages)
        assert total >= 8
        pages = doc.texts()
        assert all(f"Page {n} of {total}" not in t for n, t in enumerate(pages[:2], 1))  # title pages are bare
        assert all(running not in t for t in pages[:2])
        for n, text in enumerate(pages[2:], start=3):
            assert f"Page {n} of {total}" in text and running in text, (name, n)
    guide = minimal.doc("TST.pdf")
    # the section head follows the chapter: a lesson's pages (its self-check too) carry its label
    lesson = guide.page_of("Lesson 1: Call numbers")
    assert "Lesson 1: Call numbers" in guide.text(lesson)  # the heading itself prints as "LESSON 1 Call numbers"
    assert "Lesson 1: Call numbers" in guide.text(guide.page_of("Self-check 1"))
    assert "Answer key" in guide.text(len(guide.reader.pages) - 1)
    handbook = minimal.doc("handbook.pdf")
    # on the page where the set summaries begin, the head names the set rather than the chapter
    index = handbook.page_of("TST · Testing Basics")
    summary, total = handbook.text(index), len(handbook.reader.pages)
    expected = f"Minimal Programme · Handbook TST · Testing Basics Page {index + 1} of {total}"
    assert summary.endswith(expected), summary[-80:]


# ---------------------------------------------------------------- outline and contents


def check_outline(built: Built, name: str, code: str | None) -> None:
    marks = built.doc(name).marks
    assert marks, "no PDF outline"
    assert [title for title, _, _ in marks] == headings(built.html(code))
    assert min(depth for _, depth, _ in marks) == 0 and max(depth for _, depth, _ in marks) >= 1


def check_contents(built: Built, name: str) -> None:
    """Every lesson's page number printed in the contents is the page its heading is on."""
    doc = built.doc(name)
    toc = doc.text(doc.page_of("Contents"))
    assert toc.startswith("Contents")
    cset = built.course.set(name.removesuffix(".pdf"))
    for n, lesson in enumerate(cset.lessons, start=1):
        printed = printed_page(toc, lesson.title)
        # the heading as printed ("LESSON 2" is the eyebrow above the title), not only the bookmark
        assert f"LESSON {n} {norm(lesson.title)}" in doc.text(printed - 1), (lesson.id, printed)
        assert doc.page_of(f"Lesson {n}: {lesson.title}") == printed - 1, lesson.id
    for label in ("Outcomes", "Answer key"):
        assert printed_page(toc, label) == doc.page_of(label) + 1
        assert doc.text(doc.page_of(label)).count(label) >= 2  # running head and heading


def test_guide_outline_matches_headings(minimal: Built) -> None:
    check_outline(minimal, "TST.pdf", "TST")


def test_handbook_outline_matches_headings(minimal: Built) -> None:
    check_outline(minimal, "handbook.pdf", None)


def test_contents_page_numbers_are_true(minimal: Built) -> None:
    check_contents(minimal, "TST.pdf")


def test_handbook_contents_point_at_each_set_summary(minimal: Built) -> None:
    doc = minimal.doc("handbook.pdf")
    toc = doc.text(doc.page_of("Contents"))
    for s in minimal.course.sets:
        page = doc.text(printed_page(toc, s.title) - 1)
        assert f"{s.code} · " in page and s.title in page


# ---------------------------------------------------------------- content


def test_self_check_prints_questions_without_answers(minimal: Built) -> None:
    doc = minimal.doc("TST.pdf")
    before = " ".join(doc.texts()[: doc.page_of("Answer key")])
    cset = minimal.course.set("TST")
    for item in cset.items:
        assert item.id in before
    for fb in ("The cutter usually encodes the author", "Well done", "All matched"):
        assert fb not in before  # feedback only in the key
    check = doc.text(doc.page_of("Self-check 1"))
    assert "Tick one answer" in check and "Correct order" in check and "Your answer" in check


def answer_key(doc: Doc) -> str:
    return " ".join(doc.text(i) for i in range(doc.page_of("Answer key"), len(doc.reader.pages)))


def test_answer_key_has_every_item_answer_and_feedback(minimal: Built) -> None:
    key = answer_key(minimal.doc("TST.pdf"))
    for item in minimal.course.set("TST").items:
        assert item.id in key
    assert "b. The class number" in key  # single choice: label and text
    assert "Answer: False" in key
    assert "cutter (also accepted: cutter number)" in key
    assert "Compare digit by digit after the point." in key
    assert "Dewey numbers are read as decimals" in key  # true/false feedback


def test_matching_and_ordering_are_printed_scrambled() -> None:
    course = course_of(MINIMAL)
    guide = pdf.view.guide(course.set("TST"))
    by_id = {q.item.id: q for q in guide.questions}
    matching, ordering = by_id["TST-Q5"], by_id["TST-Q6"]
    assert [x.option.key for x in matching.shown] != [o.key for o in response_options(matching.item)]
    assert [x.option.key for x in ordering.shown] != [o.key for o in response_options(ordering.item)]
    # the key's letters point at the right printed rows
    shown = {x.label: x.option.key for x in ordering.shown}
    assert [shown[a.label] for a in ordering.answer] == [o.key for o in response_options(ordering.item)]


def test_rubric_worksheet(minimal: Built) -> None:
    doc = minimal.doc("TST.pdf")
    sheet = doc.text(doc.page_starting("Rubric worksheet"))
    expected = ("Criterion", "Not met", "Met", "Accuracy", "Errors remain", "All fixed", "of 2 points", "Reviewer")
    for text in (*expected, "Notes on the evidence"):
        assert text in sheet, text


def test_title_page_shows_the_curriculum_date_not_the_build_date(minimal: Built) -> None:
    first = minimal.doc("TST.pdf").text(0)
    assert "Testing Basics" in first and "MINIMAL PROGRAMME" in first and "Study guide" in first
    assert "January 15, 2026" in first and "1.0.0" in first and "Test Committee" in first


def test_handbook_rules_routes_checklist_summaries_rubrics(minimal: Built) -> None:
    text = " ".join(minimal.doc("handbook.pdf").texts())
    for s in minimal.course.sets:
        assert s.title in text
        for o in s.outcomes:
            assert o.id in text
        for task in s.portfolio:
            assert task.title in text
    for phrase in ("Program rules", "Progress checklist", "Signature", "By course", "Complete this set."):
        assert phrase in text, phrase


# ---------------------------------------------------------------- PDF properties


def test_language_without_strings_is_a_located_error(tmp_path: Path) -> None:
    root = tmp_path / "cur"
    shutil.copytree(MINIMAL, root)
    program = root / "program.yaml"
    program.write_text(program.read_text().replace("language: en", "language: fr"))
    result = pipeline.build(root, tmp_path / "dist", ["pdf"], workers=1, cache_dir=tmp_path / "cache")
    assert not result.ok
    assert {d.code for d in result.diagnostics} == {"language-strings"}
    assert all(d.loc.path.endswith("program.yaml") for d in result.diagnostics)


def test_program_language_sets_strings_and_lang(tmp_path: Path) -> None:
    root = tmp_path / "cur"
    shutil.copytree(MINIMAL, root)
    program = root / "program.yaml"
    program.write_text(program.read_text().replace("language: en", "language: es"))
    built = build(root, tmp_path / "dist")
    doc = built.doc("TST.pdf")
    assert doc.reader.trailer["/Root"]["/Lang"] == "es-ES"  # a region for hyphenation: Spain's by default
    assert f"Página 3 de {len(doc.reader.pages)}" in doc.text(2)
    assert "15 de enero de 2026" in doc.text(0)
    assert [t for t, _, _ in doc.marks][1:3] == ["Índice", "Cómo usar esta guía"]  # contents first


def test_page_size_a4_and_letter(minimal: Built, minimal_letter: Built) -> None:
    for built, size in ((minimal, A4), (minimal_letter, LETTER)):
        for name in ("TST.pdf", "handbook.pdf"):
            for page in built.reader(name).pages:
                box = page.mediabox
                assert (round(float(box.width), 2), round(float(box.height), 2)) == size


def test_fonts_are_embedded(minimal: Built) -> None:
    for name in ("TST.pdf", "handbook.pdf"):
        out = subprocess.run(["pdffonts", str(minimal.dist / "pdf" / name)], capture_output=True, text=True, check=True)
        rows = out.stdout.splitlines()[2:]
        assert rows
        for row in rows:
            emb = row.split()[-5]
            assert emb == "yes", row


def test_metadata_language_and_tags(minimal: Built) -> None:
    reader = minimal.reader("TST.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "TST Testing Basics: study guide"
    assert meta.author == "Test Committee"  # the programme's publisher, not the tool or a person
    assert meta.subject == "Study guide for Testing Basics, a competency set of Minimal Programme"
    # the set's own keywords (the minimal set has none), then the program and the set code
    assert meta["/Keywords"].split(", ") == ["Minimal Programme", "TST"]
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20260115"  # the set's version date, not today
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-US"  # the programme says "en": American patterns and spelling
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    tags = {str(node.get("/S")) for node in structure(reader)}
    assert {"/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD"} <= tags, tags
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp
    hb = minimal.reader("handbook.pdf").metadata
    assert hb is not None and hb.title == "Minimal Programme: program handbook"
    assert hb.author == "Test Committee" and hb["/CreationDate"] == "D:20260115"


def test_rebuild_is_byte_identical(minimal: Built, tmp_path: Path) -> None:
    again = build(MINIMAL, tmp_path / "dist")
    for name in ("TST.pdf", "handbook.pdf"):
        assert (again.dist / "pdf" / name).read_bytes() == (minimal.dist / "pdf" / name).read_bytes(), name


def test_page_images_for_review(minimal: Built) -> None:
    """PNGs of the pages a person should look at after a change (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    guide, handbook = minimal.doc("TST.pdf"), minimal.doc("handbook.pdf")
    wanted = {
        "guide-title": ("TST.pdf", 0),
        "guide-lesson": ("TST.pdf", guide.page_of("Lesson 1: Call numbers")),
        "guide-selfcheck": ("TST.pdf", guide.page_of("Self-check 1")),
        "guide-rubric": ("TST.pdf", guide.page_starting("Rubric worksheet")),
        "guide-answer-key": ("TST.pdf", guide.page_of("Answer key")),
        "handbook-checklist": ("handbook.pdf", handbook.page_of("Progress checklist")),
    }
    for label, (name, index) in wanted.items():
        prefix = ARTIFACTS / f"minimal-{label}"
        page = str(index + 1)
        source = str(minimal.dist / "pdf" / name)
        command = ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", page, "-l", page, source, str(prefix)]
        subprocess.run(command, check=True)
        assert prefix.with_suffix(".png").stat().st_size > 2000


# ---------------------------------------------------------------- what the renderer may read


def with_lesson_body(root: Path, body: str, extra: str = "") -> None:
    f = root / "sets" / "tst.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("      Put three books in order.\n", f"      Put three books in order.\n\n      {body}\n")
    f.write_text(text.replace("glossary:", extra + "glossary:"), encoding="utf-8")


@pytest.mark.parametrize("src", ["../../../../etc/hostname", "http://example.com/spy.png"])
def test_build_stops_at_an_image_outside_the_assets(tmp_path: Path, src: str) -> None:
    """End to end: the checker refuses such an image before any PDF is rendered, at its very line."""
    root = tmp_path / "cur"
    shutil.copytree(MINIMAL, root)
    with_lesson_body(root, f"![a picture]({src})")
    result = pipeline.build(root, tmp_path / "dist", ["pdf"], workers=1, cache_dir=tmp_path / "cache")
    assert not result.ok
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert len(errors) == 1 and src in errors[0].message, [d.render() for d in result.diagnostics]
    lines = (root / "sets" / "tst.yaml").read_text().splitlines()
    assert errors[0].loc.path.endswith("cur/sets/tst.yaml")
    assert src in lines[errors[0].loc.line - 1]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "src", ["../../../../etc/hostname", "/etc/hostname", "http://example.com/spy.png", "images/undeclared.png"]
)
def test_writer_refuses_an_image_outside_the_assets_at_its_source(tmp_path: Path, src: str) -> None:
    """The writer's own check, for a Course that reached it anyway (the checker is the first line)."""
    course = course_of(MINIMAL)
    cset = course.set("TST")
    first = cset.lessons[0]
    body = first.body_html + f'<p><img src="{src}" alt="a picture"></p>'
    lessons = (dataclasses.replace(first, body_html=body), *cset.lessons[1:])
    course = dataclasses.replace(course, sets=(dataclasses.replace(cset, lessons=lessons),))
    out = OutDir(tmp_path / "out")
    diags = pdf.Pdf().write(course, Job("pdf", "TST"), WriteContext(load_theme("default"), "en"), out, Options())
    assert [d.code for d in diags] == ["pdf-image-refused"], [d.render() for d in diags]
    assert src in diags[0].message
    lines = (MINIMAL / "sets" / "tst.yaml").read_text().splitlines()
    assert diags[0].loc.path == "sets/tst.yaml"
    assert lines[diags[0].loc.line - 1].strip().startswith("body:")  # the first lesson's body
    assert not out.written


def test_declared_asset_is_embedded_with_its_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    root = tmp_path / "cur"
    shutil.copytree(MINIMAL, root)
    (root / "images").mkdir()
    Image.new("RGB", (40, 20), (30, 90, 120)).save(root / "images" / "desk.png")
    with_lesson_body(root, "![](images/desk.png)", "assets:\n  - path: images/desk.png\n    alt: A tidy desk\n")
    course = course_of(root)
    prepared = pdf.prepare(course, "TST", WriteContext(load_theme("default"), "en"), Options())
    assert not prepared.diagnostics
    assert 'alt="A tidy desk"' in prepared.html
    data, logged = pdf.render(prepared)
    assert not logged
    reader = PdfReader(io.BytesIO(data))
    xobjects = [
        x for page in reader.pages for x in (page["/Resources"].get("/XObject") or {}).values()
        if x.get_object()["/Subtype"] == "/Image"
    ]  # fmt: skip
    assert xobjects
    # a screen reader gets the asset's alt text from the tagged structure
    assert [node.get("/Alt") for node in structure(reader) if node.get("/S") == "/Figure"] == ["A tidy desk"]


def test_fetcher_refuses_what_the_html_asks_for(tmp_path: Path) -> None:
    """The backstop: a template or theme CSS asking for an outside file stops the render."""
    theme_dir = tmp_path / "sneaky"
    (theme_dir / "static" / "pdf").mkdir(parents=True)
    (theme_dir / "theme.yaml").write_text("name: sneaky\nextends: default\n")
    (theme_dir / "static" / "pdf" / "zz.css").write_text('body { background: url("file:///etc/hostname"); }\n')
    theme = WriteContext(load_theme(str(theme_dir)), "en")
    course = course_of(MINIMAL)
    out = OutDir(tmp_path / "out")
    diags = pdf.Pdf().write(course, Job("pdf", "TST"), theme, out, Options())
    assert [d.code for d in diags] == ["pdf-fetch-refused"], [d.render() for d in diags]
    assert "file:///etc/hostname" in diags[0].message
    assert diags[0].loc.path == "sets/tst.yaml"
    assert not out.written


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.png",
        "https://example.com/a.css",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "file://otherhost/share/a.png",
        "file:///coursepack-curriculum/images/secret.png",
        "file:///coursepack-curriculum/../etc/passwd",
        "ftp://example.com/a.png",
    ],
)
def test_policy_refuses(url: str) -> None:
    policy = pdf.Policy.of(load_theme("default").chain, ())
    with pytest.raises(pdf.Refused):
        policy.file_for(url)


def test_policy_allows_theme_files_and_declared_assets(tmp_path: Path) -> None:
    from builder.resolve.course import Asset

    picture = tmp_path / "images" / "a b.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG")
    theme = load_theme("default")
    policy = pdf.Policy.of(theme.chain, (Asset("images/a b.png", "Alt", picture.resolve()),))
    css = theme.static_files("pdf")["print.css"]
    assert policy.file_for(css.as_uri()) == css.resolve()
    assert policy.file_for("file:///coursepack-curriculum/images/a%20b.png") == picture.resolve()
    assert policy.file_for(picture.resolve().as_uri()) == picture.resolve()
    assert policy.problem("images/a%20b.png") is None
    assert policy.problem("images/../../x.png") is not None


def test_css_strings_cannot_break_out_of_the_style_element() -> None:
    text = pdf.css_string('a"b\\c</style><script>x</script>\n')
    assert "<" not in text and '"' not in text[1:-1] and "\n" not in text
    assert pdf.css_content("Page {page} of {pages}", page="counter(page)", pages="counter(pages)") == (
        '"Page " counter(page) " of " counter(pages)'
    )


# ---------------------------------------------------------------- the bundled curriculum (slow)


@pytest.mark.slow
def test_lssc_every_guide_reads_back(lssc: Built) -> None:
    names = sorted(p.name for p in (lssc.dist / "pdf").iterdir())
    assert names == sorted([*guides(lssc), "handbook.pdf"])
    for s in lssc.course.sets:
        name = f"{s.code}.pdf"
        doc = lssc.doc(name)
        assert 15 <= len(doc.reader.pages) <= 60, (name, len(doc.reader.pages))
        check_outline(lssc, name, s.code)
        check_contents(lssc, name)
        key = answer_key(doc)
        missing = [it.id for it in s.items if it.id not in key]
        assert not missing, (name, missing)


@pytest.mark.slow
def test_lssc_handbook_reads_back(lssc: Built) -> None:
    check_outline(lssc, "handbook.pdf", None)
    doc = lssc.doc("handbook.pdf")
    rules = doc.text(doc.page_of("Program rules"))
    assert "Choose 3 of these 7 sets." in rules and "Complete all 3 of these sets." in rules
    routes = doc.text(doc.page_of("Ways to complete a set"))
    assert "By course" in routes and "By portfolio" in routes
    checklist = doc.text(doc.page_of("Progress checklist"))
    assert all(f"{s.code} {s.title}" in checklist for s in lssc.course.sets)
    # one page per set: each summary starts a page and the next one starts on the page after it
    pages = [doc.page_of(f"{s.code} · {s.title}") for s in lssc.course.sets]
    assert pages == list(range(pages[0], pages[0] + len(pages)))
    for s, page in zip(lssc.course.sets, pages, strict=True):
        assert all(o.id in doc.text(page) for o in s.outcomes), s.code
    rubrics = " ".join(doc.text(i) for i in range(doc.page_of("Portfolio rubrics"), len(doc.reader.pages)))
    for s in lssc.course.sets:
        for task in s.portfolio:
            assert norm(task.title) in rubrics and all(norm(c.name) in rubrics for c in task.criteria), task.id


@pytest.mark.slow
def test_lssc_fonts_embedded_and_a4(lssc: Built) -> None:
    for name in [*guides(lssc), "handbook.pdf"]:
        out = subprocess.run(["pdffonts", str(lssc.dist / "pdf" / name)], capture_output=True, text=True, check=True)
        assert all(row.split()[-5] == "yes" for row in out.stdout.splitlines()[2:]), name
        box = lssc.reader(name).pages[0].mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4


@pytest.mark.slow
def test_lssc_rebuild_is_byte_identical(lssc: Built, tmp_path: Path) -> None:
    """Rendered again in this process (the fixture's came from the build's worker processes).

    Two documents, not all eleven (a second full render would double the cost of this module): the
    handbook, which holds every set's text, and the shortest guide.
    """
    shortest = min(lssc.course.sets, key=lambda s: len(lssc.reader(f"{s.code}.pdf").pages))
    out = OutDir(tmp_path / "again")
    for code in (shortest.code, None):
        ctx = WriteContext(load_theme("default"), "en")
        diags = pdf.Pdf().write(lssc.course, Job("pdf", code), ctx, out, Options())
        assert not diags, [d.render() for d in diags]
    for name in (f"{shortest.code}.pdf", "handbook.pdf"):
        assert (tmp_path / "again" / name).read_bytes() == (lssc.dist / "pdf" / name).read_bytes(), name
