"""The routing page (placeholder until its module is written)."""

from __future__ import annotations

from typing import Any

from tenbin.console.page import Page, PageContext


async def view(ctx: PageContext) -> dict[str, Any]:
    return {}


PAGE = Page(slug="routing", title="nav.routing", template="placeholder.html", view=view)
