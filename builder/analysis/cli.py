"""`coursepack analyze`: parse options, read the curriculum and the exports, print flags, write the outputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from builder.analysis import Thresholds, run, save_last
from builder.analysis.page import as_html
from builder.analysis.tables import as_csv, as_text

SUFFIXES = (".html", ".htm", ".csv")


def _versions(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        code, sep, version = pair.partition("=")
        if not sep or not code.strip() or not version.strip():
            raise click.BadParameter(f"{pair!r}: use CODE=VERSION, e.g. TEC=1.0.0", param_hint="--results-version")
        out[code.strip()] = version.strip()
    return out


def analyze_command(reports: list[Path], directory: Path, outs: list[Path], threshold_pairs: list[str],
                    version_pairs: list[str], strict: bool, load: Callable[[Path, bool], Any],
                    print_diagnostics: Callable[[list[Any], bool], None]) -> int:
    try:
        thresholds = Thresholds.parse(threshold_pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--threshold") from None
    versions = _versions(version_pairs)
    for report in reports:
        if not report.is_file():
            raise click.BadParameter(f"{report} is not a file", param_hint="REPORTS")
    for out in outs:
        if out.suffix.lower() not in SUFFIXES:
            raise click.BadParameter(f"{out}: name the file .html or .csv", param_hint="--out")
    from builder.resolve.course import resolve

    sources, diags = load(directory, False)
    if sources is None:
        print_diagnostics(diags, False)
        click.echo(f"{directory}: cannot analyse against a curriculum with errors", err=True)
        return 1
    course = resolve(sources)
    unknown = sorted(set(versions) - {s.code for s in course.sets})
    if unknown:
        raise click.BadParameter(f"no set {', '.join(unknown)} in {directory}", param_hint="--results-version")
    analysis, found = run(course, reports, thresholds, versions)
    print_diagnostics(found, strict)
    if analysis is None:
        click.echo("no analysis: fix the report problems above", err=True)
        return 1
    click.echo(as_text(analysis), nl=False)
    page = as_html(analysis, f"{course.program.title}: item analysis")
    try:
        save_last(directory, analysis, page)  # `coursepack serve` shows it beside each set
    except OSError as exc:
        click.echo(f"note: the report is not kept for `coursepack serve`: {exc.strerror}", err=True)
    for out in outs:
        text = as_csv(analysis) if out.suffix.lower() == ".csv" else page
        try:
            out.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            click.echo(f"error: cannot write {out}: {exc.strerror}", err=True)
            return 1
        click.echo(f"wrote {out}")
    return 1 if strict and found else 0
