"""Japanese by default, English on request: the console's shared texts and how a page's own texts
join them.

The language is chosen by ``?lang=ja|en`` (one page view), else the ``tenbin_lang`` cookie that
``/console/lang/{ja|en}`` sets, else Japanese — not the browser's Accept-Language: the users are
Japanese companies, and a screenshot or a colleague's screen should read the same as one's own.

Texts are looked up by key: first in the page's ``Page.messages`` (keys prefixed with its slug,
``costs.title``), then in ``COMMON`` below (navigation, login, buttons, units). Both languages must
hold the same keys (tests/console/test_i18n.py); a key missing at run time shows the key itself
rather than failing the page, so a gap is visible but harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web

log = logging.getLogger("tenbin.console")

LANGS = ("ja", "en")
DEFAULT = "ja"
COOKIE = "tenbin_lang"

Messages = Mapping[str, Mapping[str, str]]  # lang -> key -> text

COMMON: dict[str, dict[str, str]] = {
    "ja": {
        "app.name": "tenbin コンソール",
        "app.tagline": "AI ゲートウェイの費用・ルーティング・データ主権",
        "nav.overview": "概要",
        "nav.costs": "コスト",
        "nav.budgets": "予算",
        "nav.routing": "ルーティング",
        "nav.sovereignty": "データ主権",
        "nav.vendors": "ベンダーリスク",
        "nav.audit": "監査",
        "nav.requests": "リクエスト",
        "nav.keys": "API キー",
        "nav.label": "メニュー",
        "lang.ja": "日本語",
        "lang.en": "English",
        "lang.switch": "言語",
        "team.label": "チーム",
        "team.all": "全チーム",
        "team.apply": "表示",
        "team.yours": "チーム {team} のデータのみ表示しています",
        "who.signed_in": "{role}（{team}）としてログイン中 · キー {key_id}",
        "role.admin": "管理者",
        "role.team-admin": "チーム管理者",
        "role.viewer": "閲覧者",
        "logout": "ログアウト",
        "login.title": "ログイン",
        "login.lead": "tenbin の API キー（管理者・チーム管理者・閲覧者）でログインしてください。",
        "login.key": "API キー",
        "login.key_hint": "tb- で始まるキー。キーはこのブラウザーには保存されません。",
        "login.submit": "ログイン",
        "login.bad_key": "キーが正しくないか、失効しています。",
        "login.app_key": "このキーはアプリ用（role: app）で、モデルの呼び出しにしか使えません。"
                         "管理者・チーム管理者・閲覧者のキーでログインしてください。",
        "login.missing": "API キーを入力してください。",
        "login.ended": "セッションが終了しました（ログアウト、期限切れ、またはキーの失効）。"
                       "もう一度ログインしてください。",
        "login.logged_out": "ログアウトしました。",
        "login.unavailable": "キーを確認できませんでした（ストアに接続できません）。"
                             "しばらくしてから再試行してください。",
        "demo.banner": "デモデータ — `tenbin demo` が生成した架空のデータです。"
                       "実際の利用・費用・個人情報ではありません。",
        "error.title": "エラー",
        "error.back": "概要に戻る",
        "error.403": "このページまたは操作を行う権限がありません。",
        "error.404": "ページが見つかりません。",
        "error.500": "内部エラーが発生しました。リクエスト ID: {request_id}",
        "error.csrf": "フォームの有効期限が切れたか、別のサイトから送信されました。"
                      "ページを再読み込みしてからやり直してください。",
        "error.bad_request": "入力が正しくありません。",
        "flash.done": "完了しました。",
        "flash.secret": "新しいキー（この画面でのみ表示されます。今すぐ控えてください）:",
        "button.save": "保存",
        "button.create": "作成",
        "button.apply": "適用",
        "button.cancel": "キャンセル",
        "button.download": "ダウンロード",
        "placeholder.lead": "このページは準備中です。",
        "table.empty": "該当するデータはありません。",
        "table.total": "合計",
        "chart.table_hint": "グラフと同じ数値の表",
        "unit.requests": "件",
        "unit.ms": "ミリ秒",
        "unit.tokens": "トークン",
        "unit.jpy": "円",
        "time.today": "今日",
        "time.month": "今月",
        "time.as_of": "{time}（日本時間）時点",
    },
    "en": {
        "app.name": "tenbin console",
        "app.tagline": "Cost, routing and data sovereignty of your AI gateway",
        "nav.overview": "Overview",
        "nav.costs": "Costs",
        "nav.budgets": "Budgets",
        "nav.routing": "Routing",
        "nav.sovereignty": "Sovereignty",
        "nav.vendors": "Vendor risk",
        "nav.audit": "Audit",
        "nav.requests": "Requests",
        "nav.keys": "API keys",
        "nav.label": "Menu",
        "lang.ja": "日本語",
        "lang.en": "English",
        "lang.switch": "Language",
        "team.label": "Team",
        "team.all": "All teams",
        "team.apply": "Show",
        "team.yours": "Showing team {team}'s data only",
        "who.signed_in": "Signed in as {role} ({team}) · key {key_id}",
        "role.admin": "admin",
        "role.team-admin": "team admin",
        "role.viewer": "viewer",
        "logout": "Log out",
        "login.title": "Log in",
        "login.lead": "Log in with a tenbin API key (admin, team-admin or viewer).",
        "login.key": "API key",
        "login.key_hint": "A key starting with tb-. It is not stored in this browser.",
        "login.submit": "Log in",
        "login.bad_key": "This key is wrong or has been revoked.",
        "login.app_key": "This is an application key (role: app): it can only call models. "
                         "Log in with an admin, team-admin or viewer key.",
        "login.missing": "Enter an API key.",
        "login.ended": "Your session has ended (logged out, expired, or the key was revoked). Please log in again.",
        "login.logged_out": "You have logged out.",
        "login.unavailable": "The key could not be checked (the store is unavailable). Please retry shortly.",
        "demo.banner": "DEMO DATA — invented by `tenbin demo`. None of it is real usage, cost or personal data.",
        "error.title": "Error",
        "error.back": "Back to the overview",
        "error.403": "You may not see this page or do this action.",
        "error.404": "Page not found.",
        "error.500": "The console hit an internal error. Request id: {request_id}",
        "error.csrf": "This form has expired or was sent from another site. Reload the page and try again.",
        "error.bad_request": "The input is not valid.",
        "flash.done": "Done.",
        "flash.secret": "New key (shown only on this screen — copy it now):",
        "button.save": "Save",
        "button.create": "Create",
        "button.apply": "Apply",
        "button.cancel": "Cancel",
        "button.download": "Download",
        "placeholder.lead": "This page is being built.",
        "table.empty": "Nothing to show.",
        "table.total": "Total",
        "chart.table_hint": "The chart's figures as a table",
        "unit.requests": "requests",
        "unit.ms": "ms",
        "unit.tokens": "tokens",
        "unit.jpy": "JPY",
        "time.today": "Today",
        "time.month": "This month",
        "time.as_of": "As of {time} (Japan time)",
    },
}


def choose(request: web.Request) -> str:
    """The language of this page view: ``?lang=``, else the cookie, else Japanese."""
    for v in (request.query.get("lang"), request.cookies.get(COOKIE)):
        if v in LANGS:
            return v
    return DEFAULT


class Translator:
    """``t("costs.title")`` in a template; ``t("team.yours", team="demo-eng")`` fills ``{team}``."""

    def __init__(self, lang: str, page: Messages | None = None) -> None:
        self.lang = lang if lang in LANGS else DEFAULT
        self._page = (page or {}).get(self.lang, {})
        self._common = COMMON[self.lang]

    def has(self, key: str) -> bool:
        return key in self._page or key in self._common

    def __call__(self, key: str, **values: Any) -> str:
        text = self._page.get(key)
        if text is None:
            text = self._common.get(key)
        if text is None:
            log.warning("console: no %s text for %r", self.lang, key)
            return key
        if values:
            try:
                return text.format(**values)
            except (KeyError, IndexError, ValueError):
                log.warning("console: %s text %r does not take %s", self.lang, key, sorted(values))
        return text
