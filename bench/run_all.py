"""Run every benchmark in turn, each in its own process (`make bench`). Not a test.

    .venv/bin/python bench/run_all.py [--quick]

--quick skips the 200-set catalogue (the slowest part) and uses one run where a script repeats.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs: list[list[str]] = [
        ["stages_bench.py"],
        ["scorm_bench.py", *(["--runs", "1"] if quick else [])],
        ["player_bench.py", *(["--runs", "3"] if quick else [])],
        ["pdf_bench.py"],
        ["build_bench.py", *(["--catalog", "50"] if quick else [])],
    ]
    failed = 0
    for args in runs:
        print(f"\n=== {' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, str(BENCH / args[0]), *args[1:]], check=False)
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
