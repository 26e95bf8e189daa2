"""The bundled study guides as a printed workbook, read back from the PDFs (issue 19).

Every guide and the handbook are built in A4 and in Letter through the real pipeline and then read the
way a reader, a printer and a screen reader would: how full each page is (rendered with pdftoppm), how
long the lines of lesson text are and how words break (pdftotext), what the rubric worksheets hold,
whether every cross-reference lands on its page, and the heading levels of the tagged structure.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pdf_structure import heading_levels, outline
from PIL import Image
from pypdf import PdfReader

from builder import formats
from builder.formats.base import Options
from builder.formats.pdf import parts, view, writer
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import Course, resolve
from builder.rules.check import check_curriculum
from builder.source import markup

REPO = Path(__file__).resolve().parents[2]
MM = 72 / 25.4
# print.css: @page margins (top, bottom) in mm; the running head and the folio sit in them
TOP_MM, BOTTOM_MM = 20, 22
MIN_FILL = 0.4  # no page is left less than 40 % full
MEASURE = 75  # characters in a line of lesson text, spaces included

pytestmark = pytest.mark.xdist_group("pdf")  # with test_pdf.py: the LSSC PDFs are rendered once (conftest)


@dataclass
class Built:
    dist: Path
    course: Course
    paper: str

    def path(self, name: str) -> Path:
        return self.dist / "pdf" / name

    def names(self) -> list[str]:
        return [*(f"{s.code}.pdf" for s in self.course.sets), "handbook.pdf"]


def built(dist: Path, paper: str) -> Built:
    root = REPO / "curriculum"
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    return Built(dist, resolve(sources), paper)


@pytest.fixture(scope="module")
def a4(lssc_a4_dist: Path) -> Built:
    return built(lssc_a4_dist, "a4")


@pytest.fixture(scope="module")
def letter(lssc_letter_dist: Path) -> Built:
    return built(lssc_letter_dist, "letter")


# ---------------------------------------------------------------- reading back


def fills(pdf: Path) -> list[float]:
    """Per page, how far down the body area (between the margins) ink reaches: 0 nothing, 1 the foot.

    Ruled writing lines count as content: they are what a workbook gives the reader to write on.
    """
    res = 30
    out: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(res), "-gray", str(pdf), f"{tmp}/p"], check=True)
        pages = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        for page in pages:
            with Image.open(page) as image:
                width, height = image.size
                top = round(TOP_MM / 25.4 * res) + 1
                bottom = height - round(BOTTOM_MM / 25.4 * res) - 1
                # ink = darker than 245; the bounding box of ink in the body band gives its lowest row
                ink = image.crop((0, top, width, bottom)).point(lambda v: 255 if v < 245 else 0)
                box = ink.getbbox()
                lowest = top + (box[3] - 1 if box else 0)
                out.append((lowest - top) / (bottom - top))
    return out


def text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """pdftotext of pages first..last (1-based), in reading order."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def body_lines(pdf: Path, first: int, last: int) -> list[str]:
    """The text lines of pages first..last (1-based) between the page margins, as laid out."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: list[str] = []
    for page in re.findall(r"<page [^>]*height=\"([\d.]+)\"[^>]*>(.*?)</page>", out, re.S):
        height, content = float(page[0]), page[1]
        for y_min, line in re.findall(r"<line xMin=\"[\d.]+\" yMin=\"([\d.]+)\"[^>]*>(.*?)</line>", content, re.S):
            if TOP_MM * MM < float(y_min) < height - BOTTOM_MM * MM:
                words = re.findall(r"<word [^>]*>(.*?)</word>", line, re.S)
                found.append(html.unescape(" ".join(words)))
    return found


@functools.cache
def reader_of(pdf: Path) -> PdfReader:
    """Each PDF parsed once: the handbook was parsed again for every task's worksheet."""
    return PdfReader(pdf)


@functools.cache  # per reader object, and readers are shared per file
def marks(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page index) of every bookmark, depth-first."""
    out: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for entry in items:
            if isinstance(entry, list):
                walk(entry)
            else:
                out.append((str(entry.title), reader.get_destination_page_number(entry)))

    walk(reader.outline)
    return out


def page_of(reader: PdfReader, prefix: str) -> int:
    return next(page for title, page in marks(reader) if title.startswith(prefix))


def squash(value: str) -> str:
    return " ".join(value.split())


# ---------------------------------------------------------------- pages


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_page_is_left_nearly_empty(paper: str, request: pytest.FixtureRequest) -> None:
    built: Built = request.getfixturevalue(paper)
    thin = []
    for name in built.names():
        for n, fill in enumerate(fills(built.path(name)), start=1):
            if fill < MIN_FILL:
                thin.append((name, n, round(fill, 2)))
    assert not thin, f"pages under {MIN_FILL:.0%} full ({paper}): {thin}"


@pytest.mark.slow
def test_colophon_ends_above_the_foot(a4: Built, letter: Built) -> None:
    for built in (a4, letter):
        for name in built.names():
            reader = reader_of(built.path(name))
            box = reader.pages[1].mediabox
            raw = subprocess.run(
                ["pdftotext", "-bbox", "-f", "2", "-l", "2", str(built.path(name)), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', raw))
            assert lowest < float(box.height) - BOTTOM_MM * MM, (built.paper, name, lowest)


# ---------------------------------------------------------------- type


@pytest.mark.slow
def test_lesson_text_keeps_its_measure(a4: Built) -> None:
    longest: tuple[int, str, str] = (0, "", "")
    for s in a4.course.sets:
        pdf = a4.path(f"{s.code}.pdf")
        reader = reader_of(pdf)
        for n in range(1, len(s.lessons) + 1):
            first = page_of(reader, f"Lesson {n}: ") + 1
            last = (
                page_of(reader, f"Self-check {n}") if any(t == f"Self-check {n}" for t, _ in marks(reader)) else first
            )
            for line in body_lines(pdf, first, last):
                longest = max(longest, (len(line), s.code, line))
    assert longest[0] <= MEASURE, longest
    assert longest[0] >= 60, longest  # and the column is not needlessly narrow


@pytest.mark.slow
def test_hyphenation_is_american_and_plain(a4: Built) -> None:
    for name in a4.names():
        content = text(a4.path(name))
        assert "\u2010" not in content, name  # automatic breaks print a plain hyphen-minus
        assert "\u00ad" not in content, name
        # en-GB patterns broke these as lib-raries, pat-ron, candid-ate
        for wrong in ("lib-\nraries", "pat-\nron", "candid-\nate", "lib-\nrary"):
            assert wrong not in content, (name, wrong)


@pytest.mark.slow
def test_text_has_typographic_quotes(a4: Built) -> None:
    content = text(a4.path("ACC.pdf"))
    assert "\u201c" in content and "\u201d" in content and "\u2019" in content
    assert '"available"' not in content and "catalog says \u201cavailable\u201d" in squash(content)


# ---------------------------------------------------------------- worksheets and cross-references


@pytest.mark.slow
def test_rubric_worksheet_is_one_page_with_two_reviewers_and_the_pass_rule(a4: Built, letter: Built) -> None:
    rule = "A portfolio passes when at least 70 % of its criteria are Met and none is Not met"  # program.yaml
    for built in (a4, letter):
        for s in built.course.sets:
            for task in s.portfolio:
                for name, label in ((f"{s.code}.pdf", task.title), ("handbook.pdf", f"{s.code} · {task.title}")):
                    reader = reader_of(built.path(name))
                    index = page_of(reader, f"Rubric worksheet · {label}")
                    page = squash(text(built.path(name), index + 1, index + 1))
                    where = (built.paper, name, task.id, index + 1)
                    for field in ("Reviewer 1", "Reviewer 2", "Notes on the evidence", "Pass rule", rule):
                        assert field in page, (*where, field)
                    assert f"of {len(task.criteria)} criteria" in page, where
                    assert all(squash(c.name) in page for c in task.criteria), where
                    assert "Score:" not in page and "points Reviewer" not in page, where


@pytest.mark.slow
def test_cross_references_land_on_their_pages(a4: Built) -> None:
    for s in a4.course.sets:
        pdf = a4.path(f"{s.code}.pdf")
        reader = reader_of(pdf)
        how = squash(text(pdf, page_of(reader, "How to use") + 1, page_of(reader, "How to use") + 1))
        found = re.search(r"rubric worksheet \(page (\d+)\)", how)
        assert found, s.code
        assert int(found.group(1)) == page_of(reader, "Rubric worksheet") + 1, s.code
        for label, target in (("answer key", "Answer key"), ("glossary", "Glossary"), ("outcomes", "Outcomes")):
            found = re.search(rf"{label} \(page (\d+)\)", how)
            assert found and int(found.group(1)) == page_of(reader, target) + 1, (s.code, label)


@pytest.mark.slow
def test_answer_key_follows_the_printed_numbering(a4: Built) -> None:
    for s in a4.course.sets:
        pdf = a4.path(f"{s.code}.pdf")
        reader = reader_of(pdf)
        guide = view.guide(s)
        checks = [c.check for c in guide.chapters if c.check] + ([guide.review] if guide.review else [])
        printed = [(c.number, o.number, o.question.item.id) for c in checks for o in c.questions]
        key = squash(text(pdf, page_of(reader, "Answer key") + 1))
        # a running head ("Answer key") may come between an entry's head and its page at a page top
        entries = re.findall(r"Self-check (\d+) · Q(\d+) ([A-Z]+-Q\d+)(?: Answer key)? page (\d+)", key)
        assert [(int(c), int(q), i) for c, q, i, _ in entries] == printed, s.code
        for check, _, item, page in entries:
            start = page_of(reader, f"Self-check {check}") + 1
            assert start <= int(page) <= start + 3, (s.code, check, item, page)
            assert item in text(pdf, int(page), int(page)), (s.code, check, item, page)


# ---------------------------------------------------------------- structure


@pytest.mark.slow
def test_headings_outline_and_page_mode(a4: Built) -> None:
    for name in a4.names():
        reader = reader_of(a4.path(name))
        levels = heading_levels(reader)
        assert levels and levels[0] == 1, name
        skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert not skips, (name, skips)
        titles = [t for t, _ in marks(reader)]
        assert len(titles) == len(set(titles)), (name, sorted({t for t in titles if titles.count(t) > 1}))
        assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines", name


# ---------------------------------------------------------------- the pieces, without rendering


def test_titles_keep_names_and_last_words_together() -> None:
    assert view.keep_together("Cataloging with MARC 21") == "Cataloging with MARC\u00a021"
    assert view.keep_together("How collections are arranged and kept in order").endswith("in\u00a0order")
    assert view.keep_together("Two words") == "Two words"


def test_locale_adds_a_region() -> None:
    assert view.locale("en") == "en-US"
    assert view.locale("en-GB") == "en-GB"
    assert view.locale("es") == "es-ES"


def test_smarten_sets_quotes_and_leaves_code_alone() -> None:
    source = '<body><p>The "hold" shelf, the patron\'s card... <em>"x"</em> 1990-2000 <code>a "b"</code></p>'
    out = view.smarten(source)
    assert "\u201chold\u201d" in out and "patron\u2019s" in out and "card\u2026" in out
    assert "<em>\u201cx\u201d</em>" in out and "1990-2000" in out and '<code>a "b"</code>' in out


def test_lesson_headings_sit_under_the_lesson_title() -> None:
    assert view.lift_headings("<h3>A</h3><h4 id=x>B</h4>") == "<h2>A</h2><h3 id=x>B</h3>"


# ---------------------------------------------------------------- double-sided, typography, large print


def render_pdf(tmp: Path, theme: str, code: str | None, options: Options, root: Path = REPO / "curriculum") -> Path:
    """One guide (code) or the handbook (None) rendered straight through the writer."""
    sources, diags = check_curriculum(root, base=root)
    assert sources is not None, [d.render() for d in diags]
    course = resolve(sources)
    prepared = writer.prepare(course, code, WriteContext(load_theme(theme), course.program.language), options)
    data, logged = writer.render(prepared)
    assert not logged
    out = tmp / f"{theme}-{code or 'handbook'}-{options.paper}-{options.sides}.pdf"
    out.write_bytes(data)
    return out


def words(pdf: Path, page: int) -> list[tuple[float, str]]:
    """(x of its left edge, word) of every word on one page (1-based)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(x), html.unescape(w)) for x, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>(.*?)</word>', out)]


def test_double_sided_is_in_the_pdf_cache_key_only() -> None:
    single, double = Options(), Options(sides="double")
    assert writer.Pdf().option_key(single) == ["a4"]  # as before the option: no cached PDF invalidated
    assert writer.Pdf().option_key(double) != writer.Pdf().option_key(single)
    for name in formats.available():
        fmt = formats.get(name)
        # the others ignore it, unless they embed a PDF rendered with the pdf format's options (the handbook
        # inside a Moodle course backup or a Common Cartridge)
        embeds_pdf = fmt.option_key(double) == writer.Pdf().option_key(double)
        assert embeds_pdf or fmt.option_key(single) == fmt.option_key(double), name


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_double_sided_mirrors_pages_and_opens_chapters_on_the_right(paper: str, tmp_path: Path) -> None:
    pdf = render_pdf(tmp_path, "default", "ACC", Options(paper, "double"))
    reader = PdfReader(pdf)
    width = float(reader.pages[0].mediabox.width)
    openers = [reader.get_destination_page_number(e) for e in reader.outline if not isinstance(e, list)]
    assert len(openers) > 5 and all(index % 2 == 0 for index in openers), openers  # index 0 = page 1, a recto
    blanks = [n for n in range(1, len(reader.pages) + 1) if not words(pdf, n)]
    assert blanks, "a chapter that ends on a right-hand page leaves the back of the sheet blank"
    assert all(n % 2 == 0 and n in openers for n in blanks), blanks  # page n is blank only before an opener
    for n in (5, 6, 10, 11):  # text pages: the folio and the running head outside, the margins mirrored
        found = words(pdf, n)
        folio = next(x for (x, w), (_, nxt) in zip(found, found[1:], strict=False) if w == "Page" and nxt == str(n))
        body_left = min(x for x, _ in found)
        if n % 2:  # right-hand page: binding on the left, wider inner margin
            assert folio > width / 2 and body_left > 22 * MM, (n, folio, body_left)
        else:
            assert folio < width / 2 and body_left < 20 * MM, (n, folio, body_left)


def test_single_sided_output_is_unchanged_by_the_option(tmp_path: Path) -> None:
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO / "curriculum")
    assert sources is not None
    course = resolve(sources)
    ctx = WriteContext(load_theme("default"), course.program.language)
    single = writer.prepare(course, "ACC", ctx, Options()).html
    double = writer.prepare(course, "ACC", ctx, Options(sides="double")).html
    assert "@page :left" not in single and "@page :left" in double
    assert "break-before: right" in double


def test_typography_where_markdown_becomes_html() -> None:
    source = 'The "hold" shelf -- it\'s here... see `a "b" -- c...`, http://example.org/a--b and [x](http://e.org/"q"--)'
    out = markup.block(source)
    assert "\u201chold\u201d shelf \u2013 it\u2019s here\u2026" in out
    assert '<code>a "b" -- c...</code>' in out or "<code>a &quot;b&quot; -- c...</code>" in out
    assert "http://example.org/a--b" in out and 'href="http://e.org/%22q%22--"' in out
    assert markup.inline("options (a), (b) and (c); 1 - 2") == "options (a), (b) and (c); 1 \u2013 2"  # no ©


def test_answers_and_keys_keep_their_typing() -> None:
    """Typography changes what is shown, never what is scored: accepted answers and option texts are
    the source's characters (a learner types straight quotes)."""
    root = REPO / "curriculum"
    sources, _ = check_curriculum(root, base=root)
    assert sources is not None
    course = resolve(sources)
    source_answers = {
        it.id: tuple(it.answers) for s in sources.sets for it in s.model.assessment.items if hasattr(it, "answers")
    }
    printed = {it.id: tuple(it.answers) for s in course.sets for it in s.items if getattr(it, "answers", ())}
    assert printed and all(printed[k] == source_answers[k] for k in printed)
    curly = [it.prompt_html for s in course.sets for it in s.items if "\u2019" in it.prompt_html]
    assert curly, "apostrophes in question prompts are typographic in every output"


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_large_print_worksheet_keeps_reviewers_and_notes_with_its_rubric(paper: str, tmp_path: Path) -> None:
    pdf = render_pdf(tmp_path, "high-contrast", None, Options(paper))
    pages = [text(pdf, n, n) for n in range(1, len(PdfReader(pdf).pages) + 1)]
    sheets = [n for n, page in enumerate(pages, start=1) if re.search(r"^Rubric worksheet$", page, re.M)]
    assert len(sheets) == sum(len(s.portfolio) for s in resolve_lssc().sets)
    for n in sheets:
        page = pages[n - 1]
        assert "Reviewer 1" in page and "Reviewer 2" in page and "Notes on the evidence" in page, (paper, n)
        assert "Pass rule" in page, (paper, n)


def resolve_lssc() -> Course:
    sources, _ = check_curriculum(REPO / "curriculum", base=REPO / "curriculum")
    assert sources is not None
    return resolve(sources)


# ---------------------------------------------------------------- the handbook in parts (issue 23)


def _pages_text(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return text(Path(f.name)).split("\f")


@pytest.mark.slow
@pytest.mark.parametrize("sides", ["single", "double"])
def test_handbook_in_parts_reads_as_the_whole_one(sides: str) -> None:
    """The handbook of a large catalogue is laid out in parts and joined (parts.py); on the bundled
    curriculum cut into parts of three sets it must read exactly as the whole render: every page's
    text (so every contents and page-reference number), the outline, the tagged structure. Double-sided,
    a part that starts on an even page starts as the book would: on a left-hand page, or on a blank one
    before a chapter."""
    course = resolve_lssc()
    ctx = WriteContext(load_theme("default"), course.program.language)
    prepared = writer.prepare(course, None, ctx, Options(sides=sides))
    assert prepared.per_part == 0  # ten sets: rendered whole
    whole, _ = writer.render(prepared)
    joined, logged = writer.render(dataclasses.replace(prepared, per_part=3))
    assert not logged
    again, _ = writer.render(dataclasses.replace(prepared, per_part=3))
    assert joined == again  # byte-identical rebuilds
    a, b = PdfReader(io.BytesIO(whole)), PdfReader(io.BytesIO(joined))
    assert len(b.pages) == len(a.pages)
    assert _pages_text(joined) == _pages_text(whole)
    assert outline(b) == outline(a)
    assert heading_levels(b) == heading_levels(a)
    # every link the whole render has, the joined one has at the same place to the same destination, also
    # those that lead into another part (the contents, the summaries' rubric references)
    assert _links(b) == _links(a)
    dests = {str(name) for name in root_dests(b)}
    internal = [target for page in _links(b) for _, target in page if not re.match(r"[a-z][a-z0-9+.-]*:", target)]
    assert internal and not [t for t in internal if t not in dests]
    root_b: Any = b.trailer["/Root"]
    for key in ("/Lang", "/MarkInfo", "/PageMode", "/ViewerPreferences", "/Metadata"):
        assert key in root_b, key
    assert root_b["/PageMode"] == "/UseOutlines" and b"pdfuaid" in root_b["/Metadata"].get_object().get_data()
    # every page's marked content resolves through the one parent tree, keys not shared between parts
    nums = root_b["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    page_keys = [int(p["/StructParents"]) for p in b.pages if "/StructParents" in p]
    assert len(page_keys) == len(b.pages) and set(page_keys) <= set(keys)
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for n, page in enumerate(b.pages):
        for elem in tree[int(page["/StructParents"])]:  # the elements marked on page n point back at it
            assert elem.get_object()["/Pg"].get_object() == page.get_object() or "/Pg" not in elem.get_object(), n
    fonts = {str(f["/BaseFont"]) for p in b.pages for f in (p["/Resources"].get("/Font") or {}).values()
             if "/BaseFont" in f.get_object()}
    assert fonts and all(
        "/FontFile2" in f.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
        or "/FontFile3" in f.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
        for p in b.pages for f in (p["/Resources"].get("/Font") or {}).values()
        if "/DescendantFonts" in f.get_object()
    )


def _links(reader: PdfReader) -> list[list[tuple[tuple[int, ...], str]]]:
    """Each page's link annotations: (the rectangle in whole points, the named destination or the URI)."""
    pages = []
    for page in reader.pages:
        found = []
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            target = annot.get("/Dest") or annot["/A"].get("/URI")
            found.append((tuple(round(float(x)) for x in annot["/Rect"]), str(target)))
        pages.append(sorted(found))
    return pages


def root_dests(reader: PdfReader) -> list[Any]:
    names = reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"]
    return [names[i] for i in range(0, len(names), 2)]


def test_handbook_parts_cut_where_the_page_breaks_anyway() -> None:
    head = '<html><head><style>x{content: counter(pages)}</style></head><body class="paper-a4">'
    body = (
        '<nav class="chapter toc" id="contents"><a class="toc-link" href="#set-a"></a></nav>\n'
        '<section class="chapter summaries" id="summaries"><h1>S</h1>\n'
        + "".join(f'<section class="set-summary" id="set-{c}"><a class="pageref" href="#rubric-{c}"></a></section>\n'
                  for c in "abcde")
        + '</section>\n<section class="chapter rubrics" id="rubrics"><h1>R</h1>\n'
        + "".join(f'<section class="set-rubrics" id="rubrics-{c}"><section class="task" id="rubric-{c}"></section>'
                  "</section>\n" for c in "abcde")
        + "</section>\n"
    )
    cut = parts.split(head + body + "</body>\n</html>\n", 2)
    assert cut is not None
    _, pieces, tail = cut
    assert tail.startswith("</body>")
    assert [p.continues for p in pieces] == [False, False, True, True, False, True, True]
    assert "".join(p.body for p in pieces).count('<section class="set-summary"') == 5
    assert pieces[2].body.startswith('<section class="summaries">') and 'id="summaries"' not in pieces[2].body
    local, outside = parts._localise(pieces[1].body, {"rubric-a": 40, "rubric-b": 41})
    assert outside == ["rubric-a", "rubric-b"] and 'data-page="40"' in local and 'href="#rubric-a"' not in local
    assert 'href="x-coursepack-part-ref:rubric-a"' in local  # a link the join makes a go-to (parts._link_across)
    assert parts.split("<html><body><p>no chapters</p></body></html>", 2) is None
