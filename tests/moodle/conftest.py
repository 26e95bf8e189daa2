"""Fixtures of the real-Moodle tests: the site, the bundled curriculum built as a user builds it, a browser."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from support.chromium import launched
from support.projects import course_of

from builder.resolve.course import Course

from .site import REPO, Moodle, MoodleMissing, bring_up

FORMATS = "scorm12,scorm2004,moodle_xml,competency_csv"


@dataclass(frozen=True)
class Built:
    out: Path

    def zip(self, version: str, code: str) -> Path:
        return self.out / ("scorm12" if version == "1.2" else "scorm2004") / f"{code}.zip"


@pytest.fixture(scope="session")
def moodle() -> Moodle:
    try:
        return bring_up()
    except MoodleMissing as exc:  # never a skip: `make test` brings Moodle up, so missing means broken
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("moodle-dist") / "dist"
    done = subprocess.run([sys.executable, "-m", "builder", "build", str(REPO / "curriculum"), "--out", str(out),
                           "--format", FORMATS], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(out)


@pytest.fixture(scope="session")
def run_id() -> str:
    """A suffix for course short names and user names: runs against one long-lived site never meet."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def course() -> Course:
    """The bundled curriculum as the builder resolves it (a module may define its own `course`)."""
    return course_of(REPO / "curriculum")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as b:
        yield b
