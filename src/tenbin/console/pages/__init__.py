"""The console's pages, in the order of the navigation. A page is one module here defining
``PAGE`` (``console/page.py``) and one template under ``console/templates/``."""

from __future__ import annotations

from tenbin.console.page import Page
from tenbin.console.pages import audit, budgets, costs, keys, overview, requests, routing, sovereignty, vendors

PAGES: tuple[Page, ...] = tuple(m.PAGE for m in (
    overview, costs, budgets, routing, sovereignty, vendors, audit, requests, keys))
BY_SLUG: dict[str, Page] = {p.slug: p for p in PAGES}
