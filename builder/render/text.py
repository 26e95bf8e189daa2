"""Text helpers every output shares: sanitised HTML flattened to one line, numbers without a useless fraction."""

from __future__ import annotations

import lxml.html


def plain(html: str) -> str:
    """Sanitised HTML as one line of text, for metadata and <select> options (which take no markup)."""
    if not html.strip():
        return ""
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    return " ".join(text.split())


def number(value: float) -> str:
    """A decimal without a useless fraction: 80.0 → "80", 0.75 → "0.75"."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
