"""The only write API for writers, and the atomic publish of a build into dist/."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from builder.build.publish import OLD, STAGING, temp_prefix, umask_mode

# 1980-01-01, the earliest time a zip entry can hold: no build date leaks into outputs.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class UnsafePath(ValueError):
    pass


def _safe_rel(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in rel or ":" in rel:
        raise UnsafePath(f"output path {rel!r} would leave the output folder")
    return path


def deterministic_zip(entries: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the entries: sorted, fixed time, fixed permissions."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            _safe_rel(name)
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, entries[name])
    return buffer.getvalue()


def deterministic_tgz(entries: dict[str, bytes]) -> bytes:
    """A gzip-compressed POSIX ustar archive whose bytes depend only on the entries: sorted members with their
    parent folders, time 0, owner root, fixed permissions, no file name or time in the gzip header. Ustar
    without extensions, because some readers (Moodle's tgz_extractor) know nothing else: a path must fit
    its 100 + 155 characters."""
    import gzip
    import io
    import tarfile

    folders = sorted({str(p) for name in entries for p in _safe_rel(name).parents if str(p) != "."})
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted([*folders, *entries]):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if name in entries:
                info.mode, info.size = 0o644, len(entries[name])
                tar.addfile(info, io.BytesIO(entries[name]))
            else:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


class OutDir:
    """A writer's own folder inside the staging area; nothing can be written outside it."""

    def __init__(self, root: Path):
        self.root = root
        self.written: list[str] = []

    def path(self, rel: str) -> Path:
        return self.root / _safe_rel(rel)

    def write_bytes(self, rel: str, data: bytes) -> Path:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(rel)
        return target

    def write_text(self, rel: str, text: str) -> Path:
        return self.write_bytes(rel, text.encode("utf-8"))

    def write_zip(self, rel: str, entries: dict[str, bytes]) -> Path:
        return self.write_bytes(rel, deterministic_zip(entries))

    def write_tgz(self, rel: str, entries: dict[str, bytes]) -> Path:
        return self.write_bytes(rel, deterministic_tgz(entries))


class Staging:
    """Builds into a sibling of dist/ and swaps it in only when everything succeeded."""

    def __init__(self, dist: Path):
        self.dist = dist.resolve()
        self.dist.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=temp_prefix(STAGING, self.dist), dir=self.dist.parent))
        # mkdtemp makes 0700; the published folder gets the modes the user's umask asks for.
        os.chmod(self.root, umask_mode())

    def seed_from_dist(self, drop: Callable[[str], bool]) -> None:
        """Start from copies of the previous dist/'s files, minus the files this build redoes.

        Copies, never hard links: a writer rewriting a file in staging must not change the live
        output before the swap (a failed `--set` build did exactly that). Dropping what a rebuilt
        format owns is also what removes the outputs of deleted sets."""
        if not self.dist.is_dir():
            return
        for src in sorted(self.dist.rglob("*")):
            rel = src.relative_to(self.dist).as_posix()
            if src.is_symlink() or not src.is_file() or drop(rel):
                continue
            dst = self.root / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)

    def publish(self) -> None:
        old = None
        if self.dist.exists():
            old = Path(tempfile.mkdtemp(prefix=temp_prefix(OLD, self.dist), dir=self.dist.parent))
            os.rmdir(old)
            os.replace(self.dist, old)
        try:
            os.replace(self.root, self.dist)
        except BaseException:
            if old is not None:  # put the previous build back: never leave the user without dist/
                os.replace(old, self.dist)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
