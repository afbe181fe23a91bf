"""The SQL store of corpus runs (SQLite by default, PostgreSQL by URL); its statistics are
`propwatch.statistics`."""

from propwatch.record import ArticleMeta
from propwatch.store.database import DEFAULT_URL, Store, open_store

__all__ = ["DEFAULT_URL", "ArticleMeta", "Store", "open_store"]
