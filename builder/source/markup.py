"""Markdown → HTML through one sanitiser: nothing a curriculum file says runs in a browser."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

_TAGS = {
    "p",
    "br",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "del",
    "sup",
    "sub",
    "div",
    "details",
    "summary",
}
_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}

# Lesson blocks an author marks with `::: kind Optional title` … `:::`: the player and the guides set
# them apart (a box, a label, room to write). `details` folds away in the player and prints open.
BLOCKS = ("key-points", "case-study", "activity", "note", "warning", "details")
# only these class values survive, and only on <div> (nh3 wants class out of the attribute list then). A div,
# not an <aside>: a lesson holds several blocks, and unnamed complementary landmarks would be ambiguous.
_CLASSES = {"div": {"block", *(f"block-{kind}" for kind in BLOCKS)}}
_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable("table")
    md.enable("strikethrough")
    # Typography for every output (player, Moodle XML, web, PDF) at the one place text becomes HTML:
    # markdown-it's smart quotes, and dashes and ellipses from `_typography` (not its `replacements`
    # rule, which also turns "(c)" into "©" and would rewrite a list of options "(a) (b) (c)").
    # Only text tokens change: code spans, code blocks, link targets and image sources never do, and
    # web addresses written in the text are set aside first. Answers and keys are not markdown.
    md.core.ruler.before("replacements", "protect_urls", _protect_urls)
    md.core.ruler.after("protect_urls", "typography", _typography)
    md.enable("smartquotes")
    for kind in BLOCKS:
        md.use(container_plugin, name=kind, render=_render_block)
    return md


# A web address or e-mail address written in the text (not a link): its dashes and quotes stay as typed.
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:|[\w.+-]+@[\w-]+\.)[^\s<>]*[^\s<>.,;:!?)\]'\"]")
_DASHES = (
    (re.compile(r"(^|[^-])---(?=[^-]|$)", re.M), "\\1\u2014"),
    (re.compile(r"(^|\s)--(?=\s|$)", re.M), "\\1\u2013"),
    (re.compile(r"(^|[^-\s])--(?=[^-\s]|$)", re.M), "\\1\u2013"),
    (re.compile(r"(?<=\s)-(?=\s)"), "\u2013"),  # "pages 4 - 6", "a word - an aside"
)


def _protect_urls(state: StateCore) -> None:
    """Web addresses in text become `text_special` tokens, which the typography rules skip and
    markdown-it's `text_join` turns back into plain text."""
    for block_token in state.tokens:
        if block_token.type != "inline" or not block_token.children:
            continue
        children: list[Token] = []
        for tok in block_token.children:
            if tok.type != "text" or not _URL.search(tok.content):
                children.append(tok)
                continue
            pos = 0
            for m in _URL.finditer(tok.content):
                if m.start() > pos:
                    children.append(_text("text", tok.content[pos : m.start()], tok.level))
                children.append(_text("text_special", m.group(), tok.level))
                pos = m.end()
            if pos < len(tok.content):
                children.append(_text("text", tok.content[pos:], tok.level))
        block_token.children = children


def _text(kind: str, content: str, level: int) -> Token:
    tok = Token(kind, "", 0)
    tok.content, tok.level = content, level
    return tok


def _typography(state: StateCore) -> None:
    """Ellipses and en/em dashes in text tokens outside autolinks (markdown-it's rule minus (c), (tm)…)."""
    for block_token in state.tokens:
        if block_token.type != "inline" or not block_token.children:
            continue
        inside_autolink = 0
        for tok in block_token.children:
            if tok.type == "link_open" and tok.info == "auto":
                inside_autolink += 1
            elif tok.type == "link_close" and tok.info == "auto":
                inside_autolink -= 1
            elif tok.type == "text" and not inside_autolink and ("..." in tok.content or "-" in tok.content):
                text = tok.content.replace("...", "\u2026")
                for pattern, replacement in _DASHES:
                    text = pattern.sub(replacement, text)
                tok.content = text


def _render_block(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
    """`::: case-study A day at the desk` → <div class="block block-case-study"><h3>A day…</h3>."""
    tok = tokens[idx]
    kind = tok.type.removeprefix("container_").rsplit("_", 1)[0]  # the closing token has no info
    title = html.escape(tok.info.strip().partition(" ")[2].strip())
    if kind == "details":
        return f"<details><summary>{title or '…'}</summary>\n" if tok.nesting == 1 else "</details>\n"
    if tok.nesting == 1:
        return f'<div class="block block-{kind}">\n' + (f"<h3>{title}</h3>\n" if title else "")
    return "</div>\n"


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes=_SCHEMES,
        allowed_classes=_CLASSES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def block(markdown: str) -> str:
    """Block markdown to safe HTML; headings start at h3 because set and lesson titles own h1/h2."""
    tokens = _md().parse(markdown)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close") and tok.tag in ("h1", "h2"):
            tok.tag = "h3"
    rendered = _md().renderer.render(tokens, _md().options, {})
    return sanitize(rendered).strip()


def references(markdown: str) -> list[tuple[str, str, str]]:
    """("image" | "link", target, alt text) for every image and link, in reading order."""
    found: list[tuple[str, str, str]] = []
    for block_token in _md().parse(markdown):
        for tok in block_token.children or []:
            if tok.type == "image":
                found.append(("image", str(tok.attrGet("src") or ""), tok.content))
            elif tok.type == "link_open":
                found.append(("link", str(tok.attrGet("href") or ""), ""))
    return found


def inline(text: str) -> str:
    """Inline markdown (emphasis, code) to safe HTML with no block wrapper."""
    return sanitize(_md().renderInline(text)).strip()


def plain(text: str) -> str:
    """Text for places that take no markup (XML attributes, PDF metadata)."""
    return html.escape(text, quote=True)


# Markdown-it caps block nesting at 20 (`maxNesting`), but emphasis nests without limit: `*`×1500 gives
# 750 levels of <em>/<strong>, and renderers recurse per level (WeasyPrint hit RecursionError). 40
# leaves room for 20 block levels and 20 inline ones; no prose needs more than a handful.
MAX_DEPTH = 40
_NESTERS = "*_~[]"


def depth(markdown: str) -> int:
    """How deeply the rendered HTML of `markdown` nests (block and inline elements), or 0 when it
    cannot exceed MAX_DEPTH: blocks stop at 20, so only inline nesting can pass the limit, which
    needs 20 levels inside one paragraph at two of `_NESTERS` each (the common case: no parse)."""
    if not any(sum(part.count(c) for c in _NESTERS) >= MAX_DEPTH for part in markdown.split("\n\n")):
        return 0
    best = 0
    for tok in _md().parse(markdown):
        best = max(best, tok.level + (tok.nesting == 1))
        for child in tok.children or []:
            best = max(best, tok.level + 1 + child.level + (child.nesting == 1))
    return best
