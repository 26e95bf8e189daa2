"""Reading a PDF's tagged structure back, for the PDF tests (a module beside them, not a test)."""

from __future__ import annotations

import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import Destination


def structure(reader: PdfReader) -> list[Any]:
    """Every element of the tagged-PDF structure tree, depth first."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return  # a marked-content id: the leaf under an element
        found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [] if kids is None else [kids]:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def heading_levels(reader: PdfReader) -> list[int]:
    """Levels of the H1…H6 elements of the tagged structure, in document order."""
    tags = (str(node.get("/S", "")) for node in structure(reader))
    return [int(tag[2]) for tag in tags if re.fullmatch(r"/H[1-6]", tag)]


def outline(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, depth, page index) of every bookmark, depth-first."""
    out: list[tuple[str, int, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for entry in items:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                assert isinstance(entry, Destination)
                out.append((str(entry.title), depth, reader.get_destination_page_number(entry)))

    walk(reader.outline, 0)
    return out
