"""Servers on 127.0.0.1 for the endpoint and push tests: a real ``oxigraph serve``, and misbehaving ones.

The ``oxigraph`` binary comes from the ``oxigraph`` package of the test extra.
Without it the tests that need it are skipped, unless CI is set: there a
missing server is a failure, not a silent skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def oxigraph_binary() -> Path:
    beside = Path(sys.executable).parent / "oxigraph"  # the venv's, even when it is not on PATH
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        message = "the oxigraph server is not installed: pip install -e '.[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(found)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """``oxigraph serve`` on a free port; yields its query URL; stopped (and waited for) on exit."""
    binary = oxigraph_binary()
    for _attempt in range(3):  # a port taken between free_port() and the bind: try another
        port = free_port()
        process = subprocess.Popen(
            [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}/query"
        try:
            if _wait_ready(url, process):
                yield url
                return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    pytest.fail("oxigraph serve did not start")


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class FaultServer:
    """An HTTP server on 127.0.0.1 that misbehaves in one way; counts the requests it got."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.requests = 0
        self.release = threading.Event()  # lets a hanging handler go at the end
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def do_PUT(self) -> None:
                self._answer()

            def _answer(self) -> None:
                server.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.respond(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/query"

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        kind = self.kind
        if kind == "hang":  # accepts, reads the query, never answers
            self.release.wait(30)
        elif kind == "trickle":  # answers, but one byte at a time, slower than any timeout
            handler.send_response(200)
            handler.send_header("Content-Type", "application/sparql-results+json")
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            for _ in range(1000):
                if self.release.wait(0.2):
                    return
                with contextlib.suppress(OSError):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
        elif kind == "garbage":
            self._send(handler, 200, "application/sparql-results+json", b"<html>this is not JSON</html>")
        elif kind == "error500":
            self._send(handler, 500, "text/plain", b"Internal trouble: the disk is on fire")
        elif kind == "error400":
            self._send(handler, 400, "text/plain", b"Parse error at 1:8: expected WHERE")
        elif kind == "close":  # hangs up without a word
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
        elif kind == "xml":
            body = (
                b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                b'<head><variable name="x"/></head><results><result><binding name="x">'
                b"<uri>http://example.org/a</uri></binding></result></results></sparql>"
            )
            self._send(handler, 200, "application/sparql-results+xml", body)
        else:
            raise ValueError(kind)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def __enter__(self) -> FaultServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def down_url() -> str:
    """A query URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/query"
