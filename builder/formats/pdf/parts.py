"""A large handbook rendered in parts and joined, so that memory is bounded by the largest part.

WeasyPrint keeps every page's boxes until the PDF is written: a 700-page handbook (200 sets) passed
1.5 GiB. Here the handbook's HTML is cut where the single document breaks the page anyway (before the
set summaries, between sets' summaries, between sets' rubrics), and each part is laid out on its own:

1. measure: every part is laid out once (not written) for its page count and the page of every anchor
   in it; references that leave their part print a placeholder of the same width;
2. render: every part again, numbered from its first page (``counter-reset: page``), with the total in
   the folio and every reference that leaves the part printed as the number found in step 1, then
   written to PDF and dropped before the next part starts;
3. join (pikepdf): the pages in order, each part's tagged structure under one root (page and annotation
   ``StructParents`` keys shifted past the previous parts'), named destinations, document metadata and
   catalogue entries from the first part, and one outline rebuilt from the parts' outlines (a part that
   continues a chapter hangs its bookmarks under that chapter's).

Contents and page references stay exact (step 2 prints the numbers the layout produced and checks
that no part's page count moved). A reference that leaves its part is laid out as a link to a private
URI scheme (WeasyPrint cannot link to an anchor it does not have); the join turns each such link into
a go-to of the named destination, which the joined document holds: it works as any other link.
"""

from __future__ import annotations

import gc
import io
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf

# A handbook with more sets than this is rendered in parts of this many sets' summaries or rubrics.
PART_SETS = 25

# The chapters in the order the handbook prints them, each cut between its sets where each set starts a
# page (summaries, rubrics); the references run on from set to set, so they stay one part (text only).
# A programme without portfolio tasks or readings has no rubrics or references chapter.
_CHAPTERS: tuple[tuple[str, str | None], ...] = (
    ("summaries", "set-summary"), ("rubrics", "set-rubrics"), ("references", None)
)


@dataclass(frozen=True)
class Part:
    body: str  # HTML between <body> and </body>
    continues: bool  # a chapter's second or later part: its bookmarks hang under the chapter's


def split(html: str, per_part: int) -> tuple[str, list[Part], str] | None:
    """(everything up to <body …>, the parts, </body>…) or None when the HTML is not shaped as expected
    (a theme's own handbook template): the caller then renders it whole."""
    body_open = re.search(r"<body[^>]*>", html)
    body_close = html.rfind("</body>")
    if body_open is None or body_close < 0:
        return None
    head, tail = html[: body_open.end()], html[body_close:]
    chapters, starts = [], []
    for chapter, item_tag in _CHAPTERS:
        found = re.search(rf'<section class="chapter {chapter}"', html)
        if found is not None:
            chapters.append((chapter, item_tag))
            starts.append(found.start())
    if not chapters or chapters[0][0] != "summaries" or starts != sorted(starts):
        return None
    parts = [Part(html[body_open.end() : starts[0]], False)]
    ends = [*starts[1:], body_close]
    for (chapter, item_tag), start, end in zip(chapters, starts, ends, strict=True):
        close = html.rfind("</section>", start, end)
        items = [m.start() for m in re.finditer(rf'<section class="{item_tag}"', html[start:close])] if item_tag else []
        if not items:
            parts.append(Part(html[start:end], False))
            continue
        items = [start + i for i in items]
        for first in range(0, len(items), per_part):
            last = first + per_part
            opening = html[start : items[0]] if first == 0 else f'<section class="{chapter}">'
            content = html[items[first] : items[last] if last < len(items) else close]
            parts.append(Part(opening + content + "</section>\n", first > 0))
        if html[close + len("</section>") : end].strip():
            return None  # something after the chapter we would drop
    return head, parts, tail


_ID = re.compile(r'\sid="([^"]+)"')
_LINK = re.compile(r'<a class="(pageref|toc-link)" href="#([^"]+)"')
# A reference into another part, until the join makes it a go-to (never a URI a reader could meet)
_XREF = "x-coursepack-part-ref:"


def _localise(body: str, pages: dict[str, int] | None) -> tuple[str, list[str]]:
    """The part's HTML with every reference to an anchor outside it printed as a number (a placeholder
    of three digits while measuring), and the anchors it refers to outside itself."""
    own = set(_ID.findall(body))
    outside: list[str] = []

    def swap(m: re.Match[str]) -> str:
        cls, target = m.group(1), m.group(2)
        if target in own:
            return m.group(0)
        outside.append(target)
        number = "000" if pages is None else str(pages[target])
        return f'<a class="{cls}" href="{_XREF}{target}" data-page="{number}"'

    return _LINK.sub(swap, body), outside


# Double-sided, a part that starts on an even page must start as the whole book would there: on a left-hand
# page, or, when its first element asks for a right-hand one (a chapter), on a blank left-hand page and then
# the next. WeasyPrint starts every document on a right-hand page, so such a part starts with this phantom
# page, numbered one less, whose forced break lets the part's own break rule choose; it is cut off before
# the part is counted or written.
_PHANTOM = '<div class="part-phantom" aria-hidden="true"></div>\n'


def _part_css(first_page: int, phantom: bool, page_ref: str) -> str:
    rules = [f"@page :first {{ counter-reset: page {first_page - 1 if phantom else first_page}; }}"]
    if phantom:
        rules.append(".part-phantom { break-after: page; }")
    rules += [
        f"a.pageref[data-page]::after {{ content: {page_ref}; }}",
        '.toc-link[data-page]::after { content: leader(" ") attr(data-page); }',
    ]
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


Layout = Callable[[str], Any]  # HTML → a laid-out WeasyPrint Document
Write = Callable[[Any], bytes]  # that Document → PDF bytes


@dataclass
class _Measure:
    pages: int
    anchors: dict[str, int]  # anchor → page index within the part


def render(html: str, per_part: int, layout: Layout, write: Write, page_ref: str, double: bool) -> bytes | None:
    """The joined PDF, or None when the HTML cannot be split (the caller renders it whole). `page_ref`
    is the CSS content of a page reference with `attr(data-page)` for its number."""
    cut = split(html, per_part)
    if cut is None or len(cut[1]) < 2:
        return None
    head, parts, tail = cut

    def phantom(first_page: int) -> bool:
        return double and first_page % 2 == 0

    def document(index: int, first_page: int, total: int | None, pages: dict[str, int] | None) -> str:
        body, _ = _localise(parts[index].body, pages)
        styled = head if total is None else head.replace("counter(pages)", f'"{total}"')
        css = _part_css(first_page, phantom(first_page), page_ref)
        return styled.replace("</head>", css + "</head>", 1) + (_PHANTOM if phantom(first_page) else "") + body + tail

    def laid_out(index: int, first_page: int, total: int | None, pages: dict[str, int] | None) -> Any:
        doc = layout(document(index, first_page, total, pages))
        return doc.copy(doc.pages[1:]) if phantom(first_page) else doc

    def measure(pages: dict[str, int] | None, total: int | None) -> list[_Measure]:
        out: list[_Measure] = []
        done = 0
        for index in range(len(parts)):
            doc = laid_out(index, done + 1, total, pages)
            anchors: dict[str, int] = {}
            for i, page in enumerate(doc.pages):
                for name in page.anchors:  # an element over several pages is an anchor on each: the first counts
                    anchors.setdefault(name, i)
            out.append(_Measure(len(doc.pages), anchors))
            done += len(doc.pages)
            del doc
            gc.collect()  # a laid-out part is a web of parent/child cycles: free it before the next
        return out

    # Measured with placeholders for what the part cannot know (references outside it, the total);
    # in the rare case that the numbers move a page break, measured again with them.
    measured = measure(None, None)
    for _ in range(3):
        offsets = _offsets([m.pages for m in measured])
        pages = _anchor_pages(measured, offsets)
        total = sum(m.pages for m in measured)
        pdfs: list[bytes] = []
        for index in range(len(parts)):
            doc = laid_out(index, offsets[index] + 1, total, pages)
            if len(doc.pages) != measured[index].pages:
                break
            pdfs.append(write(doc))
            del doc
            gc.collect()
        else:
            return join(pdfs, [p.continues for p in parts])
        del pdfs
        measured = measure(pages, total)
    raise RuntimeError("the handbook's parts did not settle on their page counts")


def _offsets(counts: list[int]) -> list[int]:
    out, done = [], 0
    for count in counts:
        out.append(done)
        done += count
    return out


def _anchor_pages(measured: list[_Measure], offsets: list[int]) -> dict[str, int]:
    return {a: offsets[i] + page + 1 for i, m in enumerate(measured) for a, page in m.anchors.items()}


# ---------------------------------------------------------------- joining


def join(pdfs: list[bytes], continues: list[bool]) -> bytes:
    """The parts as one PDF (qpdf through pikepdf: objects copied once per part, streams left
    compressed; pypdf took 500 MB and 32 s for a 163-page handbook, 12 MB written)."""
    out = pikepdf.new()
    struct_root = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    kids = pikepdf.Array()
    nums = pikepdf.Array()
    dests: list[tuple[str, Any]] = []
    outline: list[tuple[str, int, int, list[Any]]] = []  # (title, depth, page index, destination array)
    next_key = 0
    for number, (data, continued) in enumerate(zip(pdfs, continues, strict=True)):
        with pikepdf.open(io.BytesIO(data)) as part:
            if number == 0:
                _catalogue(part, out, struct_root)
            old_struct = part.Root.StructTreeRoot
            shift = next_key
            base = len(out.pages)
            page_index = {page.obj.objgen: i for i, page in enumerate(part.pages)}
            with warnings.catch_warnings():  # "named destinations not preserved": they are copied below
                warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
                out.pages.extend(part.pages)
            highest = -1
            for page in out.pages[base:]:
                obj = page.obj
                if "/StructParents" in obj:
                    highest = max(highest, int(obj.StructParents))
                    obj.StructParents = int(obj.StructParents) + shift
                for annot in obj.get("/Annots", pikepdf.Array()):
                    if "/StructParent" in annot:
                        highest = max(highest, int(annot.StructParent))
                        annot.StructParent = int(annot.StructParent) + shift
                    _link_across(annot)
            top = old_struct.get("/K")
            for elem in [top] if isinstance(top, pikepdf.Dictionary) else list(top or []):
                if "/P" in elem:
                    del elem["/P"]  # points at the part's root: not copied, set to the joined one below
                copied = out.copy_foreign(elem)
                copied.P = struct_root
                kids.append(copied)
            for key, value in _numbers(old_struct.ParentTree):
                nums.append(key + shift)
                nums.append(_copy(out, value))
                highest = max(highest, key)
            next_key = shift + highest + 1
            names = part.Root.get("/Names")
            if names is not None and "/Dests" in names:
                flat = list(names.Dests.get("/Names", pikepdf.Array()))
                for i in range(0, len(flat), 2):
                    dests.append((str(flat[i]), _copy(out, flat[i + 1])))
            with part.open_outline() as old:
                for title, depth, dest in _outline(old.root):
                    index = page_index.get(dest[0].objgen, 0) if len(dest) else 0
                    where = [float(x) for x in dest[2:5]]
                    outline.append((title, depth + (1 if continued else 0), base + index, where))
    struct_root.K = kids
    struct_root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=nums))
    struct_root.ParentTreeNextKey = next_key
    out.Root.StructTreeRoot = struct_root
    if dests:
        flat_names = pikepdf.Array()
        for name, dest in sorted(dests, key=lambda d: d[0]):
            flat_names.append(pikepdf.String(name))
            flat_names.append(dest)
        out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=flat_names))
    with out.open_outline() as new:
        parents: list[Any] = []
        for title, depth, index, (left, top_y, zoom) in outline:
            del parents[depth:]
            item = pikepdf.OutlineItem(title, index, pikepdf.PageLocation.XYZ, left=left, top=top_y, zoom=zoom)
            (parents[-1].children if parents else new.root).append(item)
            parents.append(item)
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,  # the /ID from the content: rebuilds are byte-identical
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    return buffer.getvalue()


def _link_across(annot: Any) -> None:
    """A link into another part (see _localise) made a link to its named destination, as WeasyPrint makes
    the links inside a part."""
    action = annot.get("/A")
    if action is None or action.get("/S") != pikepdf.Name.URI:
        return
    uri = str(action.URI)
    if uri.startswith(_XREF):
        del annot["/A"]
        annot.Dest = pikepdf.String(uri[len(_XREF):])


def _catalogue(first: pikepdf.Pdf, out: pikepdf.Pdf, struct_root: pikepdf.Dictionary) -> None:
    """What the joined document takes from its first part: the catalogue's language, tagging and
    viewer entries, the XMP metadata (PDF/UA identification), the document information."""
    old = first.Root
    for name in ("/RoleMap", "/ClassMap"):
        if name in old.StructTreeRoot:
            struct_root[name] = out.copy_foreign(old.StructTreeRoot[name])
    for name in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
        if name in old:
            out.Root[name] = _copy(out, old[name])
    if "/Info" in first.trailer:
        out.trailer.Info = out.copy_foreign(first.trailer.Info)


def _copy(out: pikepdf.Pdf, value: Any) -> Any:
    """A value of another PDF, copied into `out` when it is an object (names and numbers are values)."""
    if not isinstance(value, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
        return value
    if value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(out, x) for x in value])
    return pikepdf.Dictionary({key: _copy(out, x) for key, x in value.items()})


def _numbers(tree: Any) -> Iterator[tuple[int, Any]]:
    """(key, value) of a number tree, leaves in order."""
    nums = tree.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in tree.get("/Kids", pikepdf.Array()):
        yield from _numbers(kid)


def _outline(items: list[Any], depth: int = 0) -> Iterator[tuple[str, int, Any]]:
    """(title, depth, destination array) of every bookmark of an outline, depth first."""
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and "/D" in item.action:
            dest = item.action.D
        yield str(item.title), depth, dest if isinstance(dest, pikepdf.Array) else pikepdf.Array()
        yield from _outline(item.children, depth + 1)
