"""Issue 4: URL downloads for imports — http(s) only, same-host redirects, a size cap, timeouts.

Each case runs against a small HTTP server on loopback; `localhost` and `127.0.0.1` name the
same machine but count as two hosts, which is what a redirect to another host looks like.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mock import downloads
from mock.downloads import DownloadError, fetch

BODY = b"phone\n+12025550100\n"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        port = self.server.server_address[1]
        path = self.path
        if path == "/file":
            self._answer(200, BODY, {"Content-Type": "text/csv; charset=utf-8"})
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self._answer(302, b"", {"Location": f"/chain/{left - 1}" if left > 1 else "/file"})
        elif path == "/other-host":
            self._answer(302, b"", {"Location": f"http://localhost:{port}/file"})
        elif path == "/other-port":
            self._answer(302, b"", {"Location": "http://127.0.0.1:9/file"})
        elif path == "/to-ftp":
            self._answer(302, b"", {"Location": f"ftp://127.0.0.1:{port}/file"})
        elif path == "/no-location":
            self._answer(302, b"", {})
        elif path == "/big-declared":
            self._answer(200, b"x" * 2000, {})
        elif path == "/big-undeclared":
            # No Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(20):
                    self.wfile.write(b"x" * 100)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its cap, as it should
        elif path == "/slow":
            time.sleep(1.5)
            self._answer(200, BODY, {})
        elif path == "/forbidden":
            self._answer(403, b"<Error/>", {})
        else:
            self._answer(404, b"", {})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _reason(url: str, **options: float) -> str:
    with pytest.raises(DownloadError) as caught:
        fetch(url, max_bytes=int(options.pop("max_bytes", 1000)), **options)
    return caught.value.reason


def test_fetch_returns_bytes_and_media_type(origin: str) -> None:
    download = fetch(f"{origin}/file", max_bytes=1000)
    assert download.content == BODY
    assert download.content_type == "text/csv"


def test_redirects_on_the_same_host_are_followed_up_to_the_limit(origin: str) -> None:
    download = fetch(f"{origin}/chain/{downloads.MAX_REDIRECTS}", max_bytes=1000)
    assert download.content == BODY
    assert download.url == f"{origin}/file"


def test_one_redirect_too_many_fails(origin: str) -> None:
    reason = _reason(f"{origin}/chain/{downloads.MAX_REDIRECTS + 1}")
    assert reason == downloads.TOO_MANY_REDIRECTS.format(limit=downloads.MAX_REDIRECTS)


@pytest.mark.parametrize("path", ["/other-host", "/other-port"])
def test_redirect_to_another_host_or_port_is_refused(origin: str, path: str) -> None:
    assert _reason(origin + path).startswith("the server redirected to another host")


def test_redirect_to_another_scheme_is_refused(origin: str) -> None:
    assert _reason(f"{origin}/to-ftp").startswith("only http and https URLs")


def test_redirect_without_location_fails(origin: str) -> None:
    assert "without a usable Location" in _reason(f"{origin}/no-location")


@pytest.mark.parametrize("path", ["/big-declared", "/big-undeclared"])
def test_body_over_the_cap_fails(origin: str, path: str) -> None:
    assert _reason(origin + path, max_bytes=1000) == downloads.TOO_LARGE.format(limit=1000)


def test_body_at_the_cap_is_read(origin: str) -> None:
    assert len(fetch(f"{origin}/big-declared", max_bytes=2000).content) == 2000


def test_slow_server_times_out(origin: str) -> None:
    started = time.monotonic()
    reason = _reason(f"{origin}/slow", read_timeout=0.3)
    assert reason == downloads.TIMEOUT.format(seconds=0.3)
    assert time.monotonic() - started < 1.4


def test_error_status_is_named_with_a_hint_for_403(origin: str) -> None:
    assert _reason(f"{origin}/forbidden") == (
        "the server answered 403 Forbidden (has the presigned URL expired?)")
    assert _reason(f"{origin}/missing") == "the server answered 404 Not Found"


def test_closed_port_is_a_connect_failure(unused_port: int) -> None:
    assert _reason(f"http://127.0.0.1:{unused_port}/x.csv").startswith(
        f"could not connect to 127.0.0.1:{unused_port}")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x.csv", "file:///etc/passwd", "s3://bucket/x",
                                 "http:///no-host", "not a url"])
def test_only_http_urls_are_fetched(url: str) -> None:
    assert _reason(url).startswith("only http and https URLs")
