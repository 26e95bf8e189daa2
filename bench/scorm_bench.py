"""SCORM package figures: zip size per set, player JS+CSS size, launch-to-first-screen time in headless chromium.

    .venv/bin/python bench/scorm_bench.py [--runs N]

Builds every bundled set that checks clean (plus tests/projects/minimal) for SCORM 1.2 and 2004,
serves the unzipped packages from 127.0.0.1 and launches each inside the scorm-again harness the
browser tests use. "Launch" is the moment the harness creates the SCO's iframe; "first screen" is
when the player has rendered the first screen's heading (the page is interactive from then on).
Not a test: it prints numbers. Targets from issue 5: JS+CSS <= 40 KB, zip <= 150 KB without media.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the browser tests' sample-curriculum helpers

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from support.projects import MINIMAL, build, real_sets  # noqa: E402

HARNESS = REPO / "tests" / "browser" / "harness.html"
SCORM_AGAIN = REPO / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"
# Runs in every frame before its own scripts (CDP, so the SCO's CSP does not apply): notes when the
# first heading appears in <main>, on the same clock origin as the harness (timeOrigin + now).
PROBE = """
if (location.pathname.endsWith('/index.html') && location.pathname.includes('/p/')) {
  new MutationObserver(function (_, obs) {
    if (document.querySelector('#screen h2')) {
      window.__ready = performance.timeOrigin + performance.now();
      obs.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
}
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


LAUNCH = "opts => { const t = performance.timeOrigin + performance.now(); window.launch(opts); return t; }"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def build_site(work: Path) -> tuple[Path, list[tuple[str, str, Path]]]:
    """Harness plus every package unzipped under site/p/<version>/<code>/; returns (site, [(version, code, zip)])."""
    site = work / "site"
    (site / "__harness").mkdir(parents=True)
    (site / "__harness" / "index.html").write_bytes(HARNESS.read_bytes())
    (site / "__harness" / "scorm-again.js").write_bytes(SCORM_AGAIN.read_bytes())
    projects = [MINIMAL]
    real = real_sets(work / "cur")
    if real is not None:
        projects.append(real)
    packages: list[tuple[str, str, Path]] = []
    for version in ("1.2", "2004"):
        for i, project in enumerate(projects):
            for code, path in build(project, work / "out" / version / str(i), version).items():
                with zipfile.ZipFile(path) as zf:
                    zf.extractall(site / "p" / version / code)
                packages.append((version, code, path))
    return site, packages


def launch_times(browser: Browser, url: str, version: str, code: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(PROBE)
        page = context.new_page()
        page.goto(f"{url}/__harness/index.html")
        start = page.evaluate(LAUNCH, {"version": version, "src": f"{url}/p/{version}/{code}/index.html"})
        frame = page.wait_for_selector("iframe[name=sco]").content_frame()
        assert frame is not None
        frame.wait_for_selector("#screen h2")
        ready = frame.wait_for_function("() => window.__ready").json_value()
        times.append(float(ready) - float(start))
        context.close()
    return times


def player_size(package: Path) -> tuple[int, str]:
    """JS+CSS the package ships under player/ (what the learner's browser loads), and a breakdown."""
    with zipfile.ZipFile(package) as zf:
        parts = [(i.filename, i.file_size) for i in zf.infolist()
                 if i.filename.startswith("player/") and i.filename.endswith((".js", ".css"))]
    return sum(n for _, n in parts), ", ".join(f"{name[7:]} {n / 1024:.1f}" for name, n in parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="launches per package (median is printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, packages = build_site(Path(tmp))
        total, sizes = player_size(packages[0][2])
        print(f"player JS+CSS: {total / 1024:.1f} KB unminified ({sizes}); target <= 40 KB")
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        print(f"{'version':8} {'set':5} {'zip KB':>7} {'files':>5} {'first screen ms (median, min-max)':>36}")
        medians, zips = [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for version, code, path in packages:
                times = launch_times(browser, url, version, code, args.runs)
                with zipfile.ZipFile(path) as zf:
                    files = len(zf.namelist())
                medians.append(statistics.median(times))
                zips.append(path.stat().st_size)
                spread = f"{medians[-1]:.0f} ({min(times):.0f}-{max(times):.0f})"
                print(f"{version:8} {code:5} {path.stat().st_size / 1024:7.1f} {files:5} {spread:>36}")
            browser.close()
        server.shutdown()
    print(f"largest zip {max(zips) / 1024:.1f} KB (target <= 150 KB without media); "
          f"first screen median of medians {statistics.median(medians):.0f} ms, worst median {max(medians):.0f} ms")


if __name__ == "__main__":
    main()
