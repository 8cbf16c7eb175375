"""Generate bench/data/pii_ja_holdout_blind.jsonl: a second synthetic batch kept *blind*.

Why a second batch: the first synthetic set (make_holdout_synth.py) was used to find and fix
detector errors, so its score became another ceiling. This batch was written afterwards with new
templates, names and addresses, and its first score was recorded before any rule was changed
(see docs/privacy.md). Helpers (check digits, ``⟦LABEL|text⟧`` markup) come from the first
script; the random stream is reseeded so the output is reproducible on its own::

    python3 bench/data/make_holdout_blind.py
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_blind.jsonl
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_holdout_synth as s
from make_holdout_synth import A, B, E, L, P, T, Z, digits, g444

s.R.seed(20261126)
OUT = Path(__file__).with_name("pii_ja_holdout_blind.jsonl")
Doc = tuple[str, str, list[str], list[str]]

SUR = ["水無瀬", "阿比留", "渡嘉敷", "小豆沢", "五味", "浮田", "幸田", "柚木", "土門", "夏目", "西園寺", "能登", "羽生", "久我"]
GIV = ["翠", "柊斗", "美月", "禎子", "晃", "乃愛", "悠真", "和樹", "美和", "朋美", "勘太", "里穂"]
KANA_KIDS = ["りく", "ゆいな", "こうき", "めい"]
ADDR = [
    ("532-0011", "大阪市淀川区西中島5丁目6-9 新大阪第一ビル3F"),
    ("211-0063", "神奈川県川崎市中原区小杉町三丁目430番地 小杉タワー2105号室"),
    ("070-0034", "北海道旭川市4条通8丁目1703"),
    ("894-0026", "鹿児島県奄美市名瀬港町25-8"),
    ("700-0024", "岡山市北区駅元町1-1"),
    ("950-0088", "新潟県新潟市中央区万代4丁目3番7号 万代レジデンス702"),
    ("760-0019", "香川県高松市サンポート2-1"),
]


def nm(i: int, k: int) -> str:
    return f"{SUR[(i * 5 + k) % len(SUR)]} {GIV[(i * 3 + k) % len(GIV)]}"


def sur(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)]


def ad(i: int, k: int) -> tuple[str, str]:
    return ADDR[(i * 3 + k) % len(ADDR)]


def mob() -> str:
    d = s.mobile()
    return f"{d[:3]}-{d[3:7]}-{d[7:]}"


def b_hoikuen(i: int) -> Doc:
    kid = KANA_KIDS[i % 4]
    parent = nm(i, 1)
    return (
        "renrakucho",
        f"【連絡帳】{P(kid)}くん（ひよこ組）\n体温 36.8℃ 朝食：完食\n"
        f"お迎え変更：本日は祖母の{P(nm(i, 2))}さんが17:30に伺います。\n"
        f"保護者：{P(parent)}　緊急連絡先 {T(mob())}\n担任より：{P(kid)}くん、砂場で元気に遊びました。",
        [],
        ["family:childcare"],
    )


def b_chintai(i: int) -> Doc:
    z, a = ad(i, 0)
    bd = f"{s.R.randint(1975, 2000)}/{s.R.randint(1, 12):02d}/{s.R.randint(1, 28):02d}"
    return (
        "chintai_moushikomi",
        f"入居申込書\n申込者氏名　{P(nm(i, 3))}\n生年月日　{B(bd)}\n現住所　〒{Z(z)} {A(a)}\n"
        f"勤務先　株式会社みなみ設計（勤続4年、年収 520万円）\n携帯　{T(s.fmt_mobile(s.mobile(), 9))}\n"
        f"緊急連絡先　{P(nm(i, 4))}（父）　{T(s.phone_fixed(i + 1))}\n希望入居日　2025年4月1日",
        ["入居日・年収は対象外。"],
        ["family:realestate"],
    )


def b_callcenter(i: int) -> Doc:
    kata = ["ミナセ", "アビル", "トカシキ", "コウダ"][i % 4]
    member = digits(10)
    return (
        "call_log",
        f"通話記録 #{digits(7)}\nオペレーター：{P(sur(i, 5))}\n"
        f"お客様：{P(kata)}様（会員番号 {member}）\n"
        f"内容：請求額の確認。折り返し先 {T(s.mobile())} を確認、本人確認済。\n"
        "対応：請求明細を再送（所要 6分）",
        ["会員番号・通話番号は対象外。"],
        ["family:support"],
    )


def b_invoice_en(i: int) -> Doc:
    g, f = [("Haruto", "MINASE"), ("Miwa", "Koda"), ("Jun", "Abiru")][i % 3]
    acct = digits(7)
    return (
        "invoice_en",
        f"INVOICE No. INV-2024-{digits(4)}\nBill to: Mr. {P(f'{g} {f}')}\n"
        f"{A('2-3-4 Nishi-Shinjuku, Shinjuku-ku, Tokyo')} {Z('160-0023')}\n"
        f"Tel: {T('+81 3-' + digits(4) + '-' + digits(4))}\n"
        f"Amount due: JPY 1,248,000 (tax incl.)\nPay to: Aoba Bank, Shinjuku Branch, Account No. {L('BANK_ACCOUNT', acct)}",
        ["invoice number and amount are not PII."],
        ["family:finance", "en_mix"],
    )


def b_monshin(i: int) -> Doc:
    bd = f"H{s.R.randint(2, 30)}.{s.R.randint(1, 12)}.{s.R.randint(1, 28)}"
    return (
        "monshin",
        f"問診票\n氏名：{P(nm(i, 6))}　生年月日：{B(bd)}\n既往歴：喘息（小児期）\n"
        f"現在の症状：3日前から咳、37.6℃\n緊急連絡先：{P(nm(i, 7))}（妻）{T(mob())}",
        [],
        ["family:medical"],
    )


def b_idou(i: int) -> Doc:
    return (
        "jinji_idou",
        f"人事異動のお知らせ（2025年4月1日付）\n営業企画部長　{P(nm(i, 8))}（現 マーケティング部 次長）\n"
        f"名古屋支店長　{P(nm(i, 9))}（現 大阪支店 課長）\n以上　社員番号 {digits(6)}、{digits(6)}",
        ["社員番号・日付は対象外。"],
        ["family:hr"],
    )


def b_meibo(i: int) -> Doc:
    rows = []
    for k in range(3):
        n = nm(i, 10 + k)
        mail = f"{['m.minase', 'abiru.t', 'kuga-r'][k]}{i}@example.org"
        rows.append(f"{P(n)},{T(s.fmt_mobile(s.mobile(), k))},{E(mail)}")
    return (
        "meibo_csv",
        "氏名,電話,メール\n" + "\n".join(rows) + "\n（計3名、自治会名簿より抜粋）",
        [],
        ["family:list"],
    )


def b_teams(i: int) -> Doc:
    return (
        "teams_chat",
        f"{P(nm(i, 13))}: @{P(nm(i, 14))} 明日の顧客訪問、{P(sur(i, 15))}様の住所はこちらです\n"
        f"{P(nm(i, 13))}: {A(ad(i, 2)[1])}\n{P(nm(i, 14))}: 了解、10時にロビー集合で",
        [],
        ["family:chat"],
    )


def b_mynumber_form(i: int) -> Doc:
    mn = s.my_number()
    corp = s.corporate()
    bad = s.bad_corporate()
    return (
        "shiharai_chosho",
        f"報酬の支払調書 作成用メモ\n支払を受ける者：{P(nm(i, 16))}　個人番号 {L('MY_NUMBER', g444(mn, '-'))}\n"
        f"支払者：株式会社ひかり出版　法人番号 {L('CORPORATE_NUMBER', corp)}\n"
        f"参考：旧管理コード {bad}（無効）\n支払金額 330,000円　源泉徴収税額 33,693円",
        ["旧管理コードは法人番号チェック不一致。"],
        ["family:finance"],
    )


def n_kessan(i: int) -> Doc:
    return (
        "kessan_tanshin",
        f"2025年3月期 第{i + 1}四半期 決算短信（抜粋）\n売上高 48,213百万円（前年同期比 +6.4%）\n"
        f"営業利益 3,905百万円、経常利益 4,120百万円\n1株当たり四半期純利益 128.44円\n証券コード {digits(4)}",
        [],
        ["no_pii", "family:finance"],
    )


def n_manual(i: int) -> Doc:
    return (
        "manual",
        f"設定手順\n1. 管理画面（バージョン 10.{i + 2}.0.1）にログイン\n2. ポート 8443 を開放\n"
        f"3. シリアル番号 {digits(12)} を入力（12桁）\n4. 再起動後、ランプが緑に点灯すれば完了",
        ["シリアル番号は12桁だがマイナンバー文脈なし（チェックデジットは不問のため数値は検査）。"],
        ["no_pii", "family:it"],
    )


def n_price(i: int) -> Doc:
    return (
        "ryokinhyo",
        f"料金表（2025年度）\nスタンダード 月額 2,980円／年額 29,800円\nプレミアム 月額 {4980 + i * 100:,}円\n"
        "法人向け：営業部 内線 4410 まで\n初期費用 0円（2025/3/31 まで）",
        ["内線・日付は対象外。"],
        ["no_pii", "family:notice"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    b_hoikuen, b_chintai, b_callcenter, b_invoice_en, b_monshin, b_idou, b_meibo, b_teams,
    b_mynumber_form, n_kessan, n_manual, n_price,
]  # fmt: skip


def _safe_serial(text: str) -> bool:
    """The no-PII manual must not contain a 12-digit serial that happens to be a valid My Number."""
    import re

    return not any(s.my_number(m[:11]) == m for m in re.findall(r"\d{12}", text))


def main() -> None:
    s.write_set(OUT, TEMPLATES, "hob", lambda tmpl, text, marked, tags: tmpl is n_manual and not _safe_serial(text))


if __name__ == "__main__":
    main()
