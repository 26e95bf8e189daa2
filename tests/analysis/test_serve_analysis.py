"""`coursepack serve` shows the last `coursepack analyze` report beside each set."""

from __future__ import annotations

import http.client
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "data" / "moodle456-scorm12-interactions.txt"


def _get(port: int, target: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", target)
    response = conn.getresponse()
    body = response.read().decode("utf-8")
    conn.close()
    return response.status, body


@pytest.mark.slow
def test_the_programme_page_links_each_analysed_set_to_the_last_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "curriculum"
    shutil.copytree(REPO / "curriculum", root)
    proc = subprocess.Popen([sys.executable, "-m", "builder", "serve", str(root), "--port", "0"], cwd=REPO,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr or []], daemon=True).start()
    try:
        port = None
        while port is None:
            if m := re.search(r" at http://127\.0\.0\.1:(\d+)/ ", lines.get(timeout=120)):
                port = int(m[1])
        status, body = _get(port, "/analysis/")
        assert status == 404 and "No item analysis yet" in body
        assert main(["analyze", str(FIXTURE), "--curriculum", str(root)]) == 0
        capsys.readouterr()
        status, body = _get(port, "/")
        assert status == 200
        assert re.search(r'href="/analysis/#set-TEC">Item analysis: 3\s+flags, 37 attempts</a>', body)
        assert "#set-COM" not in body  # only the analysed set
        status, body = _get(port, "/analysis/")
        assert status == 200 and 'id="set-TEC"' in body and "item-negative-discrimination" in body
        assert "example.com" not in body
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
