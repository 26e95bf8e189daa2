"""What the preview server knows at any moment: the latest build's status and the last good site.

Kept apart from the server and its HTTP handler so that both, and the pages, read it without
importing each other.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from builder.preview.site import Site, SiteBuild
from builder.rules.diagnostics import Diagnostic, Severity


@dataclass(frozen=True)
class Status:
    version: str  # changes with every rebuild; a page built from another version reloads
    ok: bool
    diagnostics: tuple[Diagnostic, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "ok": self.ok,
            "diagnostics": [
                {
                    "severity": d.severity.value,
                    "code": d.code,
                    "where": str(d.loc),
                    "message": d.message,
                    "hint": d.hint or "",
                }
                for d in sorted(dict.fromkeys(self.diagnostics), key=Diagnostic.sort_key)
                if d.severity is Severity.ERROR or not self.ok
            ],
        }


class LiveState:
    """The latest status and the last good site; waiters are woken on every change."""

    def __init__(self, boot: str):
        self._boot = boot
        self._count = 0
        self._cond = threading.Condition()
        self._status = Status(f"{boot}-0", False, ())
        self._site: Site | None = None
        self._closed = False

    def publish(self, outcome: SiteBuild) -> Status:
        with self._cond:
            self._count += 1
            self._status = Status(f"{self._boot}-{self._count}", outcome.site is not None, outcome.diagnostics)
            if outcome.site is not None:
                self._site = outcome.site
            self._cond.notify_all()
            return self._status

    def current(self) -> tuple[Status, Site | None]:
        with self._cond:
            return self._status, self._site

    def wait(self, seen: str | None, timeout: float) -> Status | None:
        """The status once its version differs from `seen` (at once if it already does); None when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._status.version != seen, timeout)
            return None if self._closed else self._status

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
