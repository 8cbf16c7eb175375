"""Generate bench/data/pii_ja_holdout_blind5.jsonl: a sixth batch, written blind after the
table/dialogue rules were frozen (f437ab5).

Why: the table-column and dialogue rules (privacy/columns.py, privacy/dialogue.py) were written to
the rules of issue 12, not to a set; this batch checks them on layouts and wordings written
afterwards: 扶養控除の CSV (quoted cells, `;`), 社員名簿の TSV with 社員番号 look-alikes, 顧客一覧の
Markdown, space-aligned 名簿 pasted from a terminal, ｜ cells with 和暦, コールセンターの通話記録
(お名前/生年月日/お電話番号 asked and answered on the next turn), 窓口の文字起こし with timestamps
(ご住所, マイナンバー), LINE-style chat, 面談記録 Q/A, digit-only phones in parentheses after a name
and in lists; look-alikes: 注文番号/伝票番号 tables with 10-digit numbers starting 03/090, a
dialogue asking for an order number, a field-definition table without values. Its first score
is kept in pii_ja_holdout_blind5.first_score.txt::

    python3 bench/data/make_holdout_blind5.py
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_blind5.jsonl
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_holdout_synth as s
from make_holdout_synth import A, B, E, L, P, T, Z, digits

s.R.seed(20270105)
OUT = Path(__file__).with_name("pii_ja_holdout_blind5.jsonl")
Doc = tuple[str, str, list[str], list[str]]

SUR = ["鷲尾", "榊原", "東海林", "日比野", "三枝", "小野寺", "芦田", "古賀", "仲宗根", "若狭", "水落", "堀之内"]
GIV = ["千尋", "光希", "優", "紗季", "航", "楓", "悠真", "美月", "琉生", "結菜", "慎之介", "透"]
KANA_GIV = ["ちひろ", "みつき", "ゆう", "さき", "わたる", "かえで"]
ADDR = [
    ("951-8068", "新潟県新潟市中央区上大川前通7番町1230番地"),
    ("430-0928", "静岡県浜松市中区板屋町111-2"),
    ("790-0004", "愛媛県松山市大街道2丁目5番1号"),
    ("390-0811", "長野県松本市中央1-2-3 松本セントラルビル4F"),
    ("802-0006", "福岡県北九州市小倉北区魚町3-2-1"),
    ("060-0003", "北海道札幌市中央区北3条西4丁目1-1"),
    ("860-0806", "熊本県熊本市中央区花畑町4番1号"),
    ("630-8244", "奈良県奈良市三条町511-3"),
]
FIXED = ["0252281234", "0534561122", "0899217788", "0263334455", "0935217766", "0112319900"]


def nm(i: int, k: int, sep: str = " ") -> str:
    return f"{SUR[(i * 5 + k) % len(SUR)]}{sep}{GIV[(i * 7 + k) % len(GIV)]}"


def sur(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)]


def ad(i: int, k: int) -> tuple[str, str]:
    return ADDR[(i * 3 + k) % len(ADDR)]


def fixed(i: int, k: int) -> str:
    return FIXED[(i * 2 + k) % len(FIXED)]


def mob() -> str:
    return s.mobile()


def bd(i: int, k: int, style: int) -> str:
    y, m, d = 1965 + i * 4 + k * 7, (k * 5 + i) % 12 + 1, (k * 9 + i * 3) % 27 + 1
    era = f"昭和{y - 1925}年{m}月{d}日" if y < 1989 else f"平成{y - 1988}年{m}月{d}日"
    return [f"{y}/{m:02d}/{d:02d}", f"{y}-{m}-{d}", f"{y}年{m}月{d}日", era][style % 4]


# ------------------------------------------------------------------------------ tables


def g_fuyou_csv(i: int) -> Doc:
    """扶養控除の CSV: 個人番号 column (plain / quoted / `;`), 生年月日 column."""
    d = [",", ",", ";"][i]
    q = '"' if i == 1 else ""
    head = d.join(f"{q}{h}{q}" for h in ["氏名", "続柄", "個人番号", "生年月日"])
    rows = []
    for k, rel in enumerate(["本人", "配偶者", "長男"]):
        rows.append(d.join(f"{q}{c}{q}" for c in [P(nm(i, k)), rel, L("MY_NUMBER", s.my_number()), B(bd(i, k, i + k))]))
    return (
        "dependents_csv",
        "以下のCSVを扶養控除申告書の様式に整形してください。\n"
        + head
        + "\n"
        + "\n".join(rows)
        + "\n※提出期限 12月10日",
        ["続柄・提出期限は対象外。"],
        ["family:table"],
    )


def g_shain_tsv(i: int) -> Doc:
    """社員名簿の TSV: 社員番号 look-alike, 携帯番号 (digit-only) and 現住所 columns."""
    rows = []
    for k in range(3):
        _, a = ad(i, k)
        rows.append("\t".join([f"S{digits(5)}", P(nm(i, k + 3)), T(mob() if k != 1 else fixed(i, k)), A(a)]))
    return (
        "employee_tsv",
        "社員名簿（抜粋）\n" + "\t".join(["社員番号", "氏名", "携帯番号", "現住所"]) + "\n" + "\n".join(rows),
        ["社員番号は対象外。"],
        ["family:table"],
    )


def g_kokyaku_md(i: int) -> Doc:
    """顧客一覧の Markdown: 電話 (digit-only), メールアドレス, 郵便番号 (7 digits plain)."""
    lines = ["| お名前 | 電話 | メールアドレス | 郵便番号 |", "|:---|:---:|:---|---:|"]
    for k in range(3):
        z = ad(i, k + 1)[0].replace("-", "") if k != 2 else ad(i, k + 1)[0]
        mail = f"{['chihiro', 'mitsuki', 'sora', 'wataru'][(i + k) % 4]}.{k + i}@{['example.co.jp', 'mail.example.jp', 'example.ne.jp'][k]}"
        lines.append(f"| {P(nm(i, k + 6))} | {T(fixed(i, k))} | {E(mail)} | {Z(z)} |")
    return (
        "customer_markdown",
        "顧客一覧です。重複している人がいたら教えて。\n\n" + "\n".join(lines),
        [],
        ["family:table"],
    )


def g_space_roster(i: int) -> Doc:
    """Space-aligned 名簿 pasted from a terminal: 氏名 / 生年月日 / TEL columns."""
    rows = [("氏名", "生年月日", "TEL")]
    marked = []
    for k in range(3):
        n, b, t = nm(i, k + 1), bd(i, k + 2, k), mob()
        rows.append((n, b, t))
        marked.append((P(n), B(b), T(t)))
    w = [max(len(r[c]) for r in rows) + 3 for c in range(3)]
    out = ["".join(h.ljust(w[c]) for c, h in enumerate(rows[0])).rstrip()]
    for r, mr in zip(rows[1:], marked, strict=True):
        out.append("".join(mr[c] + " " * (w[c] - len(r[c])) for c in range(3)).rstrip())
    return (
        "roster_spaced",
        "会員名簿（システム出力）\n" + "\n".join(out) + "\n--- 3 rows ---",
        [],
        ["family:table"],
    )


def g_pipe_wareki(i: int) -> Doc:
    """｜ cells (full-width) with 生年月日（和暦） and ＴＥＬ headers."""
    lines = ["｜氏名｜生年月日（和暦）｜ＴＥＬ｜備考｜"]
    for k in range(2):
        lines.append(
            f"｜{P(nm(i, k + 4, '　'))}｜{B(bd(i, k, 3))}｜{T(fixed(i, k + 2))}｜{['要連絡', '転居予定'][k]}｜"
        )
    return (
        "pipe_table",
        "見学会の参加者名簿\n" + "\n".join(lines) + f"\n記入：{P(sur(i, 9))}",
        ["備考は対象外。"],
        ["family:table"],
    )


def g_csv_headers(i: int) -> Doc:
    """CSV whose headers are polite or English variants: お名前, ご住所, Phone, DOB."""
    head = [
        ["No.", "お名前", "ご住所", "電話番号"],
        ["No.", "Name", "Address", "Phone"],
        ["No.", "名前", "住所", "連絡先"],
    ][i]
    rows = [",".join(head)]
    for k in range(2):
        _, a = ad(i, k + 5)
        rows.append(",".join([str(k + 1), P(nm(i, k + 2)), A(a), T(fixed(i, k + 3))]))
    return (
        "csv_header_variants",
        "申込フォームの回答をCSVで出力しました。住所の表記ゆれを直してください。\n" + "\n".join(rows),
        [],
        ["family:table"],
    )


# ------------------------------------------------------------------------------ dialogues


def g_callcenter(i: int) -> Doc:
    """コールセンターの通話記録: the operator asks, the customer answers on the next turn."""
    op, cu = [("オペレーター", "お客様"), ("OP", "客"), ("担当", "顧客")][i]
    name = nm(i, 3)
    b = bd(i, 1, [3, 0, 2][i])
    t = [fixed(i, 0), mob(), fixed(i, 4)][i]
    return (
        "call_log",
        f"【通話記録】2025/11/{10 + i} 受付\n"
        f"{op}：お電話ありがとうございます。ご本人様確認のため、お名前をフルネームでお願いいたします。\n"
        f"{cu}：{P(name)}です。\n"
        f"{op}：ありがとうございます。生年月日をお伺いしてもよろしいでしょうか。\n"
        f"{cu}：{B(b)}です。\n"
        f"{op}：ご登録のお電話番号を教えていただけますか。\n"
        f"{cu}：えっと、{T(t)}です。\n"
        f"{op}：確認が取れました。本日はどのようなご用件でしょうか。\n"
        f"{cu}：先月の請求書が届かないんです。",
        ["受付日は対象外。"],
        ["family:dialogue"],
    )


def g_madoguchi(i: int) -> Doc:
    """窓口の文字起こし with timestamps: ご住所 and マイナンバー asked, answered on the next line."""
    _, a = ad(i, 2)
    mn = s.my_number()
    mnf = [mn, f"{mn[:4]} {mn[4:8]} {mn[8:]}", f"{mn[:4]}-{mn[4:8]}-{mn[8:]}"][i]
    return (
        "counter_transcript",
        f"[00:00:05] 職員：本日は転入のお手続きですね。新しいご住所をお願いします。\n"
        f"[00:00:11] 来庁者：{A(a)}です。\n"
        f"[00:00:20] 職員：マイナンバーカードはお持ちですか。個人番号を読み上げていただけますか。\n"
        f"[00:00:31] 来庁者：{L('MY_NUMBER', mnf)}\n"
        f"[00:00:40] 職員：ありがとうございます。受付番号は{digits(4)}番です。",
        ["受付番号・時刻は対象外。"],
        ["family:dialogue"],
    )


def g_line_chat(i: int) -> Doc:
    """LINE-style chat: a birthday and a phone asked casually, answered on the next message."""
    a, b = sur(i, 7), sur(i, 8)
    return (
        "line_chat",
        f"{P(a)}：来月の歓迎会、幹事の{P(nm(i, 10))}さんの誕生日はいつ？\n"
        f"{P(b)}：{B(bd(i, 4, 2))}だったはず\n"
        f"{P(a)}：お店の電話番号は？\n"
        f"{P(b)}：{T(fixed(i, 5))}\n"
        f"{P(a)}：了解、予約しとく",
        [],
        ["family:dialogue"],
    )


def g_mendan(i: int) -> Doc:
    """面談記録 as Q/A lines."""
    return (
        "interview_qa",
        f"面談記録（{['キャリア相談', '生活相談', '就労支援'][i]}）\n"
        f"Q：お名前を教えてください。\nA：{P(nm(i, 11))}と申します。\n"
        f"Q：生年月日をお願いします。\nA：{B(bd(i, 3, 1 + i))}です。\n"
        f"Q：日中つながる連絡先はありますか。\nA：携帯で、{T(mob())}です。\n"
        f"Q：相談したいことは？\nA：仕事が見つからないことです。",
        [],
        ["family:dialogue"],
    )


def g_paren_phone(i: int) -> Doc:
    """Digit-only phones in parentheses after a name and beside a name in a list; 注文番号 traps."""
    return (
        "memo_phones",
        f"引継ぎメモ\n・{P(nm(i, 0))}（{T(fixed(i, 1))}）へ見積書を再送\n"
        f"・{P(nm(i, 5))} {T(fixed(i, 3))} 折り返し待ち\n"
        f"・注文番号 03{digits(8)} の出荷確認（担当 {P(sur(i, 6))}）\n"
        f"・請求金額 {digits(3)},000円",
        ["注文番号・金額は対象外。"],
        ["family:memo"],
    )


# ------------------------------------------------------------------------------ no-PII templates


def n_order_table(i: int) -> Doc:
    return (
        "order_table_nopii",
        "注文番号,伝票番号,数量,金額\n"
        + "\n".join(f"03{digits(8)},090{digits(7)},{k + 2},{(k + 1) * 1200}" for k in range(3))
        + "\n※番号はすべて社内システムの採番",
        ["注文番号・伝票番号は電話番号ではない。"],
        ["no_pii", "family:table"],
    )


def n_dialog_order(i: int) -> Doc:
    return (
        "order_dialog_nopii",
        f"オペレーター：ご注文番号をお願いします。\nお客様：03{digits(8)}です。\n"
        f"オペレーター：商品の型番を教えていただけますか。\nお客様：KX-{digits(4)}です。",
        ["注文番号・型番は対象外。"],
        ["no_pii", "family:dialogue"],
    )


def n_field_table(i: int) -> Doc:
    return (
        "field_table_nopii",
        "| 項目 | 型 | 必須 |\n|---|---|---|\n| 氏名 | 文字列(全角) | ○ |\n| 電話番号 | 数字10〜11桁 | ○ |\n"
        "| 生年月日 | YYYY/MM/DD | × |\n| 個人番号 | 数字12桁 | × |",
        ["欄名だけで値はない。"],
        ["no_pii", "family:it"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    g_fuyou_csv, g_shain_tsv, g_kokyaku_md, g_space_roster, g_pipe_wareki, g_csv_headers,
    g_callcenter, g_madoguchi, g_line_chat, g_mendan, g_paren_phone,
    n_order_table, n_dialog_order, n_field_table,
]  # fmt: skip


def main() -> None:
    s.write_set(
        OUT, TEMPLATES, "hb5", lambda tmpl, text, marked, tags: s.valid_lookalike(re.sub(r"⟦[^⟧]*⟧", "", marked))
    )


if __name__ == "__main__":
    main()
