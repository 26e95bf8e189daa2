"""Command line: parse, call one stage function, print diagnostics, exit 0/1/2."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from builder import __version__, formats
from builder.build import pipeline, publish
from builder.formats.base import PAPERS, SIDES, Options
from builder.rules.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from builder.rules.sources import Sources

# Commands import the stages they use inside their bodies: `build` with nothing to do, `version`
# and `--help` then start without loading pydantic, markdown-it and Jinja2.
SCHEMA_KINDS = ("competency-set", "program")

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


# Diagnostics about a whole file (it cannot be read at all): no line of it is worth quoting.
_UNQUOTED = frozenset({"encoding", "unsafe-file", "file-too-large", "empty-file", "no-program", "no-sets"})
_QUOTE_MAX_BYTES = 4 * 1024 * 1024


def _source_line(path: str, line: int, cache: dict[str, list[str] | None]) -> str | None:
    if path not in cache:
        lines: list[str] | None = None
        try:
            file = Path(path)
            if file.is_file() and file.stat().st_size <= _QUOTE_MAX_BYTES:
                lines = file.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            lines = None
        cache[path] = lines
    lines = cache[path]
    if lines is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1].rstrip("\r")


def quoted(d: Diagnostic, cache: dict[str, list[str] | None] | None = None) -> str:
    """A diagnostic as the compiler-style line, the source line it points at with a caret under the
    column, then the hint: the reader sees what to change without opening the file."""
    text = d.render()
    if d.code in _UNQUOTED:
        return text
    source = _source_line(d.loc.path, d.loc.line, {} if cache is None else cache)
    if source is None or not source.strip():
        return text
    width = 160
    col = max(1, min(d.loc.col, len(source) + 1))
    start = max(0, col - 1 - width // 2) if len(source) > width else 0
    shown = source[start : start + width].replace("\t", " ")
    number = str(d.loc.line)
    pad = " " * len(number)
    snippet = f"  {number} | {shown}\n  {pad} | {' ' * (col - 1 - start)}^"
    head, sep, rest = text.partition("\n")
    return f"{head}\n{snippet}{sep}{rest}"


def _print_diagnostics(diags: list[Diagnostic], strict: bool) -> None:
    unique = sorted(dict.fromkeys(diags), key=Diagnostic.sort_key)
    cache: dict[str, list[str] | None] = {}
    for d in unique:
        click.echo(quoted(d, cache), err=True)
    errors = sum(d.severity is Severity.ERROR for d in unique)
    warnings = len(unique) - errors
    if unique:
        label = " (treated as errors: --strict)" if strict and warnings else ""
        click.echo(f"{errors} error(s), {warnings} warning(s){label}", err=True)


def _failed(diags: list[Diagnostic], strict: bool) -> bool:
    return any(d.severity is Severity.ERROR or strict for d in diags)


def _not_a_folder(directory: Path) -> click.UsageError:
    """Say what to do: which folder was looked for, and the two ways to give one."""
    if directory.exists():
        return click.UsageError(f"{directory} is a file; give the curriculum folder (the one with program.yaml)")
    if directory == Path("curriculum"):
        return click.UsageError(
            "no folder given and there is no curriculum/ here: run it in the folder above your curriculum, "
            "name the folder (e.g. `coursepack check my-programme`), or use `coursepack check .` inside it; "
            "`coursepack new my-programme` starts a new one"
        )
    return click.UsageError(
        f"there is no folder {directory}; name the folder that holds program.yaml "
        "(`coursepack new` creates one)"
    )


def _folder(directory: Path) -> Path:
    """The default `curriculum` when given no folder, or `.` when run inside a curriculum folder."""
    if directory.is_dir():
        return directory
    if directory == Path("curriculum") and Path("program.yaml").is_file():
        return Path(".")
    raise _not_a_folder(directory)


def _load(directory: Path, strict: bool) -> tuple[Sources | None, list[Diagnostic]]:
    directory = _folder(directory)
    from builder.rules.check import check_curriculum

    return check_curriculum(directory)


def _guard(debug: bool, run: Callable[[], int]) -> NoReturn:
    """No traceback for users: an internal bug prints one line unless --debug."""
    try:
        code = run()
    except click.ClickException:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted; dist/ was left as it was", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("this is a bug in coursepack; run again with --debug and report the output", err=True)
        sys.exit(3)
    sys.exit(code)


DIR_ARG = click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default="curriculum")
STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
DEBUG = click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")


class _Command(click.Command):
    """`--help` lists each command with its whole first sentence, not 45 characters and "..."."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        first = (self.help or "").strip().split("\n\n")[0].replace("\n", " ")
        sentence = re.split(r"(?<=[.;])\s", first, maxsplit=1)[0]
        return sentence.rstrip(".;")


class _Group(click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
@click.version_option(__version__, "--version", "-V", prog_name="coursepack", message="%(prog)s %(version)s")
def cli() -> None:
    """coursepack: build SCORM packages and PDF study guides from a YAML curriculum."""


@cli.command()
@DIR_ARG
@STRICT
@DEBUG
def check(directory: Path, strict: bool, debug: bool) -> None:
    """Check a curriculum and report every problem with file:line:col."""

    def run() -> int:
        started = time.perf_counter()
        sources, diags = _load(directory, strict)
        if sources is not None and not _failed(diags, strict):
            from builder.build.preflight import preflight

            # what the default build would refuse before writing: check = build minus writing
            _, found = preflight(sources, list(formats.DEFAULT))
            diags += found
        _print_diagnostics(diags, strict)
        if sources is None or _failed(diags, strict):
            return EXIT_CONTENT
        sets = sources.sets
        outcomes = sum(len(s.model.outcomes) for s in sets)
        items = sum(len(s.model.assessment.items) for s in sets)
        tasks = sum(len(s.model.portfolio) for s in sets)
        lessons = sum(len(s.model.lessons) for s in sets)
        elapsed = time.perf_counter() - started
        click.echo(
            f"ok: {len(sets)} sets, {outcomes} outcomes, {lessons} lessons, {items} items, "
            f"{tasks} portfolio tasks ({elapsed:.2f} s)"
        )
        return EXIT_OK

    _guard(debug, run)


def _emit(text: str, out_file: Path | None) -> None:
    """Print, or write to --out (a file a committee attaches to its minutes)."""
    if out_file is None:
        click.echo(text, nl=False)
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"cannot write {out_file}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {out_file}", err=True)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@cli.command()
@DIR_ARG
@click.option(
    "--format", "format_", default=",".join(formats.DEFAULT), show_default=True,
    help="Comma-separated output formats (moodle_course also builds scorm12 and pdf, cc also pdf: it packs them).",
)
@click.option("--set", "set_", default=None, help="Comma-separated set codes to build (default: all).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default="dist",
    show_default=True,
    help="Output folder; replaced atomically when the build succeeds.",
)
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True, help="PDF paper size.")
@click.option(
    "--sides",
    type=click.Choice(SIDES),
    default="single",
    show_default=True,
    help="PDFs printed on one side or both: double mirrors the margins, puts running heads and page numbers on"
    " the outside and starts chapters on a right-hand page.",
)
@click.option("--theme", default=None, help="Theme name or folder (default: the program's theme).")
@click.option("--force", is_flag=True, help="Rebuild every output, ignoring the cache.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores).")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary table; problems and the last line only.")
@STRICT
@DEBUG
def build(
    directory: Path,
    format_: str,
    set_: str | None,
    out: Path,
    paper: str,
    sides: str,
    theme: str | None,
    force: bool,
    jobs: int | None,
    quiet: bool,
    strict: bool,
    debug: bool,
) -> None:
    """Check the curriculum and write packages and guides into the output folder."""
    names = _split(format_)
    unknown = [n for n in names if n not in formats.available()]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown format(s) {', '.join(unknown) or '(none)'}; available: {', '.join(formats.available())}",
            param_hint="--format",
        )

    def run() -> int:
        folder = _folder(directory)
        from rich.console import Console

        from builder.build.progress import BarProgress, PlainProgress, QuietProgress, summary

        started = time.perf_counter()
        console = Console(stderr=True, highlight=False)
        view: BarProgress | PlainProgress
        workers = jobs or pipeline.default_workers()
        if quiet:
            view = QuietProgress(sys.stderr, workers)
        elif console.is_terminal:
            view = BarProgress(console, workers)
        else:
            view = PlainProgress(sys.stderr, workers)
        try:
            with view:
                result = pipeline.build(
                    folder,
                    out,
                    names,
                    _split(set_) or None,
                    Options(paper=paper, sides=sides),
                    theme,
                    strict,
                    force=force,
                    workers=jobs,
                    progress=view,
                    on_wait=lambda line: click.echo(line, err=True),
                )
        except publish.OutputRefused as exc:
            click.echo(f"error: {exc}; nothing was written", err=True)
            return EXIT_USAGE
        except publish.OutputBusy as exc:
            click.echo(f"error: {exc}; the previous {out}/ is unchanged", err=True)
            return EXIT_CONTENT
        except OSError as exc:
            click.echo(
                f"error: cannot write {exc.filename or out}: {exc.strerror}; the previous {out}/ is unchanged", err=True
            )
            return EXIT_CONTENT
        for line in result.swept:
            click.echo(f"note: {line}", err=True)
        _print_diagnostics(result.diagnostics, strict)
        if not result.ok:
            click.echo(f"build failed; the previous {out}/ is unchanged", err=True)
            return EXIT_CONTENT
        if result.up_to_date:
            click.echo(
                f"up to date: no input changed since the last build of {out}/ "
                f"({len(result.written)} file(s), {time.perf_counter() - started:.2f} s; --force rebuilds)"
            )
            return EXIT_OK
        if not quiet:
            summary(result.written, out, result.jobs, result.seconds, console)
        click.echo(
            f"built {len(result.written)} file(s) from {len(result.jobs)} job(s) "
            f"({len(result.rebuilt)} rebuilt, {len(result.jobs) - len(result.rebuilt)} from cache) "
            f"into {out}/ in {time.perf_counter() - started:.2f} s"
        )
        return EXIT_OK

    _guard(debug, run)


@cli.command(name="matrix")
@DIR_ARG
@click.option("--format", "format_", type=click.Choice(["text", "csv", "html"]), default="text", show_default=True)
@click.option("--set", "set_", default=None, help="Comma-separated set codes (default: all).")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the matrix to FILE instead of the terminal.")
@click.option("--width", type=click.IntRange(60, 1000), default=None,
              help="Columns of the text table (default: the terminal's).")
@DEBUG
def matrix_command(directory: Path, format_: str, set_: str | None, out_file: Path | None, width: int | None,
                   debug: bool) -> None:
    """Show which lessons, items and portfolio tasks cover each outcome, flagging gaps.

    The text table fits the terminal and is followed by what every id is (statements, lesson titles,
    item prompts) and the programme's version and date; csv and html carry the same."""

    def run() -> int:
        from builder.resolve.course import resolve
        from builder.tools import matrix as coverage

        sources, diags = _load(directory, False)
        if sources is None:
            _print_diagnostics(diags, False)
            return EXIT_CONTENT
        course = resolve(sources)
        rows = coverage.matrix(course, _split(set_) or None)
        if format_ == "csv":
            text = coverage.as_csv(rows)
        elif format_ == "html":
            text = coverage.as_html(rows, f"{course.program.title}: coverage", course)
        else:
            text = coverage.as_text(rows, course, width or (120 if out_file else None))
        _emit(text, out_file)
        return EXIT_OK

    _guard(debug, run)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--program", "program_id", default="my-program", show_default=True, help="Programme id (lowercase).")
@click.option("--title", default="My Programme", show_default=True, help="Programme title.")
@click.option("--code", default="SET", show_default=True, help="Code of the first competency set.")
def new(directory: Path, program_id: str, title: str, code: str) -> None:
    """Create a new curriculum folder with one example set, ready to edit."""
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,39}", program_id):
        raise click.BadParameter("use lowercase letters, digits and dashes, e.g. first-aid", param_hint="--program")
    if not re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", code):
        raise click.BadParameter("use 2-10 capital letters or digits, e.g. CPR", param_hint="--code")
    from builder.tools.scaffold import scaffold

    try:
        written = scaffold(directory, program_id, title, code)
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from exc
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: coursepack check --strict {directory}")


@cli.command(name="diff")
@click.argument("old")
@click.argument("new", default="curriculum")
@click.option(
    "--path", "subdir", default="curriculum", show_default=True, help="Curriculum folder inside the repository."
)
@click.option(
    "--format", "format_", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True,
    help="Markdown for minutes and pull requests, or an HTML page to print.",
)
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the change log to FILE instead of the terminal.")
@DEBUG
def diff_command(old: str, new: str, subdir: str, format_: str, out_file: Path | None, debug: bool) -> None:
    """Show every change between two curricula, old → new, for the committee's minutes.

    OLD and NEW are folders or git revisions (e.g. v2026.1, HEAD~3) of the current repository. Every
    changed field is listed with its old and new value: programme rules, routes, version, glossary,
    outcomes, lessons, items (answers, keys, feedback), assessment settings and rubrics."""

    def run() -> int:
        from builder.resolve.course import resolve
        from builder.rules.check import check_curriculum
        from builder.tools import diff as changelog

        courses = []
        for label in (old, new):
            folder = Path(label)
            if not folder.is_dir():
                try:
                    folder = changelog.checkout_revision(Path.cwd(), label, subdir)
                except (OSError, subprocess.CalledProcessError) as exc:
                    raise click.UsageError(f"{label} is neither a folder nor a git revision with {subdir}/") from exc
            sources, diags = check_curriculum(folder)
            if sources is None:
                _print_diagnostics(diags, False)
                click.echo(f"{label}: cannot compare a curriculum with errors", err=True)
                return EXIT_CONTENT
            courses.append(resolve(sources))
        changes = changelog.compare(courses[0], courses[1])
        stamp = (
            f"Version {courses[0].program.version} ({courses[0].program.released.isoformat()}) → "
            f"{courses[1].program.version} ({courses[1].program.released.isoformat()})"
        )
        if format_ == "html":
            text = changelog.as_html(changes, old, new, stamp, courses[1].program.language)
        else:
            text = changelog.as_markdown(changes, old, new, stamp)
        _emit(text, out_file)
        return EXIT_OK

    _guard(debug, run)


@cli.command()
@click.option(
    "--kind",
    type=click.Choice(SCHEMA_KINDS),
    default="competency-set",
    show_default=True,
    help="Which file the schema describes.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema of a curriculum file (for editor completion)."""
    from builder.source.schema import schema_text

    click.echo(schema_text(kind), nl=False)


@cli.command()
@DIR_ARG
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--theme", default=None, help="Theme name or folder (default: the program's theme).")
@DEBUG
def serve(directory: Path, port: int, host: str, theme: str | None, debug: bool) -> None:
    """Preview every set in a SCORM 1.2 LMS simulator; rebuilds and reloads pages when files change."""

    def run() -> int:
        folder = _folder(directory)
        from builder.preview.server import serve as serve_preview

        try:
            return serve_preview(folder, host, port, theme, lambda line: click.echo(line, err=True))
        except OSError as exc:  # port taken, address not ours
            click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
            return EXIT_USAGE

    _guard(debug, run)


@cli.command(name="analyze")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--curriculum", "directory", type=click.Path(path_type=Path, file_okay=False), default="curriculum",
              show_default=True, help="The curriculum the packages were built from.")
@click.option("--out", "outs", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report: FILE.html (charts and tables) or FILE.csv (one row per item); repeatable.")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE", help="Change a flag threshold.")
@click.option("--results-version", "versions", multiple=True, metavar="CODE=VERSION",
              help="The set version the results were collected with; items of a set whose YAML differs are marked.")
@STRICT
@DEBUG
def analyze(reports: tuple[Path, ...], directory: Path, outs: tuple[Path, ...], thresholds: tuple[str, ...],
            versions: tuple[str, ...], strict: bool, debug: bool) -> None:
    """Item analysis of LMS result exports; flags print at each item's YAML line."""
    from builder.analysis.cli import analyze_command

    _guard(debug, lambda: analyze_command(list(reports), directory, list(outs), list(thresholds), list(versions),
                                          strict, _load, _print_diagnostics))


@cli.command()
def version() -> None:
    """Print the coursepack version."""
    click.echo(f"coursepack {__version__}")


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="coursepack", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_USAGE
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    return EXIT_OK
