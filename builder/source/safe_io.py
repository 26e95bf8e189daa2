"""Reading files a contributor supplied (curriculum, theme) without being led elsewhere.

A curriculum or theme arrives in a pull request, so any of its files may be a symlink to
/etc/shadow, a FIFO that blocks the reader forever, or /dev/zero. Every such read goes through
`read_confined`: the path, symlinks resolved, must stay under its root; the opened file must be a
regular file (checked on the open descriptor, so a swap after the check does not help); its size is
capped before a byte is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path


class UnsafeFile(OSError):
    """A file that may not be read; `reason` is a sentence for a diagnostic."""

    def __init__(self, path: Path, reason: str, too_large: bool = False) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.too_large = too_large


def confined(path: Path, root: Path) -> Path:
    """The real path of `path`, which must lie under the real `root` (symlinks may not leave it)."""
    real_root = root.resolve()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, or a symlink loop
        raise UnsafeFile(path, f"cannot be opened ({getattr(exc, 'strerror', None) or exc})") from exc
    if real != real_root and not real.is_relative_to(real_root):
        raise UnsafeFile(path, f"is a symlink that leads outside {root.name}/ (to {real})")
    return real


def read_confined(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file under `root`, at most `max_bytes` of them."""
    real = confined(path, root)
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    # O_NOFOLLOW on the resolved path: a symlink swapped in after resolve() is refused, not followed.
    flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise UnsafeFile(path, f"cannot be opened ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(path, f"is not a regular file ({_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise UnsafeFile(path, f"is {info.st_size:,} bytes; the limit is {max_bytes:,}", too_large=True)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # grew while we read it
            raise UnsafeFile(path, f"is larger than the limit of {max_bytes:,} bytes", too_large=True)
        return data
    finally:
        os.close(fd)


def regular_files(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, sorted, without following symlinked folders; symlinked
    files are yielded only when they resolve to a regular file inside `root`."""
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if is_safe_regular(path, real_root):
                yield path


def is_safe_regular(path: Path, real_root: Path) -> bool:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            real = path.resolve(strict=True)
            if not real.is_relative_to(real_root):
                return False
            info = real.stat()
    except (OSError, RuntimeError):
        return False
    return stat.S_ISREG(info.st_mode)


def unsafe_entries(root: Path) -> Iterator[tuple[Path, str]]:
    """Entries under `root` a reader must not follow: symlinks leaving it, FIFOs, devices, sockets."""
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files) + sorted(dirs):
            path = Path(folder) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                try:
                    real = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield path, "is a broken or looping symlink"
                    continue
                if not real.is_relative_to(real_root):
                    yield path, f"is a symlink that leads outside {root.name}/ (to {real})"
                    continue
                info = real.stat()
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                yield path, f"is not a regular file ({_kind(info.st_mode)})"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"
