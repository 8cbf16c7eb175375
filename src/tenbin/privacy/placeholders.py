"""Typed placeholder vocabulary shared by the masker and the streaming restorer.

Japanese labels inside 〔〕 (tortoise-shell brackets) survive a round trip through LLMs well: the
brackets are rare in ordinary text, so they are not confused with user content, and a typed
name (〔氏名1〕) lets the model keep writing grammatical Japanese around it.

Rare is not never: a client may write 〔氏名1〕 itself (「〔氏名1〕という書式で」). Such text is
*escaped* before it is masked — one ``原文:`` is put after the bracket (〔原文:氏名1〕) — and
unescaped on the way back, so it comes back as typed, is never taken for a real placeholder by
the restorer, and reads differently from one to the vendor. The escape is stateless and
bijective: text that already looks escaped (〔原文:氏名1〕, 〔原文：氏名1〕) gets one more prefix,
and unescaping removes exactly one.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.types import (
    ADDRESS,
    BANK_ACCOUNT,
    BIRTH_DATE,
    CORPORATE_NUMBER,
    CREDIT_CARD,
    CUSTOM_TERM,
    DRIVER_LICENSE,
    EMAIL,
    IP_ADDRESS,
    MY_NUMBER,
    PASSPORT,
    PERSON,
    PHONE,
    POSTAL_CODE,
)

OPEN: Final = "〔"
CLOSE: Final = "〕"

NAMES: Final[dict[str, str]] = {
    PERSON: "氏名",
    ADDRESS: "住所",
    POSTAL_CODE: "郵便番号",
    PHONE: "電話",
    EMAIL: "メール",
    MY_NUMBER: "個人番号",
    CORPORATE_NUMBER: "法人番号",
    CREDIT_CARD: "カード番号",
    BANK_ACCOUNT: "口座番号",
    BIRTH_DATE: "生年月日",
    PASSPORT: "旅券番号",
    DRIVER_LICENSE: "免許証番号",
    IP_ADDRESS: "IPアドレス",
    CUSTOM_TERM: "固有名",
}

#: Notes that stand for a dropped image/audio/file part (fields.py); not restored, but a client's
#: own 〔画像〕 is escaped like a placeholder so the vendor cannot take it for one of ours.
NOTES: Final = ("画像", "音声", "ファイル", "添付")

_ALT: Final = "|".join(sorted((re.escape(n) for n in NAMES.values()), key=len, reverse=True))
#: A complete indexed placeholder, e.g. 〔氏名12〕.
PLACEHOLDER_RE: Final = re.compile(f"{OPEN}(?:{_ALT})[0-9]+{CLOSE}")
#: Longest placeholder we ever emit, to bound how much a stream restorer may hold back.
MAX_LEN: Final = max(len(n) for n in NAMES.values()) + 8

#: What the escape puts after the bracket; unescaping also accepts the full-width colon a model
#: writing Japanese may turn it into.
ESCAPE: Final = "原文:"
_ESC: Final = "原文[:：]"
_ESC_FORMS: Final = ("原文:", "原文：")
_ALL_ALT: Final = "|".join(sorted((re.escape(n) for n in (*NAMES.values(), *NOTES)), key=len, reverse=True))
#: Anything shaped like a placeholder, a redaction (〔氏名〕) or a note (〔画像〕), in any digit
#: script, with any number of escapes in front: group 1 the escapes, group 2 the rest.
TOKEN_RE: Final = re.compile(f"{OPEN}((?:{_ESC})*)((?:{_ALL_ALT})\\d*){CLOSE}")
_NUMBERED: Final = re.compile(f"({_ALT})(\\d+)")
# A held-back tail longer than this is released as text (bounds what a stream holds, even when a
# model repeats 原文: forever).
_MAX_HELD: Final = MAX_LEN + 4 * len(ESCAPE)


def escape(text: str) -> str:
    """Client text → text for the vendor: every placeholder-shaped token gets one more escape."""
    if OPEN not in text:
        return text
    return TOKEN_RE.sub(lambda m: f"{OPEN}{ESCAPE}{m.group(1)}{m.group(2)}{CLOSE}", text)


def unescaped(m: re.Match[str]) -> str | None:
    """The client's text for an escaped ``TOKEN_RE`` match (one escape removed), or None when the
    match carries no escape (it is ours: a placeholder, a redaction or a note)."""
    esc = m.group(1)
    if not esc:
        return None
    return f"{OPEN}{esc[len(ESCAPE):]}{m.group(2)}{CLOSE}"  # both colon forms are one character


def literal_numbers(text: str) -> set[tuple[str, int]]:
    """(name, n) of each unescaped 〔氏名n〕 the client wrote, so the masker numbers around them and
    the vendor never sees 〔原文:氏名1〕 beside a real 〔氏名1〕."""
    out: set[tuple[str, int]] = set()
    if OPEN not in text:
        return out
    for m in TOKEN_RE.finditer(text):
        if m.group(1):
            continue
        nm = _NUMBERED.fullmatch(m.group(2))
        if nm is not None:
            out.add((nm.group(1), int(nm.group(2))))  # int() reads every digit script: 〔氏名１〕 reserves 1
    return out


def is_partial(s: str) -> bool:
    """True if ``s`` (starting with 〔) could still grow into a placeholder or an escaped token."""
    body = s[1:]
    if len(s) > _MAX_HELD or CLOSE in body:
        return False
    escaped = False
    while body[:3] in _ESC_FORMS:
        body, escaped = body[3:], True
    if any(f.startswith(body) for f in _ESC_FORMS):
        return True  # 〔, 〔原, 〔原文 … (an escape still coming)
    names = (*NAMES.values(), *NOTES) if escaped else NAMES.values()
    for name in names:
        if name.startswith(body):
            return True
        rest = body[len(name) :]
        if body.startswith(name) and rest.isdigit():
            return True
    return False
