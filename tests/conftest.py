from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "projects"
SHARED = REPO.parent / "shared"


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A private copy of the minimal sample curriculum that a test may break."""
    target = tmp_path / "cur"
    shutil.copytree(PROJECTS / "minimal", target)
    return target
