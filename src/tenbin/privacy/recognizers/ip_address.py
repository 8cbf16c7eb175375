"""IPv4 and IPv6 addresses, skipping dotted version strings."""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import IP_ADDRESS, Span

_V4: Final = re.compile(r"\d(?<![0-9A-Za-z.\-_/]\d)\d{0,2}(?:\.\d{1,3}){3}(?![0-9A-Za-z\-_]|\.\d)")
_V6: Final = re.compile(r"(?<![0-9A-Za-z.])(?<!::)(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Za-z:])")
_VERSION: Final = re.compile(
    r"(?i)ver|バージョン|ビルド|build|release|リリース|モジュール|module|v$|版|パッチ|patch|firmware|"
    r"ファーム|sdk|ライブラリ|library|package|パッケージ|アプリ"
)
_IP_CONTEXT: Final = re.compile(r"(?i)ip|アドレス|address|サーバ|server|host|ホスト|接続|gateway|dns|端末")
_VERSION_AFTER: Final = re.compile(r"^\s*(?:版|系|リリース|へ(?:更新|アップ))")


# Two hex groups joined by a colon (``db8:85a3``, ``fe80::1``): every IPv6 address has one, while
# Japanese labels (``電話:``) and clock times (``09:12``, no second colon) rarely chain them.
# The pattern starts with a literal so the engine jumps between colons at memchr speed.
_V6_SEED: Final = re.compile(r":[0-9A-Fa-f]{0,4}:")


def _v6_windows(norm: str) -> list[tuple[int, int]]:
    """Merged windows (±40 chars, an address is at most 39) around IPv6 seeds."""
    out: list[tuple[int, int]] = []
    size = len(norm)
    for m in _V6_SEED.finditer(norm):
        lo, hi = max(0, m.start() - 40), min(size, m.end() + 40)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


class IpAddressRecognizer(DigitRecognizer):
    """Four dotted octets are an IP unless a version word precedes them (``Ver.9.4.98.139``)."""

    label: ClassVar[str] = IP_ADDRESS
    min_run: ClassVar[int] = 7  # 1.2.3.4
    min_digits: ClassVar[int] = 4
    run_needs: ClassVar[str] = "."

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in _V4.finditer(norm, lo, hi):
            if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in m.group().split(".")):
                continue
            pre = context.before(norm, m.start(), 20)
            ip_ctx = context.has(_IP_CONTEXT, pre)
            if not ip_ctx and (context.has(_VERSION, pre) or _VERSION_AFTER.match(context.after(norm, m.end(), 8))):
                continue
            out.append(Span(IP_ADDRESS, m.start(), m.end(), 0.95 if ip_ctx else 0.8))
        return out

    def find_global(self, raw: str, norm: str) -> list[Span]:
        if "::" not in norm and norm.count(":") < 7:
            return []
        out: list[Span] = []
        seen: set[int] = set()
        for lo, hi in _v6_windows(norm):
            for m in _V6.finditer(norm, lo, hi):
                if m.start() in seen:
                    continue
                start, text = m.start(), m.group()
                if text.startswith(":") and not text.startswith("::"):
                    start, text = start + 1, text[1:]  # 送信元:2001:db8::7, the colon is the label's
                try:
                    ipaddress.IPv6Address(text)
                except ValueError:
                    continue
                seen.add(start)
                out.append(Span(IP_ADDRESS, start, m.end(), 0.95))
        return out
