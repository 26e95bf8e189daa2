from __future__ import annotations

from pathlib import Path

import pytest

from builder.resolve.course import Course, resolve
from builder.rules.check import Sources, check_curriculum

REPO = Path(__file__).resolve().parents[2]
CURRICULUM = REPO / "curriculum"


@pytest.fixture(scope="session")
def checked() -> tuple[Sources, Course]:
    """The bundled curriculum, loaded once; strict means no warnings either."""
    sources, diags = check_curriculum(CURRICULUM, base=REPO)
    assert not diags, "\n".join(d.render() for d in diags)
    assert sources is not None
    return sources, resolve(sources)
