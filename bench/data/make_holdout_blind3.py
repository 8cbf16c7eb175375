"""Generate bench/data/pii_ja_holdout_blind3.jsonl: a fourth batch, written blind.

Why another batch: blind and blind2 were fixed after their first runs, so they are ceilings now.
This batch imitates a different author of business Japanese: 見積依頼メール with varied 署名ブロック
(TEL/FAX/携帯/Mail, 内線 after the number, 〒 lines), 請求書PDFのOCR崩れ (spaces inside numbers,
mixed widths), 顧客カルテ with ｜ separators, CSV pasted into a chatbot prompt, English signature
blocks with romaji addresses, hiragana-only names, 旧姓 in brackets, foreign names with ＝/・,
和暦 (令和元年/平成31年/R5.4.1, 1990年（平成2年）), +81-3 / +81 3, 0120, e-mail with + tags and
subdomains, compressed IPv6, マイナンバー with full-width spaces, 法人番号 in 登記 text,
口座 lines with a corporate kana holder, 本人確認書類 lists. Look-alikes: 管理番号, 受付番号, 品番,
JAN, 金額, バージョン, 部屋番号, company names with person-like words, bare place names,
historical figures. Its first score is kept in pii_ja_holdout_blind3.first_score.txt::

    python3 bench/data/make_holdout_blind3.py
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_blind3.jsonl
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_holdout_synth as s
from make_holdout_synth import A, B, E, L, P, T, Z, digits, fw, g444

s.R.seed(20261203)
OUT = Path(__file__).with_name("pii_ja_holdout_blind3.jsonl")
Doc = tuple[str, str, list[str], list[str]]

SUR = [
    ("辻本", "ツジモト", "Tsujimoto"), ("綿貫", "ワタヌキ", "Watanuki"), ("檜垣", "ヒガキ", "Higaki"),
    ("湯浅", "ユアサ", "Yuasa"), ("猪股", "イノマタ", "Inomata"), ("五十嵐", "イガラシ", "Igarashi"),
    ("東海林", "ショウジ", "Shoji"), ("鬼塚", "オニツカ", "Onitsuka"), ("不破", "フワ", "Fuwa"),
    ("樋渡", "ヒワタシ", "Hiwatashi"), ("大河内", "オオコウチ", "Okochi"), ("芦田", "アシダ", "Ashida"),
    ("中井", "ナカイ", "Nakai"),
]  # fmt: skip
GIV = [
    ("遥", "ハルカ", "Haruka"), ("悠真", "ユウマ", "Yuma"), ("結衣", "ユイ", "Yui"), ("拓海", "タクミ", "Takumi"),
    ("紗希", "サキ", "Saki"), ("一輝", "カズキ", "Kazuki"), ("千尋", "チヒロ", "Chihiro"), ("莉子", "リコ", "Riko"),
    ("健吾", "ケンゴ", "Kengo"), ("真央", "マオ", "Mao"), ("康平", "コウヘイ", "Kohei"),
]  # fmt: skip
HIRA = [("たかぎ", "ゆうま"), ("いけだ", "ちはる"), ("もりした", "りく"), ("あおやま", "ひより")]
FOREIGN = ["マリア＝フェルナンダ・ソウザ", "グエン・ティ・ラン", "アフマド＝ハリム", "オリヴィア・ベネット"]
ADDR = [
    ("108-0023", "東京都港区芝浦3-4-1 グランパークタワー12階"),
    ("530-0001", "大阪市北区梅田1丁目11番4-1200号"),
    ("450-6215", "愛知県名古屋市中村区名駅四丁目7番1号 ミッドランドスクエア15F"),
    ("812-0011", "福岡市博多区博多駅前2-1-1 朝日ビル5F"),
    ("060-0005", "札幌市中央区北5条西6丁目2-2"),
    ("212-0013", "神奈川県川崎市幸区堀川町580番地 ソリッドスクエア東館"),
    ("730-0031", "広島県広島市中区紙屋町1-2-22"),
    ("380-0836", "長野県長野市南県町1082 県町ハイツ203"),
]  # fmt: skip
ROMA_ADDR = [
    ("160-0023", "1-2-3 Nishishinjuku, Shinjuku-ku, Tokyo"),
    ("108-0023", "3-4-1 Shibaura, Minato-ku, Tokyo"),
    ("812-0011", "2-1-1 Hakataekimae, Hakata-ku, Fukuoka"),
]  # fmt: skip


def sur(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)][0]


def nm(i: int, k: int, sep: str = " ") -> str:
    return f"{SUR[(i * 5 + k) % len(SUR)][0]}{sep}{GIV[(i * 3 + k) % len(GIV)][0]}"


def kana(i: int, k: int, sep: str = " ") -> str:
    return f"{SUR[(i * 5 + k) % len(SUR)][1]}{sep}{GIV[(i * 3 + k) % len(GIV)][1]}"


def roma(i: int, k: int) -> str:
    return f"{GIV[(i * 3 + k) % len(GIV)][2]} {SUR[(i * 5 + k) % len(SUR)][2]}"


def ad(i: int, k: int) -> tuple[str, str]:
    return ADDR[(i * 3 + k) % len(ADDR)]


def mob_digits() -> str:
    return s.mobile()


def fixed(i: int) -> tuple[str, str]:
    """(area-coded number, the same with another separator) for variant i."""
    forms = [("03-5412-7780", "03-5412-7781"), ("06-6201-3345", "06-6201-3346"), ("052-561-8890", "052-561-8891")]
    return forms[i % len(forms)]


# ------------------------------------------------------------------------------ PII templates


def g_mitsumori(i: int) -> Doc:
    z, a = ad(i, 0)
    tel, fax = fixed(i)
    m = mob_digits()
    mail = [f"h.{SUR[(i * 5) % len(SUR)][2].lower()}+quote@sales.mirai-kogyo.co.jp", f"purchase+{i}@tokyo.kasumi-denki.jp", f"{SUR[(i * 5) % len(SUR)][2].lower()}@mail.hq.orion-sys.com"][i % 3]
    sig = [
        f"━━━━━━━━━━━━━━━━\n株式会社みらい工業　購買部 資材課\n{P(nm(i, 0, '　'))}（{P(kana(i, 0, ' '))}）\n〒{Z(z)}　{A(a)}\nTEL：{T(tel)}（内線 2{i}15）／FAX：{T(fax)}\n携帯：{T(f'{m[:3]} {m[3:7]} {m[7:]}')}\nMail：{E(mail)}\n━━━━━━━━━━━━━━━━",
        f"--\n{P(nm(i, 0))}\nかすみ電機株式会社 調達グループ\nT {T(tel)} 内線{i}23 | F {T(fax)} | M {T(f'{m[:3]}-{m[3:7]}-{m[7:]}')}\n{E(mail)}\n〒{Z(z)} {A(a)}",
        f"＿＿＿＿＿＿＿＿＿＿\nオリオンシステムズ(株)\n営業本部　{P(sur(i, 0))}\n電話 {T(tel)}(代) / 直通 {T(f'{m[:3]}({m[3:7]}){m[7:]}')}\nE-mail {E(mail)}\n住所 {A(a)}（〒{Z(z)}）",
    ][i % 3]
    return (
        "mitsumori_mail",
        f"件名：【見積依頼】ステンレス配管部材（品番 SP-{digits(4)}）\n\n"
        f"ご担当者様\n\nいつもお世話になっております。\n下記の部材につき、お見積りをお願いできますでしょうか。\n"
        f"・品番 SP-{digits(4)}　数量 {120 + i * 10}本\n・品番 SP-{digits(4)}　数量 {40 + i}本\n"
        f"希望納期：{i + 7}月末　納入場所：弊社{['川崎', '豊橋', '堺'][i]}工場\n\n何卒よろしくお願いいたします。\n\n{sig}",
        ["品番・数量・工場名は対象外。内線番号は電話番号に含めない。"],
        ["family:mail"],
    )


def g_ocr_invoice(i: int) -> Doc:
    z, a = ad(i, 1)
    corp = s.corporate()
    acct = digits(7)
    tel = ["0 3-6 2 0 5-4 4 1 8", "０６－６２０１－３３９８", "052 - 561 - 8802"][i]
    return (
        "ocr_invoice",
        f"請 求 書\nNo. 2025{digits(4)}　発行日 2025年 {i + 4}月 30日\n\n"
        f"{P(nm(i, 1, ' '))} 様\n\n"
        f"株式会社 ことり 印刷\n〒 {Z(fw(z) if i == 1 else z)}\n{A(a)}\nＴＥＬ {T(tel)}\n"
        f"登録番号 T{L('CORPORATE_NUMBER', corp[0] + ' ' + corp[1:5] + ' ' + corp[5:9] + ' ' + corp[9:])}\n\n"
        f"品 名　　　　　数 量　単 価　　金 額\nチラシ A4 両面　5,000　　 12　　60,000\n"
        f"小 計 60,000　消費税(10%) 6,000　合 計 ￥66,000\n\n"
        f"お振込先：みずほ銀行 {['日本橋', '梅田', '名古屋'][i]}支店 {L('BANK_ACCOUNT', '普通 ' + acct)} ｶ)ｺﾄﾘｲﾝｻﾂ",
        ["請求書番号・金額は対象外。口座名義は会社（ｶ)…）で人名ではない。"],
        ["family:invoice", "split_number"],
    )


def g_karte(i: int) -> Doc:
    z, a = ad(i, 2)
    m = mob_digits()
    bd = ["平成2年（1990年）6月12日", "昭和61年11月3日", "H3.2.28"][i]
    old = sur(i, 9)
    return (
        "customer_karte",
        f"顧客カルテ No.K-{digits(5)}\n"
        f"｜氏名｜{P(nm(i, 2))}（旧姓：{P(old)}）｜フリガナ｜{P(kana(i, 2))}｜\n"
        f"｜生年月日｜{B(bd)}｜性別｜女｜\n"
        f"｜住所｜〒{Z(z)} {A(a)}｜\n"
        f"｜連絡先｜{T(f'{m[:3]}-{m[3:7]}-{m[7:]}')}｜来店回数｜{3 + i}回｜\n"
        f"｜担当｜{P(sur(i, 3))}｜前回来店｜R{5 + (i % 2)}.{i + 3}.1{i}｜\n"
        f"｜メモ｜カラーはアッシュ系希望。次回は{i + 2}週間後｜",
        ["カルテ番号・来店日（R形式）は対象外。"],
        ["family:crm"],
    )


def g_chatbot_csv(i: int) -> Doc:
    rows = []
    for k in range(3):
        _z, a = ad(i, k + 3)
        m = mob_digits()
        bd = ["1985/04/12", "1992-11-03", "昭和58年7月7日"][(i + k) % 3]
        rows.append(f"{P(nm(i, k + 4, ''))},{T(f'{m[:3]}-{m[3:7]}-{m[7:]}')},{A(a)},{B(bd)}")
    return (
        "chatbot_csv",
        "以下の顧客情報を整理して、住所の都道府県ごとに件数をまとめてください。\n\n"
        "氏名,電話,住所,生年月日\n" + "\n".join(rows) + "\n\n出力は表形式でお願いします。",
        ["CSVの生年月日列は生年月日。"],
        ["family:ai_prompt", "ai_inline"],
    )


def g_english_sig(i: int) -> Doc:
    z, a = ROMA_ADDR[i]
    who = roma(i, 5)
    return (
        "english_signature",
        f"Hi team,\n\nPlease find the revised quotation attached. Let me know if the delivery date of {['May', 'June', 'July'][i]} {10 + i} works for you.\n\n"
        f"Best regards,\n{P(who)}\nSenior Account Manager, Asia Pacific\nNorthwind Trading K.K.\n{A(a)} {Z(z)}, Japan\n"
        f"Tel: {T(['+81-3-6380-2211', '+81 3 5440 7721', '+81-92-471-3390'][i])}\nMobile: {T('+81-90-' + digits(4) + '-' + digits(4))}\n"
        f"Email: {E(f'{who.split()[0].lower()}.{who.split()[1].lower()}@ap.northwind-trading.com')}",
        ["Northwind Trading は会社名。"],
        ["family:mail", "en_mix"],
    )


def g_hoikuen(i: int) -> Doc:
    sh, gh = HIRA[i % len(HIRA)]
    sib = HIRA[(i + 1) % len(HIRA)][1]
    return (
        "renrakucho_hiragana",
        f"れんらくちょう（{i + 4}がつ{10 + i}にち）\n"
        f"なまえ：{P(sh + ' ' + gh)}\n"
        f"きょうは　おそとで　すなあそびを　しました。{P(gh)}くんは　おともだちの　{P(sib)}ちゃんと　おやまを　つくりました。\n"
        f"おむかえ：{P(sh)}（はは）　{T(['090-4417-2280', '080-5512-9034', '070-3321-6657'][i])}\n"
        f"たんにん：{P(sur(i, 6))}",
        ["ひらがなの人名。"],
        ["family:school"],
    )


def g_zairyu(i: int) -> Doc:
    who = FOREIGN[i % len(FOREIGN)]
    bd = ["1994年3月5日", "平成8年12月24日", "05/09/1991"][i]
    return (
        "foreign_staff",
        f"外国籍社員 受入れチェックリスト\n"
        f"対象者：{P(who)} さん（{['ブラジル', 'ベトナム', 'エジプト'][i]}国籍）\n"
        f"生年月日：{B(bd)}\n入国日：R{6}.{i + 1}.{15 + i}　在留期限：令和{9}年{i + 3}月31日\n"
        f"パスポート番号：{L('PASSPORT', ['TR', 'MK', 'AZ'][i] + digits(7))}\n"
        f"受入担当：人事課 {P(nm(i, 7))}（内線 {4100 + i}）\n"
        f"連絡先：{E(f'global.hr+intake{i}@corp.kasumi-denki.jp')}",
        ["入国日・在留期限・国名・内線は対象外。"],
        ["family:hr"],
    )


def g_honnin(i: int) -> Doc:
    mn = s.my_number()
    lic = digits(12)
    return (
        "identity_docs",
        f"本人確認書類（{['口座開設', '携帯契約', '賃貸申込'][i]}）\n"
        f"申込者：{P(nm(i, 8))}\n"
        f"1. 運転免許証　番号 {L('DRIVER_LICENSE', lic)}（有効期限 令和{8 + i}年{i + 2}月{10 + i}日）\n"
        f"2. 個人番号カード　{L('MY_NUMBER', fw(mn[:4]) + '　' + fw(mn[4:8]) + '　' + fw(mn[8:]))}\n"
        f"3. パスポート　{L('PASSPORT', ['TK', 'MZ', 'RH'][i] + digits(7))}\n"
        f"受付番号 {digits(8)}　受付者 {P(sur(i, 9))}",
        ["受付番号・有効期限は対象外。"],
        ["family:identity", "fullwidth_pii"],
    )


def g_touki(i: int) -> Doc:
    _z, a = ad(i, 4)
    corp = s.corporate()
    return (
        "touki_summary",
        f"履歴事項全部証明書（要約）\n"
        f"会社法人等番号　0{i + 1}00-01-{digits(6)}\n"
        f"法人番号　{L('CORPORATE_NUMBER', corp)}\n"
        f"商号　株式会社ほしぞら物産\n本店　{A(a)}\n"
        f"会社成立の年月日　平成{12 + i}年{i + 4}月1日\n"
        f"資本金の額　金{3 + i}000万円\n"
        f"役員に関する事項　代表取締役　{P(nm(i, 9))}　／　取締役　{P(nm(i, 10))}",
        ["会社法人等番号（12桁、4-2-6）と設立日は対象外。"],
        ["family:legal"],
    )


def g_it_ticket(i: int) -> Doc:
    dom = ["mirai", "kasumi", "orion"][i]
    v6 = ["2001:db8:3c4d::1f", "fe80::a1b2:3cff:fe4d:5e6f", "2001:db8::8a2e:370:7334"][i]
    return (
        "it_ticket",
        f"[INC-{digits(6)}] VPN 接続不可\n報告者：{P(nm(i, 11))}（情報システム部）\n"
        f"現象：クライアント v{4 + i}.2.1.{10 + i} で接続時にタイムアウト。\n"
        f"接続元 IPv6：{L('IP_ADDRESS', v6)}／ゲートウェイ {L('IP_ADDRESS', f'10.{20 + i}.0.1')}\n"
        f"通知先：{E(f'it-alert+vpn@ops.{dom}.example.jp')}\n"
        f"対応：{P(sur(i, 12))}が再現確認中。",
        ["チケット番号・バージョンは対象外。"],
        ["family:it"],
    )


def g_call_center(i: int) -> Doc:
    m = mob_digits()
    bd = ["平成31年4月30日", "令和元年5月1日", "R2.2.2"][i]
    return (
        "callcenter_note",
        f"受付メモ（お客様窓口 {T(['0120-553-218', '0120-77-4410', '0800-111-2345'][i])}）\n"
        f"お客様：{P(nm(i, 1))}様　ご連絡先 {T(f'{m[:3]} {m[3:7]} {m[7:]}')}\n"
        f"内容：お子様（{B(bd)}生）の学資保険の資料請求。\n"
        f"折返し希望 {i + 1}時以降。担当 {P(sur(i, 4))}",
        ["窓口のフリーダイヤルも会社の電話番号として対象。"],
        ["family:support"],
    )


def g_rental(i: int) -> Doc:
    z, a = ad(i, 6)
    return (
        "rental_application",
        f"入居申込書\n申込者　{P(nm(i, 3, '　'))}　{B(['昭和63年（1988年）2月14日', '平成4年8月8日', '1979.10.21'][i])}生　{30 + i}歳\n"
        f"現住所　〒{Z(z)} {A(a)}\n"
        f"勤務先　株式会社はやぶさ運輸（TEL {T(['0120-964-112', '03-3251-0098', '06-4708-1123'][i])}）\n"
        f"緊急連絡先　{P(nm(i, 5, ''))}（父）{T('0' + ['45', '78', '22'][i] + '-' + digits(3) + '-' + digits(4))}\n"
        f"希望物件　県町ハイツ　{200 + i}号室",
        ["物件名・部屋番号は対象外。"],
        ["family:real_estate"],
    )


# ------------------------------------------------------------------------------ no-PII templates


def n_quote(i: int) -> Doc:
    return (
        "quote_nopii",
        f"御見積書（管理番号 {s.bad_corporate()}）\n受付番号 {g444(s.bad_my_number(), '-')}\n"
        f"品番 AB{digits(7)}　JAN {s.bad_corporate()}　数量 {10 + i}　金額 1,{234 + i},567円\n"
        f"対応機種：松下電器製 旧型 / 本田技研向け部品\nソフトウェア バージョン 10.{i}.3.4\n"
        f"打合せ：{i + 2}月{12 + i}日 新宿で（会議室 {501 + i}号室）",
        ["管理番号・JANは法人番号検査不一致、受付番号はマイナンバー検査不一致、社名・地名・部屋番号は対象外。"],
        ["no_pii", "family:quote"],
    )


def n_history(i: int) -> Doc:
    return (
        "history_nopii",
        f"研修資料「日本の経営史」第{i + 1}回\n渋沢栄一は生涯で約500の企業の設立に関わった。"
        f"豊田佐吉は自動織機を発明し、松下幸之助は「水道哲学」を説いた。\n"
        f"課題提出：R{7}.{i + 5}.{20 + i}まで。平成31年4月の制度改正にも触れること。\n"
        f"会場：大阪・梅田の研修センター {i + 3}階",
        ["歴史上の人物・地名・日付は対象外。"],
        ["no_pii", "family:training"],
    )


def n_release(i: int) -> Doc:
    return (
        "release_nopii",
        f"リリースノート v{2 + i}.{i}.0\n- std::vector の再確保を削減\n- TLS 1.3 を既定に\n"
        f"- エラーコード 0x8007000{i} の処理を修正\n- 問い合わせ番号の形式を {digits(10)} から変更\n"
        f"ビルド 192.168.{i}.{10 + i} / 内線 {digits(4)} は廃止",
        ["バージョン・ビルド番号・内線は対象外。"],
        ["no_pii", "family:it"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    g_mitsumori, g_ocr_invoice, g_karte, g_chatbot_csv, g_english_sig, g_hoikuen, g_zairyu,
    g_honnin, g_touki, g_it_ticket, g_call_center, g_rental,
    n_quote, n_history, n_release,
]  # fmt: skip


def main() -> None:
    s.write_set(OUT, TEMPLATES, "hb3", lambda tmpl, text, marked, tags: "no_pii" in tags and s.valid_lookalike(text))


if __name__ == "__main__":
    main()
