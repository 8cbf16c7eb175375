"""What a console page is: a slug, a title, a template and an async function that reads the data
the template shows, plus the form actions the page offers. ``pages/__init__.py`` lists them in the
order of the navigation; ``app.py`` serves them all through one handler, so authentication, the
role check, the team scope and CSRF are decided in one place and never per page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tenbin.context import Principal
from tenbin.gateway.runtime import Runtime


@dataclass(frozen=True)
class PageContext:
    """Everything a page's view may read. ``scope`` is the team the caller may see (``None``: all
    teams — admins only), already checked by ``governance.roles.read_scope``; a view filters by it
    and never by anything the browser sent."""

    rt: Runtime
    principal: Principal
    scope: str | None
    lang: str  # "ja" | "en"
    query: Mapping[str, str]
    now: dt.datetime  # from the runtime's clock (tests pin it)
    csrf: str  # the session's token, for the forms a template renders


#: A form action: reads the submitted fields, does the write (through the same service the admin
#: API calls, so it is audited the same way) and returns a message key for the flash line shown
#: after the redirect back to the page. Raising ``tenbin.errors`` types shows their message.
Action = Callable[[PageContext, Mapping[str, str]], Awaitable["Flash"]]


@dataclass(frozen=True)
class Flash:
    message: str  # already translated text, or a message key the page's MESSAGES define
    ok: bool = True
    secret: str | None = None  # a key shown once (create / rotate), never stored in the session


@dataclass(frozen=True)
class Download:
    """A file a page offers at ``GET /console/<slug>/download/<name>`` (CSV, FOCUS …), built from
    the same context as the page, so it holds exactly what the page's role and scope may see."""

    filename: str
    content_type: str  # e.g. "text/csv; charset=utf-8"
    body: bytes


Downloader = Callable[[PageContext], Awaitable[Download]]


@dataclass(frozen=True)
class Page:
    slug: str  # /console/<slug>
    title: str  # message key of the page's title in the navigation
    template: str  # file under console/templates/
    view: Callable[[PageContext], Awaitable[dict[str, Any]]]
    actions: Mapping[str, Action] = field(default_factory=dict)  # POST /console/<slug>/<name>
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # lang -> key -> text
    roles: frozenset[str] = frozenset({"admin", "team-admin", "viewer"})  # who sees it in the nav
    downloads: Mapping[str, Downloader] = field(default_factory=dict)  # GET /console/<slug>/download/<name>
    # Who may POST this page's actions at all (checked before the action, which still does its own
    # checks through the admin services). Viewers read; a page whose action only reads (a what-if
    # simulation) may add "viewer".
    action_roles: frozenset[str] = frozenset({"admin", "team-admin"})
