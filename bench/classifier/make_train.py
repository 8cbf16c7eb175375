"""Write the classifier's training set: bench/classifier/train_ja.jsonl (kept in the repo).

    .venv/bin/python bench/classifier/make_train.py        # deterministic (fixed seed)

Every prompt is composed here from hand-written pieces, none taken from the shared dev set:
a *body* that carries the data class (what the content is, by the rules in
``request_labels_ja.md``) and a *task* that carries the tier (how much reasoning it needs), with
frames (Japanese, English, chatty, terse, instruction before or after the material) and random
fillers (companies, people, figures, products). Class and tier come from different pieces, so the
model has to learn each from its own cues rather than from one template's wording. Tasks that
only make sense with their own material (a scheduling problem, a concurrency bug) carry it
inline and name the class of that material.
"""

from __future__ import annotations

# ruff: noqa: E501  (the prompt pieces are data: one piece per line reads better than wrapped)
import random
from pathlib import Path

import orjson

OUT = Path(__file__).with_name("train_ja.jsonl")
SEED = 20261201
N_COMPOSED = 1500

CO = ["アサギリ工業", "ハヤブサ物流", "ミナモ食品", "クロガネ製作所", "ツバメ電機", "シラカバ商事", "ヒバリ建設",
      "カワセミ薬品", "ユキマチ化成", "ホシゾラ通信", "モミジ精工", "サザナミ不動産", "タカネ医療機器", "ナギサ銀行"]
CO_EN = ["Northwind Trading", "Bluefin Logistics", "Kestrel Foods", "Ironleaf Robotics", "Sakura Parts",
         "Harbor Analytics", "Pinecrest Retail"]
SURNAMES = ["佐々木", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "山口", "松本", "井上", "木村", "清水",
            "森田", "池田", "橋本", "石川", "前田", "藤井", "岡本", "長谷川", "村上", "近藤", "坂本"]
GIVEN = ["健一", "美咲", "翔太", "陽子", "大輔", "由美", "拓也", "真理子", "直樹", "恵", "亮", "さくら", "誠",
         "千尋", "悠斗", "麻衣"]
ROMAJI = ["Kenji Sato", "Yumi Takahashi", "Daisuke Ito", "Mika Watanabe", "Hiroshi Nakamura", "Aya Kobayashi",
          "Takuya Kato", "Naomi Yoshida"]
PRODUCTS = ["スマート温度ロガー", "業務用食洗機 X2", "配送管理SaaS", "小型ドローン", "高耐久タブレット", "省エネ空調ユニット",
            "AI見積システム", "冷凍弁当シリーズ", "電動アシスト台車", "防水ヘッドセット"]
CITIES = ["さくら市", "みどり町", "あおば区", "かえで市", "ひかり町"]
DEPTS = ["営業部", "経理部", "人事部", "製造部", "品質保証部", "情報システム部", "購買部", "物流部", "経営企画部"]
FREEMAIL = ["gmail.com", "yahoo.co.jp", "outlook.jp", "icloud.com"]


def my_number(rng: random.Random) -> str:
    body = [rng.randrange(10) for _ in range(11)]
    total = sum(body[11 - n] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    rem = total % 11
    return "".join(map(str, body)) + str(0 if rem <= 1 else 11 - rem)


def bad_twelve(rng: random.Random) -> str:
    """A 12-digit order number that fails the My Number check."""
    while True:
        s = "".join(str(rng.randrange(10)) for _ in range(12))
        body = [int(c) for c in s[:11]]
        total = sum(body[11 - n] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
        rem = total % 11
        if int(s[11]) != (0 if rem <= 1 else 11 - rem):
            return s


class Fill:
    """Random fillers for one prompt."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def __getitem__(self, key: str) -> str:
        r = self.r
        if key == "co":
            return "株式会社" + r.choice(CO)
        if key == "co2":
            return r.choice(CO) + "株式会社"
        if key == "coen":
            return r.choice(CO_EN)
        if key == "name":
            return r.choice(SURNAMES) + " " + r.choice(GIVEN)
        if key == "sur":
            return r.choice(SURNAMES)
        if key == "romaji":
            return r.choice(ROMAJI)
        if key == "mobile":
            return f"0{r.choice('789')}0-{r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}"
        if key == "tel":
            return f"03-{r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}"
        if key == "mail":
            return f"{r.choice(['k', 'yu', 'taka', 'm', 'hiro'])}.{r.choice(['sato', 'mori', 'ito', 'abe'])}" \
                   f"{r.randrange(10, 99)}@{r.choice(FREEMAIL)}"
        if key == "wmail":
            return f"{r.choice(['s.kato', 'mori.t', 'a-ito', 'yamane'])}@{r.choice(CO).lower()[:0]}example.co.jp"
        if key == "mynum":
            return my_number(r)
        if key == "order12":
            return bad_twelve(r)
        if key == "prod":
            return r.choice(PRODUCTS)
        if key == "city":
            return r.choice(CITIES)
        if key == "dept":
            return r.choice(DEPTS)
        if key == "n":
            return str(r.randrange(2, 60))
        if key == "pct":
            return f"{r.randrange(1, 40)}.{r.randrange(10)}"
        if key == "oku":
            return f"{r.randrange(12, 2400):,}"
        if key == "man":
            return f"{r.randrange(30, 9800):,}"
        if key == "yen":
            return f"{r.randrange(100, 99000):,}"
        if key == "month":
            return str(r.randrange(1, 13))
        if key == "day":
            return str(r.randrange(1, 29))
        if key == "year":
            return str(r.randrange(1950, 2001))
        if key == "addr":
            return (f"〒{r.randrange(100, 999)}-{r.randrange(1000, 9999)} {r.choice(['東京都世田谷区', '大阪府吹田市', '神奈川県藤沢市', '愛知県岡崎市', '福岡県糸島市'])}"
                    f"{r.choice(['桜丘', '緑が丘', '本町', '旭町'])}{r.randrange(1, 9)}-{r.randrange(1, 30)}-{r.randrange(1, 20)}")
        raise KeyError(key)


# ---------------------------------------------------------------------------------------------
# Bodies: (class, text). The text is material the task works on.
# ---------------------------------------------------------------------------------------------

PUBLIC_BODIES = [
    "光合成は、植物が光のエネルギーを使って二酸化炭素と水からデンプンなどの有機物をつくる働きです。葉緑体で行われ、酸素が放出されます。",
    "令和{month}年度の{city}の粗大ごみ収集は、事前申込制です。申込は市のウェブサイトまたは粗大ごみ受付センターで受け付けています。",
    "{city}からのお知らせ：{month}月{day}日（日）は市内一斉清掃の日です。軍手とごみ袋は各自治会で配布します。雨天の場合は翌週に延期します。",
    "日本の祝日：元日、成人の日、建国記念の日、天皇誕生日、春分の日、昭和の日、憲法記念日、みどりの日、こどもの日。",
    "当社は本日、{month}月期の決算短信を公表しました。売上高は前期比{pct}%増、営業利益は{oku}億円でした（公表済みの数値です）。",
    "決算説明会で公表済みの資料によると、{co}の通期売上高は{oku}億円、営業利益率は{pct}%でした。",
    "求人票（当社採用サイトに掲載中）：【職種】倉庫内軽作業スタッフ【勤務地】{city}【給与】時給1,250円〜【休日】週休2日制【応募方法】ウェブサイトの応募フォームから。",
    "{co}　本社所在地：東京都千代田区丸の内{n}-1-1　代表電話：03-5555-01{n}　法人番号：1234567890123　受付時間 平日9時〜17時",
    "お問い合わせ先：{city}役所 市民課（代表 0120-{n}0-{n}00）受付時間 8:30〜17:15",
    "渋沢栄一（1840年2月13日生まれ）は、日本の実業家で、第一国立銀行や多くの企業の設立に関わりました。",
    "津田梅子は1864年生まれの教育者で、女子英学塾（現在の津田塾大学）を創設しました。",
    "Python で FizzBuzz を書く一般的な方法：1から100までの数について、3の倍数ならFizz、5の倍数ならBuzz、両方ならFizzBuzzを出力する。",
    "```python\ndef quicksort(xs):\n    if len(xs) <= 1:\n        return xs\n    p = xs[0]\n    return quicksort([x for x in xs[1:] if x < p]) + [p] + quicksort([x for x in xs[1:] if x >= p])\n```",
    "The Great Barrier Reef is the world's largest coral reef system, located off the coast of Queensland, Australia.",
    "Press release (published): {coen} today announced the launch of its new cloud service, available worldwide from next month.",
    "情報セキュリティの三要素は機密性・完全性・可用性です。それぞれの意味を説明する研修資料を想定しています。",
    "Confidential Computing とは、処理中のデータをハードウェアの信頼実行環境で保護する技術です。",
    "秘書検定2級の出題範囲と、合格するための勉強の秘訣をまとめたい。",
    "秘境と呼ばれる温泉地を巡る旅行プランを考えています。",
    "市販の電気ケトルの取扱説明書にある取扱注意点：空だきをしない、満水目盛りを超えて水を入れない、使用中は注ぎ口に触れない。",
    "「社外秘」「極秘」というスタンプは一般的に何を意味し、受け取った書類をどう扱うべきかという一般的な質問です。",
    "秘密保持契約（NDA）で一般的に定める条項（秘密情報の定義、目的外使用の禁止、有効期間）について知りたい。",
    "マイナンバー（個人番号）のチェックデジットの計算方法は、総務省令で定められた重みを使う方式です。",
    "郵便番号（123-4567形式）にマッチする正規表現の一般的な書き方。",
    "I have a secret recipe for pancakes that my grandmother taught me: a little yogurt in the batter.",
    "The secret to a good presentation is knowing your audience and rehearsing out loud.",
    "HTTPのステータスコード 404 と 500 の違い。",
    "SQLのINNER JOINとLEFT JOINの違い、およびインデックスの基本的な仕組み。",
    "消費税の軽減税率制度では、飲食料品（酒類・外食を除く）と定期購読の新聞が8%の対象です。",
    "労働基準法では、法定労働時間は原則として1日8時間、1週40時間と定められています。",
    "ISO 9001 は品質マネジメントシステムの国際規格で、PDCAサイクルに基づく継続的改善を求めています。",
    "The city library will be closed on national holidays. Books can be returned to the drop box at the main entrance.",
    "kubectl get pods -A の出力の見方と、CrashLoopBackOff の一般的な意味。",
    "インボイス制度の登録番号は T から始まる13桁で、国税庁の公表サイトで確認できます。",
    "一般的な在庫管理の考え方として、安全在庫は需要のばらつきとリードタイムから計算されます。",
    "Explain the difference between TCP and UDP with everyday analogies.",
    "公開されているオープンデータ：{city}の人口は約{n}万人、65歳以上の割合は{pct}%です。",
    "PostgreSQL の VACUUM と ANALYZE の役割。",
    "応募者向けの会社説明会のお知らせ（当社ウェブサイトに掲載済み）：{month}月{day}日 オンライン開催、参加無料。",
    "A general question: how should a small team organise a code review process on GitHub?",
]

INTERNAL_BODIES = [
    "【{dept} 定例 議事録メモ】\n・{month}月の受注は{n}件、目標比{pct}%未達\n・原因は大型案件の期ずれ\n・対策：来週までに見込み案件を再精査（担当：{sur}課長）\n・次回は{month}月{day}日",
    "店舗別の{month}月売上（社内集計、単位：千円）\n札幌店,{yen}\n仙台店,{yen}\n名古屋店,{yen}\n福岡店,{yen}",
    "四半期KPI：新規受注{n}件（前年同期{n}件）、解約率{pct}%、平均単価{man}万円、NPS {n}",
    "社内の受注DBのテーブル定義：orders(order_id, customer_id, ordered_at, amount, status), customers(customer_id, segment, region)",
    "社内の在庫管理APIのログ：\n2026-05-{day} 08:12:03 ERROR InventoryService - Connection refused: db-inv-01:5432\n2026-05-{day} 08:12:04 WARN  Retry 1/3",
    "社内向けお知らせ：{month}月{day}日（土）に基幹システムのサーバー更新を行います。当日は終日システムが停止します。",
    "仕入先{co}との取引条件：月末締め翌月末払い、最低発注数量{n}ケース、リードタイム{n}日、単価は{yen}円（税抜）。",
    "交渉中の業務委託契約書ドラフト第{n}条：受託者の損害賠償責任は、委託料の{n}か月分を上限とする。",
    "主要サプライヤー{co}から、{month}月から部品単価を{pct}%上げたいと申し入れがありました。当社の年間購入額は約{oku}億円で、代替先の見積は{pct}%高い。",
    "来春発売予定の新商品「{prod}」（まだ社外には発表していません）：想定価格{man}円、ターゲットは中小企業、販売目標は初年度{n}千台。",
    "{month}月から主力商品の価格を{pct}%値上げする予定です（取引先にはまだ案内していません）。",
    "営業日報 {month}月{day}日：午前 {co}訪問、来期の年間契約について単価{pct}%値下げの要望あり。午後 見積書作成、社内会議。",
    "設備購入の稟議メモ：第{n}工場に検査装置を1台導入、見積{man}万円、不良率を{pct}%削減見込み、回収期間は約{n}か月。",
    "社内の経費精算システム移行：{month}月{day}日から新システム、旧システムは{month}月末で入力締切、領収書はスマホ撮影可。",
    "社内のKubernetes設定：\n```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: order-api\nspec:\n  replicas: 3\n```",
    "社内の受注管理アプリ（Django）の構成：orders/models.py が billing.services を import し、billing/services.py が orders.models を import している。",
    "Internal sales review notes: APAC revenue up {pct}% QoQ, EMEA flat, churn in the SMB segment rose to {pct}%. Action: revisit pricing for the Basic plan.",
    "Our warehouse team's weekly numbers: {n} late shipments, picking accuracy {pct}%, overtime {n} hours.",
    "品質会議メモ：{month}月の不良率は{pct}%で目標未達。主因は第2ラインの溶接不良（治具摩耗）。治具は来月交換予定。",
    "派遣スタッフ{n}名の来月のシフト案：平日は各日{n}名、土曜は{n}名。スタッフA〜Hのうち、Aは水曜不可。",
    "取引先への見積書 No.Q-{n}-{day}：品名 制御基板、数量{n}枚、単価{yen}円、納期{month}月{day}日。",
    "物流センター統合の検討資料：A案は2拠点統合で家賃{oku}千万円削減、運賃{man}万円増。B案は現状維持で自動化投資{oku}億円。",
    "当社の出張旅費規程：日当は日帰り1,000円、宿泊2,500円、宿泊費上限は12,000円。",
    "{dept}の来期予算案：人件費{oku}百万円、外注費{man}万円、システム費{man}万円。前年比{pct}%増。",
    "問い合わせチケット一覧：#{n}01 ログインできない／#{n}02 請求書の再発行／#{n}03 CSV出力の列順／#{n}04 新機能の要望",
    "社内Slackの投稿：「明日21時から本番DB移行します。その間アプリが止まるので受注はFAXでお願いします」",
    "{co}との共同開発契約（交渉中）：成果の知的財産権の帰属、費用負担の割合、独占期間について双方の案が対立している。",
    "Incident timeline from our on-call channel: 10:02 checkout latency alerts, 10:09 rollback of release 4.12, 10:31 recovered. Root cause under investigation.",
    "社内の基幹DB（Oracle、約{n}TB）をPostgreSQLへ移行する計画。停止可能時間は{n}分、夜間バッチ{n}本。",
    "得意先{co}からのクレーム対応方針（社内検討用）：納品遅延{n}件、値引き要求{pct}%、当社の許容範囲は{pct}%まで。",
    "受注番号 {order12} の出荷状況：倉庫{n}番で梱包済み、{month}月{day}日出荷予定。",
    "会議室予約システムの利用ルール変更（社内通知）：予約は{n}日前から、キャンセルは前日まで、定例会議は月1回見直し。",
    "Our internal feature flag config: checkout_v2=on for 20% of users in region=jp, off elsewhere.",
    "{dept}のプロジェクト進捗：全体{n}%（計画{n}%）、要件定義完了（担当：{sur}）、設計{n}%、課題：外部APIの仕様変更。",
    "社内アンケート（匿名、回答{n}名）の集計：満足{pct}%、やや満足{pct}%、不満{pct}%。自由記述の主な意見：会議が多い。",
    "病棟の物品請求ルール変更（院内向け）：請求は毎週月・木の正午締め、翌日配送、緊急時は物品管理課へ内線連絡。",
    "校内研修メモ：{month}月{day}日 全教員対象（参加{n}名）、テーマは1人1台端末を使った授業づくり。",
    "社内のバッチ処理のcron設定：0 2 * * * /opt/batch/export_sales.sh（売上CSVを毎晩2時に出力）",
]

MARKERS = ["【社外秘】", "社外秘\n", "【極秘】", "極秘：", "関係者外秘\n", "【取扱注意】", "取扱注意\n", "機密\n", "（機密情報）",
           "CONFIDENTIAL\n", "Confidential\n", "Internal only\n", "Internal Only：", "INTERNAL ONLY - ", "社外秘・持出禁止\n",
           "【部外秘】", "Strictly Confidential\n", "ＣＯＮＦＩＤＥＮＴＩＡＬ\n", "［社外秘］", "【Confidential】"]
MARKER_TAILS = ["\n（本資料は社外秘です）", "\n※取扱注意", "\n-- Confidential --", "\n本メモは関係者外秘とします。",
                "\n（Internal only）", "\n機密扱い", "\n以上、極秘扱いでお願いします。"]
MARKER_INLINE = ["CONFIDENTIAL表示のある資料", "Internal onlyと書かれたメモ", "Confidentialと明記された仕様書",
                 "「社外秘」の印がある文書", "取扱注意の資料", "機密扱いの資料", "NDAに基づき受領したCONFIDENTIAL指定の資料"]

CONFIDENTIAL_CONTENT = [
    "{co}の買収を検討しています（まだ社外には一切公表していません）。買収価格は約{oku}億円、株式の100%取得を想定。",
    "子会社の{co2}を外部に売却する方針です（公表前）。売却先候補は2社、譲渡価格は{oku}億円前後。",
    "{co}に{pct}%出資して資本業務提携を結ぶ方向で最終調整中です（両社とも未公表）。第三者割当で株式を取得する予定。",
    "来月発表予定の第{n}四半期決算（未公表）の速報値：売上高{oku}億円、営業利益{oku}億円、前年同期比{pct}%増。",
    "開示前の業績予想の修正：通期営業利益を{oku}億円から{oku}億円に下方修正する方向（取締役会で決議予定）。",
    "公表前の情報です。当期の純利益が期初予想を{pct}%上回る見込みで、適時開示の対象になる可能性があります。",
    "決算発表前の社内速報：売上高{oku}億円（予想比{pct}%減）。発表予定日は{month}月{day}日。",
    "当社の営業秘密として管理している「特製たれ」の配合：醤油{n}%、みりん{n}%、砂糖{n}%、隠し味に柑橘果汁。",
    "当社のノウハウとして管理している熱処理条件：温度{n}0℃、保持時間{n}分、冷却速度は毎分{n}℃。",
    "まだ特許出願していない新しい発明の説明：配管内の付着物の厚さを超音波の反射時間差から推定する方法。",
    "出願前の発明メモ：電池の負極に孔径が厚み方向に変化する多孔質層を設け、急速充電時の劣化を抑える構成。",
    "Unannounced: we plan to acquire {coen} for about {oku} million dollars. The board votes next week; nothing is public yet.",
    "Pre-announcement figures (not yet disclosed): Q{day} revenue {oku} million, operating margin {pct}%. Earnings release is scheduled for next month.",
    "We are negotiating a capital alliance with {coen}, taking a {pct}% stake; neither side has announced it.",
    "TOB（株式公開買付け）を{co}に対して実施する計画。公表は来月の取締役会後、買付価格は1株{yen}円。",
    "合併比率の社内試算（未公表）：{co}株1株に対し当社株{pct}株を割り当てる案。",
    "事業譲渡計画：{dept}が担う事業を{co}へ譲渡する方向で交渉中（開示前）。従業員{n}名の転籍を含む。",
    "This recipe is a trade secret of our company and is managed as such: brine ratio {n}%, smoking time {n} hours.",
    "上場子会社の完全子会社化を検討中（公表前）。プレミアムは{pct}%を想定。",
    "来月公表予定の資本業務提携のプレスリリース案：当社は{co}の発行済株式の{n}%を取得します。",
]

CONFIDENTIAL_MARKED_BODIES = INTERNAL_BODIES[:20]  # internal material with a marker on top

PERSONAL_BODIES = [
    "氏名：{name}\n生年月日：{year}年{month}月{day}日\n住所：{addr}\n電話：{mobile}\nメール：{mail}",
    "{name}さん（社員番号 E{n}{n}）の今期の人事評価：目標達成度{pct}%、総合評価B。上司コメント：後輩指導に課題あり。",
    "{name}さんの{month}月分の給与明細：基本給{yen}円、残業手当{yen}円、控除合計{yen}円。",
    "顧客の{name}様（{mobile}）から、商品が届かないとの問い合わせがありました。",
    "{name}さんが体調不良のため{month}月{day}日から休職します。診断書では適応障害とのことです。",
    "{name}さんから退職の申し出がありました。最終出社日は{month}月{day}日、有給休暇が{n}日残っています。",
    "社員番号,氏名,個人番号\nE{n}01,{name},{mynum}\nE{n}02,{name},{mynum}",
    "テスト用のダミーデータ：個人番号 {mynum}、氏名 {name}",
    "連絡先メール={mail} / 希望資料=法人向けパンフレット / 検討時期=3か月以内",
    "夜遅くに {mobile} から何度も無言電話がかかってきます。",
    "お届け先：{addr}（ご自宅）",
    "名刺の情報：{co} {dept} 課長 {name}　携帯 {mobile}　メール {wmail}",
    "下のような顧客データをマスキングするスクリプトを書きたい：\n{name},{mobile},{mail}\n{name},{mobile},{mail}",
    "【社外秘】{dept}の{name}さんと{name}さんの懲戒処分案：無断欠勤{n}日、減給処分を検討。",
    "極秘：{name}部長の異動と年収{man}万円への減額について。",
    "{name}さんの健康診断の結果、血圧が高く再検査が必要との通知がありました。",
    "{name}さん（{year}年生まれ）のご家族の介護のため、時短勤務を希望されています。",
    "応募者 {name}（{mail}）の面接評価：コミュニケーション4、技術3、総合で二次面接へ。",
    "Customer {romaji} (mobile {mobile}, email {mail}) complained that the refund has not arrived.",
    "Employee {romaji}, ID E{n}{n}, performance rating: below expectations; salary band 4.",
    "{name}様の口座情報：{ナギサ}銀行 本店 普通 {n}{n}{n}{n}".replace("{ナギサ}", "ナギサ"),
    "会員番号 M{n}{n}{n} の{name}様、前回のご購入は{month}月{day}日、ポイント残高{yen}pt。",
    "生徒 {name}（{n}年{n}組）の期末テストの点数：数学{n}点、英語{n}点、国語{n}点。",
    "{name}さんの運転免許証番号は 30{n}{n}{n}{n}{n}{n}、有効期限は{year}年です。",
    "お客様情報：{name}様、{addr}、電話 {tel}、ご注文内容 {prod}",
]


# ---------------------------------------------------------------------------------------------
# Tasks: (tier, before-or-after instruction). "{B}" is where the body goes.
# ---------------------------------------------------------------------------------------------

LIGHT_TASKS = [
    "次の内容を3行で要約してください。\n{B}", "{B}\n\n上の文章を2〜3文で要約して。", "以下を一言でまとめて。\n{B}",
    "次の文章を英語に翻訳してください。\n{B}", "{B}\n\nTranslate the above into English.",
    "Translate this into Japanese:\n{B}", "次の文の誤字脱字を直してください。\n{B}",
    "{B}\n\n表記ゆれ（全角・半角、送り仮名）を統一して、です・ます調にそろえて。",
    "次の内容を箇条書きに整えてください。\n{B}", "{B}\n\nこれをMarkdownの表にして。",
    "以下から日付・金額・社名を抜き出してJSONにしてください。\n{B}", "{B}\n\nこの内容をCSV形式に変換して。",
    "次の項目を「項目名: 値」の形に1行ずつ整えてください。\n{B}", "以下の数値を大きい順に並べ替えて。\n{B}",
    "以下の数値を分析して、前年比（%）を計算してください。\n{B}", "次の問い合わせを「不具合」「要望」「質問」に分類して。\n{B}",
    "{B}\n\nこれを丁寧なビジネス文に直してください。", "Summarize this in three bullets:\n{B}",
    "Fix the typos and grammar:\n{B}", "{B}\n\nExtract the key numbers as JSON.",
    "次の内容を分析して、重要な順に並べ替えるだけでいいです。\n{B}", "戦略的に重要そうな項目だけ抜き出して箇条書きにして。\n{B}",
    "{B}\n\nこの内容をもとに、関係者へ送る短いお礼のメール（3行程度）を書いて。", "次の文章のカタカナ語を日本語に言い換えて。\n{B}",
    "以下の内容を200字以内に要約してください。長くてすみません。\n{B}\n{B}", "この文章の要点を3つ、見出しだけ挙げて。\n{B}",
    "次のテキストを、句読点を整えて読みやすく改行してください。\n{B}", "{B}\n\n↑これ英訳お願いします",
    "{B}\n\nこれ、Slack用に短くして", "Reformat as a bullet list, no other changes:\n{B}",
    "次の中から金額だけ抽出して合計して。\n{B}", "{B}\n\n何の話か一言で教えて",
]

STANDARD_TASKS = [
    "次のメモから議事録（日時・議題、決定事項、宿題事項）を作成してください。\n{B}",
    "{B}\n\nこの内容で稟議書（件名、目的、内容、金額、効果）を作ってください。",
    "以下をもとに社員向けFAQを5問作ってください。\n{B}", "次の内容で作業手順書（目的、手順、注意点）を作成して。\n{B}",
    "{B}\n\nこれをもとに部長向けの週次報告書（状況、進捗、課題、来週の予定）を書いて。",
    "次の内容について、新人向けに分かりやすく解説してください。\n{B}", "{B}\n\nこの概念を例を挙げて説明して。",
    "以下の2案のメリットとデメリットを比較表にまとめてください。\n{B}",
    "次のテーブルから先月の売上TOP10を出すSQLを書いてください。\n{B}",
    "{B}\n\nこのデータを集計するPythonの関数を書いて。", "以下に関連するExcelのVBAマクロを書いてください。\n{B}",
    "次の内容に合うYAMLの設定例を書いて。\n{B}", "{B}\n\nこのログのエラーの原因と対処法を教えて。",
    "次の長い資料を「背景」「現状」「課題」「提案」の4章立てで要約してください。\n{B}",
    "{B}\n\n当社のルール（3日以内はお詫びのみ、4日以上は送料返金）を上の3件に当てはめて、対応を決めて。",
    "以下の内容で、お客様向けの案内文（時候の挨拶、本文、問い合わせ先）を作成して。\n{B}",
    "Draft a short incident report (summary, timeline, impact, follow-ups) from this:\n{B}",
    "{B}\n\nWrite a Python function that validates this data, with a couple of tests.",
    "Explain this to a new team member:\n{B}", "{B}\n\nCompare the two options in a table and recommend one.",
    "次の情報をもとに、社内説明会の資料構成案（スライド10枚程度）を作ってください。\n{B}",
    "{B}\n\nこれに関するプレスリリースの下書きを書いて。", "次の内容から研修用の確認テスト（4択5問）を作って。\n{B}",
    "以下のデータから異常値を検出する正規表現とSQLを書いて。\n{B}", "{B}\n\nこれの報告書を作って。見出しは自由で。",
    "以下の内容について、マニュアルの章立てと各章の要点を書いてください。\n{B}",
]

FRONTIER_TASKS = [
    "{B}\n\nこの状況で取りうる選択肢を洗い出し、リスクとトレードオフを比較したうえで、最適な方針を根拠とともに提案してください。",
    "以下の情報を踏まえ、法的リスク（独禁法、下請法、契約上の責任）を評価し、対応方針を優先度つきで示してください。\n{B}",
    "ざっくりでいいので、次の件の中長期戦略を、制約とリスクも含めて考えてください。\n{B}",
    "簡単にでいいので、この件で当社が取るべき交渉方針と譲歩の順番、落としどころを立てて。\n{B}",
    "{B}\n\n上記について、財務インパクトのシナリオ分析（楽観・基本・悲観）を行い、意思決定の基準を設計して。",
    "{B}\n\n規制（金融商品取引法、インサイダー取引規制）との関係を整理し、開示のタイミングと情報管理上のリスクを判断してください。",
    "Given the following, assess the legal and financial risks, weigh the trade-offs and recommend a strategy with contingencies:\n{B}",
    "{B}\n\nThink through second-order effects and propose a plan under these constraints; justify each trade-off.",
    "次の件について、複数の部署の利害が対立しています。論点を整理し、段階的な意思決定プロセスと判断基準を設計してください。\n{B}",
    "{B}\n\nこのケースで懲戒処分が妥当かどうか、就業規則と判例の考え方から慎重に判断してください。",
    "{B}\n\nこの条項が有効かどうか（公序良俗、消費者契約法）を検討し、争いになった場合の見通しを示して。",
    "以下を前提に、移行計画をリスク、依存関係、ロールバック手順まで含めて設計してください。\n{B}",
    "{B}\n\nこの施策の優先順位を、予算制約と効果の不確実性を考慮して決め、根拠を示してください。",
    "Design the architecture for this with failure modes, consistency guarantees and the trade-offs you accept:\n{B}",
    "{B}\n\nハラスメントに当たるかどうか、双方の主張が食い違う点を踏まえて判断し、調査の進め方を提案してください。",
]

# Tasks that carry their own material: (class, tier, text)
SELF_CONTAINED = [
    ("INTERNAL", "frontier", "来月の{dept}のシフトを組んでください。スタッフ8名（A〜H）、毎日2名以上、1人あたり月{n}回以内、夜勤明けは休み、連続勤務は4日まで、Aは水曜不可、BとCは同じ日に入れない。実行可能な割当と根拠を示して。"),
    ("INTERNAL", "frontier", "社内の決済サービスで、まれに二重課金が起きます。checkout-svc と payment-svc が同じ注文を同時に処理しているようです。ログ：\n[checkout] 10:02:11 POST /pay order={n}\n[payment] 10:02:11 charge order={n}\n[payment] 10:02:12 charge order={n}\n原因の仮説と、冪等性を含めた恒久対策を設計してください。"),
    ("PUBLIC", "frontier", "asyncioで2つのタスクが同じdictを更新すると、まれに更新が失われます。awaitの位置が原因だと思うのですが、なぜ起きるのか、どう直すべきか詳しく説明して。\n```python\nasync def add(d, k):\n    v = d.get(k, 0)\n    await asyncio.sleep(0)\n    d[k] = v + 1\n```"),
    ("PUBLIC", "frontier", "素数が無限に存在することを証明してください。"),
    ("PUBLIC", "frontier", "√2が無理数であることを背理法で証明して。"),
    ("PUBLIC", "frontier", "Prove that the sum of the first n odd numbers is n squared, then generalise."),
    ("PUBLIC", "frontier", "6人（A〜F）を3つの会議室に割り当てたい。AとBは同室不可、Cは窓側の部屋、DとEは同室、各部屋2名、Fは午後不在。全ての解を挙げて。"),
    ("INTERNAL", "frontier", "在庫の再配分を最適化したい。東京 在庫{n}0/需要{n}0、大阪 在庫{n}0/需要{n}0、福岡 在庫{n}0/需要{n}0。横持ち単価は東京→大阪{n}0円、東京→福岡{n}0円。需要は±20%ぶれる。欠品コストも考慮して配分を提案して。"),
    ("INTERNAL", "frontier", "来期の営業{n}名を首都圏・関西・中部にどう配置するか、見込み売上と既存顧客比率、移動コストを考慮して、前提と感度分析つきで提案して。"),
    ("PUBLIC", "frontier", "分散システムでリーダー選出を実装する際、ネットワーク分断時にスプリットブレインを防ぐ方法をRaftとPaxosを比較して論じて。"),
    ("PUBLIC", "standard", "Pythonでリストの重複を順序を保ったまま取り除く関数を書いて。"),
    ("PUBLIC", "standard", "メールアドレスの形式をざっくりチェックする正規表現を書いて、例を3つ挙げて。"),
    ("PUBLIC", "standard", "What is the difference between a process and a thread? Explain with examples."),
    ("PUBLIC", "light", "日本の首都はどこですか？"),
    ("PUBLIC", "light", "1フィートは何センチですか。"),
    ("PUBLIC", "light", "{yen}円の{pct}%はいくら？"),
    ("PUBLIC", "light", "What year did the Berlin Wall fall?"),
    ("PUBLIC", "standard", "Explain what a hash table is and when to use one instead of a list."),
    ("INTERNAL", "standard", "社内の勤怠CSV（社員番号なし、部署,日付,残業時間）を部署別に月次集計するpandasのコードを書いて。"),
    ("INTERNAL", "light", "次のチケットをpriority順（P1→P3）に並べて。\n- WEB-{n}1 P2 ログイン画面の文言\n- WEB-{n}2 P1 決済エラー\n- WEB-{n}3 P3 アイコン差し替え"),
    ("INTERNAL", "light", "次のアプリログをERROR/WARN/INFOごとに数えて。\n09:01 INFO order created\n09:02 ERROR db timeout\n09:03 WARN retry\n09:04 ERROR db timeout"),
    ("CONFIDENTIAL", "frontier", "{co}の買収（未公表）について、デューデリジェンスで見つかった簿外債務{oku}億円の可能性を踏まえ、買収価格の調整、表明保証、クロージング条件をどう設計すべきか検討して。"),
    ("CONFIDENTIAL", "frontier", "開示前の下方修正（営業利益{oku}億円→{oku}億円）について、適時開示の要否、タイミング、インサイダー取引規制上の情報管理を総合的に判断してください。"),
    ("CONFIDENTIAL", "light", "【社外秘】来期の事業計画のスライド原稿です。英語に訳して。\n「海外売上比率を{pct}%へ引き上げ、不採算の{dept}関連事業から撤退する」"),
    ("PERSONAL", "frontier", "{name}さん（{dept}）が同僚から繰り返し叱責され、本人はパワハラだと訴えています。上司は指導の範囲だと主張。双方の言い分とメールの記録を踏まえ、パワハラに当たるか判断し、調査と処分の進め方を提案して。"),
    ("PERSONAL", "standard", "{name}さん（電話 {mobile}）宛に、面接日程の候補を3つ提示するメールを書いて。"),
    ("PERSONAL", "light", "{name}さんの住所 {addr} を、郵便番号・都道府県・市区町村・番地に分けてJSONにして。"),
]

FRAMES = ["{P}", "{P}", "{P}", "お疲れさまです。{P}", "{P}\nよろしくお願いします。", "急ぎです。{P}", "{P}\n（社内チャットより）",
          "Hi, {P}", "{P}\nThanks!", "すみません、{P}", "【依頼】{P}", "{P}\n\n以上です。"]


def compose(rng: random.Random) -> dict[str, str]:
    fill = Fill(rng)
    cls = rng.choice(["PUBLIC", "INTERNAL", "CONFIDENTIAL", "PERSONAL"])
    if cls == "PUBLIC":
        body = rng.choice(PUBLIC_BODIES)
    elif cls == "INTERNAL":
        body = rng.choice(INTERNAL_BODIES)
    elif cls == "PERSONAL":
        body = rng.choice(PERSONAL_BODIES)
    else:
        kind = rng.random()
        if kind < 0.45:
            body = rng.choice(CONFIDENTIAL_CONTENT)
        elif kind < 0.7:
            body = rng.choice(MARKERS) + rng.choice(CONFIDENTIAL_MARKED_BODIES)
        elif kind < 0.85:
            body = rng.choice(CONFIDENTIAL_MARKED_BODIES) + rng.choice(MARKER_TAILS)
        else:
            body = rng.choice(MARKER_INLINE) + "です。\n" + rng.choice(CONFIDENTIAL_MARKED_BODIES)
    tier = rng.choices(["light", "standard", "frontier"], weights=[3, 3, 3])[0]
    task = rng.choice({"light": LIGHT_TASKS, "standard": STANDARD_TASKS, "frontier": FRONTIER_TASKS}[tier])
    text = task.replace("{B}", body)
    text = rng.choice(FRAMES).replace("{P}", text)
    return {"text": text.format_map(fill), "data_class": cls, "tier": tier}


def main() -> None:
    rng = random.Random(SEED)
    rows = [compose(rng) for _ in range(N_COMPOSED)]
    for cls, tier, text in SELF_CONTAINED:
        for _ in range(6):
            rows.append({"text": text.format_map(Fill(rng)), "data_class": cls, "tier": tier})
    seen: set[str] = set()
    uniq = []
    for r in rows:
        if r["text"] not in seen:
            seen.add(r["text"])
            uniq.append(r)
    rng.shuffle(uniq)
    OUT.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in uniq))
    from collections import Counter

    print(f"{len(uniq)} prompts -> {OUT}")
    print(sorted(Counter((r["data_class"], r["tier"]) for r in uniq).items()))


if __name__ == "__main__":
    main()
