"""The checked sources of a curriculum: each file's model with the document it came from (for locations)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.source.load import Document
from builder.source.model import CompetencySet, Program


@dataclass(frozen=True)
class SetSource:
    model: CompetencySet
    doc: Document


@dataclass(frozen=True)
class Sources:
    root: Path
    program: Program
    program_doc: Document
    sets: tuple[SetSource, ...]
