"""Themes: a chain of folders (theme.yaml `extends:`), Jinja2 templates and static files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from ruamel.yaml import YAML

THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"


class ThemeError(ValueError):
    pass


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]  # most specific first

    def environment(self, subdir: str) -> jinja2.Environment:
        """Templates under `templates/<subdir>` of every theme in the chain; child overrides parent."""
        loader = jinja2.FileSystemLoader([str(p / "templates" / subdir) for p in self.chain])
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        return env

    def static_files(self, subdir: str) -> dict[str, Path]:
        """`static/<subdir>` merged over the chain: relative name → file, child wins.

        Ordered parent first, then what each child adds (by name within a theme): stylesheets are
        linked in this order, so a child theme's CSS always comes after, and overrides, its parent's.
        A child's file that replaces a parent's keeps the parent's place."""
        files: dict[str, Path] = {}
        for folder in reversed(self.chain):
            base = folder / "static" / subdir
            if not base.is_dir():
                continue
            for f in sorted(base.rglob("*")):
                if f.is_file():
                    files[f.relative_to(base).as_posix()] = f
        return files

    def files(self) -> list[Path]:
        """Every file of every theme in the chain, for cache keys."""
        return sorted(f for folder in self.chain for f in folder.rglob("*") if f.is_file())


def load_theme(name_or_path: str, search: Path = THEMES_DIR) -> Theme:
    chain: list[Path] = []
    current: str | None = name_or_path
    base = search
    while current is not None:
        candidate = Path(current)
        folder = candidate if ("/" in current or candidate.is_absolute()) else base / current
        folder = folder.resolve()
        if not (folder / "theme.yaml").is_file():
            raise ThemeError(f"theme {current!r} not found (looked for {folder / 'theme.yaml'})")
        if folder in chain:
            raise ThemeError(f"theme {current!r} extends itself")
        chain.append(folder)
        meta = YAML(typ="safe", pure=True).load((folder / "theme.yaml").read_text(encoding="utf-8")) or {}
        current = meta.get("extends")
        base = search
    return Theme(chain[0].name, tuple(chain))
