"""The request every point of the overhead bench sends: issue 16's reference size by default.

Issue 16 measured with "a 1,076-byte request body with a 292-character Japanese prompt" and asks
for that body as the bench's default. Until 2026-12-06 ``post.lua`` and the TTFT client sent a
17-character prompt (``SHORT``) instead — a ~150-byte body — while the README's tables said they
used the issue's body; every wrk figure before that date is for the short prompt (``run.py
--body short`` reproduces them). The issue gives the sizes, not the text, so this is ordinary
business Japanese with no personal data (the common case the privacy scan must pass cheaply): a
system message and a 292-character user prompt, 1,076 bytes as compact JSON with model ``bench``
(the slow-upstream point's longer model name adds its length).
"""

from __future__ import annotations

import json
from typing import Any, Final

SYSTEM: Final = "あなたは社内文書の作成を支援するアシスタントです。"
PROMPT: Final = (
    "来期の販売計画について、次の三点を整理してください。第一に、既存顧客向けの更新提案を四月中に"
    "まとめ、見積りの前提となる単価と数量を部門ごとに確認すること。第二に、新規開拓の対象となる業種を"
    "製造業と物流業に絞り、展示会で得た名刺情報の扱いは社内規程に従うこと。第三に、予算の執行状況を"
    "毎月の定例会議で報告し、差異が一割を超えた場合は原因と対策を文書で示すこと。以上を踏まえて、"
    "経営会議に提出する資料の構成案を箇条書きで作成し、各項目に必要なデータの出所と担当部署を添えて"
    "ください。なお、資料は十頁以内とし、図表は三つまでとします。提出期限は来週の金曜日の正午です。"
    "よろしくお願いします。"
)
USER: Final = "sales-001"  # OpenAI's end-user id field, as an internal app would set it
SHORT: Final = "稟議書を三行で要約してください。"  # the bench's prompt until 2026-12-06
KINDS: Final = ("issue", "short")


def request(face: str = "chat", model: str = "bench", *, kind: str = "issue", stream: bool = False) -> dict[str, Any]:
    """The body for one API face (chat, responses, messages); ``kind`` "short" is the old one."""
    if kind not in KINDS:
        raise ValueError(f"body kind must be one of {KINDS}")
    extra: dict[str, Any] = {"stream": True} if stream else {}
    if kind == "short":
        if face == "responses":
            return {"model": model, "input": SHORT, "max_output_tokens": 32, **extra}
        return {"model": model, "messages": [{"role": "user", "content": SHORT}], "max_tokens": 32, **extra}
    if face == "responses":
        return {"model": model, "instructions": SYSTEM, "input": PROMPT, "max_output_tokens": 32, "user": USER,
                **extra}
    if face == "messages":
        return {"model": model, "system": SYSTEM, "messages": [{"role": "user", "content": PROMPT}],
                "max_tokens": 32, "metadata": {"user_id": USER}, **extra}
    return {"model": model, "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
            "max_tokens": 32, "user": USER, **extra}


def encode(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as wrk sends it (no spaces, Japanese unescaped)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


if __name__ == "__main__":
    print(len(PROMPT), "characters;", len(encode(request())), "bytes (chat, model bench)")
