"""Romaji (Hepburn) ↔ katakana helpers so romaji names can be checked against the dictionary."""

from __future__ import annotations

import re
from typing import Final

_SYLLABLES: Final[dict[str, str]] = {
    "kya": "キャ", "kyu": "キュ", "kyo": "キョ", "sha": "シャ", "shu": "シュ", "sho": "ショ", "shi": "シ",
    "cha": "チャ", "chu": "チュ", "cho": "チョ", "chi": "チ", "tsu": "ツ", "nya": "ニャ", "nyu": "ニュ",
    "nyo": "ニョ", "hya": "ヒャ", "hyu": "ヒュ", "hyo": "ヒョ", "mya": "ミャ", "myu": "ミュ", "myo": "ミョ",
    "rya": "リャ", "ryu": "リュ", "ryo": "リョ", "gya": "ギャ", "gyu": "ギュ", "gyo": "ギョ", "bya": "ビャ",
    "byu": "ビュ", "byo": "ビョ", "pya": "ピャ", "pyu": "ピュ", "pyo": "ピョ", "ja": "ジャ", "ju": "ジュ",
    "jo": "ジョ", "ji": "ジ", "fu": "フ", "ka": "カ", "ki": "キ", "ku": "ク", "ke": "ケ", "ko": "コ",
    "sa": "サ", "su": "ス", "se": "セ", "so": "ソ", "ta": "タ", "te": "テ", "to": "ト", "na": "ナ",
    "ni": "ニ", "nu": "ヌ", "ne": "ネ", "no": "ノ", "ha": "ハ", "hi": "ヒ", "he": "ヘ", "ho": "ホ",
    "ma": "マ", "mi": "ミ", "mu": "ム", "me": "メ", "mo": "モ", "ya": "ヤ", "yu": "ユ", "yo": "ヨ",
    "ra": "ラ", "ri": "リ", "ru": "ル", "re": "レ", "ro": "ロ", "wa": "ワ", "wo": "ヲ", "ga": "ガ",
    "gi": "ギ", "gu": "グ", "ge": "ゲ", "go": "ゴ", "za": "ザ", "zu": "ズ", "ze": "ゼ", "zo": "ゾ",
    "da": "ダ", "de": "デ", "do": "ド", "ba": "バ", "bi": "ビ", "bu": "ブ", "be": "ベ", "bo": "ボ",
    "pa": "パ", "pi": "ピ", "pu": "プ", "pe": "ペ", "po": "ポ", "a": "ア", "i": "イ", "u": "ウ", "e": "エ",
    "o": "オ",
}  # fmt: skip

#: A word made only of Hepburn syllables (with sokuon doubling, syllabic n/m, oh-style long o).
ROMAJI_WORD: Final = re.compile(
    r"(?i)(?:(?:sh|ch|ts|[kgnhbpmrj]y|[kgsztdnhbpmyrwfj])?[aeiou]|n(?![aeiouy])|m(?=[bpm])"
    r"|([kstpgdbmhrcfz])(?=\1)|t(?=ch)|h(?=[^aeiouy]|$))+"
)


def to_katakana(word: str) -> str | None:
    """Convert a Hepburn romaji word to katakana; None when it is not plausible romaji."""
    w = word.lower()
    if not ROMAJI_WORD.fullmatch(w):
        return None
    out: list[str] = []
    i = 0
    while i < len(w):
        if i + 1 < len(w) and w[i] == w[i + 1] and w[i] not in "aeioun":
            out.append("ッ")
            i += 1
            continue
        if w[i] == "t" and w.startswith("ch", i + 1):
            out.append("ッ")
            i += 1
            continue
        for size in (3, 2, 1):
            chunk = w[i : i + size]
            if chunk in _SYLLABLES:
                out.append(_SYLLABLES[chunk])
                i += size
                break
        else:
            if w[i] in "nm":
                out.append("ン")
            elif w[i] == "h":
                out.append("ウ")  # Ohno → オウノ: approximate long vowel
            else:
                return None
            i += 1
    return "".join(out)


def long_vowel_variants(kata: str) -> list[str]:
    """Hepburn drops long vowels (Kondo = コンドウ, Yuko = ユウコ); try them for dictionary lookup."""
    o_row = "オコソトノホモヨロゴゾドボポョュウクスツヌフムユルグズブプ"
    variants = [kata]
    if kata and kata[-1] in o_row:
        variants.append(kata + "ウ")
    first = 2 if len(kata) > 1 and kata[1] in "ャュョ" else 1
    if len(kata) > first and kata[first - 1] in o_row and kata[first] != "ウ":
        variants.append(kata[:first] + "ウ" + kata[first:])
    return variants
