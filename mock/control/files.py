"""Files: the fixture files, served behind presigned-URL look-alikes so imports work offline."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from connexion import request

from mock import presign
from mock.clock import rfc3339
from mock.errors import NotFound
from mock.responses import Result, ok
from mock.sandbox import sandbox

FOLDER = "files"  # under the fixtures folder
OCTET_STREAM = "application/octet-stream"
NO_FILE = "No fixture file {path}; GET /sandbox/files lists them."
# Python's built-in table only, not the host's /etc/mime.types, so every machine agrees.
_TYPES = mimetypes.MimeTypes()


def list_files() -> Result:
    root = _root().resolve()
    found = sorted(p for p in root.rglob("*") if _servable(p, root))
    return ok({"data": [{"path": p.relative_to(root).as_posix(), "size_bytes": p.stat().st_size,
                         "content_type": content_type(p)} for p in found]})


def presign_file(body: dict[str, Any]) -> Result:
    box = sandbox()
    _file(body["path"])
    base_url = f"{request.url.scheme}://{request.url.netloc}"
    url, expires_at = presign.presign(box.store.secret(presign.SECRET), body["path"],
                                      box.clock.now(), body.get("expires_in", 3600), base_url)
    return ok({"path": body["path"], "url": url, "expires_at": rfc3339(expires_at)})


def get_file(path: str, **_signed: Any) -> Result:
    # The signature covers the query exactly as sent, so it is read from the request itself.
    box = sandbox()
    found = _file(path)
    presign.check(box.store.secret(presign.SECRET), path, request.query_params.multi_items(),
                  box.clock.now())
    return found.read_bytes(), 200, {"Content-Type": content_type(found)}


def content_type(path: Path) -> str:
    guessed, _ = _TYPES.guess_type(path.name)
    return guessed or OCTET_STREAM


def _root() -> Path:
    return sandbox().settings.fixtures / FOLDER


def _file(path: str) -> Path:
    """The fixture file at `path`; 404 for anything else, including paths that leave the
    folder (the document's pattern already refuses `..` segments; this is the second lock)."""
    root = _root().resolve()
    candidate = root / path
    if not _servable(candidate, root):
        raise NotFound(NO_FILE.format(path=path))
    return candidate


def _servable(path: Path, root: Path) -> bool:
    """A regular file inside `root`, once links are followed, and not hidden."""
    real = path.resolve()
    return (real.is_relative_to(root) and real.is_file()
            and not any(part.startswith(".") for part in path.relative_to(root).parts))

