"""Read an LMS results export into plain responses, each with the report position it came from.

Accepted: Moodle's SCORM Interactions report downloaded as "CSV" (Moodle writes tab-separated text, .txt), and the
same table after a round trip through a spreadsheet (comma or semicolon separated, UTF-8 with or without a BOM,
UTF-16 "Unicode text"). The spreadsheet downloads (ODS, Excel) are refused with a message saying which to choose.

Learner names and identity fields are read only to keep one attempt per learner; they never leave this module:
an `Attempt` carries an opaque number, not a name.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from builder.analysis.records import Attempt, Export, ReportError, Response
from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report

MAX_BYTES = 64 * 1024 * 1024  # a 64 MB report is ~300 000 attempts; anything larger is not an export
INTERACTION_COLUMN = re.compile(r"^(Question|Response|Right answer|Result|Latency) (\d+)$")
QUIZ_STATUS = ("Status", "State")  # Moodle 4.5's quiz report header; "State" before 4.4
FORMULA_START = ("=", "+", "@")  # "-" alone is Moodle's own "no value"


@dataclass(frozen=True)
class Cell:
    text: str
    line: int
    col: int


# ---------------------------------------------------------------- bytes → text


def decode(data: bytes, path: str) -> str:
    """UTF-8 (BOM or not) or UTF-16 (BOM, or NUL bytes of Excel's "Unicode text"); anything else is refused."""
    here = SourceLoc(path, 1, 1)
    if data[:2] == b"PK" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ReportError([report("report-spreadsheet", "this is a spreadsheet (ODS or Excel), not a text export", here,
                                 "in Moodle's report choose the download format 'Comma separated values (.csv)'")])
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _utf16(data, path)
    elif data[:200].count(b"\x00") > 10:
        return _utf16(b"\xff\xfe" + data if data[1:2] == b"\x00" else b"\xfe\xff" + data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "save the file as 'CSV UTF-8' or 'Unicode text', or download it again from Moodle"
        diag = report("report-encoding", f"not UTF-8 text (byte 0x{data[exc.start]:02x})", SourceLoc(path, line, col),
                     hint)
        raise ReportError([diag]) from None


def _utf16(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ReportError([report("report-encoding", f"broken UTF-16 text near byte {exc.start}", SourceLoc(path, 1, 1),
                                 "the file may be truncated; download it again")]) from None


# ---------------------------------------------------------------- text → rows of cells


def sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: (counts[d], d == "\t"))
    return best if counts[best] else "\t"


def rows(text: str, delimiter: str, path: str) -> list[list[Cell]]:
    """Delimiter-separated values with "quoted" cells (doubled quotes inside), keeping each cell's line and column."""
    out: list[list[Cell]] = []
    row: list[Cell] = []
    i, n, line, line_start = 0, len(text), 1, 0
    while i < n or row:
        start_line, start_col = line, i - line_start + 1
        buf: list[str] = []
        if i < n and text[i] == '"':
            i += 1
            while True:
                if i >= n:
                    raise ReportError([report("report-truncated", "a quoted cell never closes: the file ends inside it",
                                             SourceLoc(path, start_line, start_col),
                                             "the download was cut short; download the report again")])
                ch = text[i]
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                if ch == "\n":
                    line, line_start = line + 1, i + 1
                buf.append(ch)
                i += 1
            while i < n and text[i] not in (delimiter, "\n", "\r"):
                buf.append(text[i])  # text after a closing quote: kept, as spreadsheets do
                i += 1
        else:
            while i < n and text[i] not in (delimiter, "\n", "\r"):
                buf.append(text[i])
                i += 1
        row.append(Cell("".join(buf), start_line, start_col))
        if i < n and text[i] == delimiter:
            i += 1
            continue
        if i < n and text[i] == "\r":
            i += 1
        if i < n and text[i] == "\n":
            i += 1
        line, line_start = line + 1, i
        if any(c.text.strip() for c in row):
            out.append(row)
        row = []
        if i >= n:
            break
    return out


# ---------------------------------------------------------------- rows → attempts


def read(path: Path) -> tuple[Export, list[Diagnostic]]:
    """One Interactions report. Raises ReportError for a file that cannot be read as one."""
    label = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReportError([report("report-too-large", f"{size} bytes; a results export is far smaller",
                                     SourceLoc(label))])
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError([report("report-unreadable", exc.strerror or str(exc), SourceLoc(label))]) from None
    text = decode(data, label)
    if not text.strip():
        raise ReportError([report("report-empty", "the file is empty", SourceLoc(label))])
    if text.lstrip()[:1] in ("[", "{"):
        from builder.analysis.xapi import parse as parse_statements

        return parse_statements(text, label)
    table = rows(text, sniff(text.split("\n", 1)[0]), label)
    return parse(table, label)


def parse(table: list[list[Cell]], label: str) -> tuple[Export, list[Diagnostic]]:
    header = [html.unescape(c.text).strip() for c in table[0]]
    top = SourceLoc(label, 1, 1)
    if "Attempt" not in header and any(s in header for s in QUIZ_STATUS) and "Question 1" in header:
        return _parse_quiz(table, header, label)
    if "Attempt" not in header:
        raise ReportError([report("report-not-interactions", "no 'Attempt' column: this is not a SCORM Interactions "
                                 "report", top, "download Reports → Interactions of the SCORM activity (in English)")])
    columns: dict[int, dict[str, int]] = {}
    for k, name in enumerate(header):
        m = INTERACTION_COLUMN.match(name)
        if m:
            columns.setdefault(int(m.group(2)), {})[m.group(1)] = k
    if not columns or not all("Question" in c for c in columns.values()):
        raise ReportError([report("report-no-item-ids", "the report has no 'Question N' columns, so its answers cannot "
                                 "be matched to items", top, "in the report's settings tick 'Question', 'Response', "
                                 "'Right answer' and 'Result', save, then download again")])
    attempt_col = header.index("Attempt")
    export = Export(label)
    export.has_response = all("Response" in c for c in columns.values())
    export.has_right = all("Right answer" in c for c in columns.values())
    export.has_result = all("Result" in c for c in columns.values())
    diags: list[Diagnostic] = []
    firsts: dict[tuple[str, ...], tuple[int, Attempt]] = {}
    for row in table[1:]:
        if len(row) != len(header):
            raise ReportError([report("report-truncated", f"this row has {len(row)} cells, the header {len(header)}",
                                     SourceLoc(label, row[0].line, row[0].col), "the download was cut short or the "
                                     "file was edited; download the report again")])
        number = row[attempt_col].text.strip()
        if not number.isdigit():
            continue  # "-": an enrolled learner with no attempt
        responses: list[Response] = []
        seen: dict[str, int] = {}
        for index in sorted(columns):
            cols = columns[index]
            q = row[cols["Question"]]
            item_id = html.unescape(q.text).strip()
            if not item_id:
                continue
            loc = SourceLoc(label, q.line, q.col)

            def cell(name: str, cols: dict[str, int] = cols, row: list[Cell] = row) -> str | None:
                return html.unescape(row[cols[name]].text) if name in cols else None

            for name in ("Question", "Response"):
                value = cell(name)
                if value and value.startswith(FORMULA_START):
                    c = row[cols[name]]
                    diags.append(report("report-formula", f"a {name.lower()} cell starts with "
                                         f"{value[0]!r}, as a spreadsheet formula does; read as text",
                                         SourceLoc(label, c.line, c.col)))
            response = Response(item_id, cell("Response"), cell("Right answer"), cell("Result"), cell("Latency"), loc)
            if item_id in seen:  # answered again in the same attempt: the last answer counts, as in the LMS
                responses[seen[item_id]] = response
            else:
                seen[item_id] = len(responses)
                responses.append(response)
        identity = tuple(c.text for c in row[:attempt_col])  # in memory only, to keep one attempt per learner
        attempt = Attempt(0, tuple(responses), SourceLoc(label, row[0].line, 1))
        previous = firsts.get(identity)
        if previous is None or int(number) < previous[0]:
            firsts[identity] = (int(number), attempt)
    for seq, (_, attempt) in enumerate(sorted(firsts.values(), key=lambda x: x[1].loc.line), start=1):
        export.attempts.append(Attempt(seq, attempt.responses, attempt.loc))
    return export, diags


def _parse_quiz(table: list[list[Cell]], header: list[str], label: str) -> tuple[Export, list[Diagnostic]]:
    """Moodle's quiz Responses report (CSV download, "Question", "Response" and "Right answer" shown): one row per
    attempt; the first finished row of each learner counts. Question cells hold the question's text, not an id."""
    status_col = next(header.index(s) for s in QUIZ_STATUS if s in header)
    columns: dict[int, dict[str, int]] = {}
    for k, name in enumerate(header):
        m = INTERACTION_COLUMN.match(name)
        if m:
            columns.setdefault(int(m.group(2)), {})[m.group(1)] = k
    export = Export(label, kind="quiz", has_response=True, has_right=all("Right answer" in c for c in columns.values()))
    seen: set[tuple[str, ...]] = set()
    diags: list[Diagnostic] = []
    for row in table[1:]:
        if len(row) != len(header):
            raise ReportError([report("report-truncated", f"this row has {len(row)} cells, the header {len(header)}",
                                     SourceLoc(label, row[0].line, row[0].col), "the download was cut short or the "
                                     "file was edited; download the report again")])
        identity = tuple(c.text for c in row[:status_col])  # in memory only
        if row[status_col].text.strip() != "Finished" or identity in seen:
            continue
        seen.add(identity)
        responses = []
        for index in sorted(columns):
            cols = columns[index]
            q = row[cols["Question"]]
            text = html.unescape(q.text).strip()
            if not text or text == "-":
                continue
            response = html.unescape(row[cols["Response"]].text) if "Response" in cols else None
            right = html.unescape(row[cols["Right answer"]].text) if "Right answer" in cols else None
            for value, where in ((response, cols.get("Response")), (text, cols["Question"])):
                if value and value.startswith(FORMULA_START) and where is not None:
                    c = row[where]
                    diags.append(report("report-formula", f"a cell starts with {value[0]!r}, as a spreadsheet "
                                         "formula does; read as text", SourceLoc(label, c.line, c.col)))
            responses.append(Response(text, None if response == "-" else response, right, None, None,
                                      SourceLoc(label, q.line, q.col)))
        export.attempts.append(Attempt(len(export.attempts) + 1, tuple(responses), SourceLoc(label, row[0].line, 1)))
    return export, diags
