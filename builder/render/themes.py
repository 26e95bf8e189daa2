"""Themes: a chain of folders (theme.yaml `extends:`), Jinja2 templates and static files.

A theme may come with the curriculum (`theme: ./mytheme` in program.yaml), i.e. from whoever
wrote the pull request, so it is untrusted code: templates run in Jinja's immutable sandbox (no
`__globals__`, no attribute of internals, no mutation of what the writers pass in), and every file
of the chain is read only when it is a regular file that stays inside its theme folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from builder.rules.diagnostics import Diagnostic, SourceLoc
from builder.rules.registry import report
from builder.source.safe_io import UnsafeFile, read_confined, regular_files, unsafe_entries

THEMES_DIR = Path(__file__).resolve().parents[2] / "themes"
MAX_THEME_YAML = 64 * 1024
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_THEME_FILE = 20 * 1024 * 1024  # a font or a logo; anything larger ends up in every package


class ThemeError(ValueError):
    """A theme that cannot be used; `loc` is where to fix it when a theme file is to blame."""

    def __init__(self, message: str, loc: SourceLoc | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.loc = loc
        self.hint = hint

    def diagnostic(self, fallback: SourceLoc) -> Diagnostic:
        return report("theme", str(self), self.loc or fallback, self.hint)


class UnsafeTemplate(jinja2.TemplateNotFound):
    """A template file that is a symlink out of its theme, a FIFO, a device, or too large."""

    def __init__(self, name: str, path: Path, reason: str) -> None:
        super().__init__(name, f"template {path} {reason}")
        self.path = path


def display(path: Path) -> str:
    """A path as diagnostics show it: relative to the working folder when below it."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if shown.startswith("..") else shown


class ConfinedLoader(jinja2.BaseLoader):
    """FileSystemLoader's lookup over (templates folder, theme root) pairs, reading each file with
    read_confined: a template that is a symlink leaving its theme is an error, not /etc/passwd."""

    def __init__(self, folders: list[tuple[Path, Path]]) -> None:
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses `..`, as FileSystemLoader does
        for folder, root in self.folders:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            try:
                data = read_confined(candidate, root, MAX_TEMPLATE_BYTES)
            except UnsafeFile as exc:
                raise UnsafeTemplate(template, candidate, exc.reason) from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise UnsafeTemplate(template, candidate, "is not UTF-8 text") from None
            return source, str(candidate), lambda: True
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder, _root in self.folders:
            if folder.is_dir():
                found.update(f.relative_to(folder).as_posix() for f in regular_files(folder) if f.suffix == ".html")
        return sorted(found)


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]  # most specific first

    def environment(self, subdir: str) -> jinja2.Environment:
        """Templates under `templates/<subdir>` of every theme in the chain; child overrides parent.

        Sandboxed for every theme, bundled or not: one code path, and a bundled theme edited in a
        pull request is as untrusted as one shipped with a curriculum."""
        loader = ConfinedLoader([(p / "templates" / subdir, p) for p in self.chain])
        return ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def static_files(self, subdir: str) -> dict[str, Path]:
        """`static/<subdir>` merged over the chain: relative name → file, child wins.

        Only regular files that stay inside their theme folder are listed, by their real path, so
        a writer that reads them cannot be led outside the theme.
        Ordered parent first, then what each child adds (by name within a theme): stylesheets are
        linked in this order, so a child theme's CSS always comes after, and overrides, its parent's.
        A child's file that replaces a parent's keeps the parent's place."""
        files: dict[str, Path] = {}
        for folder in reversed(self.chain):
            base = folder / "static" / subdir
            if not base.is_dir() or base.is_symlink():
                continue
            for f in _safe_files(base, folder):
                files[f.relative_to(base).as_posix()] = f.resolve()
        return files

    def files(self) -> list[Path]:
        """Every file of every theme in the chain, for cache keys."""
        return sorted(f for folder in self.chain for f in _safe_files(folder, folder))

    def template_problems(self) -> list[Diagnostic]:
        """Syntax errors of every template of the chain, located, so `check` reports them. The
        bundled themes are left out: the test suite renders them, and parsing costs most of `check`."""
        out: list[Diagnostic] = []
        for folder in self.chain:
            templates = folder / "templates"
            if not templates.is_dir() or folder.is_relative_to(THEMES_DIR):
                continue
            for sub in sorted(p for p in templates.iterdir() if p.is_dir() and not p.is_symlink()):
                env = self.environment(sub.name)
                for f in _safe_files(sub, folder):
                    if f.suffix != ".html":
                        continue
                    try:
                        tree = env.parse(read_confined(f, folder, MAX_TEMPLATE_BYTES).decode("utf-8"), f.name, str(f))
                        out += _private_access(tree, f)
                    except jinja2.TemplateSyntaxError as exc:
                        where = SourceLoc(display(f), exc.lineno or 1, 1)
                        out.append(report("theme-template", f"template syntax: {exc.message}", where))
                    except (UnsafeFile, UnicodeDecodeError) as exc:
                        out.append(report("theme-template", f"template {exc}", SourceLoc(display(f), 1, 1)))
        return out


def _private_access(tree: nodes.Template, file: Path) -> list[Diagnostic]:
    """`x.__init__`, `x._y`, `x["__globals__"]`: what every sandbox escape starts with, and what the
    sandbox refuses at render time. Found by `check` too, so a hostile theme fails CI before a build."""
    out: list[Diagnostic] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            name: object = node.attr
        else:
            assert isinstance(node, nodes.Getitem)
            name = getattr(node.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            out.append(
                report(
                    "theme-template",
                    f"the template reads `{name}`, which the template sandbox refuses",
                    SourceLoc(display(file), node.lineno or 1, 1),
                    "templates may only use the values the writer passes in",
                )
            )
    return out


def _safe_files(base: Path, root: Path) -> Iterator[Path]:
    real_root = root.resolve()
    for f in regular_files(base):
        if f.resolve().is_relative_to(real_root):
            yield f


def _read_meta(folder: Path) -> tuple[dict[str, Any], Any]:
    """theme.yaml as data, with its Document for positions; shape errors are located ThemeErrors."""
    from builder.source.load import _decode, load_text  # the curriculum loader: positions, limits, YAML 1.2

    file = folder / "theme.yaml"
    shown = display(file)
    try:
        raw = read_confined(file, folder, MAX_THEME_YAML)
    except UnsafeFile as exc:
        raise ThemeError(f"theme.yaml {exc.reason}", SourceLoc(shown, 1, 1)) from None
    text, problem = _decode(shown, raw)
    if problem is not None or text is None:
        raise ThemeError(problem.message if problem else "unreadable", SourceLoc(shown, 1, 1), "save it as UTF-8")
    if not text.strip():
        return {}, None
    doc, diags = load_text(shown, text)
    if doc is None or diags:
        first = diags[0] if diags else None
        message = f"theme.yaml: {first.message}" if first else "theme.yaml cannot be read"
        raise ThemeError(message, first.loc if first else SourceLoc(shown, 1, 1), first.hint if first else None)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise ThemeError(
            f"theme.yaml holds {kind}; it must be a mapping (name, description, extends)",
            doc.loc(()),
            "write e.g. `extends: default`",
        )
    extends = doc.data.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise ThemeError(
            f"`extends` must be the name or folder of a theme, not {_kind(extends)}",
            doc.loc(("extends",)),
            "write e.g. `extends: default`",
        )
    return doc.data, doc


def _kind(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, bool) or value is None:
        return f"`{str(value).lower()}`"
    return f"the number {getattr(value, 'source', value)}"


def load_theme(name_or_path: str, search: Path = THEMES_DIR) -> Theme:
    chain: list[Path] = []
    current: str | None = name_or_path
    extended_at: SourceLoc | None = None  # where the theme being looked up was named
    while current is not None:
        candidate = Path(current)
        folder = candidate if ("/" in current or candidate.is_absolute()) else search / current
        folder = folder.resolve()
        if not (folder / "theme.yaml").is_file():
            raise ThemeError(f"theme {current!r} not found (looked for {folder / 'theme.yaml'})", extended_at)
        if folder in chain:
            raise ThemeError(
                f"theme {current!r} is extended in a cycle: {' → '.join(p.name for p in [*chain, folder])}",
                extended_at,
                "a theme may extend another, never one that extends it back",
            )
        for path, reason in unsafe_entries(folder):
            raise ThemeError(f"theme file {path.relative_to(folder)} {reason}", SourceLoc(display(path), 1, 1),
                             "themes may only hold plain files inside their own folder")
        for f in regular_files(folder):
            if f.stat().st_size > MAX_THEME_FILE:
                raise ThemeError(f"theme file {f.relative_to(folder)} is larger than {MAX_THEME_FILE:,} bytes",
                                 SourceLoc(display(f), 1, 1))
        chain.append(folder)
        meta, doc = _read_meta(folder)
        current = meta.get("extends")
        extended_at = doc.loc(("extends",)) if doc is not None and current is not None else None
    return Theme(chain[0].name, tuple(chain))


def theme_diagnostics(name_or_path: str, named_at: SourceLoc) -> list[Diagnostic]:
    """Everything `check` can know about a theme before rendering: found, well-formed, plain files
    inside its folders, templates that parse. Render-time refusals are located by the build."""
    try:
        theme = load_theme(name_or_path)
    except ThemeError as exc:
        return [exc.diagnostic(named_at)]
    return theme.template_problems()
