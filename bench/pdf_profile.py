"""Where a PDF render spends its time: cProfile of one guide (or the handbook), top functions. Not a test.

    .venv/bin/python bench/pdf_profile.py [SET_CODE|handbook] [--curriculum DIR] [--top N]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from builder.formats.base import Options
from builder.formats.pdf import writer as pdf
from builder.render.context import WriteContext
from builder.render.themes import load_theme
from builder.resolve.course import resolve
from builder.rules.check import check_curriculum

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", nargs="?", default="ACC")
    parser.add_argument("--curriculum", type=Path, default=REPO / "curriculum")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    sources, diags = check_curriculum(args.curriculum, base=args.curriculum)
    if sources is None:
        raise SystemExit("\n".join(d.render() for d in diags))
    course = resolve(sources)
    ctx = WriteContext(load_theme("default"), course.program.language)
    code = None if args.target == "handbook" else args.target
    pdf.render(pdf.prepare(course, code, ctx, Options()))  # warm-up: fonts, fontconfig, hyphenation
    profile = cProfile.Profile()
    start = time.process_time()
    profile.enable()
    data, _ = pdf.render(pdf.prepare(course, code, ctx, Options()))
    profile.disable()
    seconds = time.process_time() - start
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    print(f"{args.target}: {seconds:.2f} s CPU under the profiler, ~{pages} pages", file=sys.stderr)
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
