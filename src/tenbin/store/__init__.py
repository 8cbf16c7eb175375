"""Persistence behind one interface: SQLite by default, PostgreSQL for many replicas."""

from tenbin.store.base import KeyRecord, Store
from tenbin.store.factory import open_store

__all__ = ["KeyRecord", "Store", "open_store"]
