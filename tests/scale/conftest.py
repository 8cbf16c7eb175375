from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import pytest

from tests.scale.services import PG_BASE, delete_prefix, new_prefix, new_schema, pg_url, require


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema in the shared test database, dropped afterwards."""
    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    yield schema

    async def drop() -> None:
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()

    asyncio.run(drop())


@pytest.fixture
def pg(pg_schema: str) -> str:
    return pg_url(pg_schema)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the shared Redis; its keys are deleted afterwards."""
    require("Redis", "127.0.0.1", 6379)
    prefix = new_prefix()
    yield prefix
    delete_prefix(prefix)
