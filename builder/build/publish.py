"""What a build may do to its output folder, and who may do it: the folder must be empty or a
previous coursepack output (never a project folder given as `--out .`), one build at a time holds
it (a lock file beside it), and folders an interrupted build left beside it are cleaned up or, when
the output itself went missing mid-swap, put back.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

STAGING = ".coursepack-staging-"
OLD = ".coursepack-old-"
LOCK = ".coursepack-lock-"
LOCK_WAIT_S = 600.0  # a second build into the same folder queues this long, then gives up


class OutputRefused(ValueError):
    """The output folder is not one a build may replace (a usage error: nothing was touched)."""


class OutputBusy(RuntimeError):
    """Another build holds the output folder's lock for longer than we wait."""


def temp_prefix(kind: str, dist: Path) -> str:
    """`.coursepack-staging-<name>.` : the name ties leftovers to their output folder; the dot ends
    it, so the leftovers of `out` are never mistaken for those of `out.v2`."""
    return f"{kind}{dist.name}."


def refuse_unless_ours(dist: Path, root: Path, known_folders: set[str]) -> None:
    """Raise OutputRefused unless `dist` is missing, empty, or holds only format folders."""
    if dist.exists() and not dist.is_dir():
        raise OutputRefused(f"--out {dist}: exists and is not a folder; choose another output folder")
    real = dist.resolve()
    real_root = root.resolve()
    if real_root == real or real_root.is_relative_to(real):
        raise OutputRefused(f"--out {dist}: the curriculum {root} is inside it, and a build replaces that folder")
    if not dist.is_dir():
        return
    strangers = sorted(p.name for p in dist.iterdir() if not (p.name in known_folders and p.is_dir()))
    if strangers:
        shown = ", ".join(strangers[:5]) + (" …" if len(strangers) > 5 else "")
        raise OutputRefused(
            f"--out {dist}: the folder is not empty and not a previous coursepack output (it holds {shown}); "
            "a build replaces the whole folder, so choose an empty or new folder (default: dist)"
        )


@contextmanager
def locked(dist: Path, wait: float = LOCK_WAIT_S, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold `.coursepack-lock-<name>` beside `dist` (flock; the kernel drops it if we are killed).
    `on_wait` hears once, with a sentence, that another build holds it and this one queues."""
    path = dist.parent / f"{LOCK}{dist.name}"
    deadline = time.monotonic() + wait
    told = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                holder = _holder(path)
                raise OutputBusy(
                    f"another coursepack build{holder} is writing {dist}; waited {wait:.0f} s. "
                    f"Run again when it has finished"
                ) from None
            if on_wait is not None and not told:
                on_wait(f"waiting for another coursepack build{_holder(path)} to finish writing {dist}")
                told = True
            time.sleep(0.1)
            continue
        # The holder before us unlinks the file on its way out: the lock we got must be on the file
        # that is still at `path`, or a third build could lock a new file and run beside us.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def sweep(dist: Path) -> list[str]:
    """Under the lock: put back an output folder stranded by a kill between the two renames of a
    swap, then remove every staging and old folder of `dist` left by killed builds. Returns what was
    done, one line each."""
    parent = dist.parent
    if not parent.is_dir():
        return []
    patterns = {kind: re.compile(re.escape(temp_prefix(kind, dist)) + r"[A-Za-z0-9_]{8}") for kind in (STAGING, OLD)}
    found: dict[str, list[Path]] = {STAGING: [], OLD: []}
    for entry in parent.iterdir():
        for kind, pattern in patterns.items():
            if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
                found[kind].append(entry)
    done: list[str] = []
    if not dist.exists() and found[OLD]:
        newest = max(found[OLD], key=lambda p: p.stat().st_mtime)
        os.replace(newest, dist)
        found[OLD].remove(newest)
        done.append(f"restored {dist} from {newest.name}, left by an interrupted build")
    for entry in found[STAGING] + found[OLD]:
        shutil.rmtree(entry, ignore_errors=True)
        done.append(f"removed {entry.name}, left by an interrupted build")
    return done


def umask_mode(base: int = 0o777) -> int:
    """`base` with the process umask applied (mkdtemp always makes 0700 folders)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask
