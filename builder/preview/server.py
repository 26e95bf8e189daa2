"""`coursepack serve`: a local preview of every set's player inside a SCORM 1.2 LMS simulator, with live reload.

Three threads: the HTTP server (one more per request), the file watcher that rebuilds into a fresh
temp folder, and the main thread that waits for Ctrl-C. They share only a `LiveState`, whose
status changes wake the pages' Server-Sent Event streams.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from builder.preview.pages import SCORM_AGAIN, SCORM_AGAIN_FIX, find_scorm_again
from builder.preview.site import PdfGuides, SiteBuild, build_site
from builder.preview.state import LiveState, Status
from builder.rules.diagnostics import Diagnostic, Severity

# How long a watcher waits for more changes before rebuilding (an editor's save may touch several files).
DEBOUNCE_MS = 300
KEEP_BUILDS = 2  # the current build and the one before, for requests still reading it


@dataclass
class App:
    """Everything a request handler may read."""

    root: Path
    theme_name: str | None
    work: Path
    host: str
    port: int
    scorm_again: Path | None
    echo: Callable[[str], None]
    state: LiveState = field(init=False)
    pdfs: PdfGuides = field(init=False)
    _builds: list[Path] = field(default_factory=list)
    _rebuild_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.state = LiveState(secrets.token_hex(4))
        self.pdfs = PdfGuides(self.work / "pdf")

    def rebuild(self) -> Status:
        with self._rebuild_lock:
            started = time.perf_counter()
            folder = Path(tempfile.mkdtemp(prefix="build-", dir=self.work))
            outcome = build_site(self.root, self.theme_name, folder)
            if outcome.site is None:
                shutil.rmtree(folder, ignore_errors=True)
            else:
                self._builds.append(folder)
            status = self.state.publish(outcome)
            while len(self._builds) > KEEP_BUILDS:
                shutil.rmtree(self._builds.pop(0), ignore_errors=True)
            self._report(status, outcome, time.perf_counter() - started)
            return status

    def _report(self, status: Status, outcome: SiteBuild, seconds: float) -> None:
        if outcome.site is None:
            errors = [d for d in outcome.diagnostics if d.severity is Severity.ERROR]
            for d in sorted(dict.fromkeys(errors), key=Diagnostic.sort_key):
                self.echo(d.render())
            self.echo(f"build failed ({len(errors)} error(s)); still serving the last good build")
        else:
            self.echo(f"built {len(outcome.site.sets)} set(s) in {seconds:.2f} s")

    def watched(self) -> list[Path]:
        """The curriculum folder and every folder of the theme chain last used."""
        _, site = self.state.current()
        chain = list(site.theme.chain) if site else []
        return sorted({p.resolve() for p in [self.root, *chain] if p.exists()})


def watch(app: App, stop: threading.Event) -> None:
    from watchfiles import watch as watch_paths

    while not stop.is_set():
        paths = app.watched()
        try:
            for _changes in watch_paths(*paths, stop_event=stop, debounce=DEBOUNCE_MS, raise_interrupt=False):
                app.rebuild()
                if app.watched() != paths:  # the theme changed: watch its folders instead
                    break
        except OSError as exc:  # a watched folder vanished for a moment (a git checkout, an atomic save)
            app.echo(f"watching stopped ({exc}); trying again")
            stop.wait(1.0)
            app.rebuild()


def serve(root: Path, host: str, port: int, theme_name: str | None, echo: Callable[[str], None]) -> int:
    """Serve until Ctrl-C (or SIGTERM); returns the exit code."""
    from builder.preview.http import make_server

    scorm_again = find_scorm_again()
    if scorm_again is None:
        echo(f"warning: scorm-again not found ({SCORM_AGAIN}): the LMS simulator cannot run; {SCORM_AGAIN_FIX}")
    work = Path(tempfile.mkdtemp(prefix="coursepack-serve-"))
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGTERM)
    server = None
    try:
        made: list[App] = []  # the server binds first, then makes the app with the port it got

        def make_app(bound: int) -> App:
            made.append(App(root, theme_name, work, host, bound, scorm_again, echo))
            return made[0]

        server = make_server(host, port, make_app)
        app = made[0]
        app.rebuild()
        url = f"http://{_url_host(host)}:{app.port}/"
        echo(f"serving {root} at {url} (Ctrl-C stops)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            echo(f"warning: listening on {host}: anyone who can reach this machine can read the preview")
        watcher = threading.Thread(target=watch, args=(app, stop), name="watch", daemon=True)
        watcher.start()
        signal.signal(signal.SIGTERM, _interrupt)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.set()
        if server is not None:
            server.app.state.close()  # ends the event streams, so their threads finish
            server.server_close()
        shutil.rmtree(work, ignore_errors=True)
    echo("stopped")
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host

