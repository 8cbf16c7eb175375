"""The cues around a name candidate: what follows it (様, 部長, です) and what precedes it (担当：).

Why one module: every name step asks the same questions of the text around a candidate, and a cue
is evidence only when every step reads it the same way. Honorifics and titles stay outside the
span; they are evidence, not part of the name.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy import context
from tenbin.privacy.lexicon import GROUP_SUFFIXES, HONORIFICS, NAME_LABELS, TITLES

_HONORIFIC_AFTER: Final = re.compile(
    "[ ]?(?:" + "|".join(sorted(HONORIFICS + TITLES + GROUP_SUFFIXES, key=len, reverse=True)) + ")"
)
# 御中 addresses an organisation, never a person.
_PERSONAL_HONORIFIC_AFTER: Final = re.compile(
    "(?:" + "|".join(sorted((h for h in HONORIFICS if h != "御中"), key=len, reverse=True)) + ")"
)
_SPEECH_AFTER: Final = re.compile(
    r"(?:です|と申します|でございます|が担当|より|から(?:の|連絡|電話)|[ ]?[:：](?![0-9]))"
)
_LABEL_BEFORE: Final = re.compile(
    "(?:" + "|".join(sorted(NAME_LABELS, key=len, reverse=True)) + r")[^:：\n]{0,12}?[:：][ ]?[(（]?[ ]?$"
    r"|(?:担当|記録|担当者|氏名|名前)[ ]?[(（]?$|[(（][ ]?$|[:：][ ]?$|[、,][ ]?$"
)
# A self-introduction names the speaker whatever the word: マナベと申します.
_INTRO_AFTER: Final = re.compile(r"と(?:申し|もうし|言い|いい)ます|と申す")
# A field that asks for a name: お名前（任意）：敦 — even one kanji is then the given name.
_NAME_FIELD: Final = re.compile(r"(?:氏名|名前|ご氏名)[^:：\n]{0,8}?[:：][ ]?$")
# A label naming a person's role (依頼者：, 指導員：, 作成：) right before a field value.
_ROLE_LABEL: Final = re.compile(r"(?:[者員人官]|作成|記入|起票|承認|報告|担当|氏名)[ ]?[:：][ ]?$")
_AMOUNT_AFTER: Final = re.compile(r"[ ]?[0-9¥￥$]")
_FIELD_END: Final = re.compile(r"$|[ \n、,。()（）:：/|]")


def honorific_after(norm: str, end: int) -> bool:
    """An honorific, title or group suffix starts at ``end`` (様, さん, 部長, 両名)."""
    return _HONORIFIC_AFTER.match(norm, end) is not None


def personal_honorific_after(norm: str, end: int) -> bool:
    """A personal honorific starts at ``end`` (様, さん, 氏 — not 御中)."""
    return _PERSONAL_HONORIFIC_AFTER.match(norm, end) is not None


def label_before(norm: str, start: int) -> bool:
    """A name label (担当：, 氏名, 起票者：), an opening bracket, a colon or a list comma ends right
    before ``start`` on the same line."""
    return _LABEL_BEFORE.search(context.before(norm, start, 24)) is not None


def cued(norm: str, start: int, end: int) -> bool:
    """The span has a person cue: an honorific or title after it, speech after it (です, より, a
    colon), or a name label before it."""
    return honorific_after(norm, end) or _SPEECH_AFTER.match(norm, end) is not None or label_before(norm, start)


def intro_after(norm: str, end: int) -> bool:
    """A self-introduction follows (と申します)."""
    return _INTRO_AFTER.match(norm, end) is not None


def name_field_before(norm: str, start: int) -> bool:
    """A field asking for a name ends right before ``start`` (お名前（任意）：)."""
    return _NAME_FIELD.search(context.before(norm, start, 16)) is not None


def role_label_before(norm: str, start: int) -> bool:
    """A label naming a person's role ends right before ``start`` (依頼者：, 作成：)."""
    return _ROLE_LABEL.search(context.before(norm, start, 12)) is not None


def amount_after(norm: str, end: int) -> bool:
    """A number or currency sign follows (日当 3,000円)."""
    return _AMOUNT_AFTER.match(norm, end) is not None


def field_end(norm: str, pos: int) -> bool:
    """True when a name can end at ``pos``: end of field, punctuation, or an honorific/title."""
    return _FIELD_END.match(norm, pos) is not None or honorific_after(norm, pos)
