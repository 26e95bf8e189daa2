"""Registry of output formats: a new format is one module plus one line here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from builder.formats.base import Format

_MODULES = {
    "scorm12": ("scorm.scorm12", "Scorm12"),
    "scorm2004": ("scorm.scorm2004", "Scorm2004"),
    "pdf": ("pdf.writer", "Pdf"),
    "moodle_xml": ("moodle.question_bank", "MoodleXml"),
    "competency_csv": ("competency_csv", "CompetencyCsv"),
    "moodle_course": ("moodle.course_backup", "MoodleCourse"),
    "cmi5": ("cmi5.writer", "Cmi5"),
    "web": ("web", "Web"),
    "cc": ("cc.writer", "CommonCartridge"),
}
# Top-level folders of dist/ (each Format's `folder`, known without importing it): an output folder
# holding anything else is not a previous build's and is never replaced.
FOLDERS = frozenset({"scorm12", "scorm2004", "pdf", "moodle", "cmi5", "web", "cc"})
DEFAULT = ("scorm12", "scorm2004", "cmi5", "pdf", "moodle_xml", "competency_csv", "moodle_course", "web", "cc")


def available() -> list[str]:
    """Registered format names, without importing their modules (that is what makes them cheap)."""
    return list(_MODULES)


def get(name: str) -> Format:
    module, cls = _MODULES[name]
    fmt: Format = getattr(importlib.import_module(f"{__name__}.{module}"), cls)()
    return fmt


def with_uses(names: list[str]) -> list[str]:
    """`names` and every format one of them packs files of (Format.uses, followed through), each once: a build
    of the course backup builds the SCORM 1.2 packages and PDFs it holds."""
    wanted: list[str] = []

    def add(name: str) -> None:
        if name not in wanted:
            wanted.append(name)
            for used in get(name).uses:
                add(used)

    for name in names:
        add(name)
    return wanted
