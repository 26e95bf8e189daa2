"""The player as a plain static site for practice without an LMS: `web/<CODE>/` per set, `web/index.html`.

Each set folder holds exactly the files of its SCORM package but the manifest (same launch page,
player, content and assets), so what learners practise on is what the LMS runs. The content says
`scorm: "none"`: the player never looks for an LMS API, starts in preview mode and its notice says
that nothing is saved.
The list page is rendered from the theme's `templates/web/index.html` when a theme has one, else
from the template below.
"""

from __future__ import annotations

import struct
import zlib

import jinja2

from builder.build.output import OutDir
from builder.formats.base import NOTHING_MADE, Format, Job, Made, Options
from builder.formats.player.package import PLAYER_DIR, package_files, player_problems
from builder.render.context import WriteContext
from builder.resolve.course import Course
from builder.rules.diagnostics import Diagnostic, Severity

INDEX = "index.html"
INDEX_CSS = "index.css"
FAVICON = "favicon.ico"
# No LMS mode: lms.js never looks for an API, so a practice page that someone frames inside an LMS
# (or that a LMS page opens) cannot write into that LMS's records. It always runs as a preview.
PLAYER_SCORM = "none"

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self' data:">
<title>{{ program.title }}</title>
<link rel="icon" href="{{ favicon }}">
{% for href in styles %}
<link rel="stylesheet" href="{{ href }}">
{% endfor %}
</head>
<body>
<a class="skip" href="#sets">{{ t("player.skip") }}</a>
<header class="top">
  <p class="program">{{ program.publisher }}</p>
  <h1>{{ program.title }}</h1>
</header>
<main id="sets" class="sets" tabindex="-1">
  {{ program.description_html | safe }}
  <ul>
  {% for s in sets %}
    <li>
      <h2><a href="{{ s.code }}/index.html">{{ s.code }}: {{ s.title }}</a></h2>
      <p class="meta">{{ t("pdf.required") if s.required else t("pdf.elective") }}</p>
      {{ s.summary_html | safe }}
    </li>
  {% endfor %}
  </ul>
</main>
</body>
</html>
"""

# Layout for the list only; colours and type come from the player's stylesheet.
_INDEX_STYLE = """.sets { max-width: 44rem; margin: 0 auto; padding: 1.25rem; }
.sets ul { list-style: none; margin: 0; padding: 0; }
.sets li { border-top: 1px solid var(--line); padding: .75rem 0; }
.sets h2 { font-size: 1.2rem; margin: 0; }
.sets .meta { margin: .25rem 0; }
"""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def favicon(rgb: tuple[int, int, int] = (0x0F, 0x2D, 0x4A), size: int = 16) -> bytes:
    """A one-colour square as an .ico holding a PNG. Browsers ask every site for /favicon.ico; without
    one each visit logs a failed request. The colour is the player's heading colour."""
    rows = b"".join(b"\0" + bytes(rgb) * size for _ in range(size))
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    png += _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")
    entry = struct.pack("<BBBBHHII", size, size, 0, 0, 1, 24, len(png), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + entry + png


def index_page(course: Course, ctx: WriteContext, styles: list[str]) -> str:
    base = ctx.environment("web")
    assert base.loader is not None
    env = base.overlay(loader=jinja2.ChoiceLoader([base.loader, jinja2.DictLoader({INDEX: _INDEX_TEMPLATE})]))
    return env.get_template(INDEX).render(
        lang=course.program.language, program=course.program, sets=course.sets, t=ctx.catalogue.get, styles=styles,
        favicon=FAVICON,
    )


class Web(Format):
    name = "web"
    folder = "web"

    def jobs(self, course: Course) -> list[Job]:
        return [*super().jobs(course), Job(self.name, None)]

    def inputs(self, course: Course, job: Job) -> Course:
        # the list page shows the programme and each set's summary: a lesson or question edit must not rebuild it
        return course if job.set_code else course.outline()

    def check(self, course: Course) -> list[Diagnostic]:
        return [d for cset in course.sets for d in player_problems(course, cset)]

    def write(self, course: Course, job: Job, ctx: WriteContext, out: OutDir, options: Options,
              made: Made = NOTHING_MADE) -> list[Diagnostic]:
        if job.set_code is None:
            return self._index(course, ctx, out)
        cset = course.set(job.set_code)
        files, diags = package_files(course, cset, ctx, PLAYER_SCORM)
        if any(d.severity is Severity.ERROR for d in diags):
            return diags
        for rel, data in files.items():
            out.write_bytes(f"{cset.code}/{rel}", data)
        return diags

    def _index(self, course: Course, ctx: WriteContext, out: OutDir) -> list[Diagnostic]:
        # The list page brings its own copy of the player's stylesheets: it must not depend on a set folder.
        css = ctx.stylesheets("player")
        styles = [f"{PLAYER_DIR}/{rel}" for rel in css] + [INDEX_CSS]
        for rel, src in css.items():
            out.write_bytes(f"{PLAYER_DIR}/{rel}", src.read_bytes())
        out.write_text(INDEX_CSS, _INDEX_STYLE)
        out.write_bytes(FAVICON, favicon())
        out.write_text(INDEX, index_page(course, ctx, styles))
        return []
