"""The Store: every read and write of sandbox state, in portable SQLAlchemy Core.

One implementation serves SQLite (the default file) and PostgreSQL (by URL): it uses no
dialect-specific SQL. Swap the database by passing another URL, not another class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    Table,
    and_,
    create_engine,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from mock.store import tables
from mock.store.contacts import ContactStore
from mock.store.limits import LimitStore
from mock.store.tables import metadata


class Store(ContactStore, LimitStore):
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    def create(self) -> None:
        """Create missing tables; existing data is kept, so state survives restarts."""
        metadata.create_all(self.engine)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(tables.organizations)).scalar()

    def replace_all(self, rows: Mapping[Table, Iterable[dict[str, Any]]]) -> None:
        """Empty every table, then insert `rows`, in one transaction."""
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            for table, records in rows.items():
                records = list(records)
                if records:
                    conn.execute(insert(table), records)

    # Resources -------------------------------------------------------------------------

    def get(self, table: Table, resource_id: str, orgs: frozenset[str]) -> dict[str, Any] | None:
        """The resource's body, or None when it is unknown or outside `orgs`."""
        query = select(table.c.body).where(table.c.id == resource_id, table.c.org_id.in_(orgs))
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return dict(body) if body is not None else None

    def insert(self, table: Table, body: dict[str, Any], **columns: Any) -> None:
        """Store a new resource; `columns` are the indexed copies of its filter fields."""
        with self.engine.begin() as conn:
            conn.execute(insert(table).values(id=body["id"], org_id=body["org_id"], body=body,
                                              **columns))

    def replace(self, table: Table, body: dict[str, Any], **columns: Any) -> None:
        """Overwrite a resource's body (and the indexed columns given)."""
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == body["id"]).values(body=body,
                                                                               **columns))

    def delete(self, table: Table, resource_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(table.c.id == resource_id))

    def page(
        self,
        table: Table,
        orgs: Iterable[str],
        *,
        where: Mapping[str, Any],
        limit: int,
        after: int,
        newest_first: bool = False,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of bodies after position `after` (0: the start), and the last position
        if more remain. Positions are `seq` values, so pages stay stable under inserts."""
        query = select(table.c.seq, table.c.body).where(table.c.org_id.in_(list(orgs)))
        if newest_first:
            query = query.where(table.c.seq < after) if after else query
            query = query.order_by(table.c.seq.desc())
        else:
            query = query.where(table.c.seq > after).order_by(table.c.seq)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        query = query.limit(limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return [dict(r.body) for r in rows], (rows[-1].seq if more else None)

    def org_parents(self) -> dict[str, str | None]:
        """Every organization's parent, for computing which orgs a key can see."""
        t = tables.organizations
        with self.engine.connect() as conn:
            return {r.id: r.parent_id for r in conn.execute(select(t.c.id, t.c.parent_id))}

    # API keys --------------------------------------------------------------------------

    def api_keys_with_prefix(self, prefix: str) -> list[dict[str, Any]]:
        t = tables.api_keys
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.prefix == prefix)).mappings().all()
        return [dict(r) for r in rows]

    def api_key_page(self, org_id: str | None, *, limit: int, after: int
                     ) -> tuple[list[dict[str, Any]], int | None]:
        t = tables.api_keys
        query = select(t).where(t.c.seq > after).order_by(t.c.seq).limit(limit + 1)
        if org_id is not None:
            query = query.where(t.c.org_id == org_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        more = len(rows) > limit
        return rows[:limit], (rows[limit - 1]["seq"] if more else None)

    def insert_api_key(self, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(tables.api_keys).values(**row))

    def delete_api_key(self, key_id: str) -> bool:
        t = tables.api_keys
        with self.engine.begin() as conn:
            return bool(conn.execute(t.delete().where(t.c.id == key_id)).rowcount)

    def touch_api_key(self, key_id: str, used_at: str) -> None:
        t = tables.api_keys
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.id == key_id).values(last_used_at=used_at))

    def count(self, table: Table) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def connect(self) -> Connection:
        return self.engine.connect()

    # Media -----------------------------------------------------------------------------

    def insert_media(self, body: dict[str, Any], content: bytes | None, task: str,
                     due_at: datetime) -> None:
        """Store new media, its bytes if they came with it, and its processing task, at once."""
        with self.engine.begin() as conn:
            conn.execute(insert(tables.media).values(
                id=body["id"], org_id=body["org_id"], status=body["status"], body=body))
            if content is not None:
                conn.execute(insert(tables.media_files).values(media_id=body["id"],
                                                               content=content))
            self.add_task(task, due_at, {"media_id": body["id"]}, conn=conn)

    def media_body(self, media_id: str) -> dict[str, Any] | None:
        """Any organization's media, for the work that processes it."""
        t = tables.media
        with self.engine.connect() as conn:
            body = conn.execute(select(t.c.body).where(t.c.id == media_id)).scalar()
        return dict(body) if body is not None else None

    def finish_media(self, body: dict[str, Any], content: bytes | None) -> bool:
        """Save processed media (and the bytes it downloaded) unless it is no longer
        processing, e.g. deleted meanwhile. Says whether it was saved."""
        t = tables.media
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(t).where(t.c.id == body["id"], t.c.status == "processing")
                .values(status=body["status"], body=body)).rowcount
            if changed and content is not None:
                conn.execute(insert(tables.media_files).values(media_id=body["id"],
                                                               content=content))
        return bool(changed)

    def delete_media(self, media_id: str, blocking: Iterable[str]) -> bool:
        """Delete media and its bytes unless a project in a `blocking` status uses it.
        Says whether it was deleted."""
        projects = tables.projects
        with self.engine.begin() as conn:
            # media_ids is a JSON list; membership is tested here, portably, not in SQL.
            held = conn.execute(select(projects.c.media_ids)
                                .where(projects.c.status.in_(list(blocking)))).scalars()
            if any(media_id in (ids or []) for ids in held):
                return False
            conn.execute(tables.media_files.delete()
                         .where(tables.media_files.c.media_id == media_id))
            conn.execute(tables.media.delete().where(tables.media.c.id == media_id))
        return True

    # Clock -----------------------------------------------------------------------------

    def clock_state(self) -> tuple[datetime | None, float]:
        """(frozen_at, offset_seconds); (None, 0.0) when the clock was never changed."""
        t = tables.clock
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.frozen_at, t.c.offset_seconds)).first()
        if row is None:
            return None, 0.0
        frozen = datetime.fromtimestamp(row.frozen_at, UTC) if row.frozen_at is not None else None
        return frozen, row.offset_seconds

    def set_clock_state(self, frozen_at: datetime | None, offset_seconds: float) -> None:
        t = tables.clock
        values = {"frozen_at": frozen_at.timestamp() if frozen_at else None,
                  "offset_seconds": offset_seconds}
        with self.engine.begin() as conn:
            if not conn.execute(update(t).where(t.c.id == 1).values(**values)).rowcount:
                conn.execute(insert(t).values(id=1, **values))

    # Tasks -----------------------------------------------------------------------------

    def add_task(self, kind: str, due_at: datetime, payload: dict[str, Any],
                 conn: Connection | None = None) -> None:
        """Queue work; pass `conn` to queue it in the same transaction as the change it follows."""
        statement = insert(tables.tasks).values(
            kind=kind, due_at=due_at.timestamp(), payload=payload, state="pending")
        if conn is not None:
            conn.execute(statement)
            return
        with self.engine.begin() as own:
            own.execute(statement)

    def next_task(self, until: datetime, real_now: float) -> dict[str, Any] | None:
        """The earliest task due by `until` that nobody holds (or whose holder's lease ran out)."""
        t = tables.tasks
        query = (
            select(t)
            .where(t.c.due_at <= until.timestamp())
            .where(or_(t.c.state == "pending",
                       and_(t.c.state == "running", t.c.lease_until < real_now)))
            .order_by(t.c.due_at, t.c.seq)
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def tasks_running(self, until: datetime, real_now: float) -> bool:
        """Whether a task due by `until` is being run by a live holder right now."""
        t = tables.tasks
        query = select(t.c.seq).where(t.c.due_at <= until.timestamp(), t.c.state == "running",
                                      t.c.lease_until >= real_now).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def claim_task(self, task: dict[str, Any], lease_until: float) -> bool:
        """Take `task` unless another worker took it first (compare-and-set on its state)."""
        t = tables.tasks
        statement = (
            update(t)
            .where(t.c.seq == task["seq"], t.c.state == task["state"])
            .where(t.c.lease_until.is_(None) if task["lease_until"] is None
                   else t.c.lease_until == task["lease_until"])
            .values(state="running", lease_until=lease_until)
        )
        with self.engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def finish_task(self, seq: int, error: str | None = None) -> None:
        t = tables.tasks
        values = {"state": "failed", "error": error[:500]} if error else {"state": "done"}
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.seq == seq).values(**values))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside one writer; the timeout makes writers queue, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Every request writes (its rate-limit count); in WAL mode NORMAL skips the fsync per
    # commit and still never corrupts the file: a power cut may lose the last commits only.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
