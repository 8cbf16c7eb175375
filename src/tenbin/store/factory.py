"""Pick the store implementation from the configured URL."""

from __future__ import annotations

from tenbin.store.base import Store


def open_store(url: str) -> Store:
    if url.startswith("sqlite:///"):
        from tenbin.store.sqlite import SQLiteStore

        return SQLiteStore(url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from tenbin.store.postgres import PostgresStore  # type: ignore[import-not-found,unused-ignore]
        except ImportError as e:
            raise RuntimeError(
                "store is postgresql:// but the PostgreSQL backend is not installed: pip install 'tenbin[postgres]'"
            ) from e
        store: Store = PostgresStore(url)
        return store
    raise ValueError(f"unsupported store URL: {url}")
