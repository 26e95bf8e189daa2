"""Output cache keyed by content hashes, never file times: an unchanged job is not rebuilt."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from builder.build.fingerprint import code_digest, files_digest
from builder.rules.diagnostics import Diagnostic

if TYPE_CHECKING:
    from builder.formats.base import Format, Job, Options
    from builder.render.themes import Theme
    from builder.resolve.course import Course



def theme_digest(theme: Theme) -> str:
    return files_digest(theme.files())


def job_key(course: Course, job: Job, fmt: Format, theme_hash: str, options: Options,
            used: list[str] | None = None) -> str:
    """`used`: the keys of the jobs whose files this one packs (Format.needs)."""
    content = course.set_digest(job.set_code) if job.set_code else course.digest_all()
    parts: dict[str, object] = {
        "format": fmt.name,
        "format_version": fmt.version,
        "code": code_digest(),
        "theme": theme_hash,
        "options": fmt.option_key(options),
        "program": course.program_digest(),
        "content": content,
        "job": job.label,
    }
    if used:  # absent for the jobs that pack nothing, so their keys stayed as they were
        parts["used"] = used
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class Cache:
    """Files of one job stored under `.cache/coursepack/<key>/` next to `files.json`: their list and
    the warnings the writer gave, so a cached output shows the same warnings as a fresh one."""

    def __init__(self, root: Path):
        self.root = root

    def get(self, key: str) -> tuple[list[str], list[Diagnostic]] | None:
        entry = self.root / key[:2] / key
        listing = entry / "files.json"
        if not listing.is_file():
            return None
        try:
            raw = json.loads(listing.read_text(encoding="utf-8"))
            files = [str(f) for f in raw["files"]]
            diags = [Diagnostic.from_json(d) for d in raw["diagnostics"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable or from an older layout: rebuild
        if not all((entry / "out" / f).is_file() for f in files):
            return None
        return files, diags

    def sweep(self, older_than_s: float = 3600.0) -> int:
        """Remove half-written entries (`.tmp-*`) a killed build left; young ones may belong to a
        build into another folder that shares this cache, so only those older than an hour go."""
        removed = 0
        cutoff = time.time() - older_than_s
        for tmp in self.root.glob("*/.tmp-*"):
            try:
                if tmp.is_dir() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                    shutil.rmtree(tmp, ignore_errors=True)
                    removed += 1
            except OSError:
                continue
        return removed

    def restore(self, key: str, files: list[str], target: Path) -> None:
        entry = self.root / key[:2] / key / "out"
        for rel in files:
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            # A copy, not a hard link: someone editing a file in dist/ must not edit the cache too.
            shutil.copyfile(entry / rel, dst)

    def put(self, key: str, files: list[str], diags: list[Diagnostic], source: Path) -> None:
        """Store atomically: a half-written entry is never visible, so a crash cannot poison the cache."""
        final = self.root / key[:2] / key
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=final.parent))
        try:
            for rel in files:
                dst = tmp / "out" / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / rel, dst)
            listing = {"files": sorted(files), "diagnostics": [d.to_json() for d in diags]}
            (tmp / "files.json").write_text(json.dumps(listing), encoding="utf-8")
            os.replace(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
