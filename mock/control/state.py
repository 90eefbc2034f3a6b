"""State: reset the sandbox to its fixtures."""

from __future__ import annotations

from mock.clock import rfc3339
from mock.responses import Result, ok
from mock.sandbox import sandbox
from mock.store.tables import RESOURCE_TABLES


def reset_sandbox() -> Result:
    box = sandbox()
    box.reset()
    counts = {table.name: box.store.count(table) for table in RESOURCE_TABLES}
    return ok({"reset_at": rfc3339(box.clock.now()), "counts": counts})
