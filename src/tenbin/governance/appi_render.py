"""The APPI record as files: CSV for the compliance spreadsheet, and a printable Japanese page
(HTML, one A4 page per period) for the reviewer who signs it."""

from __future__ import annotations

import csv
import html
import io

from tenbin.governance.appi import ITEM_JA, AppiReport, AppiRow

CSV_FIELDS = ("period", "provider", "legal_entity", "country", "region", "jurisdiction", "legal_basis",
              "contract_date", "last_review", "review_due", "retention", "training", "transfers", "personal",
              "special_care", "personal_masked", "personal_unmasked", "after_review_due", "items", "use_cases",
              "rules")


def _pairs(counts: dict[str, int]) -> str:
    return "; ".join(f"{k}={v}" for k, v in counts.items())


def to_csv(report: AppiReport) -> str:
    """One line per period and vendor; counters as ``key=n; key=n`` so a spreadsheet keeps them."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in report.rows:
        d = r.as_dict()
        w.writerow({k: (_pairs(d[k]) if isinstance(d[k], dict) else ("" if d[k] is None else d[k]))
                    for k in CSV_FIELDS})
    return buf.getvalue()


def _e(v: object) -> str:
    return html.escape("" if v is None else str(v))


def _items_ja(r: AppiRow) -> str:
    return "、".join(f"{ITEM_JA.get(k, k)}（{n}件）" for k, n in sorted(r.items.items())) or "なし"


def _period_ja(p: str) -> str:
    return f"{int(p[:4])}年{int(p[5:])}月"


_STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic", sans-serif; font-size: 9pt; }
section { page-break-after: always; }
section:last-child { page-break-after: auto; }
h1 { font-size: 13pt; margin: 0 0 2mm; }
p.meta { margin: 0 0 3mm; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
th { background: #eee; width: 22%; }
td.n { text-align: right; }
.warn { color: #a00; font-weight: bold; }
.vendor { margin-bottom: 4mm; page-break-inside: avoid; }
.sign td { height: 12mm; }
"""


def _vendor_table(r: AppiRow) -> str:
    late = (f'<span class="warn">確認期限（{_e(r.review_due)}）後の提供 {r.after_review_due}件</span>'
            if r.after_review_due else _e(r.review_due or "—"))
    rows = [
        ("提供先（法人名）", _e(r.legal_entity) if r.registered else '<span class="warn">未登録</span>'),
        ("提供先の所在国", _e(r.country)),
        ("処理地域／準拠法の国", f"{_e(r.region)}／{_e(r.jurisdiction)}（プロバイダ {_e(r.provider)}）"),
        ("提供の根拠（法第28条第1項）", _e(r.legal_basis_ja)),
        ("契約締結日", _e(r.contract_date)),
        ("直近の定期的な確認（法第28条第3項）", _e(r.last_review or "—")),
        ("確認の期限", late),
        ("提供先での保存期間", _e(r.retention)),
        ("学習への利用", _e(r.training)),
        ("提供件数（リクエスト）", f"{r.transfers}件"),
        ("うち個人データを含むもの", f"{r.personal}件（要配慮個人情報 {r.special_care}件、仮名化済み "
                                 f"{r.personal_masked}件、仮名化なし {r.personal_unmasked}件）"),
        ("個人データの項目", _e(_items_ja(r))),
        ("利用目的（ユースケース）", _e("、".join(f"{k}（{v}件）" for k, v in sorted(r.use_cases.items())))),
        ("提供を許可したポリシー", _e("、".join(f"{k}（{v}件）" for k, v in sorted(r.rules.items())) or "—")),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<div class="vendor"><table>{body}</table></div>'


def to_html(report: AppiReport, generated_at: str, source: str = "tenbin") -> str:
    """One printable page per period: every foreign recipient, the warnings, a sign-off box."""
    sections = []
    for p in report.periods:
        rows = [r for r in report.rows if r.period == p]
        warns = [w for w in report.warnings if w.startswith(p + " ")]
        vendors = "".join(_vendor_table(r) for r in rows) or "<p>この期間に外国にある第三者への提供はありません。</p>"
        notes = ("<h2>注意事項</h2><ul>" + "".join(f'<li class="warn">{_e(w)}</li>' for w in warns) + "</ul>"
                 if warns else "")
        sections.append(
            f"<section><h1>外国にある第三者への個人データの提供に関する記録（個人情報保護法 第28条・第29条）"
            f"— {_period_ja(p)}</h1>"
            f'<p class="meta">対象期間: {_period_ja(p)}（日本標準時） ／ 作成: {_e(generated_at)} ／ 出典: {_e(source)}'
            f" の監査ログ（ハッシュチェーン）とベンダー台帳 ／ 定期確認の有効期間: {report.review_max_age_days}日</p>"
            f"{vendors}{notes}"
            '<table class="sign"><tr><th>確認者</th><td></td><th>確認日</th><td></td></tr></table></section>')
    if not sections:
        sections.append("<section><h1>外国にある第三者への個人データの提供に関する記録</h1>"
                        "<p>記録の対象となる提供はありません。</p></section>")
    return ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f"<title>APPI 第28条 提供記録</title><style>{_STYLE}</style></head><body>"
            + "".join(sections) + "</body></html>\n")
