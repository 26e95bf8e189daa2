"""What every writer of one build shares: the theme, the strings of the programme's language, the
theme's static files and its Jinja environments.

The pipeline makes one context per (theme, language) and hands it to every job, so no writer reads
the catalogue, builds an environment or scans the static folders again. Jobs that run in worker
processes receive it pickled; the environments are rebuilt there on first use (they hold compiled
templates, which do not pickle) and then shared by every later use in that process's job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from builder.render.i18n import Catalogue, load_catalogue
from builder.render.themes import Theme


class WriteContext:
    def __init__(self, theme: Theme, language: str) -> None:
        self.theme = theme
        self.language = language
        self.catalogue: Catalogue = load_catalogue(theme, language)  # CatalogueError when the theme lacks it
        self._static: dict[str, dict[str, Path]] = {}
        self._environments: dict[str, jinja2.Environment] = {}

    def environment(self, kind: str) -> jinja2.Environment:
        """The theme's templates under `templates/<kind>/`; callers that add globals take an overlay."""
        if kind not in self._environments:
            self._environments[kind] = self.theme.environment(kind)
        return self._environments[kind]

    def static(self, kind: str) -> dict[str, Path]:
        """The theme's `static/<kind>/` files, child theme over parent (see Theme.static_files)."""
        if kind not in self._static:
            self._static[kind] = self.theme.static_files(kind)
        return self._static[kind]

    def stylesheets(self, kind: str) -> dict[str, Path]:
        return {rel: path for rel, path in self.static(kind).items() if rel.endswith(".css")}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_environments"] = {}
        return state
