"""Typed placeholder vocabulary shared by the masker and the streaming restorer.

Japanese labels inside 〔〕 (tortoise-shell brackets) survive a round trip through LLMs well: the
brackets are rare in ordinary text, so they are not confused with user content, and a typed
name (〔氏名1〕) lets the model keep writing grammatical Japanese around it.
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

_ALT: Final = "|".join(sorted((re.escape(n) for n in NAMES.values()), key=len, reverse=True))
#: A complete indexed placeholder, e.g. 〔氏名12〕.
PLACEHOLDER_RE: Final = re.compile(f"{OPEN}(?:{_ALT})[0-9]+{CLOSE}")
#: Longest placeholder we ever emit, to bound how much a stream restorer may hold back.
MAX_LEN: Final = max(len(n) for n in NAMES.values()) + 8


def is_partial(s: str) -> bool:
    """True if ``s`` (starting with 〔) could still grow into a placeholder."""
    body = s[1:]
    if len(s) > MAX_LEN or CLOSE in body:
        return False
    for name in NAMES.values():
        if name.startswith(body):
            return True
        if body.startswith(name) and body[len(name) :].isdigit():
            return True
    return False
