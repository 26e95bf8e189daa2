"""The real Moodle 4.5 of ../shared/moodle: brought up once, driven through Moodle's own PHP code.

`../shared/moodle/setup.sh` installs it from the source tarball (idempotent); the CLI scripts there
and ours in php/ import packages, question banks and frameworks, create learners and activities, and
read back what Moodle stored. Every script prints one JSON object."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "moodle"
OWN_PHP = Path(__file__).resolve().parent / "php" / "cp_site.php"
PORT = int(os.environ.get("MOODLE_PORT", "8080"))
DIRROOT = Path(os.environ.get("MOODLE_DIR", "/tmp/moodle-src"))
ADMIN_PASSWORD = os.environ.get("MOODLE_ADMINPASS", "Admin#1234")
LEARNER_PASSWORD = "Learner#1234"


class MoodleMissing(RuntimeError):
    """No Moodle could be brought up (no ../shared/moodle, or its setup failed)."""


@dataclass(frozen=True)
class Moodle:
    url: str
    dirroot: Path

    def run(self, script: Path, *args: str, ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
        """Run one PHP CLI script of the site; its JSON report, with the exit code under "rc"."""
        env = {**os.environ, "MOODLE_DIR": str(self.dirroot)}
        done = subprocess.run(["php", str(script), *args], capture_output=True, text=True, env=env, timeout=600)
        try:
            report: dict[str, Any] = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"{script.name} {args}: no JSON (rc {done.returncode})\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}") from exc
        report["rc"] = done.returncode
        assert done.returncode in ok, (script.name, args, report)
        return report

    def shared(self, name: str, *args: str, ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
        return self.run(SHARED / name, *args, ok=ok)

    def site(self, action: str, **params: str) -> dict[str, Any]:
        return self.run(OWN_PHP, f"--action={action}", *(f"--{k}={v}" for k, v in params.items()))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/login/index.php", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def bring_up() -> Moodle:
    """The running site, started with setup.sh if it is not up yet (one process at a time does that)."""
    moodle = Moodle(f"http://127.0.0.1:{PORT}", DIRROOT)
    if (DIRROOT / "config.php").exists() and _answers(moodle.url):
        return moodle
    setup = SHARED / "setup.sh"
    if not setup.exists():
        raise MoodleMissing(f"{setup} is missing: the Moodle tests need ../shared/moodle beside the checkout")
    lock = Path("/tmp") / f"coursepack-moodle-{PORT}.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # xdist workers: the first sets Moodle up, the others wait
        if not ((DIRROOT / "config.php").exists() and _answers(moodle.url)):
            done = subprocess.run(["bash", str(setup)], capture_output=True, text=True, timeout=1200)
            if done.returncode != 0 or not _answers(moodle.url):
                raise MoodleMissing(f"setup.sh failed (rc {done.returncode}):\n"
                                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return moodle
