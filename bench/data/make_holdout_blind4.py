"""Generate bench/data/pii_ja_holdout_blind4.jsonl: a fifth batch, written blind.

Why another batch: synth/blind/blind2/blind3 were each fixed after their first runs, so they are
ceilings now. This batch uses styles none of them has: 人事評価コメント, 採用エージェントの推薦状,
賃貸契約の連帯保証人欄, 保険金請求の事故報告, 社内ヘルプデスクのチャット (IP, PC名, 社員番号), 海外出張の
旅程表 (passport, "YAMADA Taro" / "Taro Yamada" / "Yamada, Taro"), 年賀状の宛名リスト, 宅配の不在票,
士業の顧問先メモ, 会議の文字起こし with 「佐藤：」 speakers, 名簿の表 with （漢字）/(西暦) headers,
phones in 漢数字, addresses with 大字/小字, 番地の, kanji 丁目 and a building line after.
Look-alikes: 社員番号, 管理番号, 伝票番号, 金額, non-birth dates, company names with person-like
words, bare place names. Its first score is kept in pii_ja_holdout_blind4.first_score.txt::

    python3 bench/data/make_holdout_blind4.py
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_blind4.jsonl
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_holdout_synth as s
from make_holdout_synth import A, B, E, L, P, T, Z, digits, fw, g444

s.R.seed(20261225)
OUT = Path(__file__).with_name("pii_ja_holdout_blind4.jsonl")
Doc = tuple[str, str, list[str], list[str]]

SUR = [
    ("曽我部", "ソガベ", "Sogabe"), ("蓮見", "ハスミ", "Hasumi"), ("乙部", "オトベ", "Otobe"),
    ("柘植", "ツゲ", "Tsuge"), ("羽賀", "ハガ", "Haga"), ("真田", "サナダ", "Sanada"),
    ("岩瀬", "イワセ", "Iwase"), ("久保田", "クボタ", "Kubota"), ("諏訪", "スワ", "Suwa"),
    ("篠崎", "シノザキ", "Shinozaki"), ("宇佐美", "ウサミ", "Usami"), ("北条", "ホウジョウ", "Hojo"),
    ("桐生", "キリュウ", "Kiryu"),
]  # fmt: skip
GIV = [
    ("亮介", "リョウスケ", "Ryosuke"), ("美咲", "ミサキ", "Misaki"), ("大和", "ヤマト", "Yamato"),
    ("彩乃", "アヤノ", "Ayano"), ("湊", "ミナト", "Minato"), ("詩織", "シオリ", "Shiori"),
    ("智也", "トモヤ", "Tomoya"), ("葵", "アオイ", "Aoi"), ("直樹", "ナオキ", "Naoki"),
    ("菜々子", "ナナコ", "Nanako"), ("陽向", "ヒナタ", "Hinata"),
]  # fmt: skip
ADDR = [
    ("980-0811", "宮城県仙台市青葉区一番町二丁目5番22号", "一番町ビル8階"),
    ("370-0841", "群馬県高崎市栄町16番地の11", "高崎イーストタワー305号室"),
    ("899-4332", "鹿児島県霧島市国分中央三丁目45番1号", ""),
    ("321-0953", "栃木県宇都宮市東宿郷2丁目4-3", "宇都宮大塚ビル6F"),
    ("969-3102", "福島県耶麻郡猪苗代町大字千代田字扇田1-1", ""),
    ("700-0826", "岡山市北区磨屋町10番12号", "メゾン磨屋201"),
    ("920-0853", "石川県金沢市本町一丁目5番2号", "リファーレ10階"),
    ("514-0004", "三重県津市栄町1丁目891番地", ""),
]  # fmt: skip
KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")


def sur(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)][0]


def giv(i: int, k: int) -> str:
    return GIV[(i * 3 + k) % len(GIV)][0]


def nm(i: int, k: int, sep: str = " ") -> str:
    return f"{sur(i, k)}{sep}{giv(i, k)}"


def kana(i: int, k: int, sep: str = " ") -> str:
    return f"{SUR[(i * 5 + k) % len(SUR)][1]}{sep}{GIV[(i * 3 + k) % len(GIV)][1]}"


def rs(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)][2]


def rg(i: int, k: int) -> str:
    return GIV[(i * 3 + k) % len(GIV)][2]


def ad(i: int, k: int) -> tuple[str, str, str]:
    return ADDR[(i * 3 + k) % len(ADDR)]


def mob() -> str:
    return s.mobile()


def dash(d: str) -> str:
    return f"{d[:3]}-{d[3:7]}-{d[7:]}"


# ------------------------------------------------------------------------------ PII templates


def g_hyoka(i: int) -> Doc:
    """人事評価コメント: names inside evaluative prose, 評価者/被評価者 fields, 社員番号 look-alike."""
    return (
        "hr_evaluation",
        f"2025年度 上期 人事評価シート\n被評価者：{P(nm(i, 0))}（社員番号 E{digits(6)}）　評価者：{P(sur(i, 1))}課長\n"
        f"■総合評価　A-\n■コメント\n{P(sur(i, 0))}さんは今期、{['基幹システム移行', '新規顧客開拓', '品質改善活動'][i]}の中心として周囲を牽引した。"
        f"特に{P(sur(i, 2))}主任との連携が円滑で、後輩の{P(giv(i, 3))}さんの育成にも貢献している。\n"
        f"一方、期限管理に課題があり、{['9月', '7月', '8月'][i]}の納期遅延（伝票番号 {digits(10)}）は改善を要する。\n"
        f"二次評価者　{P(nm(i, 4, '　'))}　記入日 2025年10月{3 + i}日",
        ["社員番号・伝票番号・記入日は対象外。役職は氏名に含めない。"],
        ["family:hr"],
    )


def g_suisen(i: int) -> Doc:
    """採用エージェントの推薦状: candidate profile with birth date in 西暦 and age, agent signature."""
    m = mob()
    bd = ["1991年6月14日", "1988/11/02", "平成4年2月29日"][i]
    return (
        "agent_recommendation",
        f"株式会社ネクストキャリア　推薦状\n\n貴社 採用ご担当 {P(sur(i, 0))}様\n\n"
        f"下記候補者をご推薦申し上げます。\n候補者名：{P(nm(i, 1))}（{P(kana(i, 1))}）\n"
        f"生年月日：{B(bd)}（{33 - i}歳）\n現住所：{A(ad(i, 0)[1])}\n連絡先：{T(dash(m) if i != 1 else m)}\n"
        f"現職：中堅SIerにてPM（年収 {620 + i * 30}万円）\n\n【推薦理由】\n{P(sur(i, 1))}氏は前職で20名規模のチームを率い…\n\n"
        f"担当コンサルタント　{P(nm(i, 2))}\nE-mail：{E(f'{rs(i, 2).lower()}.{rg(i, 2)[0].lower()}@next-career.jp')}",
        ["年収・年齢は対象外。"],
        ["family:hr"],
    )


def g_hoshonin(i: int) -> Doc:
    """賃貸契約の連帯保証人欄: table cells, 続柄, 勤務先 phone, 漢数字 phone."""
    z, a, bld = ad(i, 1)
    m = mob()
    ktel = dash(m).translate(KANJI)
    corp_tel = ["03-3561-2207", "0276-45-1180", "011-221-6630"][i]
    addr_text = f"{a}\n{bld}" if bld else a
    return (
        "rental_guarantor",
        f"賃貸借契約書　別紙（連帯保証人）\n物件名：コーポ桜 {101 + i}号室　契約番号 RK-{digits(8)}\n"
        f"【連帯保証人】\n氏名　　　{P(nm(i, 0, '　'))}　　　続柄　父\n"
        f"生年月日　{B(['昭和33年8月8日', 'S36.1.15', '1959年12月1日'][i])}\n"
        f"住所　　　〒{Z(z)}\n{A(addr_text)}\n"
        f"電話　　　{T(ktel)}\n勤務先　　{['丸太郎商事株式会社', '株式会社山田製作所', '花子フーズ有限会社'][i]}（TEL {T(corp_tel)}）\n"
        f"【借主】{P(nm(i, 1))}",
        ["契約番号・物件名・部屋番号は対象外。勤務先の社名（人名風の語を含む）は対象外。建物名は次の行でも住所に含める。"],
        ["family:contract"],
    )


def g_jiko(i: int) -> Doc:
    """保険金請求の事故報告: 事故日 (not birth), 相手方, 免許証, 車両番号 look-alike."""
    lic = digits(12)
    return (
        "accident_report",
        f"事故報告書（保険金請求用）　証券番号 {digits(10)}\n\n"
        f"事故日時：2025年{i + 5}月{11 + i}日 午後4時頃\n事故場所：{['国道17号 高崎市内', '県道と市道の交差点（霧島市）', '宇都宮駅東口ロータリー'][i]}\n"
        f"運転者：{P(nm(i, 0))}（{B(['1979年3月30日', '1985年7月7日', '1992年10月21日'][i])}生）\n"
        f"運転免許証番号：{L('DRIVER_LICENSE', lic)}\n"
        f"相手方：{P(nm(i, 1))}様　携帯 {T(fw(dash(mob())) if i == 0 else dash(mob()))}\n"
        f"車両番号：群馬 300 さ {digits(2)}-{digits(2)}\n状況：信号待ちの停車中に後方から追突された。{P(sur(i, 1))}様は前方不注意を認めている。\n"
        f"修理見積額：384,500円（整備工場：ひかりモータース）",
        ["証券番号・車両番号・事故日・金額・整備工場名は対象外。"],
        ["family:insurance"],
    )


def g_helpdesk(i: int) -> Doc:
    """社内ヘルプデスクのチャット: speaker names, IP, PC名, 社員番号, ext."""
    ip = f"10.{20 + i}.{i * 7 + 3}.{100 + i * 11}"
    ip6 = ["fe80::1c2b:3aff:fe4d:5e6f", "2001:db8:85a3::8a2e:370:7334", "fd00:12:34::5"][i]
    return (
        "helpdesk_chat",
        f"[10:02] {P(nm(i, 0))}: VPNに繋がりません。PC名は PC-{digits(5)}、社員番号は {digits(7)} です\n"
        f"[10:03] ヘルプデスク {P(sur(i, 1))}: 確認します。今のIPを教えてください\n"
        f"[10:05] {P(nm(i, 0))}: {L('IP_ADDRESS', ip)} と {L('IP_ADDRESS', ip6)} が出ています\n"
        f"[10:06] ヘルプデスク {P(sur(i, 1))}: 証明書が期限切れでした（有効期限 2025/09/30）。更新しました\n"
        f"[10:09] {P(sur(i, 0))}: 繋がりました！ 内線 {digits(4)} の{P(sur(i, 2))}さんにも共有しておきます",
        ["PC名・社員番号・内線・有効期限は対象外。"],
        ["family:it", "en_mix"],
    )


def g_ryotei(i: int) -> Doc:
    """海外出張の旅程表: English name orders, passport, DOB in English, hotel address abroad not JP."""
    pp = f"T{'KRZ'[i]}{digits(7)}"
    dob = ["May 3, 1986", "12 Aug 1990", "21/04/1983"][i]
    name_en = [f"{rs(i, 0).upper()} {rg(i, 0)}", f"{rg(i, 0)} {rs(i, 0)}", f"{rs(i, 0)}, {rg(i, 0)}"][i]
    return (
        "travel_itinerary",
        f"Business Trip Itinerary / 出張旅程表\nTraveler: {P(name_en)}（{P(nm(i, 0))}）\n"
        f"Passport No.: {L('PASSPORT', pp)}　Date of birth: {B(dob)}\n"
        f"Oct {10 + i}  NH{digits(3)} HND 10:25 → SIN 16:40  (Booking ref: {''.join(s.R.choice('ABCDEFGHJK') for _ in range(6))})\n"
        f"Hotel: Marina Bay Sands, 10 Bayfront Ave, Singapore\n"
        f"Emergency contact: {P(nm(i, 1))} (spouse) {T(['+81 90-' + digits(4) + '-' + digits(4), '+81-80-' + digits(4) + '-' + digits(4), '090 ' + digits(4) + ' ' + digits(4)][i])}\n"
        f"Approved by: {P(f'{rg(i, 2)} {rs(i, 2)}')}, General Manager",
        ["便名・予約番号・海外ホテル住所は対象外。"],
        ["family:travel", "en_mix"],
    )


def g_nengajo(i: int) -> Doc:
    """年賀状の宛名リスト: TSV with 連名, 様方, kanji 丁目."""
    rows = []
    for k in range(3):
        z, a, bld = ad(i, k + 2)
        full = f"{a} {bld}" if bld else a
        rows.append(f"{Z(z)}\t{A(full)}\t{P(nm(i, k))}\t{P(giv(i, k + 5))}")
    return (
        "nengajo_list",
        "年賀状 宛名リスト（2026年用）\n郵便番号\t住所\t氏名\t連名\n" + "\n".join(rows) + "\n※喪中：" + P(nm(i, 4)) + "様（10月に連絡あり）",
        ["ヘッダーと年は対象外。"],
        ["family:list"],
    )


def g_fuzai(i: int) -> Doc:
    """宅配の不在票: お届け先, ご依頼主, 伝票番号 12 digits (invalid My Number), driver's phone."""
    _z, a, bld = ad(i, 5)
    slip = g444(s.bad_my_number(), "-")
    return (
        "delivery_notice",
        f"ご不在連絡票\nお届け先：{P(sur(i, 0))}様\n{A(a + (' ' + bld if bld else ''))}\n"
        f"ご依頼主：{P(nm(i, 1))}様（{['長野県', '新潟県', '山形県'][i]}）\n品名：食品（要冷蔵）\n"
        f"お問い合わせ伝票番号：{slip}\n再配達受付：{T('0120-' + digits(2) + '-' + digits(4))}\n"
        f"担当ドライバー：{P(sur(i, 2))}　携帯 {T(dash(mob()))}\nご不在時刻：{i + 1}0月{i + 4}日 14:20",
        ["伝票番号（12桁）はマイナンバー検査不一致。ご依頼主の県名だけは対象外。"],
        ["family:logistics", "split_number"],
    )


def g_komon(i: int) -> Doc:
    """士業の顧問先メモ: 法人番号, 代表者, マイナンバー of 代表者, bank account, office phone."""
    corp = s.corporate()
    mn = s.my_number()
    z, a, _ = ad(i, 6)
    return (
        "advisor_memo",
        f"顧問先メモ（税理士法人みどり会計）\n顧問先：株式会社{['ハヤシ精工', 'ひまわり食品', '北斗テクノ'][i]}　法人番号 {L('CORPORATE_NUMBER', corp)}\n"
        f"所在地：〒{Z(z)} {A(a)}\n代表者：{P(nm(i, 0))}（個人番号 {L('MY_NUMBER', g444(mn, ' '))}）\n"
        f"経理担当：{P(sur(i, 1))}氏　直通 {T(['0276-45-' + digits(4), '099-' + digits(3) + '-' + digits(4), '028-6' + digits(2) + '-' + digits(4)][i])}\n"
        f"還付金振込先：{['群馬', '鹿児島', '足利'][i]}銀行 本店営業部 {L('BANK_ACCOUNT', '当座預金' + digits(7))}\n"
        f"決算月：3月　顧問料 月額55,000円　次回訪問 11/{12 + i}",
        ["顧問料・決算月・訪問日は対象外。"],
        ["family:memo"],
    )


def g_mojiokoshi(i: int) -> Doc:
    """会議の文字起こし: 「佐藤：」 speakers, fillers, a phone read aloud with の."""
    m = mob()
    spoken = f"{m[:3]}の{m[3:7]}の{m[7:]}"
    return (
        "meeting_transcript",
        f"【文字起こし】{['定例', '採用', '予算'][i]}会議 2025/10/{7 + i}\n"
        f"{P(sur(i, 0))}：えー、では始めます。{P(sur(i, 1))}さん、先週の件どうなりました？\n"
        f"{P(sur(i, 1))}：あ、はい。先方の{P(nm(i, 2))}さんから返事があって、えっと、携帯が{T(spoken)}なので直接かけてほしいと。\n"
        f"{P(sur(i, 0))}：了解です。{P(giv(i, 3))}ちゃん、議事録お願いね。\n"
        f"{P(sur(i, 3))}：はーい。",
        ["会議日は対象外。"],
        ["family:minutes"],
    )


def g_meibo(i: int) -> Doc:
    """名簿の表 with ｜ or tab cells and （漢字）/(西暦) headers."""
    rows = []
    for k in range(3):
        bd = f"{1970 + i * 3 + k * 5}/{k + 3:02d}/{10 + k * 6}"
        rows.append(f"| {k + 1} | {P(nm(i, k, '　'))} | {P(kana(i, k, ' '))} | {B(bd)} | {T(dash(mob()))} |")
    return (
        "roster_table",
        f"{['町内会', 'PTA役員', 'OB会'][i]}名簿（2025年度）\n| No | 氏名（漢字） | フリガナ | 生年月日(西暦) | 連絡先 |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + f"\n作成：{P(sur(i, 5))}（会計）",
        ["No と年度は対象外。"],
        ["family:list"],
    )


# ------------------------------------------------------------------------------ no-PII templates


def n_zaiko(i: int) -> Doc:
    return (
        "inventory_nopii",
        f"在庫移動伝票　伝票番号 {g444(s.bad_my_number(), '-')}\n管理番号 {s.bad_corporate()}　社員番号 {digits(7)}\n"
        f"出庫：高崎倉庫 → 金沢営業所（石川県）　数量 {30 + i}ケース　金額 2,{345 + i},000円\n"
        f"出荷日 2025年11月{5 + i}日　検収日 令和7年11月{8 + i}日\n取引先：丸太郎商事株式会社、{['真田紐工房', '北条ハウス', '桐生織物'][i]}株式会社",
        ["伝票番号はマイナンバー検査不一致、管理番号は法人番号検査不一致、社員番号・日付・金額・社名・地名は対象外。"],
        ["no_pii", "family:logistics"],
    )


def n_kanko(i: int) -> Doc:
    return (
        "tourism_nopii",
        f"社員旅行のしおり（{i + 1}日目）\n9:00 仙台駅集合 → 松島 → 猪苗代湖畔で昼食（1人 2,800円）\n"
        f"伊達政宗ゆかりの瑞鳳殿を見学。宿泊は{['霧島温泉', '草津温泉', '鬼怒川温泉'][i]}の旅館（部屋割は当日発表）。\n"
        f"集合時間厳守。雨天時は{['国分', '高崎', '宇都宮'][i]}市内の美術館へ変更。バス会社：{['みちのく観光バス', '上州交通', '那須バス'][i]}",
        ["地名・歴史上の人物・社名・金額は対象外。"],
        ["no_pii", "family:event"],
    )


def n_spec(i: int) -> Doc:
    return (
        "spec_nopii",
        f"機能仕様書 v{i + 1}.2\n3.{i + 1} 会員番号は 12 桁（例：{s.bad_my_number()}）とし、チェックデジットは持たない。\n"
        f"3.{i + 2} 検証はステージング（ホスト名 stg-app0{i + 1}）で行い、ビルド 10.{i}.4.2 を使用する。\n"
        f"3.{i + 3} 氏名欄は全角30文字まで、電話番号欄はハイフンなし半角数字。\n3.{i + 4} 誕生日クーポンは会員の生年月日の月初に配信する。",
        ["会員番号の例はマイナンバー検査不一致、ビルド番号は対象外。欄名（氏名・電話番号・生年月日）だけで値はない。"],
        ["no_pii", "family:it"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    g_hyoka, g_suisen, g_hoshonin, g_jiko, g_helpdesk, g_ryotei, g_nengajo, g_fuzai, g_komon,
    g_mojiokoshi, g_meibo,
    n_zaiko, n_kanko, n_spec,
]  # fmt: skip


def main() -> None:
    s.write_set(OUT, TEMPLATES, "hb4", lambda tmpl, text, marked, tags: s.valid_lookalike(re.sub(r"⟦[^⟧]*⟧", "", marked)))


if __name__ == "__main__":
    main()
