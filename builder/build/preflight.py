"""Everything a build checks before it writes a byte: the resolved course, the theme and its strings
for the programme's language, and each format's own limits (identifiers, saved-progress budget,
file names an asset may not take).

`coursepack check` runs this for the default formats and `build` for the formats it builds, so what
`check` accepts, `build` writes; the preview server starts from it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder import formats
from builder.rules.diagnostics import Diagnostic
from builder.rules.registry import report

if TYPE_CHECKING:
    from builder.render.context import WriteContext
    from builder.resolve.course import Course
    from builder.rules.sources import Sources


@dataclass(frozen=True)
class Ready:
    course: Course
    ctx: WriteContext


def preflight(
    sources: Sources, format_names: list[str], theme_name: str | None = None
) -> tuple[Ready | None, list[Diagnostic]]:
    """The course and write context, or None with the located reasons why nothing can be written."""
    from builder.render.context import WriteContext
    from builder.render.i18n import CatalogueError
    from builder.render.themes import ThemeError, load_theme
    from builder.resolve.course import resolve

    course = resolve(sources)
    try:
        theme = load_theme(theme_name or course.program.theme)
    except ThemeError as exc:
        return None, [exc.diagnostic(sources.program_doc.loc(("theme",)))]
    try:
        ctx = WriteContext(theme, course.program.language)
    except CatalogueError as exc:
        where = sources.program_doc.loc(("language",))
        return None, [report("language-strings", str(exc), where, "use a language the theme has strings for")]
    diags = [d for name in format_names for d in formats.get(name).check(course)]
    return Ready(course, ctx), sorted(dict.fromkeys(diags), key=Diagnostic.sort_key)
