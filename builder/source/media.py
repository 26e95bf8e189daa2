"""Media checks: every image or file a text refers to is a declared asset of its set, inside the
curriculum, of a type a player and a PDF can show, of a size an LMS upload can take, with alt text.

Packages must be self-contained (the player makes no network calls), so a remote image is an error
too. Positions point into block scalars line by line, so a committee member lands on the image.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report
from builder.source.load import Document, KeyPath
from builder.source.markup import references
from builder.source.model import CompetencySet
from builder.source.safe_io import UnsafeFile, read_confined

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
MEDIA_TYPES = IMAGE_TYPES | {".mp3", ".ogg", ".m4a", ".mp4", ".webm", ".pdf"}
WARN_BYTES = 1024 * 1024  # a set's zip is ~30 KB without media; a 1 MB picture is worth a second look
MAX_BYTES = 10 * 1024 * 1024  # many LMS installations cap uploads near here


@dataclass(frozen=True)
class Reference:
    kind: str  # "image" or "link"
    target: str
    alt: str
    loc: SourceLoc


def references_in(doc: Document) -> Iterator[Reference]:
    """Images and local links in every text of a set, with the position of each."""
    for path, text in _strings(doc.data, ()):
        if "](" not in text:
            continue  # no markdown link or image: skip the parse
        for kind, target, alt in references(text):
            yield Reference(kind, target, alt, _position(doc, path, text, target))


def check_media(m: CompetencySet, doc: Document, root: Path) -> list[Diagnostic]:
    declared = {a.path.replace("\\", "/"): a for a in m.assets}
    used: set[str] = set()
    out: list[Diagnostic] = []
    for ref in references_in(doc):
        parts = urlsplit(ref.target)
        if parts.scheme in ("http", "https") and ref.kind == "link":
            continue  # a link to a web page is fine; only embedded media must travel with the package
        if parts.scheme or parts.netloc:
            out.append(
                report(
                    "remote-media",
                    f"{ref.kind} {ref.target!r} is not a file of the curriculum; packages play without a network",
                    ref.loc,
                    "download it into the curriculum folder, list it under `assets:` and refer to it by that path",
                )
            )
            continue
        if ref.kind == "link" and (not parts.path or ref.target.startswith("#")):
            continue  # an anchor inside the page
        rel = unquote(parts.path)
        if rel not in declared:
            out.append(
                report(
                    "undeclared-asset",
                    f"{ref.kind} {rel!r} is not listed under this set's `assets:`",
                    ref.loc,
                    f"add `- {{path: {rel}, alt: <what it shows>}}` under `assets:`",
                )
            )
            continue
        used.add(rel)
        if ref.kind == "image" and not ref.alt.strip() and not declared[rel].alt.strip():
            message = f"image {rel!r} has no text alternative"
            out.append(report("image-no-alt", message, ref.loc, "write ![what it shows](path)"))
    for i, asset in enumerate(m.assets):
        rel = asset.path.replace("\\", "/")
        loc = doc.loc(("assets", i, "path"))
        if rel not in used:
            out.append(
                report(
                    "unused-asset",
                    f"asset {rel!r} is declared but no text shows or links it",
                    loc,
                    "refer to it with ![alt](path) or remove it",
                )
            )
        file = root / rel
        if file.is_file() and file.resolve().is_relative_to(root.resolve()):
            out += _file_problems(file, rel, loc, root)
    return out


def _file_problems(file: Path, rel: str, loc: SourceLoc, root: Path) -> list[Diagnostic]:
    suffix = file.suffix.lower()
    if suffix not in MEDIA_TYPES:
        return [
            report(
                "asset-type",
                f"asset {rel!r} is a {suffix or 'file without extension'}, which players and PDFs cannot show",
                loc,
                f"use one of {', '.join(sorted(MEDIA_TYPES))}",
            )
        ]
    size = file.stat().st_size
    if size > MAX_BYTES:
        return [
            report(
                "asset-too-large",
                f"asset {rel!r} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB",
                loc,
                "compress or resize it",
            )
        ]
    out: list[Diagnostic] = []
    if size > WARN_BYTES:
        out.append(
            report(
                "asset-large",
                f"asset {rel!r} is {size / 1024 / 1024:.1f} MB and makes every package that large",
                loc,
                "resize it; 1600 px wide is plenty for a screen and a printed page",
            )
        )
    try:
        data = read_confined(file, root, MAX_BYTES)
    except UnsafeFile as exc:
        return [report("unsafe-file", f"asset {rel!r} {exc.reason}", loc, "assets must be plain files")]
    if suffix == ".svg":
        reason = svg_problem(data)
        if reason:
            hint = "export it again as a plain drawing, or as PNG"
            out.append(report("unsafe-svg", f"SVG asset {rel!r} {reason}", loc, hint))
    elif not _looks_like(suffix, data):
        out.append(
            report(
                "asset-content",
                f"asset {rel!r} is named {suffix} but its content is not a {suffix[1:].upper()} file",
                loc,
                "export it again in the format its name says, or rename it to what it is",
            )
        )
    return out


# The first bytes of each media type: a zip renamed to .png would otherwise travel in every package,
# and browsers or PDF readers that sniff content could treat it as something else.
_MAGIC: dict[str, tuple[tuple[int, bytes], ...]] = {
    ".png": ((0, b"\x89PNG\r\n\x1a\n"),),
    ".jpg": ((0, b"\xff\xd8\xff"),),
    ".jpeg": ((0, b"\xff\xd8\xff"),),
    ".gif": ((0, b"GIF87a"), (0, b"GIF89a")),
    ".webp": ((8, b"WEBP"),),
    ".pdf": ((0, b"%PDF-"),),
    ".ogg": ((0, b"OggS"),),
    ".webm": ((0, b"\x1a\x45\xdf\xa3"),),
    ".mp4": ((4, b"ftyp"),),
    ".m4a": ((4, b"ftyp"),),
    ".mp3": ((0, b"ID3"), (0, b"\xff\xfb"), (0, b"\xff\xf3"), (0, b"\xff\xf2"), (0, b"\xff\xfa")),
}


def _looks_like(suffix: str, data: bytes) -> bool:
    signatures = _MAGIC.get(suffix)
    if signatures is None:
        return True
    if suffix == ".webp" and not data.startswith(b"RIFF"):
        return False
    return any(data[at : at + len(magic)] == magic for at, magic in signatures)


_SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_problem(data: bytes) -> str | None:
    """Why an SVG could run code or fetch something when a learner opens it, or None."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"is not well-formed XML ({exc.msg})"
    if root.getroottree().docinfo.internalDTD is not None:
        return "declares a DTD (entities can expand or fetch files)"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname.lower()
        if name in ("script", "foreignobject", "iframe", "embed", "object"):
            return f"contains a <{name}> element"
        for attr, value in el.attrib.items():
            local = etree.QName(attr).localname.lower()
            if local.startswith("on"):
                return f"has an event handler ({local}=)"
            text = str(value).strip()
            if local == "href" and not text.startswith("#"):
                return f"refers to another resource ({text[:40]!r})"
            if local == "style" and _css_fetches(text):
                return "has a style that loads another resource (url() or @import)"
        if name == "style" and _css_fetches("".join(str(t) for t in el.itertext())):
            return "has a <style> that loads another resource (@import or url())"
    return None


_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*([^'\")\s]*)", re.I)


def _css_fetches(css: str) -> bool:
    """Whether CSS imports a stylesheet or points url() anywhere but at a fragment of the SVG itself."""
    unescaped = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(min(int(m.group(1), 16), 0x10FFFF)), css).lower()
    if "@import" in unescaped:
        return True
    return any(not m.group(2).startswith("#") for m in _CSS_URL.finditer(unescaped))


def _strings(node: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "assets":
                yield from _strings(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, path + (i,))


def _position(doc: Document, path: KeyPath, text: str, target: str) -> SourceLoc:
    start = doc.loc(path)
    at = text.find(target)
    if at < 0:
        return start
    line_index = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    if "\n" not in text.rstrip("\n"):
        return SourceLoc(start.path, start.line, start.col + column)
    # A block scalar: its text starts on the line after the `|`, indented two past the key.
    key = doc.loc(path, at_key=True)
    return SourceLoc(start.path, start.line + 1 + line_index, key.col + 2 + column)
