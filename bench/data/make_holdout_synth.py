"""Generate bench/data/pii_ja_holdout_synth.jsonl: a held-out-style Japanese PII set.

Why it exists: the dev set (/work/shared/data/pii_ja_dev.jsonl) was used to build the detector, so
its score is a ceiling. This set is written deliberately differently (other document types,
rare/foreign/romaji/half-width names, 通り名/条丁目/字 addresses, +81 and full-width phones,
和暦 with 元年 and a western year in parentheses, English dates, invoice T-numbers, many
look-alikes) so that rule changes are checked against text they were not tuned on.

Templates are hand-written; fillers (names, addresses, numbers) come from pools indexed by the
variant number and from ``random.Random(SEED)``, so the file is byte-for-byte reproducible::

    python3 bench/data/make_holdout_synth.py            # writes the .jsonl next to this script
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_synth.jsonl

Gold spans are written inline as ``⟦LABEL|text⟧`` and turned into offsets by :func:`render`, so a
span can never drift from its text. Check digits are computed here (My Number: 総務省令 formula;
Corporate Number: leading check digit; cards: Luhn), and the traps use deliberately wrong ones.
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

SEED = 20261125
OUT = Path(__file__).with_name("pii_ja_holdout_synth.jsonl")
R = random.Random(SEED)

# ------------------------------------------------------------------------------ check digits


def my_number(body: str | None = None) -> str:
    body = body or "".join(R.choice("0123456789") for _ in range(11))
    total = sum(int(body[11 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    rem = total % 11
    return body + str(0 if rem <= 1 else 11 - rem)


def bad_my_number() -> str:
    good = my_number()
    return good[:11] + str((int(good[11]) + 3) % 10)


def corporate(body: str | None = None) -> str:
    body = body or "".join(R.choice("0123456789") for _ in range(12))
    total = sum(int(body[12 - n]) * (1 if n % 2 else 2) for n in range(1, 13))
    return str(9 - total % 9) + body


def bad_corporate() -> str:
    good = corporate()
    wrong = (int(good[0]) % 9) + 1  # 1..9, never the right one
    return str(wrong) + good[1:]


def luhn(prefix: str, length: int) -> str:
    body = prefix + "".join(R.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for c in "0123456789":
        cand = body + c
        tot = 0
        for i, ch in enumerate(reversed(cand)):
            v = int(ch)
            if i % 2:
                v = v * 2 - 9 if v * 2 > 9 else v * 2
            tot += v
        if tot % 10 == 0:
            return cand
    raise AssertionError


def bad_luhn(prefix: str, length: int) -> str:
    good = luhn(prefix, length)
    return good[:-1] + str((int(good[-1]) + 5) % 10)


def digits(n: int) -> str:
    return str(R.randint(1, 9)) + "".join(R.choice("0123456789") for _ in range(n - 1))


def g444(d: str, sep: str = " ") -> str:
    return sep.join((d[:4], d[4:8], d[8:]))


def g4444(d: str, sep: str = "-") -> str:
    return sep.join(d[i : i + 4] for i in range(0, len(d), 4))


FW = str.maketrans("0123456789-()+ ", "０１２３４５６７８９－（）＋　")


def fw(s: str) -> str:
    return s.translate(FW)


# ------------------------------------------------------------------------------ markup


def L(label: str, text: str) -> str:
    return f"⟦{label}|{text}⟧"


def P(s: str) -> str:
    return L("PERSON", s)


def A(s: str) -> str:
    return L("ADDRESS", s)


def Z(s: str) -> str:
    return L("POSTAL_CODE", s)


def T(s: str) -> str:
    return L("PHONE", s)


def E(s: str) -> str:
    return L("EMAIL", s)


def B(s: str) -> str:
    return L("BIRTH_DATE", s)


_MARK = re.compile(r"⟦([A-Z_]+)\|([^⟧]*)⟧")


def render(marked: str) -> tuple[str, list[dict[str, object]]]:
    out: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        chunk = marked[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        label, text = m.group(1), m.group(2)
        spans.append({"start": length, "end": length + len(text), "label": label, "text": text})
        out.append(text)
        length += len(text)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


# ------------------------------------------------------------------------------ pools
# Written for this file; none of them is taken from the dev set.
SURNAMES = [
    "勅使河原", "東海林", "御手洗", "一ノ瀬", "薬師寺", "比嘉", "仲宗根", "宇佐美", "日比野", "真壁",
    "大河内", "神宮寺", "設楽", "蓮見", "氷室", "芹沢", "鬼頭", "長谷部", "百瀬", "阿久津", "唐沢",
    "我妻", "楠本", "弓削", "石井", "桑原", "野々村", "大島", "菅野", "宮下", "笠原", "granted",
]  # fmt: skip
SURNAMES = [s for s in SURNAMES if s != "granted"]
GIVEN = [
    "凛太郎", "紗良", "颯", "結衣", "湊", "陽葵", "惣一郎", "遥香", "智之", "芳江", "康弘", "和代",
    "伸介", "琴音", "蒼", "隼人", "杏奈", "篤志", "真琴", "芙美子", "貴之", "雅美", "慎吾", "千景",
]  # fmt: skip
FOREIGN = ["マイケル・ジョンソン", "エミリー・クラーク", "グエン・ヴァン・ミン", "アンナ・シュミット", "ラジェシュ・クマール"]
ROMAJI = [("Kenta", "HOSHINO"), ("Mayumi", "Kuroiwa"), ("Shun", "Iijima"), ("Daisuke", "TERADA"), ("Yuna", "Ozawa")]
HALF_KANA = ["ｼﾏﾌﾞｸﾛ ｱﾔｶ", "ﾋｶﾞ ﾕｳｽｹ", "ｳｻﾐ ﾄﾓｺ", "ｶｻﾊﾗ ｼﾝｺﾞ"]
KIDS = ["ひなた", "つむぎ", "さくら", "はると", "そうた", "あおい"]
COMPANIES = [
    "株式会社みなと精機", "ひまわり運輸株式会社", "北斗メディカル株式会社", "有限会社いろは工房",
    "株式会社ミライ建装", "合同会社ソラノテ", "東雲フーズ株式会社", "株式会社あかつき不動産",
]  # fmt: skip
# (postal code, address). Several forms on purpose: 通り名, 条丁目, kanji numerals, 字/大字, 番地N,
# building + 号室, no prefecture.
ADDRESSES = [
    ("604-0846", "京都府京都市中京区烏丸通御池下る虎屋町566番地"),
    ("060-0003", "北海道札幌市中央区北3条西4丁目1-1 さっぽろ北三条ビル8階"),
    ("466-0015", "愛知県名古屋市昭和区御器所三丁目五番地"),
    ("904-0301", "沖縄県中頭郡読谷村字喜名1234番地"),
    ("305-0074", "茨城県つくば市大字高野台2345-6"),
    ("591-8025", "大阪府堺市北区長曽根町2丁目88番地 グリーンハイツ長曽根305号室"),
    ("812-0011", "福岡市博多区博多駅前4-17-2 パークサイド博多1101号室"),
    ("225-0002", "神奈川県横浜市青葉区美しが丘西1-14-7"),
    ("663-8113", "兵庫県西宮市甲子園口北町3番21号 コーポ甲子園202"),
    ("980-0811", "宮城県仙台市青葉区一番町二丁目3-10"),
    ("389-0111", "長野県北佐久郡軽井沢町大字長倉字東1823-4"),
    ("734-0007", "広島県広島市南区皆実町6丁目9-12 メゾン皆実403"),
    ("193-0834", "東京都八王子市散田町5-30-7"),
    ("277-0871", "千葉県柏市若柴178番地4"),
    ("330-0063", "埼玉県さいたま市浦和区高砂3-12-8 浦和レジデンス1208号室"),
    ("001-0010", "札幌市北区北十条西二丁目5番3号"),
    ("600-8009", "京都市下京区四条通烏丸東入長刀鉾町20番地"),
    ("920-0981", "石川県金沢市片町一丁目2番3号 片町スクエア5F"),
]


def pick(pool: list[str], i: int, k: int) -> str:
    return pool[(i * 7 + k) % len(pool)]


def person(i: int, k: int, sep: str = " ") -> tuple[str, str, str]:
    """(full, surname, given) for variant i, slot k."""
    s, g = pick(SURNAMES, i, k), pick(GIVEN, i, k + 3)
    return f"{s}{sep}{g}", s, g


def addr(i: int, k: int) -> tuple[str, str]:
    return ADDRESSES[(i * 5 + k) % len(ADDRESSES)]


def phone_fixed(i: int) -> str:
    forms = ["075-221-4587", "011-231-7788", "052-735-6612", "098-958-3301", "06-6345-1290", "092-474-5521"]
    return forms[i % len(forms)]


def mobile() -> str:
    return R.choice(["090", "080", "070"]) + digits(8)


def fmt_mobile(d: str, style: int) -> str:
    a, b, c = d[:3], d[3:7], d[7:]
    return [
        f"{a}-{b}-{c}",
        fw(f"{a}-{b}-{c}"),
        f"{a} {b} {c}",
        f"+81-{a[1:]}-{b}-{c}",
        f"+81 {a[1:]} {b} {c}",
        f"{a}ー{b}ー{c}",
        fw(f"{a}") + "ー" + fw(b) + "ー" + fw(c),
        f"({a}){b}-{c}",
        f"{a}‐{b}‐{c}",
        d,
    ][style % 10]


# ------------------------------------------------------------------------------ templates
Doc = tuple[str, str, list[str], list[str]]


def t_contract(i: int) -> Doc:
    full, _s, _ = person(i, 0)
    z, a = addr(i, 0)
    comp = COMPANIES[i % len(COMPANIES)]
    cn = corporate()
    rep, _rs, _ = person(i, 5)
    return (
        "keiyakusho",
        f"業務委託契約書（抜粋）\n\n{comp}（法人番号：{L('CORPORATE_NUMBER', cn)}、以下「甲」という。）と"
        f"{P(full)}（住所：〒{Z(z)} {A(a)}、以下「乙」という。）は、次のとおり契約を締結する。\n"
        "第3条（委託料）甲は乙に対し、月額金330,000円（消費税込）を翌月末日までに支払う。\n"
        "第7条（秘密保持）乙は本契約に関して知り得た甲の技術情報を第三者に開示してはならない。\n"
        f"甲 代表取締役 {P(rep)}　　乙 {P(full)}\n令和6年10月1日",
        ["消費税込の金額と契約日(令和6年10月1日)は対象外。"],
        ["family:legal"],
    )


def t_resume(i: int) -> Doc:
    s, g = pick(SURNAMES, i, 1), pick(GIVEN, i, 2)
    readings = [("しまぶくろ", "あやか"), ("てしがわら", "りんたろう"), ("みたらい", "ゆい"), ("ひびの", "みなと")]
    rs, rg = readings[i % len(readings)]
    z, a = addr(i, 1)
    era = [("昭和", 63, 1988), ("平成", 1, 1989), ("平成", 7, 1995)][i % 3]
    y = "元" if era[1] == 1 else str(era[1])
    bd = f"{era[0]}{y}年({era[2]}年){R.randint(2, 12)}月{R.randint(1, 28)}日"
    ph = fmt_mobile(mobile(), i + 1)
    mail = ["rin.t-gawara@mail.example.jp", "yui_mitarai88@example.ne.jp", "minato.hibino@example.com"][i % 3]
    return (
        "rirekisho",
        f"履　歴　書\n\nふりがな　{P(f'{rs}　{rg}')}\n氏　　名　{P(f'{s}　{g}')}\n"
        f"生年月日　{B(bd)}生（満{2025 - era[2]}歳）\n"
        f"現住所　〒{Z(z)}\n　　　　{A(a)}\n電話　{T(ph)}\nE-mail　{E(mail)}\n\n"
        "学歴・職歴\n2014年3月　県立高等学校 卒業\n2018年3月　私立大学 経済学部 卒業\n"
        "2018年4月　東雲フーズ株式会社 入社（営業部）\n資格　普通自動車第一種運転免許（2017年8月取得）",
        ["学歴の年月と免許の取得年月は生年月日ではない。会社名は対象外。"],
        ["family:hr"],
    )


def t_interview(i: int) -> Doc:
    cand, cs, _ = person(i, 2)
    iv1 = pick(SURNAMES, i, 9)
    iv2 = pick(SURNAMES, i, 11)
    return (
        "mensetsu_memo",
        f"採用面接メモ（二次）\n候補者：{P(cand)}さん（32歳）\n面接官：{P(iv1)}（人事課長）、{P(iv2)}部長\n\n"
        f"・{P(cs)}さんは前職でSaaS営業を5年。年間売上目標1.2億円に対し達成率118%。\n"
        "・転職理由はマネジメント経験を積みたいため。希望年収は650万円。\n"
        f"・{P(iv1)}所見：論理的で受け答えが明確。{P(iv2)}所見：チーム適性は要確認。\n"
        "次回：最終面接（社長）11/18 14:00〜 本社7F会議室B",
        ["年齢・年収・日時・会議室は対象外。"],
        ["family:hr"],
    )


def t_insurance(i: int) -> Doc:
    full, _s, _g = person(i, 3)
    kid = pick(KIDS, i, 0)
    mn = my_number()
    mnf = [fw(g444(mn)), g444(mn, "-"), mn][i % 3]
    bd = [f"S{R.randint(45, 63)}.{R.randint(1, 12)}.{R.randint(1, 28)}", "H2.11.30", "S52.3.3"][i % 3]
    acct = digits(7)
    ben = pick(SURNAMES, i, 3) + " " + pick(GIVEN, i, 14)
    _z, a = addr(i, 2)
    return (
        "hoken_moushikomi",
        f"【生命保険 申込書】受付No. 2024-{digits(6)}\n被保険者氏名：{P(full)}\n"
        f"生年月日：{B(bd)}　性別：女\n個人番号（マイナンバー）：{L('MY_NUMBER', mnf)}\n"
        f"住所：{A(a)}\n死亡保険金受取人：{P(ben)}（続柄：配偶者）\n"
        f"保険料振替口座\n金融機関：あけぼの信用金庫 本店営業部\n口座種別：普通\n口座番号：{L('BANK_ACCOUNT', acct)}\n"
        f"口座名義：{P(HALF_KANA[i % len(HALF_KANA)])}\n"
        f"備考：お子様（{P(kid)}ちゃん、5歳）の学資特約は別紙。",
        ["受付No.は対象外。"],
        ["family:insurance", "fullwidth_pii", "split_number"],
    )


def t_referral(i: int) -> Doc:
    full, _s, _ = person(i, 4)
    doc = pick(SURNAMES, i, 13)
    year = [1962, 1974, 1958][i % 3]
    bd = f"{year}年{R.randint(1, 12)}月{R.randint(1, 28)}日"
    hosp_ph = ["0422-51-3370", "048-822-1105", "0263-35-4812"][i % 3]
    return (
        "shokaijo",
        f"診療情報提供書（紹介状）\n紹介先：市立総合病院 循環器内科　{P(doc)} 先生 御侍史\n\n"
        f"患者氏名：{P(full)} 様　{B(bd)}生（{2024 - year}歳）男性\n"
        "傷病名：2型糖尿病、高血圧症\n紹介目的：精査加療のお願い\n"
        "経過：2019年より当院通院中。HbA1c 8.4%と上昇傾向、胸部不快感の訴えあり。\n"
        "処方：メトホルミン500mg 1日2回\n"
        f"みどりの杜クリニック 院長　{P(pick(SURNAMES, i, 17))}\nTEL {T(hosp_ph)}（代表）",
        ["通院開始年と検査値は対象外。"],
        ["family:medical"],
    )


def t_realestate(i: int) -> Doc:
    seller, _ss, _ = person(i, 6)
    _z, a = addr(i, 3)
    agent = pick(SURNAMES, i, 19) + " " + pick(GIVEN, i, 8)
    return (
        "juyo_jiko",
        "重要事項説明書（売買）抜粋\n\n"
        f"1. 売主　住所 {A(a)}　氏名 {P(seller)}\n"
        "2. 物件の表示　土地 地目：宅地　地積：165.28㎡　建物 木造2階建 延床 98.5㎡\n"
        "3. 登記記録 乙区：抵当権設定（債権額 金2,800万円）\n"
        "4. 都市計画 第一種低層住居専用地域　建ぺい率50%　容積率100%\n"
        f"宅地建物取引士　{P(agent)}（登録番号 東京 第{digits(6)}号）\n"
        f"{COMPANIES[(i + 7) % len(COMPANIES)]}　免許番号 国土交通大臣(3)第{digits(4)}号",
        ["登録番号・免許番号・面積・金額は対象外。"],
        ["family:realestate"],
    )


def t_slack(i: int) -> Doc:
    a1, a2 = pick(SURNAMES, i, 20), pick(SURNAMES, i, 21)
    ip = f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}"
    ip6 = f"2001:db8:{R.randint(1, 9999):x}::{R.randint(1, 255):x}"
    cust = pick(SURNAMES, i, 22)
    ph = fmt_mobile(mobile(), i + 4)
    return (
        "slack",
        f"#infra-alerts\n[09:12] @{P(a1)} 本番DBのレプリカ遅延がまた出てます。{L('IP_ADDRESS', ip)} のディスクI/Oが張り付き\n"
        f"[09:14] @{P(a2)} 了解、v2.14.0.3 のパッチ当てた直後からですね。ロールバックします\n"
        f"[09:20] {P(a1)}: IPv6側 {L('IP_ADDRESS', ip6)} も同じ症状\n"
        f"[09:31] {P(a2)}: 顧客の{P(cust)}様から問い合わせ。折り返し先 {T(ph)} とのこと\n"
        "[09:33] 了解。SLA 99.95% 割れそうなのでインシデント #4471 起票します",
        ["バージョン v2.14.0.3 と #4471 は対象外。"],
        ["family:chat"],
    )


def t_audit(i: int) -> Doc:
    cn1, cn2 = corporate(), corporate()
    jan = "45" + digits(11)
    while len(jan) != 13 or corporate_ok(jan):
        jan = "49" + digits(11)
    aud = pick(SURNAMES, i, 23)
    return (
        "kansa_memo",
        f"監査メモ（仕入先 実在性確認）作成：{P(aud)}\n"
        f"1. {COMPANIES[i % 8]}　適格請求書発行事業者 登録番号 T{L('CORPORATE_NUMBER', cn1)}　国税庁公表サイトで確認済\n"
        f"2. {COMPANIES[(i + 3) % 8]}　法人番号 {L('CORPORATE_NUMBER', cn2)}　本店所在地の変更履歴あり\n"
        f"3. サンプル商品のJANコード {jan} を棚卸表と照合（差異なし）\n"
        f"4. 買掛金残高 12,480,300円（前期比 +3.2%）、支払サイト60日",
        ["JANコードは法人番号のチェックデジットを満たさない。金額は対象外。"],
        ["family:audit"],
    )


def corporate_ok(d: str) -> bool:
    return corporate(d[1:]) == d


def t_english(i: int) -> Doc:
    g, s = ROMAJI[i % len(ROMAJI)]
    en_sender = ["Emily Clark", "Michael Johnson", "Anna Schmidt"][i % 3]
    month = ["March", "September", "July"][i % 3]
    bd = f"{month} {R.randint(1, 28)}, {R.randint(1960, 1999)}"
    intl = f"+81-3-{digits(4)}-{digits(4)}"
    return (
        "email_en_hr",
        f"Subject: Visa sponsorship documents\n\nDear Mr. {P(s)},\n\n"
        f"Thank you for sending the forms for {P(f'{g} {s}')} (date of birth: {B(bd)}). "
        f"Our relocation partner will call you at {T(intl)} next week.\n"
        f"Please send the signed copy to {E('hr-global@example.org')} by Friday.\n\n"
        f"Best regards,\n{P(en_sender)}\nGlobal Mobility Team (ext. 4471)",
        ["ext. 4471 is an extension."],
        ["family:email", "en_mix"],
    )


def t_line(i: int) -> Doc:
    kid = pick(KIDS, i, 1)
    mom = pick(GIVEN, i, 6)
    ph = fmt_mobile(mobile(), i + 6)
    return (
        "line_chat",
        f"{P(mom)}：明日のお迎え、{P(kid)}ちゃんの分もお願いできる？🙏\n"
        f"{P('あや')}：いいよー！何時？\n"
        f"{P(mom)}：17時半くらい！もし遅れたら {T(ph)} に電話して〜\n"
        f"{P('あや')}：了解👍 3丁目の公園で待ってるね\n"
        f"{P(mom)}：ありがと！{P(kid)}には言っとく",
        ["3丁目の公園は住所ではない（番地なし）。"],
        ["family:chat"],
    )


def t_expense(i: int) -> Doc:
    full, _s, _ = person(i, 7)
    card = luhn(["4", "5", "35"][i % 3], 16)
    cardf = [g4444(card), g4444(card, " "), card][i % 3]
    rec = bad_my_number()
    return (
        "shucchou_seisan",
        f"出張旅費精算書\n申請者：{P(full)}（営業二課 社員番号 {digits(6)}）\n"
        "行程：東京→新大阪（のぞみ215号）11/12〜11/13\n"
        "交通費 29,740円　宿泊費 12,800円　日当 3,000円　合計 45,540円\n"
        f"法人カード番号：{L('CREDIT_CARD', cardf)}（有効期限 09/28）\n"
        f"領収書番号：{g444(rec, '-')}\n承認：{P(pick(SURNAMES, i, 25))}課長",
        ["社員番号・列車番号・有効期限・領収書番号（12桁だがチェックデジット不一致）は対象外。"],
        ["family:finance", "split_number"],
    )


def t_shipping(i: int) -> Doc:
    to, _ts, _ = person(i, 8)
    z, a = addr(i, 4)
    frm = COMPANIES[(i + 1) % 8]
    slip = bad_my_number()
    ph = fmt_mobile(mobile(), i)
    return (
        "haiso_denpyo",
        f"宅配便 送り状\nお問い合わせ伝票番号：{g444(slip, '-')}\n"
        f"お届け先：〒{Z(fw(z) if i % 2 else z)}\n{A(a)}\n{P(to)} 様\nTEL {T(ph)}\n"
        f"ご依頼主：{frm} 物流センター TEL {T(phone_fixed(i + 2))}\n"
        "品名：精密機器（取扱注意）　個数：2　お届け希望日：11月20日 午前中",
        ["伝票番号はチェックデジット不一致。"],
        ["family:logistics"],
    )


def t_meishi(i: int) -> Doc:
    full, _s, _g = person(i, 9)
    z, a = addr(i, 5)
    comp = COMPANIES[(i + 2) % 8]
    tel = fw(phone_fixed(i + 3))
    fax = phone_fixed(i + 4)
    ph = fmt_mobile(mobile(), 3 + i)
    mail = ["t.kusunoki@example.co.jp", "sales-west@example.jp", "hasumi_k@example.com"][i % 3]
    roman = ["Ryo KUSUNOKI", "Kaoru HASUMI", "Shingo KASAHARA"][i % 3]
    return (
        "meishi_ocr",
        f"[名刺OCR結果]\n{comp}\n営業本部 第一営業部 部長\n{P(full)}\n{P(roman)}\n"
        f"〒{Z(z)} {A(a)}\nTEL：{T(tel)}　FAX：{T(fax)}\nMobile {T(ph)}\n{E(mail)}\nhttps://www.example.co.jp",
        ["URLは対象外。"],
        ["family:ocr", "fullwidth_pii", "en_mix"],
    )


def t_transfer(i: int) -> Doc:
    acct1, acct2 = digits(7), digits(7)
    holder = HALF_KANA[(i + 1) % len(HALF_KANA)]
    name = pick(SURNAMES, i, 27)
    return (
        "furikomi_irai",
        f"振込依頼（経理部宛）\n依頼者：{P(name)}\n"
        f"① 外注費 550,000円 → あおば銀行 駅前支店 {L('BANK_ACCOUNT', '普通預金 ' + acct1)} 名義 {P(holder)}\n"
        f"② 立替金 18,920円 → みなみ信用組合 本店 {L('BANK_ACCOUNT', '(当)' + acct2)} 名義 ｶ)ﾐﾗｲｹﾝｿｳ\n"
        "振込日：11月25日（月）　手数料：当方負担",
        ["法人名義 ｶ)ﾐﾗｲｹﾝｿｳ は対象外。金額・日付は対象外。"],
        ["family:finance"],
    )


def t_accesslog(i: int) -> Doc:
    user = ["k.terada", "m_ozawa", "s.iijima"][i % 3]
    ip1 = f"203.0.113.{R.randint(1, 254)}"
    ip2 = f"198.51.100.{R.randint(1, 254)}"
    ip6 = f"fe80::{R.randint(1, 0xffff):x}:{R.randint(1, 0xffff):x}"
    return (
        "access_log_review",
        f"不正アクセス調査メモ\n対象アカウント：{user}（{E(user + '@corp.example.jp')}）\n"
        f"2024-11-02 03:14:07 login failed from {L('IP_ADDRESS', ip1)} (agent: curl/8.4.0)\n"
        f"2024-11-02 03:14:09 login ok from {L('IP_ADDRESS', ip2)}\n"
        f"2024-11-02 03:20:41 admin console from {L('IP_ADDRESS', ip6)}\n"
        "影響範囲：社内Wiki 12ページ閲覧。対策：MFA強制、OpenSSH 9.6.1.2 へ更新。",
        ["アカウントIDは対象外（メールアドレスのみ対象）。バージョン 9.6.1.2 は対象外。"],
        ["family:it", "en_mix"],
    )


def t_passport(i: int) -> Doc:
    name = FOREIGN[(i + 2) % len(FOREIGN)]
    pp = R.choice(["TR", "TK", "MZ"]) + digits(7)
    bd = f"{R.randint(1, 28)} {['Feb', 'Oct', 'Dec'][i % 3]} {R.randint(1970, 1995)}"
    sponsor = pick(SURNAMES, i, 29)
    return (
        "visa_shien",
        f"在留資格認定証明書 交付申請 チェックリスト\n申請人：{P(name)}\n"
        f"旅券番号：{L('PASSPORT', pp)}　生年月日（Date of birth）：{B(bd)}\n"
        f"受入れ担当：{P(sponsor)}（人事部）\n"
        "雇用契約：月給 320,000円、契約期間 3年\n提出書類：写真(4cm×3cm)、返信用封筒 404円切手貼付",
        ["月給・写真サイズ・切手代は対象外。"],
        ["family:hr", "en_mix"],
    )


def t_license(i: int) -> Doc:
    full, _s, _ = person(i, 10)
    lic = digits(12)
    era = ["平成元年", "平成3年", "昭和62年"][i % 3]
    bd = f"{era}{R.randint(2, 12)}月{R.randint(1, 28)}日"
    _z, a = addr(i, 6)
    return (
        "rental_keiyaku",
        f"レンタカー貸渡証（控）\n借受人：{P(full)} 様\n"
        f"運転免許証番号：第{L('DRIVER_LICENSE', lic)}号　有効期限：令和9年{R.randint(1, 12)}月{R.randint(1, 28)}日まで\n"
        f"生年月日：{B(bd)}\n住所：{A(a)}\n"
        "車種：コンパクト（ナンバー 品川 500 わ 12-34）　貸渡：11/3 9:00　返還予定：11/5 18:00",
        ["有効期限・ナンバー・日時は対象外。"],
        ["family:rental"],
    )


def t_nenmatsu(i: int) -> Doc:
    full, _s, _g = person(i, 11)
    spouse = pick(GIVEN, i, 12)
    kid = pick(KIDS, i, 2)
    m1, m2, m3 = my_number(), my_number(), my_number()
    trap = bad_my_number()
    return (
        "nenmatsu_chosei",
        f"令和6年分 扶養控除等（異動）申告書 入力メモ\n本人：{P(full)}　個人番号 {L('MY_NUMBER', g444(m1))}\n"
        f"配偶者：{P(spouse)}（{B(f'昭和{R.randint(50, 63)}年{R.randint(1, 12)}月{R.randint(1, 28)}日')}生）"
        f" 個人番号 {L('MY_NUMBER', m2)}\n"
        f"扶養親族：{P(kid)}（{B(f'令和元年{R.randint(5, 12)}月{R.randint(1, 28)}日')}生）"
        f" 個人番号 {L('MY_NUMBER', fw(m3))}\n"
        f"※参考：社内管理番号 {trap} は個人番号ではありません。",
        ["社内管理番号はチェックデジット不一致。"],
        ["family:hr", "fullwidth_pii"],
    )


def t_support_prompt(i: int) -> Doc:
    full, _s, _ = person(i, 12)
    _z, a = addr(i, 7)
    mail = ["kaoru.s@example.ne.jp", "noriko-k@example.jp", "y.amakawa@example.com"][i % 3]
    order = digits(12)
    while my_number(order[:11]) == order:
        order = digits(12)
    return (
        "ai_wrapped_support",
        "次の問い合わせに対するお詫びメールの下書きを書いてください。敬語で300字以内。\n\"\"\"\n"
        f"注文番号 {order} の商品がまだ届きません。住所は{A(a)}です。\n"
        f"連絡は{E(mail)}か、日中なら{T(fmt_mobile(mobile(), i + 2))}へ。\n{P(full)}\n\"\"\"",
        ["注文番号は対象外。"],
        ["family:ai", "ai_wrapped"],
    )


def t_foreign_worker(i: int) -> Doc:
    name = FOREIGN[i % len(FOREIGN)]
    mgr = pick(SURNAMES, i, 15)
    return (
        "kenshu_hokoku",
        f"技能実習 月次報告\n実習生：{P(name)}さん（第2号）\n指導員：{P(mgr)}\n"
        f"今月の出勤日数 21日、残業 6.5時間。{P(name.split('・')[0])}さんは溶接の実技評価で A 判定。\n"
        "寮の設備点検：11/8 実施済（異常なし）",
        ["日数・時間は対象外。"],
        ["family:hr"],
    )


# ---- no-PII documents (look-alikes only) ----


def n_spec(i: int) -> Doc:
    jans: list[str] = []
    while len(jans) < 2:
        j = "49" + digits(11)
        if not corporate_ok(j):
            jans.append(j)
    ver = f"{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 9)}.{R.randint(0, 200)}"
    return (
        "seihin_shiyo",
        f"製品仕様書 改訂{i + 2}版\n品番：MB{digits(7)}／JAN：{jans[0]}\n同梱品JAN：{jans[1]}\n"
        f"ファームウェア：{ver} 以降\n定格電圧 100V 50/60Hz、消費電力 1,200W\n"
        "寸法 W298×D410×H365mm　質量 約11.5kg\n製造：みなと精機 滋賀工場",
        ["JANは法人番号チェック不一致、品番はパスポート様だが文脈なし、ファームウェア版は4要素。"],
        ["no_pii", "family:product"],
    )


def n_history(i: int) -> Doc:
    people = [("大隈重信", "明治15年"), ("伊能忠敬", "寛政12年"), ("北条政子", "建久10年"), ("杉田玄白", "安永3年")]
    p1, d1 = people[i % 4]
    p2, _ = people[(i + 1) % 4]
    return (
        "shanai_koza",
        f"社内教養講座 第{i + 4}回「歴史に学ぶリーダーシップ」\n"
        f"講師：総務部（社内講師）\n{p1}は{d1}に大きな転機を迎えた。{p2}の事例とあわせて、"
        "変化の時代に組織をどう動かしたかを考える。\n日時：令和6年12月5日(木) 15:00〜16:30\n会場：本社 大会議室（内線 3120）",
        ["歴史上の人物・和暦の日付・内線は対象外。"],
        ["no_pii", "family:education"],
    )


def n_release(i: int) -> Doc:
    return (
        "release_note",
        f"リリースノート v{i + 3}.2\n- ビルド {i + 10}.0.2231.{R.randint(100, 255)} で起動時間を 18% 短縮\n"
        f"- 依存ライブラリを 1.{i + 4}.0.7 に更新\n- 既知の問題：チケット #{digits(5)}（Windows 11 23H2）\n"
        "- API のレート制限を 600 req/min に変更",
        ["4要素のビルド番号・ライブラリ版は IPv4 様だが対象外。"],
        ["no_pii", "family:it"],
    )


def n_finance(i: int) -> Doc:
    orders = [bad_my_number() for _ in range(2)]
    card_like = bad_luhn("4", 16)
    return (
        "keiri_report",
        f"月次決算サマリ（{i + 9}月）\n売上高 1,284,530,000円（前年同月比 104.2%）\n"
        f"主要受注：受注番号 {orders[0]}、{g444(orders[1], '-')}\n"
        f"決済代行の照合ID {card_like} に差異 2件（計 3,300円）\n営業利益率 7.8%、棚卸資産回転日数 41日",
        ["受注番号はチェックデジット不一致、照合IDはLuhn不一致。"],
        ["no_pii", "family:finance"],
    )


def n_facility(i: int) -> Doc:
    return (
        "soumu_oshirase",
        f"【総務より】会議室予約ルール変更のお知らせ\n{i + 12}階 会議室A〜D は 11/1 から予約システム経由のみ。\n"
        f"問い合わせ：総務課 内線 {R.randint(2000, 2999)}、{R.randint(3000, 3999)}\n"
        "会場：札幌市中央区で開催予定の展示会の準備室も同システムで管理します。\n延長は30分単位、最大2時間まで。",
        ["内線、階数、地名のみ（番地なし）は対象外。"],
        ["no_pii", "family:notice"],
    )


def n_logistics(i: int) -> Doc:
    members = [digits(10) for _ in range(2)]
    return (
        "butsuryu_nippo",
        f"物流センター日報 11/{i + 10}\n出荷 1,482件、返品 37件。会員番号 {members[0]} の一括返品は承認待ち。\n"
        f"追跡番号 {digits(4)}-{digits(4)}-{digits(4)} 系の遅延は台風の影響。"
        f"パレット管理番号 {members[1]}。\nフォークリフト点検：3号機 異常なし",
        ["会員番号・追跡番号・管理番号は対象外。"],
        ["no_pii", "family:logistics"],
    )


def n_howto(i: int) -> Doc:
    return (
        "ai_prompt_general",
        "以下の条件でExcelのVLOOKUP関数の使い方を初心者向けに説明してください。\n"
        f"・シート「商品マスタ」のA列に品番（例：AB{digits(7)}）、B列に単価（例：1,980円）\n"
        f"・検索値は注文シートのC{i + 2}セル\n・エラー時は空白を返すこと（IFERROR）\n"
        "・最後にXLOOKUPとの違いを3行で。",
        ["品番はパスポート様だが文脈なし。"],
        ["no_pii", "family:ai", "ai_inline"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    t_contract, t_resume, t_interview, t_insurance, t_referral, t_realestate, t_slack, t_audit,
    t_english, t_line, t_expense, t_shipping, t_meishi, t_transfer, t_accesslog, t_passport,
    t_license, t_nenmatsu, t_support_prompt, t_foreign_worker,
    n_spec, n_history, n_release, n_finance, n_facility, n_logistics, n_howto,
]  # fmt: skip


def valid_lookalike(text: str) -> bool:
    """A trap number must never pass a check by accident (12-digit My Number, 13-digit corporate)."""
    for m in re.findall(r"\d{4}-\d{4}-\d{4}|\d{12,13}", text):
        d = m.replace("-", "")
        if len(d) == 12 and my_number(d[:11]) == d:
            return True
        if len(d) == 13 and corporate(d[1:]) == d:
            return True
    return False


Redo = Callable[[Callable[[int], Doc], str, str, list[str]], bool]


def write_set(out: Path, templates: list[Callable[[int], Doc]], prefix: str, redo: Redo | None = None,
              variants: int = 3) -> None:
    """Render every template in every variant to ``out``; ``redo(tmpl, text, marked, tags)`` asks
    for a fresh draw (a look-alike that passed a check digit by accident)."""
    rows = []
    n = 0
    for variant in range(variants):
        for tmpl in templates:
            doc_type, marked, notes, tags = tmpl(variant)
            text, spans = render(marked)
            while redo is not None and redo(tmpl, text, marked, tags):
                doc_type, marked, notes, tags = tmpl(variant)
                text, spans = render(marked)
            if spans and "no_pii" in tags:
                raise AssertionError(tmpl.__name__)
            n += 1
            rows.append(
                {"id": f"{prefix}-{n:04d}", "doc_type": doc_type, "text": text, "spans": spans, "notes": notes, "tags": tags}
            )
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} documents to {out}")


def main() -> None:
    write_set(OUT, TEMPLATES, "hos")


if __name__ == "__main__":
    main()
