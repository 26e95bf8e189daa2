"""What WeasyPrint may read while it renders: files of the theme chain and declared assets, nothing else.

Lesson HTML is sanitised markdown, which still allows `<img src>` with any relative or http(s) URL, so an
image is the way a curriculum file could make the renderer read a file or call a server. Relative URLs
resolve against a virtual curriculum root in which only the set's declared assets exist; the fetcher
refuses everything else by raising WeasyPrint's fatal fetching error, which stops the render.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint.urls import (  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    FatalURLFetchingError,
    URLFetcher,
    URLFetcherResponse,
)

from builder.resolve.course import Asset

# Never opened: the fetcher maps paths below it to declared assets. A fixed root keeps the HTML
# independent of where the curriculum lives.
VIRTUAL_ROOT = "file:///coursepack-curriculum/"
_VIRTUAL_PATH = urlsplit(VIRTUAL_ROOT).path


class Refused(FatalURLFetchingError):  # type: ignore[misc]
    """A URL the renderer may not read. Inherits BaseException (via WeasyPrint) so nothing swallows it."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Policy:
    roots: tuple[Path, ...]  # theme chain folders, resolved
    assets: tuple[tuple[str, Path], ...]  # declared relative path → file (checked to be inside the curriculum)
    alts: tuple[tuple[str, str], ...]  # declared relative path → alt text

    @classmethod
    def of(cls, theme_chain: Iterable[Path], assets: Iterable[Asset]) -> Policy:
        unique = {posixpath.normpath(a.path.replace("\\", "/")): a for a in assets}
        return cls(
            roots=tuple(p.resolve() for p in theme_chain),
            assets=tuple(sorted((k, a.source) for k, a in unique.items())),
            alts=tuple(sorted((k, a.alt) for k, a in unique.items())),
        )

    def file_for(self, url: str) -> Path:
        """The file an absolute URL may be read from; raises Refused otherwise."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme != "file":
            kind = "data: URLs" if scheme == "data" else f"{scheme or 'relative'} URLs"
            raise Refused(url, f"{kind} are not allowed in a PDF; only declared assets and theme files are")
        if parts.netloc not in ("", "localhost"):
            raise Refused(url, "file URLs on another host are not allowed")
        path = unquote(parts.path)
        if path.startswith(_VIRTUAL_PATH):
            rel = posixpath.normpath(path[len(_VIRTUAL_PATH) :])
            found = dict(self.assets).get(rel)
            if found is None:
                raise Refused(url, f"{rel!r} is not one of the set's declared assets")
            return found
        real = Path(path).resolve()
        if real.is_file() and (any(real.is_relative_to(r) for r in self.roots) or real in dict(self.assets).values()):
            return real
        raise Refused(url, "the file is outside the theme and the curriculum's declared assets")

    def problem(self, src: str) -> str | None:
        """Why an `<img src>` written in content would be refused, or None."""
        try:
            self.file_for(urljoin(VIRTUAL_ROOT, src))
        except Refused as exc:
            return exc.reason
        return None

    def alt_for(self, src: str) -> str:
        path = unquote(urlsplit(urljoin(VIRTUAL_ROOT, src)).path)
        rel = posixpath.normpath(path[len(_VIRTUAL_PATH) :]) if path.startswith(_VIRTUAL_PATH) else ""
        return dict(self.alts).get(rel, "")


class GuardedFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, policy: Policy) -> None:
        super().__init__(allowed_protocols=("file",))
        self.policy = policy

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        path = self.policy.file_for(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


@dataclass(frozen=True)
class Image:
    src: str
    alt: str


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Image] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            values = dict(attrs)
            self.found.append(Image(values.get("src") or "", (values.get("alt") or "").strip()))


def images(fragment: str) -> Iterator[Image]:
    parser = _Images()
    parser.feed(fragment)
    parser.close()
    yield from parser.found


class _AltFiller(HTMLParser):
    """Copies HTML through, giving every `<img>` without alt text the alt of its declared asset."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(convert_charrefs=False)
        self.policy = policy
        self.edits: list[tuple[tuple[int, int], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag != "img" or (values.get("alt") or "").strip():
            return
        alt = self.policy.alt_for(values.get("src") or "")
        raw = self.get_starttag_text() or ""
        if alt and raw:
            rebuilt = "<img" + "".join(f' {k}="{_attr(v or "")}"' for k, v in attrs if k != "alt")
            self.edits.append((self.getpos(), raw, f'{rebuilt} alt="{_attr(alt)}">'))

    handle_startendtag = handle_starttag


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def fill_alts(fragment: str, policy: Policy) -> str:
    if "<img" not in fragment:
        return fragment
    filler = _AltFiller(policy)
    filler.feed(fragment)
    filler.close()
    lines = fragment.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out, done = [], 0
    for (line_no, col), raw, new in filler.edits:
        at = starts[line_no - 1] + col
        out += [fragment[done:at], new]
        done = at + len(raw)
    return "".join(out) + fragment[done:]
