"""The analysis as text (terminal) and CSV. CSV cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
import re

from builder.analysis.figures import Analysis, ItemFigure, SetFigure

FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
CSV_COLUMNS = ("set", "item", "type", "outcomes", "points", "n", "facility", "partial_credit", "discrimination_rpb",
               "upper_lower", "median_latency_s", "options", "changed_since_results", "flags", "source")


def num(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def neutralise(cell: str) -> str:
    """OWASP's advice for CSV injection: a cell starting like a formula gets a leading apostrophe (a plain negative
    number, such as a discrimination of -0.12, stays a number)."""
    return "'" + cell if cell.startswith(FORMULA) and not NUMBER.fullmatch(cell) else cell


def options_text(it: ItemFigure) -> str:
    return " ".join(f"{o.label}{'*' if o.correct else ''}:{o.share:.2f}" for o in it.options)


def as_csv(analysis: Analysis) -> str:
    """One row per item; shares as decimals 0–1 with two places; `options` lists each option's choice rate (the key
    starred)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for s in analysis.sets:
        for it in s.items:
            w.writerow([neutralise(c) for c in (
                s.code, it.item_id, it.type, " ".join(it.outcomes), str(it.points), str(it.n), num(it.facility),
                num(it.partial), num(it.discrimination), num(it.upper_lower), num(it.median_latency, 1),
                options_text(it), it.changed, " ".join(it.flags), f"{it.loc.path}:{it.loc.line}")])
    return buf.getvalue()


def _set_lines(s: SetFigure) -> list[str]:
    out = [f"{s.code} {s.title} (YAML {s.version}"
           + (f", results {s.results_version})" if s.results_version else ")")
           + f": {s.attempts} finished attempt(s), {s.unfinished} unfinished left out"]
    if s.attempts:
        out.append(f"  score: mean {num(s.mean_percent, 1)} %, median {num(s.median_percent, 1)} %, "
                   f"sd {num(s.sd_percent, 1)}; passed (≥ {round(100 * s.mastery_score)} %): "
                   f"{num(100 * (s.pass_rate or 0), 0)} %")
        out.append(f"  reliability over {s.reliability_items} items: KR-20 {num(s.kr20)}, alpha {num(s.alpha)}")
    out.append(f"  {'item':<10} {'n':>4} {'facil.':>6} {'partial':>7} {'r_pb':>6} {'U-L':>6}  flags")
    for it in s.items:
        out.append(f"  {it.item_id:<10} {it.n:>4} {num(it.facility):>6} {num(it.partial):>7} "
                   f"{num(it.discrimination):>6} {num(it.upper_lower):>6}  "
                   + " ".join(it.flags + (("changed",) if it.changed else ())))
    out.append("  outcome mastery: " + ", ".join(
        f"{o.outcome_id} {num(100 * o.mastery, 0) + ' %' if o.mastery is not None else '–'}" for o in s.outcomes))
    return out


def as_text(analysis: Analysis) -> str:
    lines: list[str] = []
    for s in analysis.sets:
        lines += _set_lines(s)
    return "\n".join(lines) + "\n"
