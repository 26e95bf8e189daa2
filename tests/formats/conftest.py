"""The bundled curriculum's PDFs, rendered once per test process and paper: test_pdf.py and
test_pdf_workbook.py read the same files (both modules sit in one xdist group, so one worker renders
them once instead of each module rendering its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import pipeline
from builder.formats.base import Options

REPO = Path(__file__).resolve().parents[2]


def _render(dist: Path, paper: str) -> Path:
    result = pipeline.build(REPO / "curriculum", dist, ["pdf"], options=Options(paper), force=True, workers=2,
                            cache_dir=dist.parent / "cache")
    assert result.ok, [d.render() for d in result.diagnostics]
    assert not result.diagnostics, [d.render() for d in result.diagnostics]  # no WeasyPrint warnings either
    return dist


@pytest.fixture(scope="session")
def lssc_a4_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("lssc-a4") / "dist", "a4")


@pytest.fixture(scope="session")
def lssc_letter_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("lssc-letter") / "dist", "letter")
