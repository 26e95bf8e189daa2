"""The preview server's HTTP side: a fixed set of routes, and only files the server built or ships.

No URL is ever joined onto a folder: player files are looked up by exact URL path in the build's
own listing, so `..`, encoded or not, cannot reach anything else. Requests naming another host
are refused too (DNS rebinding would otherwise let a web page read the preview).
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import re
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

from builder.preview.pages import Pages, static_files

if TYPE_CHECKING:
    from builder.preview.site import PdfGuides
    from builder.preview.state import LiveState


class App(Protocol):
    """What the handler needs of the running preview (builder.preview.server.App)."""

    root: Path
    scorm_again: Path | None
    state: LiveState
    pdfs: PdfGuides

SIM = re.compile(r"/sim/([A-Z][A-Z0-9]*)/")
PDF = re.compile(r"/pdf/([A-Z][A-Z0-9]*)\.pdf")
HEARTBEAT_S = 15.0  # an idle event stream sends a comment this often, so a dead page is noticed
# The player page sets its own, stricter policy in a <meta> tag; these are the server's own pages.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def safe_path(target: str) -> str | None:
    """The request's decoded path, or None when it tries to climb, hide a separator or a NUL."""
    raw = urlsplit(target).path
    path = unquote(raw)
    if not path.startswith("/") or "\\" in path or "\x00" in path or "//" in path:
        return None
    if any(part in (".", "..") for part in raw.split("/") + path.split("/")):
        return None
    return path


MAX_THREADS = 64  # requests served at once; a page holds one for its event stream, a browser ~6 more
IDLE_TIMEOUT_S = 20.0  # a connection that sends nothing this long is closed, freeing its thread
_BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host headers the server answers, derived from the address it listens on. Always checked:
    a page elsewhere that resolves its own name to this machine (DNS rebinding) is refused whatever
    --host is. A wildcard address accepts the machine's own names and addresses."""
    names = {host.strip("[]").lower()}
    if host in ("0.0.0.0", "::", ""):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower(), *LOOPBACK}
        with contextlib.suppress(OSError):
            names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
    if host in LOOPBACK or host.startswith("127."):
        names |= set(LOOPBACK)
    out: set[str] = set()
    for name in names:
        shown = f"[{name}]" if ":" in name else name
        out.add(f"{shown}:{port}")
        if port == 80:
            out.add(shown)
    return frozenset(out)


class Server(HTTPServer):
    """One thread per request, at most MAX_THREADS at once: a flood of idle connections gets a 503
    each instead of a thread each, and a connection that goes away is not a traceback."""

    request_queue_size = 128  # the listen backlog: a burst is answered (or refused) at once, not left hanging

    def __init__(self, host: str, port: int, make_app: Callable[[int], App]):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), Handler)
        self.app = make_app(self.server_address[1])
        self.pages = Pages()
        self.static = static_files(self.app.scorm_again)
        self.hosts = allowed_hosts(host, self.server_address[1])
        self.slots = threading.BoundedSemaphore(MAX_THREADS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        # Daemon threads: a page's open event stream must not keep Ctrl-C waiting.
        threading.Thread(target=self._serve_one, args=(request, client_address), daemon=True).start()

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - socketserver's own policy: report, keep serving
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser closed the tab or the connection idled out: nothing to report
        super().handle_error(request, client_address)


def make_server(host: str, port: int, make_app: Callable[[int], App]) -> Server:
    return Server(host, port, make_app)


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "coursepack-serve"
    timeout = IDLE_TIMEOUT_S

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._route(head=False)

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._route(head=True)

    def _route(self, head: bool) -> None:
        app, pages = self.server.app, self.server.pages
        if not self._host_allowed():
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"wrong host\n", "text/plain", head)
        path = safe_path(self.path)
        if path is None:
            return self._send(HTTPStatus.BAD_REQUEST, b"bad path\n", "text/plain", head)
        status, site = app.state.current()
        ready = app.scorm_again is not None
        if path == "/":
            from builder.analysis import load_last

            return self._page(pages.programme(status, site, ready, load_last(app.root)), head)
        if path == "/analysis/":  # the last `coursepack analyze` report: aggregates only, no script
            from builder.analysis import last_dir

            report = last_dir(app.root) / "last.html"
            if report.is_file():
                return self._file(report, head)
            return self._page(pages.message(status, "No item analysis yet", "Run coursepack analyze on an LMS "
                                            "results export to see one here."), head, HTTPStatus.NOT_FOUND)
        if path == "/__status":
            return self._send(HTTPStatus.OK, json.dumps(status.as_json()).encode(), "application/json", head)
        if path == "/favicon.ico":  # browsers ask for it; an empty answer keeps their consoles clean
            return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon", head)
        if path == "/__events" and not head:
            return self._events()
        if path in self.server.static:
            return self._file(self.server.static[path], head)
        if site is None:
            return self._page(pages.message(status, "No build yet", "Fix the errors shown to see the sets."), head,
                              HTTPStatus.SERVICE_UNAVAILABLE)
        if path in site.files:
            return self._file(site.files[path], head)
        if (m := SIM.fullmatch(path)) and (entry := site.entry(m[1])):
            return self._page(pages.simulator(status, entry, ready), head)
        if (m := PDF.fullmatch(path)) and site.entry(m[1]):
            pdf, diags = app.pdfs.get(site, m[1])
            if pdf is None:
                return self._page(pages.failure(status, f"{m[1]} PDF guide", diags), head,
                                  HTTPStatus.INTERNAL_SERVER_ERROR)
            return self._file(pdf, head)
        return self._page(pages.message(status, "Not found", f"Nothing is served at {path}."), head,
                          HTTPStatus.NOT_FOUND)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        return host is not None and host.strip().lower() in self.server.hosts

    def _page(self, html: str, head: bool, code: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(code, html.encode("utf-8"), "text/html; charset=utf-8", head, {"Content-Security-Policy": PAGE_CSP})

    def _file(self, path: Path, head: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:  # a build folder removed between lookup and read: the page reloads soon
            return self._send(HTTPStatus.NOT_FOUND, b"gone\n", "text/plain", head)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self._send(HTTPStatus.OK, data, ctype, head)

    def _send(self, code: HTTPStatus, body: bytes, ctype: str, head: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must always get the newest build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the status now, then each new one; comments keep the stream alive."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, seen = self.server.app.state, None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (status := state.wait(seen, HEARTBEAT_S)) is not None:
                if status.version == seen:
                    self.wfile.write(b": idle\n\n")
                else:
                    seen = status.version
                    self.wfile.write(b"event: status\ndata: " + json.dumps(status.as_json()).encode() + b"\n\n")
                self.wfile.flush()
        except OSError:  # the page went away
            return
