"""The analysis as one self-contained, accessible HTML page: inline SVG charts, each followed by the data table it
draws, no script, no external resource, no clock: the same input gives the same bytes."""

from __future__ import annotations

from html import escape

from builder.analysis.figures import Analysis, ItemFigure, SetFigure, pct
from builder.analysis.tables import num

CSS = """
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:70rem;margin:0 auto;padding:1rem}
h1,h2,h3{line-height:1.2}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #767676;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold}
.flag{color:#8a1c00;font-weight:bold}svg{max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}.note{color:#444}
"""
BAR, KEY, FLAG, AXIS = "#2f5d8a", "#1b6e3a", "#b3261e", "#555"


def _svg(ident: str, title: str, desc: str, width: int, height: int, body: list[str]) -> str:
    return (f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title id="{ident}-t">{escape(title)}</title>'
            f'<desc id="{ident}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>")


def _bars(ident: str, title: str, desc: str, rows: list[tuple[str, float, str]], maximum: float) -> str:
    """Horizontal bars: (label, value, colour); values 0..maximum."""
    h = 22 * len(rows) + 10
    body = []
    for k, (label, value, colour) in enumerate(rows):
        y = 5 + 22 * k
        w = 0 if maximum <= 0 else round(300 * value / maximum, 1)
        body.append(f'<text x="0" y="{y + 14}">{escape(label[:28])}</text>'
                    f'<rect x="190" y="{y + 2}" width="{w}" height="16" fill="{colour}"/>'
                    f'<text x="{194 + w}" y="{y + 14}">{escape(_value(value, maximum))}</text>')
    return _svg(ident, title, desc, 540, h, body)


def _value(value: float, maximum: float) -> str:
    return pct(value) if maximum == 1 else str(round(value))


def histogram(s: SetFigure) -> str:
    most = max(s.histogram) if s.histogram else 0
    rows = [(f"{10 * k}–{10 * k + 9 if k < 9 else 100} %", float(c), BAR) for k, c in enumerate(s.histogram)]
    chart = _bars(f"hist-{s.code}", f"{s.code}: score distribution", f"Number of finished attempts per 10-point "
                  f"score band; {s.attempts} attempts.", rows, float(most))
    table = ["<table><caption>Score distribution (finished attempts)</caption><thead><tr><th scope=\"col\">Score"
             "</th><th scope=\"col\">Attempts</th></tr></thead><tbody>"]
    table += [f'<tr><th scope="row">{escape(label)}</th><td class="n">{round(v)}</td></tr>' for label, v, _ in rows]
    return chart + "".join(table) + "</tbody></table>"


def scatter(s: SetFigure) -> str:
    """Facility (x, 0..1) against corrected point-biserial (y, −1..1); flagged items in red with their id."""
    w, h, left, top, pw, ph = 560, 360, 50, 10, 480, 300
    body = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="{AXIS}"/>',
            f'<line x1="{left}" x2="{left + pw}" y1="{top + ph / 2}" y2="{top + ph / 2}" stroke="{AXIS}" '
            'stroke-dasharray="4 3"/>',
            f'<text x="{left + pw / 2 - 60}" y="{h - 8}">facility (share correct)</text>',
            f'<text x="4" y="{top + 12}">r +1</text><text x="4" y="{top + ph / 2 + 4}">r 0</text>'
            f'<text x="4" y="{top + ph}">r −1</text>',
            f'<text x="{left}" y="{top + ph + 16}">0</text><text x="{left + pw - 24}" y="{top + ph + 16}">100 %</text>']
    for it in s.items:
        if it.facility is None or it.discrimination is None:
            continue
        x = round(left + pw * it.facility, 1)
        y = round(top + ph * (1 - (it.discrimination + 1) / 2), 1)
        flagged = bool(it.flags)
        body.append(f'<circle cx="{x}" cy="{y}" r="{5 if flagged else 4}" fill="{FLAG if flagged else BAR}"/>')
        if flagged:
            body.append(f'<text x="{x + 7}" y="{y + 4}">{escape(it.item_id)}</text>')
    return _svg(f"scatter-{s.code}", f"{s.code}: facility against discrimination",
                "Each dot is an item: right is easier, up discriminates better; flagged items are red and named. "
                "The item table below holds the same figures.", w, h, body)


def item_table(s: SetFigure) -> str:
    head = ("Item", "Type", "n", "Facility", "Partial credit", "Discrimination (r<sub>pb</sub>, corrected)",
            "Upper − lower", "Median time (s)", "Flags")
    out = [f"<table><caption>{escape(s.code)} items</caption><thead><tr>"
           + "".join(f'<th scope="col">{h}</th>' for h in head) + "</tr></thead><tbody>"]
    for it in s.items:
        flags = " ".join(it.flags)
        if it.changed:
            flags = (flags + " changed since results: " + it.changed).strip()
        out.append(f'<tr><th scope="row">{escape(it.item_id)}<br><span class="note">{escape(it.loc.path)}:'
                   f'{it.loc.line}</span></th><td>{escape(it.type)}</td><td class="n">{it.n}</td>'
                   f'<td class="n">{num(it.facility)}</td><td class="n">{num(it.partial)}</td>'
                   f'<td class="n">{num(it.discrimination)}</td><td class="n">{num(it.upper_lower)}</td>'
                   f'<td class="n">{num(it.median_latency, 1) or "–"}</td>'
                   f'<td class="{"flag" if flags else ""}">{escape(flags)}</td></tr>')
    return "".join(out) + "</tbody></table>"


def options(it: ItemFigure) -> str:
    rows = [(f"{o.label}{' (key)' if o.correct else ''}", o.share, KEY if o.correct else BAR) for o in it.options]
    chart = _bars(f"opt-{it.item_id}", f"{it.item_id}: choice rates", "Share of respondents choosing each option; "
                  "the key is green.", rows, 1.0)
    table = [f"<table><caption>{escape(it.item_id)} options</caption><thead><tr><th scope=\"col\">Option</th>"
             "<th scope=\"col\">Text</th><th scope=\"col\">Chosen by</th><th scope=\"col\">Upper group</th></tr>"
             "</thead><tbody>"]
    table += [f'<tr><th scope="row">{escape(o.label)}{" (key)" if o.correct else ""}</th><td>{escape(o.text)}</td>'
              f'<td class="n">{pct(o.share)}</td><td class="n">{pct(o.upper_share)}</td></tr>' for o in it.options]
    head = f"<h4>{escape(it.item_id)}: {escape(', '.join(it.flags))}</h4>"
    return head + chart + "".join(table) + "</tbody></table>"


def outcomes(s: SetFigure) -> str:
    rows = [(o.outcome_id, o.mastery or 0.0, BAR) for o in s.outcomes if o.mastery is not None]
    chart = _bars(f"out-{s.code}", f"{s.code}: outcome mastery", "Share of finished attempts reaching the mastery "
                  "score on each outcome's items.", rows, 1.0)
    table = ["<table><caption>Outcome mastery</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">"
             "Statement</th><th scope=\"col\">n</th><th scope=\"col\">Mastered</th></tr></thead><tbody>"]
    table += [f'<tr><th scope="row">{escape(o.outcome_id)}</th><td>{escape(o.statement)}</td><td class="n">{o.n}</td>'
              f'<td class="n">{pct(o.mastery) if o.mastery is not None else "–"}</td></tr>' for o in s.outcomes]
    return chart + "".join(table) + "</tbody></table>"


def _set(s: SetFigure) -> str:
    out = [f'<section aria-labelledby="set-{escape(s.code)}"><h2 id="set-{escape(s.code)}">{escape(s.code)} '
           f"{escape(s.title)}</h2>",
           f"<p>YAML version {escape(s.version)}"
           + (f"; results from version {escape(s.results_version)}" if s.results_version else "")
           + f". {s.attempts} finished attempt(s); {s.unfinished} unfinished left out.</p>"]
    if s.attempts:
        out.append(f"<p>Score: mean {num(s.mean_percent, 1)} %, median {num(s.median_percent, 1)} %, standard "
                   f"deviation {num(s.sd_percent, 1)}; {pct(s.pass_rate or 0)} reached the mastery score "
                   f"({round(100 * s.mastery_score)} %). Reliability over {s.reliability_items} items: KR-20 "
                   f"{num(s.kr20) or '–'}, Cronbach's alpha {num(s.alpha) or '–'}"
                   + (' <span class="flag">(low)</span>' if s.flags else "") + ".</p>")
    out += ["<h3>Facility and discrimination</h3>", scatter(s), item_table(s)]
    flagged = [it for it in s.items if it.flags and it.options]
    if flagged:
        out.append("<h3>Options of flagged items</h3>")
        out += [options(it) for it in flagged]
    out += ["<h3>Outcome mastery</h3>", outcomes(s), "<h3>Score distribution</h3>", histogram(s), "</section>"]
    return "".join(out)


def as_html(analysis: Analysis, title: str) -> str:
    th = analysis.thresholds
    rows = "".join(f'<tr><th scope="row">{escape(k)}</th><td class="n">{v}</td></tr>'
                   for k, v in vars(th).items())
    body = "".join(_set(s) for s in analysis.sets) or "<p>No set had results.</p>"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width,initial-scale=1"><title>{escape(title)}</title><style>{CSS}</style></head>'
            f"<body><main><h1>{escape(title)}</h1><p class=\"note\">Aggregates only: no learner's name, email or id "
            f"is in this report. Source: {escape(', '.join(analysis.sources))}.</p>{body}"
            f'<h2>Thresholds</h2><table><caption>Flag thresholds used</caption><thead><tr><th scope="col">Name</th>'
            f'<th scope="col">Value</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>\n')
