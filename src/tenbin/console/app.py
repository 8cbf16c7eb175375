"""The console's routes. One handler serves every page, so what a caller may see is decided in one
place, in this order, for every page and every action:

1. the session (``session.py``): no valid session → the login page; a forged, expired, ended or
   revoked one → the login page saying the session ended;
2. the role: ``governance.roles.require_console`` (``app`` keys never get a session), then the
   page's ``roles`` (and for a POST its ``action_roles``);
3. the team: ``governance.roles.read_scope(principal, ?team=)`` — the same function as the admin
   API, so a non-admin naming another team is refused (403), never silently shown its own;
4. for a POST, CSRF (``csrf.py``) before anything else is read or written;
5. ``page.view(ctx)`` (or the action) → ``templates/<page>.html`` with the page's texts.

Failures under ``/console`` are HTML pages in the user's language (``html_errors_middleware``),
not the OpenAI error JSON the API routes answer with.

Routes: ``GET /console`` (→ overview or login), ``GET|POST /console/login``, ``POST
/console/logout``, ``GET /console/lang/{ja|en}``, ``GET /console/static/...``, ``GET
/console/{slug}``, ``POST /console/{slug}/{action}``, ``GET /console/{slug}/download/{name}``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from tenbin.api.auth import Authenticator
from tenbin.api.edge import API_KEY_MAX
from tenbin.api.errors import Handler
from tenbin.api.ids import REQUEST_ID
from tenbin.api.refusals import REFUSALS
from tenbin.config.schema import Config
from tenbin.console import csrf, flash, i18n
from tenbin.console.page import Download, Flash, Page, PageContext
from tenbin.console.render import environment, html
from tenbin.console.session import COOKIE, ConsoleSecret, Session, Sessions, clear_cookie, set_cookie
from tenbin.context import Principal
from tenbin.errors import BadRequest, Forbidden, GatewayError, NotFound, Unauthorized
from tenbin.gateway.runtime import Runtime
from tenbin.governance.roles import read_scope
from tenbin.storable import flaw

log = logging.getLogger("tenbin.console")

PREFIX = "/console"
HOME = "/console/overview"
STATIC = Path(__file__).parent / "static"
RESERVED_SLUGS = frozenset({"login", "logout", "lang", "static"})
#: ``tenbin demo`` writes this file beside its store (``demo/run.py`` MARKER): pages then carry a
#: DEMO DATA banner, so a screenshot of invented figures is never mistaken for real ones.
DEMO_MARKER = "DEMO-DATA.txt"
FORM_VALUE_MAX = 10_000
# ?m= on the login page: only these fixed notices, so a link cannot put words on the login page
LOGIN_NOTICES = {"ended": "login.ended", "logged_out": "login.logged_out"}


def is_console_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def is_demo(cfg: Config) -> bool:
    """Is the store a ``tenbin demo`` store (its folder holds the demo's marker file)?"""
    if not cfg.store.startswith("sqlite:///"):
        return False
    return (Path(cfg.store.removeprefix("sqlite:///")).parent / DEMO_MARKER).is_file()


def safe_next(value: str | None) -> str:
    """Where to go after login or a language switch: a console path on this host, nothing else
    (an open redirect would let a link send a freshly logged-in user anywhere)."""
    if (value and value.startswith(PREFIX + "/") and "\\" not in value and "/.." not in value
            and value.isprintable() and not value.startswith(PREFIX + "/login")):
        return value
    return HOME


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"location": location, "cache-control": "no-store"})


class _LoginNeeded(Exception):
    def __init__(self, request: web.Request) -> None:
        ended = COOKIE in request.cookies  # it had a session that no longer holds
        q = {"m": "ended"} if ended else {}
        if request.method == "GET":
            q["next"] = request.path_qs
        self.response = _redirect(f"{PREFIX}/login" + (f"?{urlencode(q)}" if q else ""))
        if ended:
            clear_cookie(self.response, request)


async def _form(request: web.Request) -> dict[str, str]:
    """A form's fields (first value of each, files ignored), refused if a store could not hold them."""
    data = await request.post()
    out: dict[str, str] = {}
    for name, value in data.items():
        if not isinstance(value, str) or name in out:
            continue
        why = flaw(name) or flaw(value)
        if why is not None or len(value) > FORM_VALUE_MAX:
            raise BadRequest(f"Invalid form field '{name[:64]}'.", param=name[:64])
        out[name] = value
    return out


class Console:
    def __init__(self, runtime: Runtime, auth: Authenticator) -> None:
        self.rt = runtime
        self.auth = auth
        self.clock = runtime.gateway.clock
        self.secret = ConsoleSecret(runtime.store, self.clock)
        self.sessions = Sessions(runtime.keyring, self.secret, self.clock)
        self.env = environment()
        self.demo = is_demo(runtime.cfg)
        # imported here, not at module level: page modules use the admin API's helpers (api/edge),
        # and importing tenbin.api imports api/app, which imports this module
        from tenbin.console.pages import BY_SLUG, PAGES

        self.pages: tuple[Page, ...] = PAGES
        self.by_slug: Mapping[str, Page] = BY_SLUG
        # every page's texts in one table (their keys carry the page's slug, so they cannot
        # collide): the navigation shows other pages' titles, which may be their own keys
        self.messages: dict[str, dict[str, str]] = {lg: {} for lg in i18n.LANGS}
        for p in self.pages:
            for lg, texts in p.messages.items():
                self.messages.setdefault(lg, {}).update(texts)
        clash = RESERVED_SLUGS & set(self.by_slug)
        if clash:
            raise ValueError(f"console pages may not use the reserved slugs {sorted(clash)}")

    # ---- rendering ------------------------------------------------------------------------------
    def render(self, request: web.Request, template: str, *, lang: str, page: Page | None = None,
               session: Session | None = None, scope: str | None = None, teams: list[str] | None = None,
               flash_: Flash | None = None, data: Mapping[str, Any] | None = None, status: int = 200,
               message: str | None = None, **extra: Any) -> web.Response:
        """``extra``: the names the login and error pages add (``error``, ``notice``, ``next``,
        ``detail``); a page's own data comes as ``data``, its view's dict."""
        principal = session.principal if session is not None else None
        tr = i18n.Translator(lang, self.messages)
        query = dict(request.query)
        plain = {k: v for k, v in query.items() if k != "lang"}
        here = request.path + (f"?{urlencode(plain)}" if plain else "")
        ctx: dict[str, Any] = dict(data or {})  # the console's own names (render.RESERVED) win
        ctx.update(
            t=tr, lang=tr.lang, page=page, principal=principal, scope=scope, teams=teams or [],
            pages=[p for p in self.pages if principal is not None and principal.role in p.roles],
            csrf=session.csrf if session is not None else "", demo=self.demo, now=self.clock.now(),
            query=query, view=dict(data or {}), request_path=request.path,
            flash=self._shown(tr, flash_),
            lang_url={lg: f"{PREFIX}/lang/{lg}?next={quote(here, safe='')}" for lg in i18n.LANGS},
            status=status, message=message, **extra)
        return html(self.env.get_template(template).render(ctx), status=status)

    @staticmethod
    def _shown(tr: i18n.Translator, f: Flash | None) -> Flash | None:
        if f is None:
            return None
        return Flash(tr(f.message) if tr.has(f.message) else f.message, f.ok, f.secret)

    def error_page(self, request: web.Request, status: int, message_key: str, detail: str | None = None,
                   **values: Any) -> web.Response:
        tr = i18n.Translator(i18n.choose(request), self.messages)
        return self.render(request, "error.html", lang=tr.lang, status=status,
                           message=tr(message_key, **values), detail=detail)

    # ---- the session and the page context ------------------------------------------------------
    async def _session(self, request: web.Request) -> Session:
        s = await self.sessions.current(request)
        if s is None:
            raise _LoginNeeded(request)
        return s

    def _page(self, request: web.Request) -> Page:
        page = self.by_slug.get(request.match_info["slug"])
        if page is None:
            raise NotFound("No such console page.", code="not_found")
        return page

    async def _context(self, request: web.Request, page: Page, session: Session) -> PageContext:
        p = session.principal
        if p.role not in page.roles:
            raise Forbidden(f"The {page.slug} page is not shown to {p.role} keys.", code="insufficient_role")
        scope = read_scope(p, request.query.get("team") or None)
        return PageContext(rt=self.rt, principal=p, scope=scope, lang=i18n.choose(request),
                           query=dict(request.query), now=self.clock.now(), csrf=session.csrf)

    async def _teams(self, p: Principal, scope: str | None) -> list[str]:
        """The teams an admin can narrow the view to: every team that has a key, and the one in
        the address (so the picker shows what the page shows)."""
        if p.role != "admin":
            return []
        return sorted({k.team for k in await self.rt.store.list_keys(None)} | ({scope} if scope else set()))

    async def _show(self, request: web.Request, page: Page, session: Session, ctx: PageContext,
                    shown: Flash | None, status: int = 200) -> web.Response:
        data = await page.view(ctx)
        teams = await self._teams(session.principal, ctx.scope)
        return self.render(request, page.template, lang=ctx.lang, page=page, session=session, scope=ctx.scope,
                           teams=teams, flash_=shown, data=data, status=status)

    # ---- handlers -------------------------------------------------------------------------------
    async def root(self, request: web.Request) -> web.Response:
        s = await self.sessions.current(request)
        return _redirect(HOME if s is not None else f"{PREFIX}/login")

    async def login_form(self, request: web.Request) -> web.Response:
        if await self.sessions.current(request) is not None:
            return _redirect(safe_next(request.query.get("next")))
        notice = LOGIN_NOTICES.get(request.query.get("m", ""))
        return self._login_page(request, notice=notice)

    def _login_page(self, request: web.Request, *, error: str | None = None, notice: str | None = None,
                    status: int = 200) -> web.Response:
        lang = i18n.choose(request)
        tr = i18n.Translator(lang, self.messages)
        resp = self.render(request, "login.html", lang=lang, status=status,
                           error=tr(error) if error else None, notice=tr(notice) if notice else None,
                           next=safe_next(request.query.get("next")))
        if notice == "login.ended":
            clear_cookie(resp, request)
        return resp

    async def login(self, request: web.Request) -> web.Response:
        csrf.check_origin(request)  # no session yet, so no token: the origin is the check
        form = await _form(request)
        key = form.get("key", "").strip()
        if not key:
            return self._login_page(request, error="login.missing", status=400)
        try:
            if len(key) > API_KEY_MAX:
                raise Unauthorized("Incorrect API key provided.")
            token, session = await self.sessions.login(key)
        except (Unauthorized, Forbidden) as e:
            self._record_refusal(request, e)
            app_key = isinstance(e, Forbidden)
            return self._login_page(request, error="login.app_key" if app_key else "login.bad_key",
                                    status=403 if app_key else 401)
        except GatewayError as e:
            if e.status != 503:
                raise
            return self._login_page(request, error="login.unavailable", status=503)
        resp = _redirect(safe_next(request.query.get("next") or form.get("next")))
        set_cookie(resp, request, token, self.sessions.ttl_s)
        self._audit(session.principal, "console.login")
        return resp

    def _record_refusal(self, request: web.Request, err: GatewayError) -> None:
        """A refused console login is recorded like a refused API call (api/refusals.py: one ledger
        row and audit entry each, bounded per minute)."""
        refusals = request.app.get(REFUSALS)
        if refusals is not None:
            refusals.record(request, err if isinstance(err, Unauthorized) else Unauthorized(err.message),
                            request.get(REQUEST_ID))

    def _audit(self, p: Principal, action: str) -> None:
        if self.rt.audit is not None:
            self.rt.audit.admin(p, action, target=p.key_id, team=p.team, detail={"role": p.role})

    async def logout(self, request: web.Request) -> web.Response:
        session = await self.sessions.current(request)
        if session is None:
            resp = _redirect(f"{PREFIX}/login")
            clear_cookie(resp, request)
            return resp
        csrf.check(request, await _form(request), session.csrf)
        await self.sessions.end(session)
        self._audit(session.principal, "console.logout")
        resp = _redirect(f"{PREFIX}/login?m=logged_out")
        clear_cookie(resp, request)
        return resp

    async def set_lang(self, request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        if lang not in i18n.LANGS:
            raise NotFound("No such language.", code="not_found")
        resp = _redirect(safe_next(request.query.get("next")))
        resp.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, path=PREFIX, samesite="Strict",
                        secure=request.secure, httponly=True)
        return resp

    async def page(self, request: web.Request) -> web.Response:
        page = self._page(request)
        session = await self._session(request)
        ctx = await self._context(request, page, session)
        shown = await flash.take(request, self.secret)
        resp = await self._show(request, page, session, ctx, shown)
        flash.clear(request, resp)
        return resp

    async def action(self, request: web.Request) -> web.Response:
        page = self._page(request)
        session = await self._session(request)
        form = await _form(request)
        csrf.check(request, form, session.csrf)  # before the action is even looked up
        ctx = await self._context(request, page, session)
        act = page.actions.get(request.match_info["action"])
        if act is None:
            raise NotFound("No such action.", code="not_found")
        if session.principal.role not in page.action_roles:
            raise Forbidden(f"{session.principal.role} keys cannot change anything on the {page.slug} page.",
                            code="insufficient_role")
        back = f"{PREFIX}/{page.slug}" + (f"?{request.query_string}" if request.query_string else "")
        try:
            result = await act(ctx, form)
        except GatewayError as e:
            if e.status in (401, 403) or e.status >= 500:
                raise
            result = Flash(e.message, ok=False)
        if result.secret is not None:  # shown once, in this response, never in a cookie
            return await self._show(request, page, session, ctx, result)
        resp = _redirect(back)
        await flash.put(resp, request, self.secret, result)
        return resp

    async def download(self, request: web.Request) -> web.Response:
        page = self._page(request)
        session = await self._session(request)
        ctx = await self._context(request, page, session)
        make = page.downloads.get(request.match_info["name"])
        if make is None:
            raise NotFound("No such download.", code="not_found")
        f = await make(ctx)
        if not isinstance(f, Download):  # (filename, content type, body), as a page may return it
            f = Download(*f)
        return web.Response(body=f.body, headers={
            "content-type": f.content_type, "cache-control": "no-store", "x-content-type-options": "nosniff",
            "content-disposition": f"attachment; filename*=UTF-8''{quote(f.filename, safe='')}"})

    async def not_found(self, request: web.Request) -> web.Response:
        raise NotFound("No such console page.", code="not_found")


CONSOLE = web.AppKey("console", Console)


@web.middleware
async def html_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Under ``/console``, failures are pages a person can read (in their language), not JSON."""
    if not is_console_path(request.path):  # the API's requests: one string test, nothing else
        return await handler(request)
    console = request.app.get(CONSOLE)
    if console is None:
        return await handler(request)
    try:
        return await handler(request)
    except _LoginNeeded as e:
        return e.response
    except csrf.CsrfRefused as e:
        return console.error_page(request, 403, "error.csrf", e.message)
    except GatewayError as e:
        key = {403: "error.403", 404: "error.404"}.get(e.status, "error.bad_request" if e.status < 500 else "")
        if not key:
            return console.error_page(request, e.status, "error.500", e.message,
                                      request_id=request.get(REQUEST_ID, "-"))
        return console.error_page(request, e.status, key, e.message if e.status != 404 else None)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        key = {403: "error.403", 404: "error.404"}.get(e.status, "error.bad_request")
        return console.error_page(request, e.status, key, e.reason if e.status not in (403, 404) else None)
    except ConnectionResetError:
        raise
    except Exception:
        log.exception("console error on %s %s", request.method, request.path)
        return console.error_page(request, 500, "error.500", request_id=request.get(REQUEST_ID, "-"))


async def to_console(request: web.Request) -> web.Response:
    """``/`` and ``/ui`` are where people type first; the console's session cookie lives under
    ``/console`` only, so these just send the browser there."""
    return _redirect(PREFIX)


def add_console_routes(app: web.Application, runtime: Runtime, auth: Authenticator) -> None:
    console = app[CONSOLE] = Console(runtime, auth)
    r = app.router
    r.add_get("/", to_console)
    r.add_get("/ui", to_console)
    r.add_get(PREFIX, console.root)
    r.add_get(PREFIX + "/", console.root)
    r.add_get(PREFIX + "/login", console.login_form)
    r.add_post(PREFIX + "/login", console.login)
    r.add_post(PREFIX + "/logout", console.logout)
    r.add_get(PREFIX + "/lang/{lang}", console.set_lang)
    r.add_static(PREFIX + "/static", STATIC, append_version=False)
    r.add_get(PREFIX + "/{slug}", console.page)
    r.add_post(PREFIX + "/{slug}/{action}", console.action)
    r.add_get(PREFIX + "/{slug}/download/{name}", console.download)
    r.add_route("*", PREFIX + "/{tail:.*}", console.not_found)
