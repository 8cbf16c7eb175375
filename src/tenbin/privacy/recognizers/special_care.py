"""要配慮個人情報 cues (health, criminal record, creed, race…): not PII by themselves.

They only raise the data class to SPECIAL_CARE when the same text part also names a person
(see :mod:`tenbin.privacy.classify`): "うつ病の診断基準" alone is medical prose, "田中さんがうつ
病で休職" is special-care personal data under the APPI.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import SPECIAL_CARE, Span

_TERMS: Final = re.compile(
    r"病歴|既往歴|診断|通院|入院|手術|治療中|服薬|投薬|休職|療養|うつ病|鬱病|適応障害|がん|癌|腫瘍|糖尿病|"
    r"HIV|エイズ|認知症|障害者手帳|障がい|障害等級|精神疾患|妊娠|不妊|遺伝|健康診断結果|検査結果|"
    r"犯罪歴|前科|前歴|逮捕|起訴|有罪|服役|少年院|被害者|"
    r"信条|信仰|宗教|宗派|入信|政治的|支持政党|労働組合|組合員|人種|民族|国籍|出自|門地|本籍|被差別|"
    r"性的指向|LGBT|同性愛|性自認"
)


class SpecialCareRecognizer(Recognizer):
    """Flags special-care vocabulary; classification decides whether it concerns a person."""

    label: ClassVar[str] = SPECIAL_CARE

    def find(self, raw: str, norm: str) -> list[Span]:
        return [Span(SPECIAL_CARE, m.start(), m.end(), 0.6) for m in _TERMS.finditer(norm)]
