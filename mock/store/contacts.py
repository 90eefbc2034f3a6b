"""Store methods for contact lists' contents: contacts, import and LRN jobs, usage, secrets.

A mixin of `Store` (mock/store/store.py), kept apart so that each file stays small. Methods
that take `conn` run inside the caller's `transaction()`, so several writes land together.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Engine, Table, bindparam, exists, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from mock.store import tables


class ContactStore:
    engine: Engine

    def transaction(self) -> AbstractContextManager[Connection]:
        return self.engine.begin()

    def row(self, table: Table, resource_id: str,
            conn: Connection | None = None) -> dict[str, Any] | None:
        """The whole row (body and columns) of any organization's resource, for job work."""
        query = select(table).where(table.c.id == resource_id)
        if conn is not None:
            found = conn.execute(query).mappings().first()
        else:
            with self.engine.connect() as own:
                found = own.execute(query).mappings().first()
        return dict(found) if found is not None else None

    def add(self, conn: Connection, table: Table, body: dict[str, Any], org_id: str,
            **columns: Any) -> None:
        conn.execute(insert(table).values(id=body["id"], org_id=org_id, body=body, **columns))

    def save(self, conn: Connection, table: Table, body: dict[str, Any], **columns: Any) -> None:
        conn.execute(update(table).where(table.c.id == body["id"]).values(body=body, **columns))

    # Contacts --------------------------------------------------------------------------

    def contact_phones(self, contact_list_id: str) -> set[str]:
        t = tables.contacts
        with self.engine.connect() as conn:
            found = conn.execute(select(t.c.phone).where(t.c.contact_list_id == contact_list_id))
            return set(found.scalars())

    def add_contacts(self, conn: Connection, org_id: str,
                     bodies: Iterable[dict[str, Any]]) -> None:
        rows = [{"id": b["id"], "org_id": org_id, "contact_list_id": b["contact_list_id"],
                 "phone": b["phone"], "line_type": b["line_type"], "body": b} for b in bodies]
        if rows:
            conn.execute(insert(tables.contacts), rows)

    def last_contact_seq(self, contact_list_id: str) -> int:
        t = tables.contacts
        with self.engine.connect() as conn:
            last = conn.execute(select(func.max(t.c.seq))
                                .where(t.c.contact_list_id == contact_list_id)).scalar()
        return int(last or 0)

    def contacts_up_to(self, contact_list_id: str, last_seq: int) -> list[tuple[str, str]]:
        """(id, phone) of the list's contacts up to position `last_seq`, in import order."""
        t = tables.contacts
        query = (select(t.c.id, t.c.phone)
                 .where(t.c.contact_list_id == contact_list_id, t.c.seq <= last_seq)
                 .order_by(t.c.seq))
        with self.engine.connect() as conn:
            return [(r.id, r.phone) for r in conn.execute(query)]

    def set_line_types(self, conn: Connection, line_types: Mapping[str, str]) -> None:
        """Set each contact's `line_type` (column and body) by contact id."""
        t = tables.contacts
        ids = list(line_types)
        changed = []
        for start in range(0, len(ids), 500):  # bounded IN lists
            chunk = ids[start:start + 500]
            for row in conn.execute(select(t.c.id, t.c.body).where(t.c.id.in_(chunk))):
                body = {**row.body, "line_type": line_types[row.id]}
                changed.append({"key": row.id, "lt": body["line_type"], "new": body})
        if changed:
            conn.execute(update(t).where(t.c.id == bindparam("key"))
                         .values(line_type=bindparam("lt"), body=bindparam("new")), changed)

    # Jobs ------------------------------------------------------------------------------

    def add_job(self, conn: Connection, table: Table, body: dict[str, Any], org_id: str,
                **columns: Any) -> None:
        """Insert a pending job; `JobBusy` when one of its kind is active for the list (the
        caller's transaction then rolls back)."""
        try:
            self.add(conn, table, body, org_id, contact_list_id=body["contact_list_id"],
                     status=body["status"], active_list_id=body["contact_list_id"], **columns)
        except IntegrityError as exc:
            raise JobBusy(body["contact_list_id"]) from exc

    def job_active(self, conn: Connection, table: Table, contact_list_id: str) -> bool:
        """Whether a job of `table`'s kind is pending or processing for the list."""
        return _job_active(conn, table, contact_list_id)

    def delete_contact_list(self, contact_list_id: str, blocking: Iterable[str]) -> str | None:
        """Delete the list with its contacts and jobs, unless something holds it: then
        nothing is deleted and the answer names the holder (`job` or `project`)."""
        try:
            with self.engine.begin() as conn:
                # Deleting first takes the write lock, so the checks below see the latest state.
                lists = tables.contact_lists
                conn.execute(lists.delete().where(lists.c.id == contact_list_id))
                _raise_if_held(conn, contact_list_id, blocking)
                for child in (tables.contacts, tables.contact_imports, tables.lrn_analyses):
                    conn.execute(child.delete().where(child.c.contact_list_id == contact_list_id))
        except _Held as held:
            return held.holder
        return None

    # Usage and secrets -----------------------------------------------------------------

    def add_usage(self, conn: Connection, **record: Any) -> None:
        conn.execute(insert(tables.usage_records).values(**record))

    def usage(self, kind: str) -> list[dict[str, Any]]:
        t = tables.usage_records
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.kind == kind).order_by(t.c.seq)).mappings()
            return [dict(r) for r in rows]

    def secret(self, name: str) -> str:
        """The sandbox's secret `name`, made on first use; every worker gets the same one."""
        t = tables.sandbox_secrets
        query = select(t.c.value).where(t.c.name == name)
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        if value is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(t).values(name=name, value=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another worker made it first; use theirs
            with self.engine.connect() as conn:
                value = conn.execute(query).scalar_one()
        return str(value)


class JobBusy(Exception):
    """A job of the same kind is already pending or processing for the contact list."""


class _Held(Exception):
    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def _raise_if_held(conn: Connection, contact_list_id: str, blocking: Iterable[str]) -> None:
    if any(_job_active(conn, job, contact_list_id)
           for job in (tables.contact_imports, tables.lrn_analyses)):
        raise _Held("job")
    p = tables.projects
    if conn.execute(select(exists().where(p.c.contact_list_id == contact_list_id,
                                          p.c.status.in_(list(blocking))))).scalar():
        raise _Held("project")


def _job_active(conn: Connection, table: Table, contact_list_id: str) -> bool:
    query = select(exists().where(table.c.active_list_id == contact_list_id))
    return bool(conn.execute(query).scalar())
