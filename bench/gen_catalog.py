"""Generate a synthetic catalogue of N competency sets (copies of the bundled ones, renamed).

    python bench/gen_catalog.py 200 /tmp/catalog200
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _code(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "S" + letters[i // 26 // 26 % 26] + letters[i // 26 % 26] + letters[i % 26]


def generate(count: int, target: Path, source: Path = REPO / "curriculum") -> list[str]:
    if target.exists():
        shutil.rmtree(target)
    (target / "sets").mkdir(parents=True)
    templates = sorted((source / "sets").glob("*.yaml"))
    if not templates:
        raise SystemExit(f"no sets in {source}/sets")
    codes = []
    for i in range(count):
        template = templates[i % len(templates)]
        text = template.read_text(encoding="utf-8")
        old = re.search(r"^code: (\S+)", text, re.M)
        assert old is not None
        new = _code(i)
        text = re.sub(rf"\b{old.group(1)}(?=-|\b)", new, text)
        (target / "sets" / f"{new.lower()}.yaml").write_text(text, encoding="utf-8")
        codes.append(new)
    program = (source / "program.yaml").read_text(encoding="utf-8")
    program = re.sub(r"requirements:\n(?:  .*\n)+?(?=routes:)", "requirements:\n  - title: Catalogue\n"
                     f"    required: [{', '.join(codes)}]\n", program)
    (target / "program.yaml").write_text(program, encoding="utf-8")
    return codes


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/coursepack-catalog-{n}")
    generate(n, out)
    print(f"wrote {n} sets to {out}")
