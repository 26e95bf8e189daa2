"""YAML 1.2 → plain Python data plus a map from key paths to source positions.

Built from ruamel.yaml's event stream rather than its constructors so that we
control everything a committee member can trip over: duplicate keys, alias
bombs, deep nesting and the YAML 1.2 core schema (`no` stays a string; a
number keeps the text it was written as).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, events
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report
from builder.source.safe_io import UnsafeFile, read_confined
from builder.source.yaml_errors import position as _pos
from builder.source.yaml_errors import syntax_error

try:  # the C parser ships separately (ruamel.yaml.clib); fall back when a platform lacks a wheel
    from _ruamel_yaml import CParser as _CParser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    _CParser = None

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 48
MAX_NODES = 200_000

KeyPath = tuple[str | int, ...]
# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF); every
# output is XML or lands in XML, so the loader refuses them where they are written.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_NUMBER_CHARS = 40  # Python refuses to convert integers of 4,300+ digits; no field needs 40


class SourceInt(int):
    source: str


class SourceFloat(float):
    source: str


@dataclass(frozen=True)
class Span:
    """Where a key and its value start (1-based); for list entries key == value."""

    key: tuple[int, int]
    value: tuple[int, int]


@dataclass
class Document:
    path: str
    data: Any
    spans: dict[KeyPath, Span] = field(default_factory=dict)

    def loc(self, keypath: KeyPath, at_key: bool = False) -> SourceLoc:
        """Nearest known position for a key path (aliased content maps to its alias)."""
        probe = tuple(keypath)
        while True:
            span = self.spans.get(probe)
            if span is not None:
                line, col = span.key if at_key else span.value
                return SourceLoc(self.path, line, col)
            if not probe:
                return SourceLoc(self.path, 1, 1)
            probe = probe[:-1]


_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}


def _is_number(text: str) -> bool:
    return any(p.match(text) for p in (_INT10, _INT8, _INT16, _FLOAT))


def resolve_plain(text: str) -> Any:
    """The YAML 1.2 core schema for an unquoted scalar."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    number: SourceInt | SourceFloat
    if _INT10.match(text):
        number = SourceInt(int(text, 10))
    elif _INT8.match(text):
        number = SourceInt(int(text[2:], 8))
    elif _INT16.match(text):
        number = SourceInt(int(text[2:], 16))
    elif _FLOAT.match(text):
        number = SourceFloat(float(text))
    elif text.lower() in _SPECIAL_FLOAT:
        number = SourceFloat(float(_SPECIAL_FLOAT[text.lower()]))
    else:
        return text
    number.source = text
    return number


class _Frame:
    __slots__ = (
        "container", "path", "pending_key", "pending_key_pos", "pending_key_end", "key_first_seen", "size", "flow",
        "last_value_pos", "stray_keys",
    )

    def __init__(self, container: dict[str, Any] | list[Any], path: KeyPath, flow: bool = False):
        self.container = container
        self.path = path
        self.pending_key: str | None = None
        self.pending_key_pos: tuple[int, int] = (1, 1)
        self.pending_key_end: tuple[int, int] = (1, 1)
        self.key_first_seen: dict[str, tuple[int, int]] = {}
        self.size = 1
        self.flow = flow  # a `{a: 1, b: 2}` mapping written on one line
        self.last_value_pos: tuple[int, int] | None = None
        self.stray_keys: list[str] = []  # keys made of the text after a comma; dropped, so no cascade


class _Builder:
    def __init__(self, path: str, text: str = ""):
        self.path = path
        self.lines = text.split("\n")
        self.spans: dict[KeyPath, Span] = {}
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.anchor_of_frame: dict[int, str] = {}
        self.root: Any = None
        self.has_root = False
        self.documents = 0
        self.total = 0
        self.diags: list[Diagnostic] = []

    def loc(self, pos: tuple[int, int]) -> SourceLoc:
        return SourceLoc(self.path, pos[0], pos[1])

    def _child_path(self, key_or_index: str | int) -> KeyPath:
        return self.stack[-1].path + (key_or_index,)

    def _add(self, value: Any, pos: tuple[int, int], size: int, is_key_scalar: bool) -> bool:
        """Place a finished value into its parent. Returns False when it was a key."""
        self.total += size
        if self.total > MAX_NODES:
            raise _Stop(
                report(
                    "yaml-too-large",
                    f"the document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                    self.loc(pos),
                    "remove the anchors/aliases (&name / *name) that repeat large blocks",
                )
            )
        if not self.stack:
            self.root, self.has_root = value, True
            self.spans[()] = Span(pos, pos)
            return True
        frame = self.stack[-1]
        frame.size += size
        if isinstance(frame.container, list):
            index = len(frame.container)
            frame.container.append(value)
            self.spans[frame.path + (index,)] = Span(pos, pos)
            return True
        if frame.pending_key is None:
            if not is_key_scalar:
                raise self._complex_key(pos)
            key = str(value.source if hasattr(value, "source") else value)
            if value is None:
                key = ""
            if key in frame.key_first_seen:
                first = frame.key_first_seen[key]
                self.diags.append(
                    report(
                        "duplicate-key",
                        f"key `{key}` appears twice in the same mapping (first at line {first[0]})",
                        self.loc(pos),
                        "keep one of them; YAML keeps only the last, silently",
                    )
                )
            frame.key_first_seen[key] = pos
            frame.pending_key, frame.pending_key_pos = key, pos
            return False
        key = frame.pending_key
        assert isinstance(frame.container, dict)
        frame.container[key] = value
        self.spans[frame.path + (key,)] = Span(frame.pending_key_pos, pos)
        frame.pending_key = None
        frame.last_value_pos = pos
        return True

    def _stray_flow_key(self, ev: Any, pos: tuple[int, int]) -> None:
        """`{term: shelf, definition: a board, or ledge}`: YAML reads `or ledge` as a key without a value.
        Said where it happens, with the quoted value to write, instead of "unknown key `or ledge`"."""
        frame = self.stack[-1] if self.stack else None
        if (
            frame is None
            or not frame.flow
            or frame.pending_key is None
            or ev.value != ""
            or ev.style
            or pos != frame.pending_key_end
        ):
            return
        frame.stray_keys.append(frame.pending_key)
        if len(frame.stray_keys) > 1:
            return
        key_pos, start = frame.pending_key_pos, frame.last_value_pos
        hint = 'a comma inside `{...}` separates entries: put a value that contains a comma in quotes'
        if start is not None and start[0] == key_pos[0] and 1 <= key_pos[0] <= len(self.lines):
            line = self.lines[key_pos[0] - 1]
            close = line.rfind("}")
            begin = start[1] - 1
            segment = line[begin:close].rstrip() if close > begin else ""
            if segment and '"' not in segment:
                fixed = f'{line[:begin]}"{segment}"{line[begin + len(segment):]}'.strip()
                hint += f", e.g. {fixed}"
        self.diags.append(
            report(
                "yaml-comma-in-value",
                f"`{frame.pending_key}` is read as a key of its own because of the comma before it",
                self.loc(key_pos),
                hint,
            )
        )

    def _check_scalar(self, ev: Any, pos: tuple[int, int]) -> None:
        """Text every output format can hold: XML 1.0 refuses control characters and U+FFFE/FFFF
        (lxml raises mid-build), and a number of thousands of digits cannot even be converted."""
        bad = _XML_ILLEGAL.search(ev.value)
        if bad is not None:
            self.diags.append(
                report(
                    "illegal-character",
                    f"the text contains the character U+{ord(bad.group()):04X}, which XML (SCORM, Moodle) cannot hold",
                    self.loc(pos),
                    "remove it; if it came from a \\x or \\u escape in quotes, write the character you meant",
                )
            )
        if not ev.style and len(ev.value) > MAX_NUMBER_CHARS and _is_number(ev.value):
            raise _Stop(
                report(
                    "number-too-large",
                    f"a number of {len(ev.value):,} characters; numbers here are at most {MAX_NUMBER_CHARS}",
                    self.loc(pos),
                    "quote it if it is text, or write a sensible number",
                )
            )

    def _complex_key(self, pos: tuple[int, int]) -> _Stop:
        hint = "write keys as `name: value`"
        return _Stop(report("yaml-complex-key", "a key must be plain text, not a list or mapping", self.loc(pos), hint))

    def _expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].container, dict) and (self.stack[-1].pending_key is None)

    def feed(self, ev: Any) -> None:
        if isinstance(ev, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _Stop(
                    report(
                        "yaml-multiple-documents",
                        "this file holds more than one YAML document (`---`)",
                        self.loc(_pos(ev.start_mark)),
                        "keep one document per file",
                    )
                )
            return
        if isinstance(ev, events.ScalarEvent):
            pos = _pos(ev.start_mark)
            self._check_scalar(ev, pos)
            value: Any
            if (
                not ev.style
                and (ev.tag is None or ev.tag == "!")
                and ev.implicit[0]
                or ev.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")
            ):
                value = resolve_plain(ev.value)
            else:
                value = ev.value
            is_key = self._expecting_key()
            if not is_key:
                self._stray_flow_key(ev, pos)
            self._add(value, pos, 1, True)
            if is_key and self.stack:
                self.stack[-1].pending_key_end = _pos(ev.end_mark)
            if ev.anchor and not is_key:
                self.anchors[ev.anchor] = (value, 1)
            return
        if isinstance(ev, events.AliasEvent):
            pos = _pos(ev.start_mark)
            if ev.anchor not in self.anchors:
                raise _Stop(
                    report("yaml-unknown-alias", f"alias *{ev.anchor} has no matching &{ev.anchor}", self.loc(pos))
                )
            value, size = self.anchors[ev.anchor]
            self._add(value, pos, size, not isinstance(value, (dict, list)))
            return
        if isinstance(ev, (events.MappingStartEvent, events.SequenceStartEvent)):
            pos = _pos(ev.start_mark)
            if len(self.stack) >= MAX_DEPTH:
                raise _Stop(
                    report(
                        "yaml-too-deep",
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        self.loc(pos),
                        "a curriculum never needs this much nesting; check the indentation",
                    )
                )
            if self._expecting_key():
                raise self._complex_key(pos)
            container: dict[str, Any] | list[Any] = {} if isinstance(ev, events.MappingStartEvent) else []
            if not self.stack:
                path: KeyPath = ()
            elif isinstance(self.stack[-1].container, list):
                path = self._child_path(len(self.stack[-1].container))
            else:
                path = self._child_path(self.stack[-1].pending_key or "")
            frame = _Frame(container, path, bool(getattr(ev, "flow_style", False)))
            frame.pending_key_pos = pos
            if ev.anchor:
                self.anchor_of_frame[id(frame)] = ev.anchor
            # remember where the container starts, placed when it ends
            frame.key_first_seen["\0start"] = pos
            self.stack.append(frame)
            return
        if isinstance(ev, (events.MappingEndEvent, events.SequenceEndEvent)):
            frame = self.stack.pop()
            for stray in frame.stray_keys:
                if isinstance(frame.container, dict):
                    frame.container.pop(stray, None)
            start = frame.key_first_seen.pop("\0start")
            anchor = self.anchor_of_frame.pop(id(frame), None)
            self.total -= frame.size - 1  # children were counted as they arrived
            self._add(frame.container, start, frame.size, False)
            if anchor:
                self.anchors[anchor] = (frame.container, frame.size)
            return


class _Stop(Exception):
    def __init__(self, diag: Diagnostic):
        self.diag = diag


def _decode(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, report(
            "encoding",
            "the file is saved as UTF-16; coursepack reads UTF-8",
            SourceLoc(path, 1, 1),
            "save the file as UTF-8 plain text (in Notepad: Save as → Encoding: UTF-8)",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, report(
            "encoding",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 (is this a binary or a Word file?)",
            SourceLoc(path, line, col),
            "save the file as UTF-8 plain text",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\0" in text:
        prefix = text[: text.index("\0")]
        line = prefix.count("\n") + 1
        col = len(prefix) - (prefix.rfind("\n") + 1) + 1
        return None, report(
            "encoding",
            "the file contains NUL bytes; it looks like a binary file, not YAML",
            SourceLoc(path, line, col),
            "save the file as UTF-8 plain text",
        )
    return text, None


def _events(text: str) -> Iterator[Any]:
    """libyaml's parser when installed (about 30x faster), else ruamel's pure-Python one.

    Only the event stream is used; scalar resolution is ours (YAML 1.2 core schema)."""
    if _CParser is None:
        yaml = YAML(typ="rt", pure=True)
        yield from yaml.parse(text)
        return
    parser = _CParser(text)
    while True:
        ev = parser.get_event()
        if ev is None:
            return
        yield ev
        if isinstance(ev, events.StreamEndEvent):
            return


def load_text(path: str, text: str) -> tuple[Document | None, list[Diagnostic]]:
    builder = _Builder(path, text)
    try:
        for ev in _events(text):
            builder.feed(ev)
    except _Stop as stop:
        return None, builder.diags + [stop.diag]
    except (MarkedYAMLError, YAMLError) as exc:
        return None, builder.diags + [syntax_error(path, exc, text)]
    except RecursionError:
        return None, builder.diags + [report("yaml-too-deep", "nesting is too deep to read", SourceLoc(path, 1, 1))]
    if not builder.has_root or builder.root is None:
        return None, builder.diags + [
            report("empty-file", "the file is empty", SourceLoc(path, 1, 1), "remove it or fill it in")
        ]
    return Document(path, builder.root, builder.spans), builder.diags


def load_file(file: Path, display: str, root: Path | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Load one curriculum file; it must be a regular file of at most MAX_BYTES that, symlinks
    followed, stays under `root` (default: its own folder's parent)."""
    try:
        raw = read_confined(file, root or file.parent.parent, MAX_BYTES)
    except UnsafeFile as exc:
        if exc.too_large:
            size = file.stat().st_size
            return None, [
                report(
                    "file-too-large",
                    f"the file is {size / 1048576:.1f} MB; the limit is {MAX_BYTES // 1048576} MB",
                    SourceLoc(display, 1, 1),
                    "split the set into smaller files or move media out of the YAML",
                )
            ]
        return None, [
            report(
                "unsafe-file",
                f"the file {exc.reason}",
                SourceLoc(display, 1, 1),
                "curriculum files must be plain files inside the curriculum folder",
            )
        ]
    text, problem = _decode(display, raw)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    return load_text(display, text)
