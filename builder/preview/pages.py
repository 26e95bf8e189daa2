"""The preview server's own pages (programme list, LMS simulator, messages), from `builder/preview/player_sim/`,
and the scorm-again bundle the simulator runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from builder.render.themes import THEMES_DIR
from builder.rules.diagnostics import Diagnostic

if TYPE_CHECKING:
    from builder.preview.site import SetEntry, Site
    from builder.preview.state import Status

ASSETS = Path(__file__).resolve().parent / "player_sim"
SCORM_AGAIN_URL = "/__sim/scorm12.min.js"
SCORM_AGAIN = Path("node_modules") / "scorm-again" / "dist" / "scorm12.min.js"
SCORM_AGAIN_FIX = "run `make build` (or `npm install`) in the coursepack folder to install scorm-again"
REPO = THEMES_DIR.parent


def find_scorm_again(start: Path | None = None) -> Path | None:
    """scorm-again's SCORM 1.2 browser bundle (it defines window.Scorm12API), in the working folder or the repo."""
    for base in (start or Path.cwd(), REPO):
        candidate = base / SCORM_AGAIN
        if candidate.is_file():
            return candidate.resolve()
    return None


def static_files(scorm_again: Path | None) -> dict[str, Path]:
    """URL path → file for the simulator's own CSS/JS and scorm-again's bundle: nothing else under /__sim/."""
    files = {f"/__sim/{f.name}": f for f in sorted((ASSETS / "static").iterdir()) if f.is_file()}
    if scorm_again is not None:
        files[SCORM_AGAIN_URL] = scorm_again
    return files


class Pages:
    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(ASSETS / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def _render(self, name: str, status: Status, **context: object) -> str:
        return self.env.get_template(name).render(
            status=status, missing=f"scorm-again is missing ({SCORM_AGAIN}): {SCORM_AGAIN_FIX}.", **context
        )

    def programme(self, status: Status, site: Site | None, ready: bool,
                  analysis: dict[str, dict[str, object]] | None = None) -> str:
        """`analysis`: the last `coursepack analyze` run's per-set summary (attempts, flags), shown beside each set."""
        return self._render("programme.html", status, site=site, ready=ready, analysis=analysis or {})

    def simulator(self, status: Status, entry: SetEntry, ready: bool) -> str:
        from builder.formats.player.package import script_json
        from builder.render.text import number

        config = {"code": entry.code, "src": f"/p/{entry.code}/index.html", "mastery": number(entry.mastery)}
        return self._render("sim.html", status, entry=entry, ready=ready, config=script_json(config))

    def message(self, status: Status, title: str, text: str) -> str:
        return self._render("message.html", status, title=title, text=text, diagnostics=[])

    def failure(self, status: Status, title: str, diagnostics: list[Diagnostic]) -> str:
        text = "It could not be built:"
        return self._render("message.html", status, title=title, text=text, diagnostics=diagnostics)
