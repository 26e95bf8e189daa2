"""Message catalogues: every string a learner or reader sees comes from `strings/<lang>.yaml` of the theme.

Themes override single strings: the chain is read parent first, child last. Dates and numbers
are formatted here for the catalogue's locale, never from the machine's locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from builder.render.themes import Theme

BASE_LANGUAGE = "en"


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Catalogue:
    language: str
    strings: tuple[tuple[str, str], ...]

    def get(self, key: str, **values: Any) -> str:
        text = dict(self.strings).get(key)
        if text is None:
            raise CatalogueError(f"no string {key!r} in the {self.language} catalogue")
        return text.format(**values) if values else text

    def as_dict(self) -> dict[str, str]:
        return dict(self.strings)

    def date(self, value: dt.date) -> str:
        months = self.get("date.months").split(",")
        return self.get("date.format", day=value.day, month=months[value.month - 1].strip(), year=value.year)

    def number(self, value: float, decimals: int = 0) -> str:
        text = f"{value:,.{decimals}f}"
        return (
            text.replace(",", "\x00").replace(".", self.get("number.decimal")).replace("\x00", self.get("number.group"))
        )


def _read(path: Path) -> dict[str, str]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CatalogueError(f"{path} must be a mapping of key: text")
    return {str(k): str(v) for k, v in data.items()}


def available_languages(theme: Theme) -> list[str]:
    return sorted({p.stem for folder in theme.chain for p in (folder / "strings").glob("*.yaml")})


def load_catalogue(theme: Theme, language: str) -> Catalogue:
    """Strings for `language` (e.g. es or es-MX → es) over the theme chain, parent first."""
    base = language.split("-")[0]
    merged: dict[str, str] = {}
    found = False
    for folder in reversed(theme.chain):
        f = folder / "strings" / f"{base}.yaml"
        if f.is_file():
            merged.update(_read(f))
            found = True
    if not found:
        raise CatalogueError(
            f"theme {theme.name} has no strings for language {language!r}; "
            f"available: {', '.join(available_languages(theme))}"
        )
    return Catalogue(base, tuple(sorted(merged.items())))
