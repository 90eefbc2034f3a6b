"""State: SQLAlchemy Core tables and the one Store that reads and writes them."""

from mock.store.store import Store

__all__ = ["Store"]
