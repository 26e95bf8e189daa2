"""A large handbook rendered in parts and joined, so that memory is bounded by the largest part.

WeasyPrint keeps every page's boxes until the PDF is written: a 700-page handbook (200 sets) passed
1.5 GiB. Here the handbook's HTML is cut where the single document breaks the page anyway (before the
set summaries, between sets' summaries, between sets' rubrics), and each part is laid out on its own:

1. measure: every part is laid out once (not written) for its page count and the page of every anchor
   in it; references that leave their part print a placeholder of the same width;
2. render: every part again, numbered from its first page (``counter-reset: page``), with the total in
   the folio and every reference that leaves the part printed as the number found in step 1, then
   written to PDF and dropped before the next part starts;
3. join (pypdf): the pages in order, each part's tagged structure under one root (page and annotation
   ``StructParents`` keys shifted past the previous parts'), named destinations, document metadata and
   catalogue entries from the first part, and one outline rebuilt from the parts' outlines (a part that
   continues a chapter hangs its bookmarks under that chapter's).

Contents and page references stay exact (step 2 prints the numbers the layout produced and checks
that no part's page count moved); a reference that leaves its part prints as text, not a link.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    Fit,
    NameObject,
    NumberObject,
    TextStringObject,
)

# A handbook with more sets than this is rendered in parts of this many sets' summaries or rubrics.
PART_SETS = 25

_CHAPTERS = (("summaries", "set-summary"), ("rubrics", "set-rubrics"))


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
    starts = []
    for chapter, _ in _CHAPTERS:
        found = re.search(rf'<section class="chapter {chapter}"', html)
        if found is None:
            return None
        starts.append(found.start())
    if starts != sorted(starts):
        return None
    parts = [Part(html[body_open.end() : starts[0]], False)]
    ends = [*starts[1:], body_close]
    for (chapter, item_tag), start, end in zip(_CHAPTERS, starts, ends, strict=True):
        close = html.rfind("</section>", start, end)
        items = [m.start() for m in re.finditer(rf'<section class="{item_tag}"', html[start:close])]
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
        return f'<a class="{cls}" data-page="{number}"'

    return _LINK.sub(swap, body), outside


def _part_css(first_page: int, left_first: bool, page_ref: str) -> str:
    rules = [f"@page :first {{ counter-reset: page {first_page}; }}"]
    if left_first:  # double-sided: a part that starts on an even page starts on a left-hand one
        rules.append("html { break-before: left; }")
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

    def document(index: int, first_page: int, total: int | None, pages: dict[str, int] | None) -> str:
        body, _ = _localise(parts[index].body, pages)
        styled = head if total is None else head.replace("counter(pages)", f'"{total}"')
        css = _part_css(first_page, double and first_page % 2 == 0, page_ref)
        return styled.replace("</head>", css + "</head>", 1) + body + tail

    def measure(pages: dict[str, int] | None, total: int | None) -> list[_Measure]:
        out: list[_Measure] = []
        done = 0
        for index in range(len(parts)):
            doc = layout(document(index, done + 1, total, pages))
            anchors: dict[str, int] = {}
            for i, page in enumerate(doc.pages):
                for name in page.anchors:  # an element over several pages is an anchor on each: the first counts
                    anchors.setdefault(name, i)
            out.append(_Measure(len(doc.pages), anchors))
            done += len(doc.pages)
            del doc
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
            doc = layout(document(index, offsets[index] + 1, total, pages))
            if len(doc.pages) != measured[index].pages:
                break
            pdfs.append(write(doc))
            del doc
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
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(data)) for data in pdfs]
    first = readers[0]
    root = writer._root_object
    struct_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    struct_ref = writer._add_object(struct_root)
    kids = ArrayObject()
    nums = ArrayObject()
    dests: list[tuple[str, Any]] = []
    next_key = 0
    outline: list[tuple[str, int, int, Any]] = []  # (title, depth, page index, destination)
    page_base = 0
    for reader, continued in zip(readers, continues, strict=True):
        old_root: Any = reader.trailer["/Root"]
        old_struct: Any = old_root["/StructTreeRoot"].get_object()
        translate = writer._id_translated.setdefault(id(reader), {})
        translate[old_struct.indirect_reference.idnum] = struct_ref.idnum  # /P of the top elements → the new root
        shift = next_key
        added = []
        for page in reader.pages:
            new: Any = writer.add_page(page)
            old_key: Any = page.get("/StructParents")
            if old_key is not None:
                new[NameObject("/StructParents")] = NumberObject(int(old_key) + shift)
            added.append(new)
        highest = -1
        for new in added:
            for annot in new.get("/Annots", []) or []:
                annot = annot.get_object()
                if "/StructParent" in annot:
                    annot[NameObject("/StructParent")] = NumberObject(int(annot["/StructParent"]) + shift)
        for elem in _as_list(old_struct.get("/K")):
            kids.append(elem.clone(writer))  # an indirect reference stays one, to the copy
        for key, value in _numbers(old_struct["/ParentTree"].get_object()):
            nums.append(NumberObject(key + shift))
            nums.append(value.clone(writer))
            highest = max(highest, key)
        for page in reader.pages:
            page_key: Any = page.get("/StructParents", -1)
            highest = max(highest, int(page_key))
        next_key = shift + highest + 1
        names: Any = old_root["/Names"].get("/Dests") if "/Names" in old_root else None
        if names is not None:
            flat: Any = names.get_object().get("/Names", [])
            for i in range(0, len(flat), 2):
                dests.append((str(flat[i]), flat[i + 1].clone(writer)))
        for title, depth, index, dest in _outline(reader):
            outline.append((title, depth + (1 if continued else 0), page_base + index, dest))
        page_base += len(reader.pages)
    struct_root[NameObject("/K")] = kids
    parent_tree = DictionaryObject({NameObject("/Nums"): nums})
    struct_root[NameObject("/ParentTree")] = writer._add_object(parent_tree)
    struct_root[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    old_first: Any = first.trailer["/Root"]
    for name in ("/RoleMap", "/ClassMap"):
        if name in old_first["/StructTreeRoot"]:
            struct_root[NameObject(name)] = old_first["/StructTreeRoot"][name].clone(writer)
    root[NameObject("/StructTreeRoot")] = struct_ref
    for name in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/PageMode"):
        if name in old_first:
            entry: Any = old_first[name]
            root[NameObject(name)] = entry.clone(writer) if hasattr(entry, "clone") else entry
    if dests:
        dests.sort(key=lambda d: d[0])
        flat_names = ArrayObject()
        for name, dest in dests:
            flat_names.append(TextStringObject(name))
            flat_names.append(dest)
        root[NameObject("/Names")] = DictionaryObject(
            {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): flat_names})}
        )
    parents: list[Any] = []
    for title, depth, index, dest in outline:
        del parents[depth:]
        parent = parents[-1] if parents else None
        fit = Fit.xyz(dest.left, dest.top, dest.zoom) if dest is not None else Fit.fit()
        parents.append(writer.add_outline_item(title=title, page_number=index, parent=parent, fit=fit))
    info: Any = first.trailer.get("/Info")
    writer._info = info.get_object().clone(writer) if info is not None else None
    digest = hashlib.md5(b"".join(hashlib.sha256(p).digest() for p in pdfs), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    resolved = value.get_object()
    return list(resolved) if isinstance(resolved, list) else [value]


def _numbers(tree: DictionaryObject) -> Iterator[tuple[int, Any]]:
    """(key, value) of a number tree, leaves in order."""
    nums = tree.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in tree.get("/Kids", []) or []:
        yield from _numbers(kid.get_object())


def _outline(reader: PdfReader) -> Iterator[tuple[str, int, int, Any]]:
    def walk(items: list[Any], depth: int) -> Iterator[tuple[str, int, int, Any]]:
        for entry in items:
            if isinstance(entry, list):
                yield from walk(entry, depth + 1)
            else:
                yield str(entry.title), depth, reader.get_destination_page_number(entry) or 0, entry

    yield from walk(reader.outline, 0)
