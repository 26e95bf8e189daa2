"""Whole-build fingerprint: when no input byte changed and dist/ is as the last build left it,
the build has nothing to do and need not even parse the YAML.

Inputs are content hashes, never file times: every file under the curriculum folder, every
file of the theme chain, the builder's own code and the build options. dist/ is checked file by
file against the digests recorded when it was published, so a hand-edited or deleted output
means a real build.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from builder import __version__
from builder.rules.diagnostics import Diagnostic

RECORD = "last-build.json"

BUILDER_DIR = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The builder's own source and player files: a code change invalidates outputs even without a version bump."""
    h = hashlib.sha256(__version__.encode())
    for f in sorted(BUILDER_DIR.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".js", ".css", ".html", ".json"):
            h.update(f.relative_to(BUILDER_DIR).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class BuildRecord:
    inputs: str  # sources_digest() taken before the build read anything
    dist: str
    theme_files: tuple[str, ...]
    theme: str  # files_digest() of theme_files, taken before any job ran
    outputs: tuple[tuple[str, str], ...]  # (path relative to dist, sha256)
    diagnostics: tuple[Diagnostic, ...]


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(root: Path) -> list[Path]:
    """Files under root, hidden folders (.git, .cache) left out, in a stable order."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files)]
    return found


def _source_digest(path: Path, real_root: Path) -> str:
    """A curriculum file's digest without reading what must not be read: a FIFO would block
    forever and /dev/zero never ends, so only regular files inside the curriculum are hashed;
    anything else counts by its kind and link text (check reports it)."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = os.readlink(path)
            real = path.resolve()
            if not (real.is_relative_to(real_root) and real.is_file()):
                return f"link:{target}"
            info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        return _file_digest(path)
    except (OSError, RuntimeError):
        return "unreadable"


def sources_digest(root: Path, settings: dict[str, Any], code: str) -> str:
    """Every curriculum file, the options and the builder's code. Taken before the build starts,
    so a file saved while a build runs is seen as changed by the next one."""
    h = hashlib.sha256(json.dumps({"settings": settings, "code": code}, sort_keys=True).encode())
    real_root = root.resolve()
    for f in _tree(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(_source_digest(f, real_root).encode())
    return h.hexdigest()


def files_digest(files: list[Path]) -> str:
    """Names and contents in the given order; names without folders, so a moved checkout keeps its cache."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0")
        h.update(_file_digest(f).encode() if f.is_file() else b"missing")
    return h.hexdigest()


def dist_listing(dist: Path) -> tuple[tuple[str, str], ...]:
    return tuple((f.relative_to(dist).as_posix(), _file_digest(f)) for f in _tree(dist))


def read(cache_root: Path) -> BuildRecord | None:
    try:
        raw = json.loads((cache_root / RECORD).read_text(encoding="utf-8"))
        return BuildRecord(
            inputs=raw["inputs"],
            dist=raw["dist"],
            theme_files=tuple(raw["theme_files"]),
            theme=raw["theme"],
            outputs=tuple((str(a), str(b)) for a, b in raw["outputs"]),
            diagnostics=tuple(Diagnostic.from_json(d) for d in raw["diagnostics"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or one from another version: just build


def write(cache_root: Path, record: BuildRecord) -> None:
    data = {
        "inputs": record.inputs,
        "dist": record.dist,
        "theme_files": list(record.theme_files),
        "theme": record.theme,
        "outputs": [list(o) for o in record.outputs],
        "diagnostics": [d.to_json() for d in record.diagnostics],
    }
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = cache_root / f".{RECORD}.tmp"
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, cache_root / RECORD)


def forget(cache_root: Path) -> None:
    (cache_root / RECORD).unlink(missing_ok=True)


def unchanged(record: BuildRecord, sources: str, dist: Path) -> bool:
    """Whether a build whose sources_digest() is `sources` would reproduce what dist/ holds."""
    if record.inputs != sources or record.dist != str(dist.absolute()) or not dist.is_dir():
        return False
    if files_digest([Path(p) for p in record.theme_files]) != record.theme:
        return False
    return dist_listing(dist) == record.outputs

