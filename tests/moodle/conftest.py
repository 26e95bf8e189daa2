"""Fixtures of the real-Moodle tests: the site, the bundled curriculum built as a user builds it, a browser."""

from __future__ import annotations

import fcntl
import os
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

# everything the Moodle tests import; the course backup and the cartridge bring the PDFs they pack
FORMATS = "scorm12,scorm2004,moodle_xml,competency_csv,moodle_course,cc"


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
    """The bundled curriculum built as a user builds it, once per test run: the xdist workers share it (the first
    builds it, the others wait on a lock and find it done), as laying out its PDFs takes half a minute."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's folder, over the workers'
    out, ready = shared / "moodle-dist" / "dist", shared / "moodle-dist" / "built"
    out.parent.mkdir(exist_ok=True)
    with (shared / "moodle-dist.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not ready.exists():
            done = subprocess.run([sys.executable, "-m", "builder", "build", str(REPO / "curriculum"), "--out",
                                   str(out), "--format", FORMATS], capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stdout + done.stderr
            ready.touch()
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
