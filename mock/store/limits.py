"""Store methods for rate-limit counters and idempotency claims, safe across worker processes.

A mixin of `Store` (mock/store/store.py). Each write transaction starts with its write, so
on SQLite it holds the database's write lock (waiting up to busy_timeout for it) before it
reads anything back; on PostgreSQL the row lock does the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, and_, case, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from mock.store import tables


class LimitStore:
    engine: Engine

    def spend_request(self, api_key_id: str, now: float, window_seconds: int
                      ) -> tuple[int, float]:
        """Count one request of the key. Returns (requests counted in its window, the window's
        start). A window that has ended is replaced by one starting `now`."""
        try:
            return self._spend(api_key_id, now, window_seconds)
        except IntegrityError:
            # Another worker inserted this key's first row meanwhile; count on that row.
            return self._spend(api_key_id, now, window_seconds)

    def _spend(self, api_key_id: str, now: float, window_seconds: int) -> tuple[int, float]:
        t = tables.rate_limits
        ended = t.c.window_start + window_seconds <= now
        bump = (
            update(t)
            .where(t.c.api_key_id == api_key_id)
            .values(count=case((ended, 1), else_=t.c.count + 1),
                    window_start=case((ended, now), else_=t.c.window_start))
        )
        with self.engine.begin() as conn:
            if not conn.execute(bump).rowcount:
                conn.execute(insert(t).values(api_key_id=api_key_id, window_start=now, count=1))
            count, start = conn.execute(select(t.c.count, t.c.window_start)
                                        .where(t.c.api_key_id == api_key_id)).one()
        return int(count), float(start)

    def claim_idempotency(self, row: dict[str, Any], now: float, real_now: float) -> int | None:
        """Insert the claim `row` and return its seq, or None when a live row holds its
        (api_key_id, key). Expired rows, and running claims whose lease ran out, go first."""
        t = tables.idempotency_keys
        abandoned = and_(t.c.api_key_id == row["api_key_id"], t.c.key == row["key"],
                         t.c.state == "running", t.c.lease_until < real_now)
        try:
            with self.engine.begin() as conn:
                conn.execute(t.delete().where(or_(t.c.expires_at <= now, abandoned)))
                conn.execute(insert(t).values(**row))
                seq = conn.execute(select(t.c.seq).where(t.c.api_key_id == row["api_key_id"],
                                                         t.c.key == row["key"])).scalar_one()
        except IntegrityError:
            return None
        return int(seq)

    def idempotency_row(self, api_key_id: str, key: str) -> dict[str, Any] | None:
        t = tables.idempotency_keys
        with self.engine.connect() as conn:
            found = conn.execute(select(t).where(t.c.api_key_id == api_key_id, t.c.key == key)
                                 ).mappings().first()
        return dict(found) if found is not None else None

    def finish_idempotency(self, seq: int, status: int, headers: list[list[str]],
                           body: bytes) -> None:
        """Keep the answer of a claimed request, for replays."""
        t = tables.idempotency_keys
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.seq == seq)
                         .values(state="done", status=status, headers=headers, body=body))

    def release_idempotency(self, seq: int) -> None:
        """Drop a claim whose answer is not kept, so that the request may run again."""
        t = tables.idempotency_keys
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.seq == seq))
