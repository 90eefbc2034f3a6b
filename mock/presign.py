"""Presigned-URL look-alikes for the fixture files: S3's query parameters, the sandbox's HMAC.

The signature is HMAC-SHA256, keyed with a secret kept in the database (so URLs survive a
restart and work on every worker), over the method, the file's path and every other query
parameter. The host is left out, so a URL works through any address of the sandbox. It is
not AWS SigV4: only the look of the URL is S3's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from mock.clock import rfc3339
from mock.errors import Forbidden

ALGORITHM = "AWS4-HMAC-SHA256"
SECRET = "presign"  # the name of the store's secret
FILES_PATH = "/sandbox/files/"
SIGNATURE = "X-Amz-Signature"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

EXPIRED = (
    "This presigned URL expired at {expired_at}; ask POST /sandbox/files/presign for a new one."
)
TAMPERED = (
    "This presigned URL does not carry a valid signature: it was changed after signing, or "
    "signed before a reset. Use the URL exactly as POST /sandbox/files/presign returned it."
)


def presign(secret: str, path: str, now: datetime, expires_in: int,
            base_url: str) -> tuple[str, datetime]:
    """The presigned URL of fixture file `path` on `base_url`, and when it expires."""
    now = now.astimezone(UTC).replace(microsecond=0)
    params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"SANDBOX/{now:%Y%m%d}/us-east-1/s3/aws4_request"),
        ("X-Amz-Date", now.strftime(_DATE_FORMAT)),
        ("X-Amz-Expires", str(expires_in)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    params.append((SIGNATURE, _sign(secret, path, params)))
    url = f"{base_url.rstrip('/')}{FILES_PATH}{quote(path, safe='/')}?{urlencode(params)}"
    return url, now + timedelta(seconds=expires_in)


def check(secret: str, path: str, query: Iterable[tuple[str, str]], now: datetime) -> None:
    """Raise 403 unless `query` is an unchanged, unexpired presigned query for `path`."""
    pairs = list(query)
    given = [value for name, value in pairs if name == SIGNATURE]
    signed = [(name, value) for name, value in pairs if name != SIGNATURE]
    expected = _sign(secret, path, signed)
    if len(given) != 1 or not hmac.compare_digest(given[0], expected):
        raise Forbidden(TAMPERED)
    values = dict(signed)
    signed_at = datetime.strptime(values["X-Amz-Date"], _DATE_FORMAT).replace(tzinfo=UTC)
    expires_at = signed_at + timedelta(seconds=int(values["X-Amz-Expires"]))
    if expires_at < now:
        raise Forbidden(EXPIRED.format(expired_at=rfc3339(expires_at)))


def _sign(secret: str, path: str, params: Iterable[tuple[str, str]]) -> str:
    canonical = "\n".join(["GET", FILES_PATH + quote(path, safe="/"), urlencode(sorted(params))])
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
