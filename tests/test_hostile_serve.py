"""``serve`` against an attacker and a careless client (issue 16, points 1, 2 and 15).

Requests are sent byte for byte over a socket: ``urllib`` and ``http.client`` normalise or
refuse the very paths an attacker sends. Every test also reads what the server printed:
no traceback may reach the editor's terminal.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.pipeline import BuildOptions
from site_builder.serve import serve_http
from site_builder.serve.serve import Console, ServeOptions, serve_folder, start_server
from site_builder.serve.serve_http import Redirect, Served, locate
from tests.sitefiles import SITE_YAML, write_site
from tests.test_serve import (
    FAST,
    GOOD,
    RENAMED,
    TIMEOUT,
    EventStream,
    Running,
    _lines_of,
    _wait_for_line,
    wait_until,
)

NEWS_YAML = SITE_YAML.replace("https://example.org/", "https://example.org/news/")

# Paths that name files outside the served folder once decoded, each way an attacker
# would try: an encoded slash (a decoded absolute path replaced the folder), encoded dots,
# backslashes, NUL, double encoding, an empty segment, with a query or a fragment.
OUTSIDE = (
    "/%2Fetc/passwd",
    "/%2fetc/passwd",
    "/%2Fproc/self/environ",
    "/%2F%2Fetc/passwd",
    "/%2Fetc/passwd?x=1",
    "/%2Fetc/passwd#top",
    "//etc/passwd",
    "/briefs//%2Fetc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    "/..%2F..%2F..%2F..%2F..%2Fetc/passwd",
    "/briefs/..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "/../../../../etc/passwd",
    "/%5Cetc/passwd",
    "/..%5C..%5C..%5C..%5Cetc%5Cpasswd",
    "/..\\..\\..\\..\\etc\\passwd",
    "/%252Fetc/passwd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/%00/etc/passwd",
    "/a%00b",
    "/a\x00b",
    "/%2Fetc",
    "/%2Fetc/",
)
NO_SEARCH = ("--no-search",)
LEAKS = (b"root:", b"PATH=", b"HOME=", b"localhost")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    location: str | None
    body: bytes


def send(port: int, target: str, headers: tuple[str, ...] | None = None) -> Answer:
    """GET ``target`` exactly as given (latin-1, as HTTP reads it), with ``headers``
    (by default a Host header naming the server as a browser would)."""
    lines = (f"Host: 127.0.0.1:{port}",) if headers is None else headers
    head = f"GET {target} HTTP/1.1\r\n" + "".join(f"{line}\r\n" for line in lines)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as connection:
        connection.sendall((head + "Connection: close\r\n\r\n").encode("latin-1"))
        response = http.client.HTTPResponse(connection)
        response.begin()
        return Answer(response.status, response.getheader("Location"), response.read())


def port_of(running: Running) -> int:
    return int(running.url().rsplit(":", 1)[1])


StartServer = Callable[..., Running]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[StartServer]:
    """Start ``serve`` (without search: nothing here needs it) on a site of ``files``."""
    started: list[Running] = []

    def start_on(files: dict[str, str]) -> Running:
        site = write_site(tmp_path / "site", files)
        messages: list[str] = []
        options = ServeOptions(BuildOptions(search=False), port=0, watch=FAST)
        started.append(Running(site, start_server(site, options, Console(messages.append))))
        return started[-1]

    yield start_on
    for running in started:
        running.server.close()


def request_threads_done() -> bool:
    """Whether every request thread of an in-process server has ended."""
    return not any("process_request_thread" in t.name for t in threading.enumerate())


def assert_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    wait_until(request_threads_done)
    printed = capfd.readouterr().err
    assert "Traceback" not in printed and "Error" not in printed, printed


# 1. Path disclosure


@pytest.mark.parametrize("site_yaml", [SITE_YAML, NEWS_YAML], ids=["root", "base-path"])
def test_no_request_path_reads_a_file_outside_the_served_folder(
    start: StartServer, site_yaml: str, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"site.yaml": site_yaml, "briefs/a.md": GOOD})
    port = port_of(running)
    base = running.server.url.removeprefix(running.url()).rstrip("/")
    for path in OUTSIDE:
        answer = send(port, base + path)
        assert (answer.status, answer.location) == (404, None), path
        assert not any(leak in answer.body for leak in LEAKS), path
    assert send(port, base + "/briefs/a/").status == 200
    assert_no_traceback(capfd)


def test_a_symbolic_link_in_the_served_folder_is_followed_only_inside_it(
    start: StartServer,
) -> None:
    running = start({"briefs/a.md": GOOD})
    folder = serve_folder(running.site)
    (folder / "passwd").symlink_to("/etc/passwd")
    (folder / "etc").symlink_to("/etc")
    (folder / "site.yaml").symlink_to(running.site / "site.yaml")  # the site, not the output
    (folder / "alias").symlink_to(folder / "briefs")  # stays inside: served
    port = port_of(running)
    for path in ("/passwd", "/etc/passwd", "/etc/", "/etc", "/site.yaml"):
        answer = send(port, path)
        assert (answer.status, answer.location) == (404, None), path
        assert b"root:" not in answer.body and b"language: de" not in answer.body
    assert send(port, "/alias/a/").status == 200
    assert send(port, "/alias/a").location == "/alias/a/"


def test_a_redirect_never_leads_to_another_host(
    start: StartServer, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"briefs/a.md": GOOD})
    (serve_folder(running.site) / "€ x").mkdir()
    port = port_of(running)
    # Before the fix, "/%2Fetc" answered "302 Location: //etc/", a link to the host "etc".
    for path in ("/%2Fetc", "/%2F%2Fevil.example", "/%5Cevil.example", "//evil.example"):
        answer = send(port, path)
        assert answer.status == 404 and answer.location is None, path
    # A folder named with characters a header cannot hold: the location is percent-encoded.
    assert send(port, "/%E2%82%AC%20x") == Answer(302, "/%E2%82%AC%20x/", b"")
    assert send(port, "/%E2%82%AC%20x/?q=1").status == 404  # a folder without index.html
    assert send(port, "/briefs?x=//evil.example").location == "/briefs/"
    assert_no_traceback(capfd)


def test_locate_refuses_every_path_that_leaves_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    (folder / "briefs/a").mkdir(parents=True)
    (folder / "briefs/a/index.html").write_text("x")
    (tmp_path / "secret").write_text("x")
    served = Served(folder, "/news/")
    for path in OUTSIDE:
        assert locate("/news" + path.split("?")[0].split("#")[0], served) is None, path
    assert locate("/news/%2E%2E/secret", served) is None
    assert locate("/news/briefs/a", served) == Redirect("/news/briefs/a/")
    assert locate("/news/briefs/a/", served) == folder / "briefs/a/index.html"
    # A base path that would make "//host": the redirect keeps exactly one slash.
    assert locate("/", Served(folder, "//evil.example/")) == Redirect("/evil.example/")


# 2. Host check (DNS rebinding)

LOCAL_HOSTS = ("127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]:{port}")
FOREIGN_HOSTS = (
    "evil.example",
    "evil.example:{port}",
    "127.0.0.1.evil.example:{port}",
    "localhost.evil.example",
    "evil.localhost",
    "127.0.0.2:{port}",
    "0.0.0.0:{port}",
    "[::1].evil.example",
    "127.0.0.1:{port}@evil.example",
    "localhost:{port} evil.example",
    "",
)
PATHS = ("/", "/briefs/a/", "/__site-builder/reload.js", "/__site-builder/overlay.css")


def test_only_requests_for_this_machine_are_answered(
    start: StartServer, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"briefs/a.md": GOOD})
    port = port_of(running)
    for host in LOCAL_HOSTS:
        for path in PATHS:
            assert send(port, path, (f"Host: {host.format(port=port)}",)).status == 200, host
    for host in FOREIGN_HOSTS:
        for path in (*PATHS, "/__site-builder/events"):
            answer = send(port, path, (f"Host: {host.format(port=port)}",))
            assert answer.status == 403, (host, path)
            assert b"Testmeldung" not in answer.body and b"EventSource" not in answer.body
    assert_no_traceback(capfd)


def test_a_request_without_one_host_header_is_refused(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    port = port_of(running)
    assert send(port, "/briefs/a/", ()).status == 403
    two = (f"Host: 127.0.0.1:{port}", "Host: evil.example")
    assert send(port, "/briefs/a/", two).status == 403
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as connection:
        connection.sendall(b"GET /briefs/a/ HTTP/1.0\r\n\r\n")  # HTTP/1.0 needs no Host
        assert connection.makefile("rb").readline().split()[1] == b"403"


# 15. Robustness


def test_an_aborted_request_prints_no_traceback(
    start: StartServer, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"briefs/a.md": GOOD})
    (serve_folder(running.site) / "big.bin").write_bytes(b"x" * 8_000_000)
    port = port_of(running)
    for request in (b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n", b"GET /brie"):
        connection = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        connection.sendall(request)
        if request.endswith(b"\r\n\r\n"):
            assert connection.recv(100).startswith(b"HTTP/1.0 200")  # it is being sent
        # Linger 0: the close resets the connection, as a browser tab closed mid-load does.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    assert_no_traceback(capfd)
    assert send(port, "/briefs/a/").status == 200


def test_a_name_too_long_for_the_system_is_not_found(
    start: StartServer, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"briefs/a.md": GOOD})
    port = port_of(running)
    for path in (
        "/" + "a" * 256,
        "/briefs/" + "a" * 300 + "/",
        "/" + "%C3%BC" * 128,  # 128 characters, 256 bytes
        "/" + "/".join(["a" * 250] * 20),  # every name fits, the whole path does not
    ):
        answer = send(port, path)
        assert answer.status == 404 and b"Seite nicht gefunden" in answer.body, path[:20]
    assert send(port, "/" + "a" * 255).status == 404  # the longest name there can be
    assert_no_traceback(capfd)


def test_a_silent_client_is_dropped_while_an_event_stream_stays_open(
    start: StartServer, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The request timeout bounds each read and write, so a client that connects and
    sends nothing is closed; an event stream waits for events, never for its socket."""
    default = serve_http.DevRequestHandler.timeout  # the standard library's is None: no limit
    assert default is not None and 0 < default <= 60
    monkeypatch.setattr(serve_http.DevRequestHandler, "timeout", 0.5)
    monkeypatch.setattr(serve_http, "KEEPALIVE_SECONDS", 0.1)
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    with socket.create_connection(("127.0.0.1", port_of(running)), timeout=30) as silent:
        assert silent.recv(1) == b""  # closed by the server (a hang times out the test)
    stalled = socket.create_connection(("127.0.0.1", port_of(running)), timeout=30)
    stalled.sendall(b"GET / HTTP/1.1\r\n")  # half a request
    assert stalled.recv(1) == b""
    stalled.close()
    time.sleep(1.5)  # three timeouts: the stream, quiet but for keep-alives, goes on
    running.write("briefs/a.md", RENAMED)
    assert events.next_event()[0] == "reload"
    events.close()
    assert_no_traceback(capfd)


def test_a_bug_answering_a_request_prints_one_line_and_serving_goes_on(
    start: StartServer, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    running = start({"briefs/a.md": GOOD})

    def broken(path: Path) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(serve_http, "content_type", broken)
    with pytest.raises(http.client.RemoteDisconnected):
        send(port_of(running), "/briefs/a/")
    wait_until(request_threads_done)
    assert capfd.readouterr().err == "serve: could not answer a request: RuntimeError: boom\n"
    monkeypatch.undo()
    assert send(port_of(running), "/briefs/a/").status == 200


def test_the_404_page_is_not_read_through_a_link_out_of_the_folder(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    page = serve_folder(running.site) / "404.html"
    page.unlink()
    page.symlink_to("/etc/passwd")
    answer = send(port_of(running), "/nirgends/")
    assert answer.status == 404 and b"root:" not in answer.body
    assert b"site-builder serve has no page at this address" in answer.body


def test_a_stuck_client_does_not_hold_up_stopping(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    with socket.create_connection(("127.0.0.1", port_of(running)), timeout=30):
        closing = threading.Thread(target=running.server.close)
        closing.start()
        closing.join(timeout=30)
        assert not closing.is_alive()


def _serve_process(site: Path) -> subprocess.Popen[str]:
    """``site-builder serve`` without search on a free port, in a process of its own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_builder",
            "serve",
            "--site",
            str(site),
            "--port",
            "0",
            *NO_SEARCH,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


def test_two_hundred_clients_at_once_are_all_answered(tmp_path: Path) -> None:
    """While the server is busy (here: stopped), the system queues new connections up to
    the listen backlog; the standard library's 5 left the seventh client waiting."""
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    process = _serve_process(site)
    clients: list[socket.socket] = []

    def connect() -> None:
        clients.append(socket.create_connection(("127.0.0.1", port), timeout=30))
        clients[-1].sendall(b"GET /briefs/a/ HTTP/1.1\r\nHost: localhost\r\n\r\n")

    try:
        port = int(_wait_for_line(_lines_of(process), "serving ").split(":")[2].split("/")[0])
        process.send_signal(signal.SIGSTOP)
        for _ in range(120):  # queued by the system: below the backlog of 128
            connect()
        process.send_signal(signal.SIGCONT)
        for _ in range(80):  # while the 120 are being answered
            connect()
        answers = [client.makefile("rb").readline() for client in clients]
        assert answers == [b"HTTP/1.0 200 OK\r\n"] * 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        process.send_signal(signal.SIGCONT)
        process.kill()
        process.wait()
        for client in clients:
            client.close()
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


def test_the_serve_command_survives_hostile_clients_without_a_traceback(
    tmp_path: Path,
) -> None:
    """The same attacks on the command as a user runs it: every answer sent, nothing
    but the build messages printed, and Ctrl-C still stops it with a client stuck."""
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    process = _serve_process(site)
    try:
        lines = _lines_of(process)
        port = int(_wait_for_line(lines, "serving ").split(":")[2].split("/")[0])
        assert send(port, "/%2Fetc/passwd").status == 404
        assert send(port, "/" + "a" * 300).status == 404
        assert send(port, "/", ("Host: evil.example",)).status == 403
        aborted = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        aborted.sendall(b"GET /briefs/a/ HTTP/1.1\r\nHost: localhost\r\n")
        aborted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        aborted.close()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT):
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=60) == 0
        assert _wait_for_line(lines, "stopped") == "stopped"  # what Ctrl-C prints (stdout)
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    assert process.stderr.read() == ""  # nothing else
