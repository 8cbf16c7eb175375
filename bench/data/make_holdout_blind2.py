"""Generate bench/data/pii_ja_holdout_blind2.jsonl: a third batch, written blind.

Why another batch: the first blind set (make_holdout_blind.py) was fixed after its first run, so
it became a ceiling too. This batch uses styles none of the earlier sets has — 議事録 with speaker
lines, 辞令, free-text survey answers, casual 営業日報, 社内報 interviews, 引継ぎメモ, 督促状,
法務相談メモ, 医療費控除の明細, 町内会の回覧, 学校の連絡網, call transcripts with fillers,
English/Japanese Slack, envelope addresses broken line by line — and names and addresses invented
for it: 旧字体 (齋藤, 髙橋, 渡邊), names that are common words (森, 林, 岡, 今日子, 春), furigana
written between the name parts, 苗字+役職 without honorific, 連名, 番地 variants (1の2の3,
一丁目二番三号, 1-2-3-405), 丁目 without 番地, 郡/町/村, 大字/字, 京都の通り名, katakana/English
building names and full-width 〒. Its first score is kept in pii_ja_holdout_blind2.first_score.txt::

    python3 bench/data/make_holdout_blind2.py
    python3 /work/shared/data/validate_pii_ja.py bench/data/pii_ja_holdout_blind2.jsonl
"""

# ruff: noqa: E501  (template prose lines are data; wrapping them would hide the documents)
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_holdout_synth as s
from make_holdout_synth import A, B, E, L, P, T, Z, digits, fw, g444

s.R.seed(20261127)
OUT = Path(__file__).with_name("pii_ja_holdout_blind2.jsonl")
Doc = tuple[str, str, list[str], list[str]]

# (surname, reading). Old-form kanji and surnames that are also common words are on purpose.
SUR = [
    ("齋藤", "サイトウ"), ("髙橋", "タカハシ"), ("渡邊", "ワタナベ"), ("栗林", "クリバヤシ"), ("鷲尾", "ワシオ"),
    ("伊集院", "イジュウイン"), ("萩原", "ハギワラ"), ("吉峯", "ヨシミネ"), ("舘野", "タテノ"), ("桧山", "ヒヤマ"),
    ("早乙女", "サオトメ"), ("曽我部", "ソガベ"), ("眞鍋", "マナベ"), ("小此木", "オコノギ"), ("椎名", "シイナ"),
    ("篠塚", "シノヅカ"),
]  # fmt: skip
WORD_SUR = ["森", "林", "岡"]  # surnames that are also everyday words
GIV = [
    ("今日子", "キョウコ"), ("春", "ハル"), ("樹里", "ジュリ"), ("貴大", "タカヒロ"), ("奈々子", "ナナコ"),
    ("潤一郎", "ジュンイチロウ"), ("瑛太", "エイタ"), ("志保", "シホ"), ("光太郎", "コウタロウ"), ("咲良", "サクラ"),
    ("凪", "ナギ"), ("恵", "メグミ"), ("敦", "アツシ"), ("楓", "カエデ"),
]  # fmt: skip
ROMAJI = [("Kyoko", "Mori"), ("Takahiro", "Saito"), ("Shiho", "Washio"), ("Eita", "Hagiwara")]
KIDS = [("ゆうと", "悠斗"), ("みお", "美緒"), ("そら", "空"), ("りんか", "凜花"), ("はやと", "颯人"), ("ことは", "琴葉")]

# (postal code, address)
ADDR = [
    ("602-8153", "京都市上京区新町通中立売上る仕丁町327"),
    ("071-0541", "北海道空知郡上富良野町東二線北18号"),
    ("395-0304", "長野県下伊那郡阿智村大字智里3605番地1"),
    ("420-0031", "静岡県静岡市葵区呉服町1の2の3"),
    ("802-0006", "福岡県北九州市小倉北区魚町一丁目二番三号"),
    ("141-0022", "東京都品川区東五反田2-17-1-405"),
    ("251-0037", "神奈川県藤沢市鵠沼海岸3丁目8-21 Shonan Terrace 201"),
    ("984-0032", "宮城県仙台市若林区荒井東1-6-3 グランメゾン荒井B棟702号室"),
    ("869-2501", "熊本県阿蘇郡小国町大字宮原字中町1744"),
    ("350-0043", "埼玉県川越市新富町二丁目22番地"),
    ("790-0004", "愛媛県松山市大街道3丁目2-15 Dogo Residence 8F"),
]  # fmt: skip
CHOME_ONLY = ["大阪府豊中市新千里東町一丁目", "兵庫県芦屋市朝日ケ丘町三丁目", "千葉県船橋市本町七丁目"]


def sur(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)][0]


def sur_kana(i: int, k: int) -> str:
    return SUR[(i * 5 + k) % len(SUR)][1]


def giv(i: int, k: int) -> str:
    return GIV[(i * 3 + k) % len(GIV)][0]


def giv_kana(i: int, k: int) -> str:
    return GIV[(i * 3 + k) % len(GIV)][1]


def nm(i: int, k: int, sep: str = " ") -> str:
    return f"{sur(i, k)}{sep}{giv(i, k)}"


def ad(i: int, k: int) -> tuple[str, str]:
    return ADDR[(i * 4 + k) % len(ADDR)]


def mob() -> str:
    d = s.mobile()
    return f"{d[:3]}-{d[3:7]}-{d[7:]}"


# ------------------------------------------------------------------------------ PII templates


def g_gijiroku(i: int) -> Doc:
    w = WORD_SUR[i % 3]
    boss = sur(i, 1)
    return (
        "gijiroku_speaker",
        f"第{i + 3}回 物流改善ワーキング 議事録\n日時：2025年6月{10 + i}日 14:00〜15:10\n"
        f"出席：{P(boss)}課長、{P(w)}主任、{P(nm(i, 2))}（記録）\n\n"
        f"{P(boss)}課長：えー、まず前回の宿題から。倉庫のレイアウト案は？\n"
        f"{P(w)}：はい、A案とB案を作りました。B案だと動線が2割短くなります。\n"
        f"{P(boss)}課長：いいね。コストは？\n"
        f"{P(w)}：棚の移設で概算 180万円です。\n"
        f"決定事項：B案で進める。見積取得は{P(w)}・{P(sur(i, 3))}両名で対応。\n"
        f"次回：7月{2 + i}日（担当 {P(boss)}）",
        ["会議名・日付・金額は対象外。"],
        ["family:minutes"],
    )


def g_jirei(i: int) -> Doc:
    who = nm(i, 4, "　")
    ceo = nm(i, 5, "　")
    return (
        "jirei",
        f"辞　令\n\n{P(who)}　殿\n\n"
        f"2026年4月1日付をもって 東北支社 仙台営業所長を命ずる\n"
        f"（現職：本社 営業推進部 課長代理　社員番号 {digits(6)}）\n\n"
        f"2026年3月{16 + i}日\n株式会社ことのは商事\n代表取締役社長　{P(ceo)}",
        ["社員番号・日付は対象外。"],
        ["family:hr"],
    )


def g_survey(i: int) -> Doc:
    w = WORD_SUR[(i + 1) % 3]
    g = giv(i, 6)
    return (
        "survey_free",
        f"お客様アンケート（自由記述）回答 No.{digits(4)}\n"
        f"Q4 スタッフの対応はいかがでしたか？\n"
        f"A：受付の{P(w)}さんがとても丁寧で、子どもにも優しく声をかけてくれました。また来たいです！\n"
        f"Q5 その他ご意見\nA：駐車場がもう少し広いと助かります。春の限定メニューも楽しみにしています。\n"
        f"お名前（任意）：{P(g)}　年代：40代",
        ["「春の限定メニュー」の春は季節。回答番号は対象外。"],
        ["family:survey"],
    )


def g_nippo(i: int) -> Doc:
    client = sur(i, 7)
    return (
        "nippo_casual",
        f"日報 {6 + i}/{12 + i}（{P(sur(i, 8))}）\n"
        f"・午前：{P(client)}社長のとこ訪問。新ラインの話、めっちゃ前向き。来週見積もり出す\n"
        f"・社長の携帯 {T(mob())}、直でOKとのこと\n"
        f"・午後：展示会の準備。ブースは去年と同じ場所\n"
        f"・{P(client)}さん、奥さんの{P(giv(i, 9))}さんが経理見てるらしいので次回は同席お願いしとく\n"
        f"明日：直行で川越の現場 → 帰社",
        ["川越は地名。"],
        ["family:nippo"],
    )


def g_interview(i: int) -> Doc:
    full = nm(i, 10)
    last = sur(i, 10)
    return (
        "shanaiho_interview",
        f"【社内報 vol.{40 + i}】となりの部署の人\n"
        f"今回は物流部の{P(full)}さん（2019年入社）にお話を伺いました。\n"
        f"――入社のきっかけは？\n"
        f"{P(last)}：学生時代に倉庫でアルバイトをしていて、段取りを考えるのが楽しかったんです。\n"
        f"――休日の過ごし方は？\n"
        f"{P(last)}：最近は森林公園でキャンプです。同期の{P(nm(i, 11))}さんに誘われてハマりました。\n"
        f"（聞き手：広報 {P(sur(i, 12))}）",
        ["森林公園は施設名。"],
        ["family:shanaiho"],
    )


def g_hikitsugi(i: int) -> Doc:
    z, a = ad(i, 0)
    return (
        "hikitsugi",
        f"引継ぎメモ（{P(sur(i, 13))} → {P(sur(i, 14))}）\n"
        f"■ 取引先A：窓口は総務の{P(nm(i, 15))}様。電話は午前中がつかまりやすい → {T(s.phone_fixed(i))}\n"
        f"■ 取引先B：請求書の送付先が変わった（〒{Z(z)} {A(a)}）\n"
        f"■ 未完了：見積 Q-{digits(5)} の再提出（期限 7/31）\n"
        f"わからないことは {E(f'hikitsugi{i}@kotonoha-shoji.co.jp')} か私の携帯 {T(mob())} まで",
        ["見積番号は対象外。"],
        ["family:handover"],
    )


def g_tokusoku(i: int) -> Doc:
    z, a = ad(i, 1)
    acct = digits(7)
    return (
        "tokusokujo",
        f"〒{Z(fw(z))}\n{A(a)}\n{P(nm(i, 0))} 様\n\n"
        f"ご請求金額のお支払いについて（督促）\n"
        f"拝啓 平素は格別のご高配を賜り厚く御礼申し上げます。さて、2025年{4 + i}月分のご利用料金 "
        f"{12000 + i * 1500:,}円につきまして、お支払いの確認ができておりません。\n"
        f"つきましては、下記口座まで{8 + i}月末日までにお振込みください。\n"
        f"　振込先：みどり信用金庫 本店営業部 {L('BANK_ACCOUNT', '普通 ' + acct)}\n"
        f"お問い合わせ：債権管理課 {T(s.phone_fixed(i + 2))}（担当 {P(sur(i, 1))}）",
        ["金額・期日・信用金庫名は対象外。"],
        ["family:finance"],
    )


def g_houmu(i: int) -> Doc:
    _z, a = ad(i, 2)
    s1, k1, g1, kg1 = sur(i, 3), sur_kana(i, 3), giv(i, 3), giv_kana(i, 3)
    return (
        "houmu_soudan",
        f"法務相談メモ（社外秘）\n"
        f"相談者：{P(s1)}（{P(k1)}）{P(g1)}（{P(kg1)}）\n"
        f"住所：{A(a)}\n連絡先：{T(mob())}\n"
        f"相手方：{P(nm(i, 4, ''))}（元取引先の代表者）\n"
        f"概要：2024年秋に締結した業務委託契約の解除をめぐり、未払報酬 {850000 + i * 10000:,}円の支払を求めたい。\n"
        f"対応：内容証明の案を{P(sur(i, 5))}弁護士が作成予定",
        ["金額・日付は対象外。"],
        ["family:legal"],
    )


def g_iryouhi(i: int) -> Doc:
    era = ["昭和", "平成", "昭和"][i]
    y = [52, 8, 61][i]
    mn = s.my_number()
    return (
        "iryouhi_meisai",
        f"医療費控除の明細書（2025年分）\n"
        f"申告者：{P(nm(i, 6))}　個人番号 {L('MY_NUMBER', g444(mn))}\n"
        f"受診者１：{P(nm(i, 6))}（本人）生年月日 {B(f'{era}{y}年{3 + i}月{9 + i}日')}\n"
        f"　しらかば内科クリニック　糖尿病の定期通院　支払額 86,400円\n"
        f"受診者２：{P(giv(i, 7))}（長女）\n"
        f"　あおば歯科　矯正治療　支払額 312,000円\n"
        f"合計 398,400円　補填額 0円",
        ["医療機関名・金額は対象外。"],
        ["family:tax", "special_care"],
    )


def g_chounaikai(i: int) -> Doc:
    return (
        "chounaikai",
        f"回覧　{['桜が丘', '緑町', '本郷'][i]}自治会\n"
        f"◎ 新しく入会されたご家族\n"
        f"　・{P(nm(i, 8))}さん（{A(CHOME_ONLY[i])}、3班）\n"
        f"◎ 6月の清掃当番：3班（班長 {P(sur(i, 9))}）\n"
        f"◎ 集合：日曜 8:00 公民館前。軍手とごみ袋は自治会で用意します。\n"
        f"問合せ：会長 {P(nm(i, 10))}　{T(s.phone_fixed(i + 3))}",
        ["公民館は施設名。"],
        ["family:community"],
    )


def g_renrakumou(i: int) -> Doc:
    rows = []
    for k in range(3):
        hira, kanji = KIDS[(i * 2 + k) % len(KIDS)]
        kid = kanji if k != 1 else hira
        family = sur(i, 11 + k)
        rows.append(f"{k + 1}. {P(family + ' ' + kid)}（保護者：{P(family + ' ' + giv(i, 11 + k))}）{T(s.fmt_mobile(s.mobile(), k + i))}")
    return (
        "renrakumou",
        f"{i + 2}年{['1', '2', '3'][i]}組 緊急連絡網（令和7年度）\n"
        + "\n".join(rows)
        + "\n※ 次の人に回したら担任（内線 214）へ報告してください。",
        ["内線は対象外。"],
        ["family:school"],
    )


def g_transcript(i: int) -> Doc:
    k = sur_kana(i, 12)
    _z, a = ad(i, 3)
    d = s.mobile()
    spoken = [f"{d[:3]}の{d[3:7]}の{d[7:]}", f"{d[:3]}-{d[3:7]}-{d[7:]}", d][i]
    return (
        "call_transcript",
        f"[通話書き起こし 自動生成]\n"
        f"OP：お電話ありがとうございます、サポートセンターの{P(sur(i, 13))}でございます。\n"
        f"客：あのー、えーと、{P(k)}と申しますけど、先週頼んだ加湿器がまだ届いてなくて。\n"
        f"OP：大変申し訳ございません。ご登録のお電話番号をお願いいたします。\n"
        f"客：えー、{T(spoken)}です。\n"
        f"OP：ありがとうございます。お届け先のご住所は{A(a)}でお間違いないでしょうか。\n"
        f"客：はい、そうです。えっと、あのー、いつ頃になりますかね？",
        ["通話番号なし。"],
        ["family:support"],
    )


def g_slack(i: int) -> Doc:
    g, f = ROMAJI[i % len(ROMAJI)]
    handle = f"{g.lower()}.{f.lower()}"
    jp = nm(i, 2)
    return (
        "slack_mix",
        f"#sales-ops\n"
        f"{P(g + ' ' + f)}  10:42\n@{P(jp)} can you double-check the invoice for {P(sur(i, 3))}さん? "
        f"billing addr changed to {A(['2-17-1-405 Higashi-Gotanda, Shinagawa-ku, Tokyo', '1-6-3 Arai-Higashi, Wakabayashi-ku, Sendai', '3-8-21 Kugenuma-Kaigan, Fujisawa-shi, Kanagawa'][i])}\n"
        f"{P(jp)}  10:45\nりょ！確認します。先方のメールは {E(handle + '@example.co.jp')} で合ってる？\n"
        f"{P(g + ' ' + f)}  10:46\nyes, thx 🙏 deadline is EOD",
        [],
        ["family:chat", "en_mix"],
    )


def g_envelope(i: int) -> Doc:
    z = ["167-0053", "604-8006", "330-0854"][i]
    lines = [
        "東京都\n杉並区西荻南\n四丁目\n十二番\n五号",
        "京都市中京区\n河原町通三条上る\n恵比須町\n五三〇番地",
        "埼玉県\nさいたま市大宮区\n桜木町二丁目\n三番地\nサクラギ・ハイツ\n三〇一号",
    ][i]
    return (
        "envelope",
        f"［封筒表書き・縦書き原稿］\n〒{Z(fw(z))}\n{A(lines)}\n\n{P(nm(i, 14))}　様\n\n"
        f"［裏］\n株式会社ことのは商事　人事部\n{P(nm(i, 15))}",
        [],
        ["family:letter"],
    )


# ------------------------------------------------------------------------------ no-PII templates


def n_kaihou(i: int) -> Doc:
    return (
        "kaihou",
        f"森林組合だより 第{120 + i}号\n"
        f"春の植樹祭を{4 + i}月{19 + i}日に岡山県北の県有林で行います。参加費は無料、定員 {80 + i * 10}名。\n"
        f"林業体験コーナーでは間伐材の椅子づくりも。集合は駅前二丁目交差点そば。\n"
        f"徳川家康ゆかりの杉並木の見学もあります。",
        ["森・林・岡・春は一般語、駅前二丁目は番地のない目印、徳川家康は歴史上の人物。"],
        ["no_pii", "family:community"],
    )


def n_roles(i: int) -> Doc:
    return (
        "gijiroku_roles",
        f"定例会 議事録（{i + 1}月）\n"
        f"出席：営業部長、経理課長、情報システム担当\n"
        f"司会：議題は春季キャンペーンと予算の再配分。\n"
        f"営業部長：えー、前年比で {104 + i}% を目標にしたい。\n"
        f"経理課長：予算の上限は 2,400万円です。\n"
        f"決定事項：キャンペーン案は来週までに営業部で作成。",
        ["役職だけで氏名なし。"],
        ["no_pii", "family:minutes"],
    )


def n_orders(i: int) -> Doc:
    return (
        "order_summary",
        f"受注サマリー {6 + i}月\n"
        f"取引先：株式会社髙島屋、伊藤忠商事株式会社、本田技研工業株式会社\n"
        f"受注番号 {g444(s.bad_my_number(), '-')}　金額 1,{200 + i * 37},000円\n"
        f"受注番号 {s.bad_my_number()}　金額 {480 + i},500円\n"
        f"管理番号 {s.bad_corporate()}（旧システム）",
        ["受注番号はマイナンバー検査不一致、管理番号は法人番号検査不一致、会社名は対象外。"],
        ["no_pii", "family:finance"],
    )


def n_slack(i: int) -> Doc:
    return (
        "slack_mix",
        f"#dev-release\n"
        f"bot  09:00\nRelease train v{3 + i}.{i}.0 starts today. Build ver 10.{i}.2.15 is on staging.\n"
        f"release-mgr  09:03\nりょ。staging の smoke test は 15:00 から。QA チームよろしく🙏\n"
        f"qa-lead  09:05\nOK, see runbook section 4.2 (rollback) before deploy",
        ["ver に続く4つ組はバージョン。"],
        ["no_pii", "family:chat", "en_mix"],
    )


TEMPLATES: list[Callable[[int], Doc]] = [
    g_gijiroku, g_jirei, g_survey, g_nippo, g_interview, g_hikitsugi, g_tokusoku, g_houmu,
    g_iryouhi, g_chounaikai, g_renrakumou, g_transcript, g_slack, g_envelope,
    n_kaihou, n_roles, n_orders, n_slack,
]  # fmt: skip


def main() -> None:
    s.write_set(OUT, TEMPLATES, "hb2", lambda tmpl, text, marked, tags: "no_pii" in tags and s.valid_lookalike(text))


if __name__ == "__main__":
    main()
