"""Per-stage timings of the bundled curriculum (load, validate+check, resolve), median of 5 runs in one process.

    .venv/bin/python bench/stages_bench.py [DIR]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from builder.resolve.course import resolve
from builder.rules.check import check_curriculum
from builder.source.load import load_file
from builder.source.model import CompetencySet
from builder.source.validate import validate

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "curriculum"
    files = sorted((root / "sets").glob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    load, valid, whole, res = [], [], [], []
    for _ in range(5):
        t0 = time.perf_counter()
        docs = [load_file(f, f.name)[0] for f in files]
        t1 = time.perf_counter()
        for d in docs:
            assert d is not None
            validate(d, CompetencySet)
        t2 = time.perf_counter()
        sources, _ = check_curriculum(root)
        t3 = time.perf_counter()
        assert sources is not None
        resolve(sources)
        t4 = time.perf_counter()
        load.append(t1 - t0)
        valid.append(t2 - t1)
        whole.append(t3 - t2)
        res.append(t4 - t3)
    med = statistics.median
    print(f"curriculum: {len(files)} sets, {size / 1024:.0f} KiB of YAML")
    print(f"load (YAML → data + positions): {med(load) * 1000:7.1f} ms")
    print(f"validate (pydantic):            {med(valid) * 1000:7.1f} ms")
    print(f"check_curriculum (all of it):   {med(whole) * 1000:7.1f} ms")
    print(f"resolve (markdown, sanitise):   {med(res) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
