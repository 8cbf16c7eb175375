"""The request classifier: data class and complexity tier for every request, with reasons.

Two layers, because they fail differently:

* **Hard facts, deterministic.** Personal data the privacy scan found (a My Number, a card, an
  account, a personal e-mail or mobile number) makes a request PERSONAL; a confidentiality
  marker (社外秘, Confidential, Internal only — any width or case, inside Japanese too) makes it
  CONFIDENTIAL unless the marker is only the topic of a general question («「社外秘」のスタンプ
  とは»). A 12-digit number passing the My Number check digit counts even when no label names it.
* **Content, learned.** Whether material is internal business content, material non-public
  information (未公表 results, an unannounced acquisition, a trade secret) or public, and what
  tier the task needs, is read by a linear model over character n-grams (digits folded),
  ASCII words, the bigrams of the first and last line marked apart (where the task is stated,
  so the tier follows what is asked rather than a long paste's vocabulary) and structural
  features (code, tables, 億円 amounts, questions, length, and cue families: an organisation's
  own operations — handovers, shifts, counterparties, numbered machines, notices to staff — or
  an exercise, a published text, a general question), trained
  by ``bench/classifier/train.py`` on ``bench/classifier/train_ja.jsonl`` and shipped as
  ``classifier_weights.json.gz`` next to this module. Inference sums the weight rows of the
  prompt's distinct n-grams in C where the optional extension is built (routing/_grams.c, ~5 µs
  for a 300-character prompt), else in Python (a set of n-grams and dictionary look-ups, ~0.1–0.3
  ms). A second extension (routing/_gates.c) says which cue families may match at all (one scan
  for the literals their branches need), so only those are searched; the regexes, words and the
  rest are Python either way, and so are the logits' floats.

Weak personal evidence alone — a name with nothing said about the person, an office landline,
a postal code, a company address — is PERSONAL unless the content model is confident it is not
(a task owner in minutes, a public notice, a company's contact block). ``caution`` (0..1,
``routing.classifier.caution``) is the safety knob: it raises the content model's odds for
CONFIDENTIAL and PERSONAL and lowers how readily weak personal evidence is set aside. At 1.0
nothing found is ever set aside and every marker counts, even as a topic.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from operator import add as _add
from typing import Any, Final, Protocol

from tenbin.privacy.checksums import my_number_valid
from tenbin.privacy.classes import DataClass
from tenbin.privacy.normalize import fold, normalize
from tenbin.privacy.types import PII_LABELS
from tenbin.routing.complexity import Complexity, Tier, tier_for
from tenbin.routing.linear import LinearModel, softmax
from tenbin.routing.prefilter import branch_needs, gate, matcher

try:  # the optional C extension (setup.py); without it every cue family is searched every time
    from tenbin.routing import _gates
except ImportError:  # pragma: no cover - a build without a C compiler
    _gates = None  # type: ignore[assignment]

CLASSES: Final = ("PUBLIC", "INTERNAL", "CONFIDENTIAL", "PERSONAL")
TIERS: Final[tuple[Tier, ...]] = ("light", "standard", "frontier")
#: Only the start of a very long prompt is read (instructions sit at the start or the end, so the
#: last part is read too): features of a 100 kB paste cost no more than those of 4 kB.
HEAD, TAIL = 3000, 1000

# ---- features: shared by training (bench/classifier/train.py) and inference ----------------
_WORD: Final = re.compile(r"[a-z][a-z_]+")
_CODE: Final = re.compile(r"```|^\s*(?:def |class |import |from \S+ import|SELECT |select |func |public |#include)"
                          r"|[;{}]\s*$|=>|\$\(", re.MULTILINE)
_BULLET: Final = re.compile(r"^[ \t]*(?:[-*・•●]|\d+[.)．、]|[①-⑳])", re.MULTILINE)
# Cue families named by the labelling rules; each is one feature whose weight the model learns.
# One alternation with a named group per family: a single scan of the text finds them all.
_CUE_FAMILIES: Final = (
    ("undisclosed", r"未公表|公表前|開示前|発表前|未発表|公表予定|発表予定|未開示|公表まで|発表まで"
                    r"|まだ[^。\n]{0,14}?(?:公表|発表|開示)"
                    r"|社外には(?:一切|まだ)?(?:出して|言って|話して|伝えて)(?:い)?ない|口外(?:禁止|しない|厳禁)"
                    r"|not yet (?:public|announced|disclosed)|unannounced|undisclosed|pre-announcement"
                    r"|nobody outside|no one outside|not public yet|under wraps|keep (?:it|this) quiet"
                    r"|(?:has|have|hasn't|haven't) (?:not )?(?:been )?(?:announced|disclosed) (?:it )?yet"
                    r"|before (?:the |its |our )?(?:announcement|release|disclosure)"),
    ("trade_secret", r"営業秘密|ノウハウとして|門外不出|trade secret"),
    ("unfiled", r"出願前|出願して(?:い)?ない|未出願|出願(?:は)?まだ|unfiled|not (?:yet )?filed"),
    ("deal", r"買収|売却|譲渡|資本(?:業務)?提携|出資|合併|経営統合|子会社化|tob|mbo|acqui|merger|divest|stake"),
    # A merger, acquisition, divestiture or capital alliance that is still being planned is by its
    # nature unannounced (the rules' first CONFIDENTIAL example), whether or not a text says so.
    ("deal_planned", r"(?:買収|合併|経営統合|子会社化|資本(?:業務)?提携|事業(?:の)?(?:売却|譲渡)|acqui|merger|divest"
                     r"|\btob\b|\bmbo\b)[^。\n]{0,30}?(?:予定|検討|交渉|計画|進めて|準備|planned|planning|considering"
                     r"|negotiat|in talks|will|going to)"
                     r"|(?:予定して|検討して|計画して|検討中の|予定の)[^。\n]{0,20}?(?:買収|合併|経営統合|子会社化|資本(?:業務)?提携)"
                     r"|(?:planned|planning|considering|plan to|going to|will)[^.\n]{0,30}?"
                     r"(?:acqui|merger|merge with|divest)"),
    # Done, not wanted or denied: 発表したい, 公表されていない, "unannounced", "not yet published" are not published.
    ("published", r"(?:公表|発表|公開)(?:した(?!い)|済|され(?!て(?:い)?ない|ず|る前))|掲載|公式サイト"
                  r"|ウェブサイト|ホームページ|(?<!un)(?<!not )(?<!yet )(?:published|announced)"
                  r"|public (?:website|faq|page)|press release"),
    ("ours", r"当社|弊社|自社|社内|うちの|わが社|我が社|院内|校内|庁内|部内|課内|店内|取引先|得意先|発注者|仕入先"
             r"|\bour\b|\bwe\b|\bus\b|internal"),
    # Shapes of an organisation's own operations (the rules' INTERNAL list) and of material that is
    # only an exercise or a learner's own code (public however specific it looks).
    ("ops", r"引き継ぎ|申し送り|シフト|日報|週報|議事|定例|朝礼|集合|担当[：:は]|宿題|決定事項|振り返り|棚卸"
            r"|handover|stand-?up|rota|on-call|postmortem|incident"),
    ("counterparty", r"取引先|先方|仕入|納品|見積|発注|契約(?:の)?更新|単価|支払サイト|値上げ|値下げ|交渉"
                     r"|vendor|supplier|quote|renewal|reseller"),
    ("staff", r"スタッフ向け|社員向け|従業員向け|現場向け|職員向け|各位|皆さん|for staff|to the team|all staff"),
    ("numbered", r"[0-9]+号(?:機|車|船|棟|館|タンク|炉|線)?|[0-9]+番(?:線|機|台|スポット|ゲート)"
                 r"|第[0-9]+(?:工場|倉庫|ライン|ドック)"),
    ("exercise", r"架空|例題|練習問題|授業|教材|パズル|textbook|exercise|fictional|hypothetical"
                 r"|勉強中|学習中|個人開発|趣味"),
    ("general", r"一般的|一般論|とは(?:何|なに)|とは？|教科書|例題|練習問題|\bin general\b|\bwhat is\b|\bexplain\b"),
    ("question", r"[?？]|ですか|ますか|でしょうか|教えて|\b(?:what|why|how|which|when)\b"),
)
# One search per family, not one alternation scanned with finditer: a search stops at the first
# hit, and one family's match never hides another's overlapping one. Each is a ``Gated`` search
# (routing/prefilter.py): a branch led by ``\b``, a lookbehind or a group, which the engine would
# try at every position, is searched only when a literal every match of it holds occurs
# (~1 M → ~0.3 M instructions for the fourteen families on a 200-character prompt).
_CUES: Final = tuple((name, matcher(rx)) for name, rx in _CUE_FAMILIES)
#: Which families may match a text, from one scan for the literals their branches need (the C
#: ``Gates``): a family that cannot match is not searched at all (~1 µs each; ~16 µs of the ~17
#: the fourteen cost on the bench's prompt). None without the extension.
_MAY: Final = None if _gates is None else _gates.Gates([branch_needs(rx) for _, rx in _CUE_FAMILIES])
_CODE_GATE: Final = gate(_CODE.pattern, _CODE.flags)  # no literal of it in the text: no code line either
_TWELVE: Final = re.compile(r"(?<![0-9])([0-9]{4})[ -]?([0-9]{4})[ -]?([0-9]{4})(?![0-9])")
_DIGIT: Final = re.compile(r"[0-9]")  # the My Number and mobile shapes need one; most prompts have none


def _fold_digits(text: str) -> str:
    """``text`` with every ASCII digit read as 0. ``str.translate`` would look each
    character of a Japanese text up in a dict (~0.8 µs per 10 characters); nine C-level
    ``replace`` calls, only for the digits present, cost next to nothing."""
    for d in "123456789":
        if d in text:
            text = text.replace(d, "0")
    return text


def _table_rows(lines: list[str]) -> int:
    """Lines that look like rows of one table (same count of , | or tab separators, at least 2)."""
    best = 0
    for sep in (",", "|", "\t"):
        counts: dict[int, int] = {}
        for ln in lines:
            c = ln.count(sep)
            if c >= 2:
                counts[c] = counts.get(c, 0) + 1
        if counts:
            best = max(best, max(counts.values()))
    return best


def _ask_lines(lines: list[str]) -> tuple[str, str | None] | None:
    """The ask zone: the first and the last non-empty line, stripped (up to 80 characters each;
    the last None when there is one line, the whole None when there is none) — where a request
    says what to do with the material between them. Its bigrams, with the two around the line
    break joining the pair, are the ``t:`` features."""
    body = [ln for ln in map(str.strip, lines) if ln]  # each line stripped once
    if not body:
        return None
    return body[0][:80], (body[-1][-80:] if len(body) > 1 else None)


class _Buckets:
    """The feature naming the bucket a value falls in (``s:len<300``: the first edge above it;
    ``s:len>=1200`` past the last), the names built once rather than formatted per request."""

    def __init__(self, name: str, edges: tuple[int, ...]) -> None:
        self.edges = edges
        self.names = (*(f"{name}<{e}" for e in edges), f"{name}>={edges[-1]}")

    def __call__(self, value: int) -> str:
        return self.names[bisect_right(self.edges, value)]


_LEN: Final = _Buckets("s:len", (60, 150, 300, 600, 1200))
_LINES: Final = _Buckets("s:lines", (2, 4, 8, 16))
_BULLETS: Final = _Buckets("s:bullets", (3, 6, 10))


def _ask_bigrams(norm: str, bigrams: list[str], lines: list[str]) -> list[str]:
    """The distinct bigrams of the ask zone (``_ask_lines``), taken from ``bigrams`` (``norm``'s,
    one per position) rather than made again: the zone's lines are substrings of ``norm``, and any
    place one occurs holds the same characters, so the same bigrams; only the two around the line
    break that joins them are new. ~10 µs less for a 300-character prompt."""
    zone = _ask_lines(lines)
    if zone is None:
        return []
    first, last = zone
    i = norm.find(first)
    out = set(bigrams[i : i + len(first) - 1])
    if last is not None:
        j = norm.rfind(last)
        out.update(bigrams[j : j + len(last) - 1])
        out.add(first[-1] + "\n")
        out.add("\n" + last[0])
    return list(out)


def _cut(text: str, normalized: str | None) -> tuple[str, str]:
    """The text read (its head and tail when long) and its normalised, lowercased, digit-folded form."""
    if len(text) > HEAD + TAIL:
        text = text[:HEAD] + "\n" + text[-TAIL:]
        normalized = None
    return text, _fold_digits((normalize(text) if normalized is None else normalized).lower())


def _words(norm: str) -> list[str]:
    return list({"w:" + w for w in _WORD.findall(norm)})


def _zone(lines: list[str]) -> str:
    """The ask zone as one string whose distinct bigrams are the ``t:`` features: its first line,
    then a line break and its last line when it has two (the two bigrams around the break join
    the pair, as in ``_ask_bigrams``)."""
    zone = _ask_lines(lines)
    if zone is None:
        return ""
    first, last = zone
    return first if last is None else first + "\n" + last


def parts(text: str, normalized: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """``features`` as the classifier reads them: (n-grams and words, the ask zone's distinct
    bigrams — bare, for ``LinearModel.text_logits``, which reads them without making the ``t:``
    strings —, structural and cue features)."""
    text, norm = _cut(text, normalized)
    # Character bigrams and trigrams, built by C-level map/add rather than slicing in a loop; the
    # characters made once (iterating a str makes a new object per non-Latin-1 character).
    chars = list(norm)
    bigrams = list(map(_add, chars, chars[1:]))
    grams = set(bigrams)
    grams.update(map(_add, bigrams, chars[2:]))
    feats = list(grams)
    feats.extend(_words(norm))
    lines = norm.splitlines()
    # The task is stated at the start or the end, around the material: its bigrams again, marked, so
    # the tier can follow what is asked rather than the vocabulary of a long paste.
    ask = _ask_bigrams(norm, bigrams, lines)
    return feats, ask, _struct(text, norm, lines)


def _struct(text: str, norm: str, lines: list[str]) -> list[str]:
    """The structural and cue features of ``text`` (as cut by ``_cut``), ``norm`` and its lines."""
    s = ["s:bias", _LEN(len(text)), _LINES(len(lines))]
    code = len(_CODE.findall(norm)) if _CODE_GATE is None or _CODE_GATE.search(norm) else 0
    if code:
        s.append("s:code" if code < 4 else "s:code_many")
    rows = _table_rows(lines)
    if rows >= 3:
        s.append("s:table")
    bullets = len(_BULLET.findall(norm))
    if bullets:
        s.append(_BULLETS(bullets))
    if "億円" in norm:
        s.append("s:oku_yen")
    if "万円" in norm:
        s.append("s:man_yen")
    if "%" in norm:
        s.append("s:percent")
    may = -1 if _MAY is None else _MAY.may(norm)  # -1: every bit set, every family searched
    s.extend("s:" + name for bit, (name, found) in enumerate(_CUES) if may >> bit & 1 and found(norm))
    ascii_share = len(norm.encode("ascii", "ignore")) / max(1, len(norm))
    s.append("s:ascii>0.8" if ascii_share > 0.8 else "s:ascii>0.4" if ascii_share > 0.4 else "s:ja")
    return s


def read(model: LinearModel, text: str, normalized: str | None = None) -> tuple[list[float], list[str]]:
    """The model's logits for ``text``, and its structural and cue features: the n-grams summed in
    C where the extension is built (``LinearModel.native``), else ``text_logits`` over ``parts``;
    the same floats either way."""
    if model.native is None:
        grams, ask, struct = parts(text, normalized)
        return model.text_logits(grams, ask, struct), struct
    text, norm = _cut(text, normalized)
    lines = norm.splitlines()
    struct = _struct(text, norm, lines)
    return model.norm_logits(norm, _zone(lines), _words(norm), struct), struct


def features(text: str, normalized: str | None = None) -> tuple[list[str], list[str]]:
    """(n-grams, words and the ask zone's bigrams marked ``t:``, structural and cue features)
    present in ``text``; each counts once (what ``bench/classifier/train.py`` trains on).
    ``normalized`` is ``normalize(text)`` when the caller has it (classify normalises once for
    the features and the My Number and mobile checks); unused when ``text`` is cut to its head
    and tail, whose normalisation can differ at the cut."""
    grams, ask, s = parts(text, normalized)
    grams.extend(["t:" + b for b in ask])
    return grams, s


# ---- deterministic facts --------------------------------------------------------------------
_ROLE_MAIL: Final = re.compile(r"^(?:info|support|contact|sales|press|pr|recruit|saiyo|ir|admin|webmaster|"
                               r"no-?reply|help|service|customer|koho|soumu|office|inquiry|toiawase)[.@_-]", re.I)
_MOBILE: Final = re.compile(r"^(?:\+?81[- ]?)?\(?0?[789]0")
_PRIVATE_IP: Final = re.compile(r"^(?:10\.|192\.168\.|172\.(?:1[6-9]|2[0-9]|3[01])\.|127\.|::1$|fe80:)")
_TOLL_FREE: Final = re.compile(r"^\(?0(?:120|800|570)")
STRONG_PII: Final = frozenset({"MY_NUMBER", "CREDIT_CARD", "BANK_ACCOUNT", "PASSPORT", "DRIVER_LICENSE"})
WEAK_PII: Final = frozenset({"PERSON", "ADDRESS", "POSTAL_CODE", "BIRTH_DATE", "IP_ADDRESS"})
# Not about a person at all: a 法人番号 identifies a company (the rules' "company contact data").
NOT_PERSONAL: Final = frozenset({"CORPORATE_NUMBER"})
# A marker in quotes, or followed by words that make it the topic of a question, is not a stamp.
_TOPIC_AFTER: Final = re.compile(r"^[」』\"'”’]?\s*(?:という|とは|と(?:いう|は|の違い)"
                                 r"|の(?:スタンプ|印|ラベル|区分|意味|違い|定義|扱い方|付け方)"
                                 r"|スタンプ|印|ラベル|区分|や|、|・|/|(?i:\s*(?:label|stamp|means|mean)))")
_TOPIC_QUESTION: Final = re.compile(r"一般的|とは|違い|意味|どのように|どう扱|説明して|解説|研修|教えて|"
                                    r"(?i:what\s+(?:is|does|are)|explain|in\s+general|typical)")


def pii_strength(label: str, value: str) -> str:
    """'strong', 'weak' or 'none': how much one finding says about an identifiable person."""
    if label in STRONG_PII:
        return "strong"
    if label in NOT_PERSONAL:
        return "none"
    if label == "EMAIL":
        return "weak" if _ROLE_MAIL.match(value) else "strong"
    if label == "IP_ADDRESS":
        return "none" if _PRIVATE_IP.match(value) else "weak"
    if label == "PHONE":
        v = fold(value).strip()
        if _TOLL_FREE.match(v):
            return "none"
        return "strong" if _MOBILE.match(v) else "weak"
    return "weak" if label in WEAK_PII else "strong"


_KANA_ONLY: Final = re.compile(r"[ぁ-ゖゝゞー]+")
_FULL_NAME: Final = re.compile(r"\S[ 　・]\S|^[A-Z][a-z]+ [A-Z][a-z]+$|^[一-龥々]{3,}$")
_HONORIFIC_AFTER: Final = re.compile(r"^\s*(?:様|さま|殿|氏|君|くん|ちゃん)")
_HONORIFIC_BEFORE: Final = re.compile(r"(?:Mr|Ms|Mrs|Dr|Dear|Mx)\.?\s*$")


def person_strength(value: str, text: str, start: int) -> str:
    """How much one PERSON finding says: 'full' (a full name, or a surname addressed as 様 / Ms.),
    'weak' (a bare surname: often a colleague named as a task owner) or 'none' (a run of hiragana,
    which in business prose is a verb or particle the name recognizer misread, e.g. 届かな)."""
    v = fold(value).strip()  # a name split by zero-width characters is still a full name
    if not v or _KANA_ONLY.fullmatch(v):
        return "none"
    if _FULL_NAME.search(v):
        return "full"
    end = start + len(value)
    if start >= 0 and (_HONORIFIC_AFTER.match(text[end : end + 3])
                       or _HONORIFIC_BEFORE.search(text[max(0, start - 6) : start])):
        return "full"
    return "weak"


def marker_is_topic(text: str, start: int, end: int) -> bool:
    """Is the marker at text[start:end] only named as a topic (a general question about stamps)?"""
    before = text[max(0, start - 1) : start]
    after = text[end : end + 12]
    quoted = before in ("「", "『", '"', "“", "'", "‘")
    return (quoted or bool(_TOPIC_AFTER.match(after))) and bool(_TOPIC_QUESTION.search(text))


_MOBILE_SHAPE: Final = re.compile(r"(?<![0-9])(?:\+81[- ]?|0)[789]0[- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")


def mobile_numbers(text: str, normalized: str | None = None) -> int:
    """Japanese mobile numbers (070/080/090, +81 70/80/90): personal on their own by the rules,
    counted here even where a recognizer reads the label before one (この番号 080-…) as an ID's.
    ``normalized``: ``normalize(text)``, when the caller has it."""
    return len(_MOBILE_SHAPE.findall(normalize(text) if normalized is None else normalized))


def my_numbers(text: str, normalized: str | None = None) -> int:
    """12-digit numbers (optionally 4-4-4) that pass the My Number check digit."""
    norm = normalize(text) if normalized is None else normalized
    return sum(1 for m in _TWELVE.finditer(norm) if my_number_valid("".join(m.groups())))


# ---- the classifier -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Classification:
    data_class: DataClass
    classes: frozenset[DataClass]
    tier: Tier
    score: float
    reasons: tuple[str, ...]
    class_p: tuple[float, ...]
    tier_p: tuple[float, ...]

    def complexity(self) -> Complexity:
        return Complexity(self.score, self.tier, self.tier_signals())

    def tier_signals(self) -> tuple[str, ...]:
        return ("model", *(f"p_{t}={p:.2f}" for t, p in zip(TIERS, self.tier_p, strict=True)))

    def trace(self) -> dict[str, Any]:
        return {"data_class": self.data_class.name.lower(), "reasons": list(self.reasons),
                "p": {c.lower(): round(p, 3) for c, p in zip(CLASSES, self.class_p, strict=True)}}


class RequestClassifier(Protocol):
    """Anything that labels a request; ``scan`` is the privacy scan (None when scanning is off)."""

    def classify(self, text: str, turns: int, scan: Any) -> Classification: ...


class LearnedClassifier:
    """Deterministic facts first, then the shipped linear model (see the module docstring)."""

    def __init__(self, caution: float = 0.6, threshold: float = 0.5, model: LinearModel | None = None) -> None:
        if not 0.0 <= caution <= 1.0:
            raise ValueError("caution must be within 0..1")
        self.caution = caution
        self.threshold = threshold
        self.model = model or LinearModel.shipped()
        # Log-odds added to CONFIDENTIAL and PERSONAL: -2 at caution 0, 0 at 0.5, +2 at 1.
        self._bias = 4.0 * (caution - 0.5)
        # Weak personal evidence is set aside only when the content model's P(personal) is below this.
        self._weak_floor = 0.5 * (1.0 - caution) ** 1.5 if caution < 1.0 else -1.0
        # A full name is set aside only below caution 0.5, and only when P(personal) is tiny.
        self._full_floor = 0.2 * (1.0 - 2.0 * caution) if caution < 0.5 else -1.0

    # ComplexityEstimator: the tier alone (used when a rule needs it and no scan is at hand)
    def estimate(self, text: str, turns: int) -> Complexity:
        return self.classify(text, turns, None).complexity()

    def classify(self, text: str, turns: int, scan: Any) -> Classification:
        norm = normalize(text)  # once, for the features and the two number checks below
        out, struct = read(self.model, text, norm)
        cl = out[:4]
        cl[2] += self._bias
        cl[3] += self._bias
        cp = softmax(cl)
        tp = softmax(out[4:])
        score = round(0.375 * tp[1] + 0.75 * tp[2], 3)
        tier = tier_for(score, self.threshold)
        reasons: list[str] = []
        found: set[DataClass] = set()
        weak: list[str] = []
        if scan is not None:
            for f in scan.findings:
                label = f.label
                if label == "CONFIDENTIAL_MARKER":
                    if self.caution < 1.0 and marker_is_topic(text, *_offsets(text, f)):
                        reasons.append("marker_as_topic")
                        continue
                    found.add(DataClass.CONFIDENTIAL)
                    reasons.append("marker")
                elif label == "CUSTOM_TERM":
                    found.add(DataClass.CONFIDENTIAL)
                    reasons.append("custom_term")
                elif label == "INTERNAL_MARKER":
                    found.add(DataClass.INTERNAL)
                    reasons.append("internal_marker")
                elif label == "PERSON":
                    strength = person_strength(f.text, text, _offsets(text, f)[0])
                    if strength == "full" and cp[3] >= self._full_floor:
                        found.add(DataClass.PERSONAL)
                        reasons.append("pii:PERSON(full name)")
                    elif strength != "none":
                        weak.append("PERSON")
                    else:
                        reasons.append("pii_not_a_name")
                elif label in PII_LABELS:
                    strength = pii_strength(label, f.text)
                    if strength == "strong":
                        found.add(DataClass.PERSONAL)
                        reasons.append(f"pii:{label}")
                    elif strength == "weak":
                        weak.append(label)
            if DataClass.SPECIAL_CARE in scan.classes:
                found.add(DataClass.SPECIAL_CARE)
                reasons.append("special_care")
        digits = _DIGIT.search(norm) is not None
        if digits and DataClass.PERSONAL not in found and my_numbers(text, norm):
            found.add(DataClass.PERSONAL)
            reasons.append("my_number_check_digit")
        if digits and DataClass.PERSONAL not in found and mobile_numbers(text, norm):
            found.add(DataClass.PERSONAL)
            reasons.append("mobile_number")
        if weak and DataClass.PERSONAL not in found:
            if cp[3] >= self._weak_floor:
                found.add(DataClass.PERSONAL)
                reasons.append("pii_weak:" + ",".join(sorted(set(weak))))
            else:
                reasons.append("pii_weak_set_aside:" + ",".join(sorted(set(weak))))
        # The rules name these content cues outright (an unfiled invention, a trade secret, a deal
        # or results before their announcement): from caution 0.5 they are facts, not just features.
        cues = set(struct)
        if self.caution >= 0.5 and "s:general" not in cues and "s:published" not in cues:
            deal_or_results = "s:deal" in cues or "s:oku_yen" in cues
            cue = ("unfiled" if "s:unfiled" in cues else "trade_secret" if "s:trade_secret" in cues
                   else "undisclosed" if "s:undisclosed" in cues and deal_or_results
                   else "deal_planned" if "s:deal_planned" in cues else None)
            if cue is not None:
                found.add(DataClass.CONFIDENTIAL)
                reasons.append(f"cue:{cue}")
        best = max(range(4), key=cp.__getitem__)
        content = DataClass[CLASSES[best]]
        if content > max(found, default=DataClass.PUBLIC):
            reasons.append(f"content:{CLASSES[best].lower()}")
        found.add(content)
        if len(found) > 1:
            found.discard(DataClass.PUBLIC)
        return Classification(max(found), frozenset(found), tier, score, tuple(dict.fromkeys(reasons)),
                              tuple(cp), tuple(tp))


def _offsets(text: str, f: Any) -> tuple[int, int]:
    """A finding's offsets in the joined request text (findings index their own message part)."""
    start = text.find(f.text)
    return (start, start + len(f.text)) if start >= 0 else (0, 0)
