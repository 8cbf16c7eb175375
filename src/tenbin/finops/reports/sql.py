"""The few SQL fragments reports share, portable across SQLite and PostgreSQL."""

from __future__ import annotations

TOKYO_OFFSET_S = 9 * 3600  # Japan has no daylight saving time, so a fixed offset is exact


def tokyo_day_expr(dialect: str) -> str:
    """Days since 1970-01-01 on the Tokyo calendar (truncating division: PostgreSQL CAST rounds)."""
    if dialect == "postgresql":
        return f"CAST(FLOOR((ts_start + {TOKYO_OFFSET_S}) / 86400) AS BIGINT)"
    return f"CAST((ts_start + {TOKYO_OFFSET_S}) / 86400 AS INTEGER)"
