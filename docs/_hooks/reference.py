"""MkDocs hook: adds the generated field, command and message references to the site at build time.

Thin on purpose: the page content comes from builder.tools.docgen (typed and tested); this only reads the
example curricula and hands the pages to MkDocs, so nothing generated is ever stored in docs/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from ruamel.yaml import YAML

from builder.tools import docgen
from builder.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# The docs' own example first, so its examples are the ones shown; the bundled LSSC fills any gap.
CURRICULA = (ROOT / "docs" / "examples", ROOT / "curriculum")


def _documents() -> tuple[list[Any], list[Any]]:
    yaml = YAML(typ="safe", pure=True)  # YAML 1.2, like coursepack's loader
    programs: list[Any] = []
    sets: list[Any] = []
    for folder in CURRICULA:
        if (folder / "program.yaml").is_file():
            programs.append(yaml.load((folder / "program.yaml").read_text(encoding="utf-8")))
        sets += [yaml.load(f.read_text(encoding="utf-8")) for f in sorted((folder / "sets").glob("*.yaml"))]
    return programs, sets


def on_files(files: Files, config: MkDocsConfig) -> Files:
    programs, sets = _documents()
    pages = {
        "reference/fields.md": docgen.field_reference(programs, sets),
        "reference/commands.md": docgen.command_reference(cli),
        "reference/messages.md": docgen.message_reference(),
    }
    for uri, content in pages.items():
        files.append(File.generated(config, uri, content=content))
    return files
