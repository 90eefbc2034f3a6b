"""Download a file by URL for an import: http(s) only, timeouts, a size cap, same-host redirects.

Redirects are followed here, hop by hop, rather than by httpx, so that every hop is checked
before it is requested: a URL may only lead to the same host and port, at most
`MAX_REDIRECTS` times. The size cap is checked against `Content-Length` first and then
against the bytes as they arrive, so an oversized file is never read whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# A failed job's failure_reason; the reasons below are written to fill it in.
FAILED = "Download failed: {reason}."
NOT_HTTP = "only http and https URLs can be downloaded, not {url}"
OTHER_HOST = ("the server redirected to another host ({host}); redirects are followed only "
              "on the same host and port")
TOO_MANY_REDIRECTS = "the server redirected more than {limit} times"
NO_LOCATION = "the server answered {status} {phrase} without a usable Location"
BAD_STATUS = "the server answered {status} {phrase}"
EXPIRED_HINT = " (has the presigned URL expired?)"
TOO_LARGE = "the file is larger than {limit} bytes"
CONNECT = "could not connect to {host} ({error})"
TIMEOUT = "the server did not answer in time ({seconds:g} s)"
NETWORK = "the connection failed ({error})"


class DownloadError(Exception):
    """The file could not be downloaded; `reason` says why, in words for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str | None  # the media type, lower case, without parameters
    url: str  # where the bytes came from, after redirects


def fetch(url: str, *, max_bytes: int, connect_timeout: float = 5.0,
          read_timeout: float = 10.0, total_timeout: float = 60.0,
          transport: httpx.BaseTransport | None = None) -> Download:
    """GET `url` and return its body, or raise `DownloadError`."""
    current = _http_url(url)
    origin = _origin(current)
    deadline = time.monotonic() + total_timeout
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    with httpx.Client(timeout=timeout, transport=transport, trust_env=False,
                      follow_redirects=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", current) as response:
                    if response.status_code not in _REDIRECTS:
                        return _read(response, max_bytes, deadline, total_timeout)
                    current = _next_hop(response, origin)
            except httpx.ConnectError as exc:
                raise DownloadError(CONNECT.format(host=current.netloc.decode(),
                                                   error=_describe(exc))) from exc
            except httpx.TimeoutException as exc:
                raise DownloadError(TIMEOUT.format(seconds=read_timeout)) from exc
            except httpx.HTTPError as exc:
                raise DownloadError(NETWORK.format(error=_describe(exc))) from exc
    raise DownloadError(TOO_MANY_REDIRECTS.format(limit=MAX_REDIRECTS))


def _http_url(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise DownloadError(NOT_HTTP.format(url=url)) from exc
    if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
        raise DownloadError(NOT_HTTP.format(url=url))
    return parsed


def _origin(url: httpx.URL) -> tuple[str, int]:
    return url.host, url.port or _DEFAULT_PORTS[url.scheme]


def _next_hop(response: httpx.Response, origin: tuple[str, int]) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise DownloadError(NO_LOCATION.format(status=response.status_code,
                                               phrase=response.reason_phrase))
    target = _http_url(response.url.join(location))
    if _origin(target) != origin:
        raise DownloadError(OTHER_HOST.format(host=target.netloc.decode()))
    return target


def _read(response: httpx.Response, max_bytes: int, deadline: float,
          total_timeout: float) -> Download:
    if not 200 <= response.status_code < 300:
        reason = BAD_STATUS.format(status=response.status_code, phrase=response.reason_phrase)
        raise DownloadError(reason + (EXPIRED_HINT if response.status_code == 403 else ""))
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(TOO_LARGE.format(limit=max_bytes))
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise DownloadError(TOO_LARGE.format(limit=max_bytes))
        if time.monotonic() > deadline:
            raise DownloadError(TIMEOUT.format(seconds=total_timeout))
        chunks.append(chunk)
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return Download(b"".join(chunks), media_type or None, str(response.url))


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
