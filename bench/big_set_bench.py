"""One very large set: time and peak memory of its PDF guide (or of its refusal). Not a test.

    .venv/bin/python bench/big_set_bench.py [--items 600,5000]

The set is ACC from the bundled curriculum with its items repeated (renamed ACC-Q1…ACC-Qn) up to the
given count. Above the size guard's error (builder/rules/limits.py: 600 items) `coursepack build`
refuses the set at check time, before anything renders: the figure is then the time and memory of
that refusal. Peak RSS is that of the whole process tree, sampled from /proc.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import _tree_rss_kib  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def make(root: Path, count: int) -> None:
    shutil.copytree(REPO / "curriculum", root)
    path = root / "sets" / "acc.yaml"
    text = path.read_text(encoding="utf-8")
    head, items = text.split("  items:\n", 1)
    blocks = re.split(r"(?m)^(?=    - id: )", items)
    blocks = [b for b in blocks if b.startswith("    - id: ")]
    tail_at = items.find(blocks[-1]) + len(blocks[-1])
    rest = items[tail_at:]
    out = []
    for n in range(count):
        block = blocks[n % len(blocks)]
        out.append(re.sub(r"^    - id: ACC-Q\d+", f"    - id: ACC-Q{n + 1}", block, count=1))
    path.write_text(head + "  items:\n" + "".join(out) + rest, encoding="utf-8")


def run(count: int, work: Path) -> str:
    root = work / f"big{count}"
    make(root, count)
    cmd = [str(REPO / ".venv/bin/coursepack"), "build", str(root), "--out", str(work / f"dist{count}"), "--force",
           "--format", "pdf", "--set", "ACC", "-j", "1", "-q"]
    start, peak = time.perf_counter(), 0
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode == 0:
        pages = subprocess.run(["pdfinfo", str(work / f"dist{count}" / "pdf" / "ACC.pdf")], capture_output=True,
                               text=True).stdout
        found = re.search(r"Pages:\s+(\d+)", pages)
        what = f"guide of {found.group(1) if found else '?'} pages"
    else:
        reasons = [line.strip() for line in stderr.splitlines() if "limit" in line and "hint" not in line]
        what = "refused before rendering: " + "; ".join(reasons or [stderr[-200:]])
    return f"{count:5d} items: {seconds:7.1f} s  peak RSS {peak / 1024:6.0f} MiB  {what.strip()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", default="600,5000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for count in [int(c) for c in args.items.split(",")]:
            print(run(count, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
