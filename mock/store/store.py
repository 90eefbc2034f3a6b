"""The Store: every read and write of sandbox state, in portable SQLAlchemy Core.

One implementation serves SQLite (the default file) and PostgreSQL (by URL): it uses no
dialect-specific SQL. Swap the database by passing another URL, not another class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, func, insert, select
from sqlalchemy.engine import Connection

from mock.store import tables
from mock.store.tables import metadata


class Store:
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

    def page(
        self,
        table: Table,
        orgs: Iterable[str],
        *,
        where: Mapping[str, Any],
        limit: int,
        after: int,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of bodies in creation order after `seq`, and the last seq if more remain."""
        query = select(table.c.seq, table.c.body).where(
            table.c.org_id.in_(list(orgs)), table.c.seq > after
        )
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        query = query.order_by(table.c.seq).limit(limit + 1)
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

    def connect(self) -> Connection:
        return self.engine.connect()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside one writer; the timeout makes writers queue, not fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
