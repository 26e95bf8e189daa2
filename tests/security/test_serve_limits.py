"""`serve` under hostile traffic: the Host check holds for every --host, a flood of idle connections
gets a bounded number of threads, and clients that go away leave no traceback (issue 15, point 7)."""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.preview.http import MAX_THREADS, Server, allowed_hosts, make_server
from builder.preview.server import App


def test_the_allow_list_follows_the_listening_address() -> None:
    assert allowed_hosts("127.0.0.2", 8000) == {
        "127.0.0.2:8000", "127.0.0.1:8000", "localhost:8000", "[::1]:8000"
    }
    assert allowed_hosts("::1", 9000) >= {"[::1]:9000", "localhost:9000"}
    lan = allowed_hosts("192.0.2.7", 8000)
    assert lan == {"192.0.2.7:8000"}  # a LAN address: only itself, never a rebinding attacker's name
    wildcard = allowed_hosts("0.0.0.0", 8000)
    assert "localhost:8000" in wildcard and f"{socket.gethostname().lower()}:8000" in wildcard
    assert not any(h.startswith("attacker") for h in wildcard)


@pytest.fixture
def server(minimal: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    host = getattr(request, "param", "127.0.0.1")
    work = tmp_path / "work"
    work.mkdir()
    srv = make_server(host, 0, lambda port: App(minimal, None, work, host, port, None, lambda line: None))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _status(srv: Server, host_header: str | None) -> int:
    address = srv.server_address[0]
    conn = http.client.HTTPConnection(address, srv.server_address[1], timeout=10)
    conn.putrequest("GET", "/__status", skip_host=True)
    if host_header is not None:
        conn.putheader("Host", host_header)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


@pytest.mark.parametrize("server", ["127.0.0.2"], indirect=True)
def test_a_non_default_loopback_host_keeps_the_host_check(server: Server) -> None:
    port = server.server_address[1]
    assert _status(server, f"127.0.0.2:{port}") == 200
    assert _status(server, f"attacker.example:{port}") == 421
    assert _status(server, None) == 421  # no Host header: refused too


def test_a_flood_of_idle_connections_gets_bounded_threads_and_no_tracebacks(
    server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    before = threading.active_count()
    address = server.server_address[:2]
    idle = [socket.create_connection(address, timeout=5) for _ in range(300)]
    time.sleep(1.0)
    peak = threading.active_count() - before
    assert peak <= MAX_THREADS, peak
    answered = _first_bytes(idle, seconds=5.0)
    refused = sum(data.startswith(b"HTTP/1.1 503") for data in answered.values())
    assert refused >= 300 - MAX_THREADS - 5, refused  # beyond the bound: an answer at once, not a thread
    for sock in idle:  # half-sent requests, then gone: what a closed tab does
        with contextlib.suppress(OSError):
            sock.sendall(b"GET /__status HTTP/1.1\r\n")
        sock.close()
    time.sleep(1.0)
    port = server.server_address[1]
    assert _status(server, f"127.0.0.1:{port}") == 200  # still serving once the flood is gone
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def _first_bytes(socks: list[socket.socket], seconds: float) -> dict[int, bytes]:
    """What each socket received within `seconds` (all read together, not one timeout after another)."""
    got: dict[int, bytes] = {}
    pending = {s.fileno(): s for s in socks}
    deadline = time.monotonic() + seconds
    while pending and time.monotonic() < deadline:
        ready, _, _ = select.select(list(pending.values()), [], [], 0.2)
        for sock in ready:
            try:
                got[sock.fileno()] = sock.recv(64)
            except OSError:
                got[sock.fileno()] = b""
            pending.pop(sock.fileno(), None)
    return got


def test_a_client_that_disconnects_mid_response_is_not_a_traceback(
    server: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    port = server.server_address[1]
    for _ in range(50):
        sock = socket.create_connection(server.server_address[:2], timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        sock.close()
    time.sleep(1.0)
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
