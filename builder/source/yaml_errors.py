"""A YAML syntax error as a committee member can act on it: where, and the text to write instead
(a tab, a key without its colon, a misindented line, a quote left open)."""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.error import YAMLError

from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report


def position(mark: Any) -> tuple[int, int]:
    """A ruamel mark as 1-based (line, column)."""
    return (mark.line + 1, mark.column + 1)


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def syntax_error(path: str, exc: YAMLError, text: str) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = position(mark) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if _char_at(text, line, col) == "\t" or "\\t" in str(problem):
        return report(
            "yaml-tab",
            "a tab character is used for indentation",
            SourceLoc(path, line, col),
            "YAML indentation must use spaces; set your editor to insert spaces for Tab",
        )
    message = str(problem)
    if context:
        message = f"{message} ({context})"
    hint = _syntax_hint(message)
    opened = _unbalanced_quote_line(text, line)
    if opened is not None and opened < line:
        hint = f"a quote opened on line {opened} is not closed before this point"
        return report("yaml-syntax", message, SourceLoc(path, line, col), hint)
    lines = text.split("\n")
    colonless = _missing_colon(lines, line)
    if colonless is not None:
        number, indent, key, rest = colonless
        return report(
            "yaml-missing-colon",
            f"`{key} {rest}` has no colon after the key `{key}`",
            SourceLoc(path, number, indent + len(key) + 1),
            f"write `{key}: {rest}`",
        )
    if "expected key" in message or "expected '-' indicator" in message or "expected <block end>" in message:
        indent_hint = _indent_hint(lines, line)
        if indent_hint:
            return report("yaml-indentation", f"this line's indentation does not match the lines above it ({message})",
                         SourceLoc(path, line, col),
                         indent_hint)
    return report("yaml-syntax", message, SourceLoc(path, line, col), hint)


_COLONLESS = re.compile(r"^(\s*(?:-\s+)?)([a-z_]+)\s+([^:#\s][^:#]*?)\s*$")
# Keys of program.yaml and set files (a line of prose that happens to start with one of these
# words is only considered when YAML failed right there)
_KEYS = frozenset(
    {
        "id", "code", "title", "short_title", "statement", "bloom", "version", "released", "language",
        "publisher", "description", "type", "prompt", "text", "answer", "answers", "minutes", "term",
        "definition", "name", "points", "body", "summary", "mastery_score", "attempts", "shuffle", "draw",
        "path", "alt", "correct", "feedback", "choose", "from", "required", "task", "theme", "left", "right",
    }
)
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_$][\w$-]*):(\s|$)")


def _missing_colon(lines: list[str], upto: int) -> tuple[int, int, str, str] | None:
    """`- id XYZ-2`: a key and a value without the colon between them, on or just above the error line."""
    for number in range(upto, max(0, upto - 3), -1):
        if not 1 <= number <= len(lines):
            continue
        found = _COLONLESS.match(lines[number - 1])
        if found is not None and found.group(2) in _KEYS:
            return number, len(found.group(1)), found.group(2), found.group(3)
    return None


def _indent_hint(lines: list[str], upto: int) -> str | None:
    """Name the column the misplaced line should start in: that of the keys just above it."""
    if not 1 <= upto <= len(lines):
        return None
    here = lines[upto - 1]
    this = _KEY_LINE.match(here)
    if this is None:
        return None
    column = len(this.group(1)) + 1
    for number in range(upto - 1, 0, -1):
        above = _KEY_LINE.match(lines[number - 1])
        if above is None:
            continue
        other = len(above.group(1)) + (len(above.group(2)) if above.group(2) else 0) + 1
        if other == column:
            continue
        name = this.group(3)
        if abs(other - column) <= 2:
            return (
                f"`{name}:` starts in column {column}, but `{above.group(3)}:` on line {number} starts in "
                f"column {other}: entries of one mapping start in the same column, so indent `{name}:` by "
                f"{other - 1} spaces"
            )
        return f"`{name}:` starts in column {column}; line it up with the keys it belongs with"
    return None


_BLOCK_START = re.compile(r"""(?:^|[:\-]\s)[|>][0-9+-]*\s*(?:#.*)?$""")


def _unbalanced_quote_line(text: str, upto: int) -> int | None:
    """First line before `upto` that opens a double-quoted value and does not close it.

    Lines inside block scalars (`body: |`) are prose, where quotes need not pair: skipped."""
    block_indent: int | None = None  # indentation of the key that opened the current block scalar
    for number, raw in enumerate(text.split("\n")[: upto - 1], start=1):
        indent = len(raw) - len(raw.lstrip(" "))
        if block_indent is not None:
            if not raw.strip() or indent > block_indent:
                continue
            block_indent = None
        body = raw.split(" #", 1)[0].replace('\\"', "")
        if _BLOCK_START.search(body.rstrip()):
            block_indent = indent
            continue
        if body.count('"') % 2 == 1 and body.lstrip().startswith(("-", '"')) | (': "' in body):
            return number
    return None


def _syntax_hint(message: str) -> str:
    if "mapping values are not allowed" in message:
        return 'a value containing `: ` must be quoted, e.g. title: "Part 1: Basics"'
    if "could not find expected ':'" in message or "simple key" in message:
        return "each line of a mapping is `key: value`; check indentation and colons above this point"
    if "expected <block end>" in message or "indentation" in message:
        return "check that entries at the same level start in the same column"
    if "found unexpected end of stream" in message or "unclosed" in message:
        return "a quote or bracket is not closed"
    return "check the YAML syntax at this point"
