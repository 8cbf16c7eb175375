"""Three weeks of synthetic traffic for ``tenbin demo``: who asks what, when.

Pure data and a deterministic generator (a seeded ``random.Random``), so the same ``--seed`` and
end time give the same requests. Every team and project is named ``demo-…`` and every person,
phone number and customer in the prompts is invented; nothing here is, or looks like, real data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

#: (team, project): the app key each team's traffic is sent with.
TEAMS = {
    "demo-sales": "demo-crm",
    "demo-support": "demo-helpdesk",
    "demo-eng": "demo-platform",
    "demo-web": "demo-website",
    "demo-legal": "demo-contracts",
}

_NAMES = ("山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "田中健太", "伊藤由美")
_PRODUCTS = ("会計クラウド", "勤怠アプリ", "在庫管理SaaS", "請求書サービス")


def _phone(r: random.Random) -> str:
    return f"090-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}"


def _support(r: random.Random) -> str:
    name, product = r.choice(_NAMES), r.choice(_PRODUCTS)
    return r.choice((
        f"{name}様（電話 {_phone(r)}）から{product}のログインができないとの問い合わせです。"
        "丁寧な返信を書いてください。",
        f"{name}様 {_phone(r)} より請求金額の誤りについて苦情がありました。"
        "お詫びと今後の対応を伝える返信文を作成してください。",
        f"Draft a polite reply to {r.choice(('John Smith', 'Emily Brown'))} (phone {_phone(r)}) "
        f"whose {product} export fails.",
    ))


def _sales_mail(r: random.Random) -> str:
    return (f"株式会社サンプル商事の{r.choice(_NAMES)}様（{_phone(r)}）へ、{r.choice(_PRODUCTS)}の"
            "見積送付のメールを書いてください。")


def _nippo(r: random.Random) -> str:
    return r.choice(("本日の日報を要約してください。作業: 見積作成、顧客訪問二件、社内会議。",
                     "今週の週報を三行でまとめてください。新規商談三件、既存顧客の追加発注一件。",
                     "この稟議の論点を整理してください。購入品はノートPC十台、予算は二百万円です。"))


def _question(r: random.Random) -> str:
    return r.choice(("来週の会議の議題を三つ挙げてください。", "社内勉強会の案内文を短く書いてください。",
                     "Summarise the pros and cons of a four-day work week in three bullet points.",
                     "分散システムにおける合意アルゴリズムの設計上のトレードオフを、障害モデルごとに詳しく比較し、"
                     "実装上の注意点と検証方法まで論じてください。"))


def _code(r: random.Random) -> str:
    return r.choice(("この関数の例外処理をレビューしてください: def f(x): return 1/x",
                     "Review this SQL for injection risks: query = 'SELECT * FROM t WHERE id=' + user_id",
                     "このPythonのループを高速化する方法を教えてください: for i in range(len(a)): s += a[i]"))


def _research(r: random.Random) -> str:
    return r.choice(("生成AIの社内利用ガイドラインに含めるべき項目を挙げてください。",
                     "Compare vector databases for a 10M-document internal search, briefly."))


def _chatbot(r: random.Random) -> str:
    return r.choice(("営業時間を教えてください。", "返品の方法を知りたいです。", "Do you ship to Osaka?"))


def _confidential(r: random.Random) -> str:
    return r.choice(("社外秘: 来期の価格改定案を要約してください。値上げ幅は平均八パーセントを予定。",
                     "極秘 — 買収候補三社の比較メモを一段落にまとめてください。"))


@dataclass(frozen=True)
class Call:
    """One request of the demo: when, from which team, and what it sends."""

    at: dt.datetime
    team: str
    text: str
    use_case: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    system: str | None = None
    model: str = "tenbin/auto"
    stream: bool = False


# What the teams' apps send before the user's text, as real apps do (and pay for on every call).
SUPPORT_GUIDE = ("あなたはデモ株式会社のカスタマーサポート担当です。返信は敬語で、最初にお詫びか感謝を述べ、"
                 "原因が分かっている場合は簡潔に説明し、次に取るべき手順を番号付きで示してください。"
                 "返金や補償の約束はせず、必要な場合は担当部署から連絡すると伝えてください。"
                 "署名は「デモ株式会社 サポートセンター」とし、社内の事情や担当者の個人名は書かないでください。" * 3)
SALES_GUIDE = ("あなたはデモ株式会社の営業アシスタントです。取引先へのメールは丁寧な敬語で、件名、宛名、"
               "本文、署名の順に書き、見積の有効期限は発行日から三十日と明記してください。" * 2)
CODE_GUIDE = ("You are a senior reviewer at a demo company. Point out correctness bugs first, then security "
              "issues, then readability. Quote the line you mean, suggest a concrete fix, and keep each "
              "comment under three sentences. Do not rewrite the whole file. " * 4)

# (team, use case, prompt maker, tags, system prompt, requests on a weekday)
_MIX: tuple[tuple[str, str | None, Callable[[random.Random], str], dict[str, str], str | None, int], ...] = (
    ("demo-sales", None, _nippo, {}, None, 8),
    ("demo-sales", "sales-mail", _sales_mail, {}, SALES_GUIDE, 8),
    ("demo-sales", None, _question, {}, None, 4),
    ("demo-support", "support", _support, {}, SUPPORT_GUIDE, 18),
    ("demo-eng", "code-review", _code, {}, CODE_GUIDE, 10),
    ("demo-eng", "research", _research, {}, None, 4),
    ("demo-web", None, _chatbot, {"channel": "public-chatbot"}, None, 8),
    ("demo-legal", None, _confidential, {}, None, 4),
)


@dataclass(frozen=True)
class Plan:
    calls: list[Call]
    storm: tuple[dt.datetime, dt.datetime]  # the hour the foreign frontier vendor fails


def plan(end: dt.datetime, days: int = 21, seed: int = 15) -> Plan:
    """The demo's requests over the ``days`` Tokyo days up to ``end``, in time order.

    Weekdays carry the office mix (9:00–19:00 JST), weekends a fifth of it. On a weekday about a
    week before ``end`` the Anthropic-like vendor is down for an hour with extra support traffic in
    it (the fallback storm); once a week a visitor pastes a 社外秘 memo into the public chatbot.
    """
    r = random.Random(seed)
    today = end.astimezone(TOKYO).date()
    first = today - dt.timedelta(days=days - 1)
    storm_day = next(d for d in (today - dt.timedelta(days=n) for n in range(7, 14)) if d.weekday() < 5)
    storm_start = dt.datetime.combine(storm_day, dt.time(10, 0), TOKYO)
    storm = (storm_start, storm_start + dt.timedelta(hours=1))
    calls: list[Call] = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        weekday = day.weekday() < 5
        for team, use_case, make, tags, system, per_day in _MIX:
            count = per_day if weekday else int(r.random() < per_day / 5)
            for _ in range(count):
                at = dt.datetime.combine(day, dt.time(9), TOKYO) + dt.timedelta(seconds=r.randint(0, 10 * 3600))
                calls.append(Call(at, team, make(r), use_case, dict(tags), system, stream=r.random() < 0.25))
        if day.weekday() == 2:  # Wednesdays: the confidential paste the chatbot rule must block
            at = dt.datetime.combine(day, dt.time(15, r.randint(0, 59)), TOKYO)
            calls.append(Call(at, "demo-web", _confidential(r), None, {"channel": "public-chatbot"}))
        if day == storm_day:
            for i in range(30):
                at = storm_start + dt.timedelta(seconds=120 * i + r.randint(0, 50))
                calls.append(Call(at, "demo-support", _support(r), "support", system=SUPPORT_GUIDE, stream=i % 3 == 0))
    calls = [c for c in calls if c.at < end]
    calls.sort(key=lambda c: c.at)
    return Plan(_distinct_times(calls), storm)


def _distinct_times(calls: list[Call]) -> list[Call]:
    """At least a second between requests, so the stepped clock always moves forward."""
    out: list[Call] = []
    for c in calls:
        if out and c.at <= out[-1].at:
            c = dataclasses.replace(c, at=out[-1].at + dt.timedelta(seconds=1))
        out.append(c)
    return out
