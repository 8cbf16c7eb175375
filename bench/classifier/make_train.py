"""Write the classifier's training set: bench/classifier/train_ja.jsonl (kept in the repo).

    .venv/bin/python bench/classifier/make_train.py        # deterministic (fixed seed)

Every prompt is composed here from hand-written pieces, written from the rules' categories with
scenarios of our own; none is taken from, or paraphrases, a prompt of the shared dev set:
a *body* that carries the data class (what the content is, by the rules in
``request_labels_ja.md``) and a *task* that carries the tier (how much reasoning it needs), with
frames (Japanese, English, chatty, terse, instruction before or after the material) and random
fillers (companies, people, figures, products). Class and tier come from different pieces, so the
model has to learn each from its own cues rather than from one template's wording. Tasks that
only make sense with their own material (a scheduling problem, a concurrency bug) carry it
inline and name the class of that material.

Each line: ``text``, ``data_class`` and ``tier`` (the gold labels under the rules) and ``content``:
the class the text has *without* its hard facts, which is what the content model learns. They
differ only for a marked memo (社外秘 on internal material: data_class CONFIDENTIAL, content
INTERNAL), because the marker is the deterministic layer's job; teaching the model that internal
material is confidential whenever a marker might be near would make it call INTERNAL content
CONFIDENTIAL.
"""

from __future__ import annotations

# ruff: noqa: E501  (the prompt pieces are data: one piece per line reads better than wrapped)
import random
from pathlib import Path

import orjson
from business import internal_body, internal_plan, public_body

OUT = Path(__file__).with_name("train_ja.jsonl")
SEED = 20261201
N_COMPOSED = 4500
#: Standalone prompts from business.py: an organisation's own trade-off (INTERNAL, frontier) and
#: general questions in the same domains (PUBLIC).
N_PLANS, N_GENERAL, N_ROUTINE = 150, 300, 300

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
# Bodies: material the task works on; each list is one data class under request_labels_ja.md.
# Written from the rules' categories with scenarios of our own (hotels, rail, insurance, clinics,
# games, printing, farming co-ops, apparel e-commerce, universities …), never from the dev set.
# ---------------------------------------------------------------------------------------------

PUBLIC_BODIES = [
    # general knowledge
    "月の満ち欠けは、太陽・地球・月の位置関係によって、月の光って見える部分が変わることで起こります。",
    "日本の国会は衆議院と参議院からなる二院制で、予算の議決では衆議院が優越します。",
    "The water cycle moves water between oceans, the atmosphere and land through evaporation, condensation and precipitation.",
    "江戸時代の参勤交代は、大名が一定期間ごとに江戸と領地を行き来する制度でした。",
    "複利とは、利息にもさらに利息がつく仕組みで、元本{man}万円を年{pct}%で運用すると年々増え方が大きくなります。",
    "The French Revolution began in 1789 and ended the absolute monarchy in France.",
    "国民の祝日に関する法律で定められた祝日は年16日あり、振替休日の規定もあります。",
    "野口英世（1876年生まれ）は黄熱病の研究で知られる細菌学者です。",
    "紫式部は平安時代中期の作家で、『源氏物語』の作者として知られています。",
    # generic code / tech
    "```python\ndef is_palindrome(s: str) -> bool:\n    t = ''.join(c.lower() for c in s if c.isalnum())\n    return t == t[::-1]\n```",
    "```javascript\nconst debounce = (fn, ms) => {{ let t; return (...a) => {{ clearTimeout(t); t = setTimeout(() => fn(...a), ms); }}; }};\n```",
    "二分探索は、ソート済み配列の中央の値と比べて探索範囲を半分ずつ狭めるアルゴリズムです。",
    "Docker のイメージとコンテナの違い、および docker run と docker exec の使い分け。",
    "REST API で PUT と PATCH はどう違うのか、一般的な使い分け。",
    "Git の rebase と merge の違いについての一般的な説明。",
    "正規表現で日付（YYYY-MM-DD）を表す一般的なパターン ^\\d{{4}}-\\d{{2}}-\\d{{2}}$ の意味。",
    "Explain what Big-O notation means, with O(n) and O(log n) examples.",
    "TypeError: unsupported operand type(s) for +: 'int' and 'str' が出たときの一般的な意味。",
    # public notices, published info
    "{city}水道局からのお知らせ：{month}月{day}日 9時〜15時、配水管工事のため一部地域で断水します。",
    "図書館の開館時間変更のお知らせ（市の広報に掲載）：{month}月から平日は20時まで開館します。",
    "{city}の子育て支援センターの利用案内（公式サイト）：対象は未就学児と保護者、予約不要、利用無料。",
    "当社の公式サイトで公開しているプライバシーポリシーの一節：「当社は、お客様の個人情報を適切に管理します。」",
    "{co}の有価証券報告書（公表済み）によると、従業員数は{n}00名、平均年齢は{n}歳です。",
    "既に発表済みの{co}の通期決算：売上高{oku}億円、前年比{pct}%増、配当は1株{n}円。",
    "Already published quarterly results of {coen}: revenue {oku} million, up {pct}% year on year.",
    "採用ページに掲載中の募集要項：【職種】ホテルフロント【勤務地】{city}【給与】月給22万円〜【休日】シフト制 月9日。",
    "新商品のプレスリリース（本日配信済み）：{co}は、折りたたみ式の電動キックボード「{prod}」を{month}月{day}日に発売しました。",
    "{co} カスタマーセンター（フリーダイヤル 0120-{n}{n}-{n}{n}{n}、受付 10時〜18時）、本社：大阪府大阪市北区梅田{n}-{n}-{n}",
    "{city}役所 税務課　電話 0{n}-{n}{n}{n}-{n}{n}{n}{n}（代表）　開庁時間 平日8時30分〜17時15分",
    "適格請求書発行事業者の登録番号 T{n}{n}{n}{n}{n}{n}{n} は、国税庁のサイトで公表されています。",
    # marker look-alikes, topics (rules: not CONFIDENTIAL)
    "社長秘書の仕事内容と、秘書検定の勉強法について。",
    "長続きする朝活の秘訣を5つ挙げてほしい。",
    "黙秘権とは何か、刑事手続の中での意味について。",
    "「機密性」「完全性」「可用性」はセキュリティの三要素と呼ばれ、それぞれ情報を守る観点を表す。",
    "Confidential Computing uses hardware enclaves so that data stays encrypted even while it is being processed.",
    "ヘアドライヤーの取扱注意点：濡れた手で触らない、吹き出し口をふさがない、コードを本体に巻き付けない。",
    "社内文書に付ける「社外秘」「関係者外秘」といった区分は一般的にどう使い分けられているか、という一般論。",
    "機密保持契約を結ぶときに一般的に交渉されるポイント（期間、範囲、例外）についての質問。",
    "情報の格付け（公開、社内限定、機密）という考え方そのものについての一般的な説明。",
    "My favourite secret is that the best ramen shop in town has no sign at all.",
    "The secret of sourdough is a long, cold fermentation.",
    "マイナンバーが12桁であることと、最後の1桁が検査用数字であることの一般的な説明。",
    "電話番号の表記ルール（市外局番、市内局番、加入者番号）についての一般的な説明。",
    "A general explainer on how credit card numbers use the Luhn checksum.",
]

INTERNAL_BODIES = [
    # minutes, notices, reports
    "【ホテル運営会議メモ】\n・{month}月の稼働率{pct}%、客室単価{yen}円\n・清掃の外注費が前年より{pct}%増\n・対応：客室清掃の一部内製化を検討（担当：{sur}マネージャー）",
    "宿泊部からの社内連絡：{month}月{day}日から、チェックイン業務に新しいPMSを使います。旧システムの予約データは前日までに移行します。",
    "バス営業所の月次報告（社内）：運行本数{n}00便、遅延{n}件、事故0件、燃料費{man}万円。",
    "保険代理店の今月の成績（社内集計）：新規契約{n}件、更新率{pct}%、解約{n}件。",
    "歯科医院の院内ミーティングメモ：予約の無断キャンセルが月{n}件、リマインドSMSの導入を検討。",
    "ゲーム開発チームのスプリント振り返り：ビルド時間が{n}分に伸びた、QAのバグ票が{n}0件滞留、次スプリントは安定化優先。",
    "印刷工場の稼働状況：オフセット機{n}台中{n}台稼働、用紙ロスは{pct}%、残業は月{n}時間。",
    "農協の直売所の売上（社内集計、千円）\n野菜,{yen}\n果物,{yen}\n加工品,{yen}\n花卉,{yen}",
    "アパレルEC事業部のKPI：CVR {pct}%、客単価{yen}円、返品率{pct}%、広告費{man}万円。",
    "大学事務局の内部連絡：{month}月{day}日の教授会資料は前日17時までに提出してください。",
    "Weekly ops update (internal): ticket backlog {n}0, median first response {n} hours, two engineers on leave next week.",
    "Our team's sprint notes: the payments refactor slipped a week; the mobile release is on track for the {day}th.",
    "Internal memo: starting next month, all travel bookings go through the new corporate portal.",
    "Our SaaS metrics this month: MRR {man}0,000 yen, net revenue retention {pct}%, logo churn {pct}%.",
    # figures, budgets, costs
    "来期の部門予算案（営業企画部）：広告宣伝費{man}万円、展示会{man}万円、販促物{man}万円。",
    "製品Kの原価構成：原材料{yen}円、労務費{yen}円、製造経費{yen}円、販売価格{yen}円。",
    "レストラン{n}店舗の月次損益（社内資料、万円）：売上{man}、原価{man}、人件費{man}、営業利益{n}0。",
    "Cost breakdown for our data platform last month: compute {man} USD, storage {man} USD, egress {n}00 USD.",
    # systems, code, configs, logs
    "社内の予約管理システムのテーブル：reservations(id, room_id, guest_id, check_in, check_out, status)",
    "社内の請求バッチのログ：\n2026-03-{day} 02:00:01 INFO start billing run\n2026-03-{day} 02:14:45 ERROR timeout calling tax-service (30s)\n2026-03-{day} 02:14:46 INFO retry 1",
    "社内ツールのnginx設定：\n```\nlocation /admin/ {{\n    allow 10.0.0.0/8;\n    deny all;\n    proxy_pass http://admin-backend:8080;\n}}\n```",
    "社内の在庫引当サービスのコード：\n```python\ndef reserve(sku, qty):\n    stock = db.get(sku)\n    if stock >= qty:\n        db.set(sku, stock - qty)\n```",
    "Our internal GitHub Actions workflow runs the full test suite on every push to main and deploys to staging.",
    "Internal Terraform snippet for our VPC: cidr_block = 10.{n}.0.0/16, two private subnets, one NAT gateway.",
    "社内の勤怠システムのCSV出力の列：部署コード,日付,出勤時刻,退勤時刻,休憩分",
    # contracts, negotiation, partners
    "交渉中の販売代理店契約：代理店側はテリトリー独占と手数料{pct}%を要求、当社案は非独占で{pct}%。",
    "取引先の印刷会社との単価交渉メモ：先方は用紙高騰で{pct}%の値上げを要望、当社は年間発注量の保証で据え置きを打診予定。",
    "仕入先の青果卸との取引条件：毎朝6時納品、欠品時は代替品で対応、支払は月末締め翌月20日。",
    "ホテル送客契約（旅行会社との交渉中）：手数料率、キャンセル規定、在庫の割当数が論点。",
    "We are negotiating renewal terms with our cloud reseller: they offer a {pct}% discount for a three-year commitment.",
    # unreleased plans without a marker (rules: INTERNAL)
    "開発中の新メニュー（発売は秋を予定、社外未発表）：季節限定の栗のパスタ、想定価格{yen}円。",
    "新作ゲームのリリース計画（まだ告知前）：β版を{month}月、正式版を冬に配信予定。",
    "来年度からの料金改定案（顧客には未案内）：基本料金を月{yen}円から{yen}円へ。",
    # internal procedures and rules
    "当社の経費規程：1件{man}円以上の備品購入は部長承認、5万円未満は課長承認。",
    "社内の問い合わせ対応ルール：一次回答は24時間以内、エスカレーションは2時間以内に上長へ。",
    "院内のナースコール対応手順（スタッフ向け）：3コール以内に応答、応答できない場合は隣の担当が代行。",
    "客室清掃のチェックリスト（ホテル社内用）：ベッドメイク、アメニティ補充、冷蔵庫確認、忘れ物確認。",
    # anonymous or task-owner people (rules: not PERSONAL)
    "アルバイト{n}名の来月の勤務希望を集計した結果：平日昼は充足、土日夜が{n}名不足。",
    "社内アンケート（無記名、回答{n}名）：在宅勤務の満足度{pct}%、出社日の希望は週2日が最多。",
    "タスク一覧：ポスター入稿（担当：{sur}）、会場下見（担当：{sur}）、見積取得（担当：{sur}）",
    "受注番号 {order12} の配送ステータス：出荷済み、{month}月{day}日到着予定。",
]

INTERNAL_BODIES += [
    "工事現場の日報：本日は2階床スラブの配筋検査、生コン打設は雨天のため明後日に延期。協力会社の作業員{n}名。",
    "庁内向け連絡：{month}月から窓口の受付番号システムを更新します。各課は前日までに端末の再起動をお願いします。",
    "院内感染対策委員会のメモ：手指衛生の遵守率{pct}%、目標95%、病棟ごとの差が大きい。",
    "校内の連絡：来週の保護者面談の日程表を学年ごとに作成し、金曜までに教務に提出。",
    "うちのチームのSlack：「本番のバッチ、今夜0時に止めます。朝までに再開できなければ連絡ください」",
    "当社ECサイトの管理画面で使っているSQL：SELECT sku, SUM(qty) FROM order_items WHERE ordered_at >= :from GROUP BY sku;",
    "弊社の配送委託先3社の比較（社内メモ）：A社 単価{yen}円・遅延率{pct}%、B社 単価{yen}円・遅延率{pct}%、C社 単価{yen}円・遅延率{pct}%。",
    "得意先{co}の購買担当から、来期の発注量を{pct}%減らしたいと打診がありました。当社としては単価維持が優先。",
    "社内の顧客管理システムのAPIレスポンス例：{{\"customer_id\": \"C{n}{n}\", \"segment\": \"B\", \"ltv\": {yen}}}",
    "品質保証部の不具合報告：ロット{n}{n}で外観不良{n}件、原因は金型の摩耗、対策は金型の研磨周期の短縮。",
    "部内の勉強会の案内：{month}月{day}日 18時から、テーマは新しい見積システムの使い方。",
    "営業会議で共有された受注見込み（社内用）：大型案件2件で計{oku}億円、確度は中。",
    "We need to decide internally whether to keep our on-prem build servers or move CI to a managed service; current cost is {man}0,000 yen a month.",
    "Internal changelog for our booking app: v3.{n}.0 fixes double bookings, adds waitlists, drops iOS 15 support.",
    "Our support team's canned replies need updating for the new refund policy that starts next month.",
    "Config for our internal job scheduler:\n```yaml\njobs:\n  - name: nightly-report\n    cron: \"0 3 * * *\"\n    timeout: 45m\n```",
    "Error from our internal billing service:\n```\nERROR 2026-04-{day} payment-worker: idempotency key collision for invoice INV-{n}{n}{n}\n```",
    "自社工場の電力使用量（社内集計）：{month}月 {n}万kWh、前年同月比{pct}%減、ピークは14時台。",
    "当社の新人研修カリキュラム（社内資料）：1週目 ビジネスマナー、2週目 製品知識、3週目 現場実習。",
    "取引基本契約の改定交渉（相手方：{co}）：支払サイトを60日から45日に短縮したいとの要望。当社の資金繰りへの影響を確認中。",
]
PUBLIC_BODIES += [
    "市の公式サイトに載っている防災情報：避難所は各小学校の体育館、ハザードマップは市役所で配布。",
    "公開されているJIS規格の概要：JIS X 0208 は日本語の文字集合を定めた規格です。",
    "Python公式ドキュメントの例：with open('a.txt') as f: data = f.read()",
    "SQLの基本：SELECT 文で WHERE 句を使うと条件に合う行だけを取り出せる。",
    "A sample dataset used in many tutorials: the Iris dataset has 150 flowers with 4 measurements each.",
    "一般的なビジネスメールの書き方：件名は簡潔に、冒頭で用件を伝え、最後に署名を入れる。",
    "Our city's public announcement (from the official website): the summer festival starts at 5 pm on the 20th.",
    "労働安全衛生法で定められた一般的な健康診断の項目についての説明。",
    "This is a public-domain poem: 'The woods are lovely, dark and deep, but I have promises to keep.'",
    "明治時代に鉄道が開業したのは1872年、新橋〜横浜間でした。",
]
# Company and public-office contact data is not personal (the rules): numbers, addresses and a
# 法人番号 next to a company or an office, in public and in internal material.
PUBLIC_BODIES += [
    "お客様相談室：0120-{n}{n}-{n}{n}{n}（平日9時〜17時）。メール：support@example.co.jp",
    "{co} 東京本社 〒100-0005 東京都千代田区丸の内{n}-{n}-{n} TEL 03-{n}{n}{n}{n}-{n}{n}{n}{n}（代表）",
    "{city}消防本部（代表）0{n}-{n}{n}{n}-{n}{n}{n}{n}。火災・救急は119番へ。",
    "店舗情報：{city}駅前店 営業時間 10時〜20時 電話 0{n}-{n}{n}{n}-{n}{n}{n}{n} 定休日 水曜",
    "会社概要：{co}、法人番号 {n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}、所在地 大阪市中央区本町{n}-{n}、代表電話 06-{n}{n}{n}{n}-{n}{n}{n}{n}",
    "Customer service: 0120-{n}{n}{n}-{n}{n}{n} (toll-free, 9 am to 6 pm). Head office: 1-2-3 Marunouchi, Chiyoda-ku, Tokyo.",
    "予約センター（フリーダイヤル）0120-{n}{n}-{n}{n}{n}{n}、受付は毎日8時〜21時。",
]
INTERNAL_BODIES += [
    "仕入先の連絡先（購買部の管理表）：{co} 営業所 TEL 0{n}-{n}{n}{n}-{n}{n}{n}{n} FAX 0{n}-{n}{n}{n}-{n}{n}{n}{n} 担当窓口：営業課",
    "取引先から届いた請求書：{co}（法人番号 {n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}）、請求額{yen}円、振込先は同社名義の当座口座。",
    "協力会社一覧（社内）：{co} 電話 03-{n}{n}{n}{n}-{n}{n}{n}{n}、{co} 電話 045-{n}{n}{n}-{n}{n}{n}{n}",
]
# Support traffic with nobody identified in it is not personal: a complaint is about an order or
# a service, not about a person, until a name or a contact detail comes with it.
INTERNAL_BODIES += [
    "お客様から「請求書が届かない」との連絡が今週{n}件ありました。発送システムの宛先データを確認中です。",
    "問い合わせ集計（今月）：商品が届かない {n}件、ログインできない {n}件、返品したい {n}件、その他 {n}件。",
    "「メールが届かない」という問い合わせが増えています。原因は迷惑メールフィルタの設定変更のようです。",
    "The customer says the parcel never arrived; the tracking page shows it stuck at the depot since the {day}th.",
    "配送業者から、台風の影響で{city}方面の荷物が2日ほど届かないとの連絡がありました。",
]
PUBLIC_BODIES += [
    "宅配便が届かないときに一般的に確認すべきこと：追跡番号、不在票、宅配ボックス、配送業者への問い合わせ。",
    "Why do verification emails sometimes never arrive? Common causes are spam filters and typos in the address.",
]
MARKERS = ["【社外秘】", "社外秘\n", "【極秘】", "極秘：", "関係者外秘\n", "【取扱注意】", "取扱注意\n", "機密\n", "（機密情報）",
           "CONFIDENTIAL\n", "Confidential\n", "Internal only\n", "Internal Only：", "INTERNAL ONLY - ", "社外秘・持出禁止\n",
           "【部外秘】", "Strictly Confidential\n", "ＣＯＮＦＩＤＥＮＴＩＡＬ\n", "［社外秘］", "【Confidential】", "ｲﾝﾀｰﾅﾙ\n",
           "区分：機密\n", "Classification: Confidential\n", "internal only — ", "[CONFIDENTIAL] "]
MARKER_TAILS = ["\n（本資料は社外秘です）", "\n※取扱注意", "\n-- Confidential --", "\n本メモは関係者外秘とします。",
                "\n（Internal only）", "\n機密扱い", "\n以上、極秘扱いでお願いします。", "\nこの文書は社外秘に指定されています。",
                "\nThis document is confidential.", "\n取扱区分：関係者外秘"]
MARKER_INLINE = ["表紙にConfidentialと印字された提案書", "ヘッダーに「Internal only」とある議事録", "右上にCONFIDENTIALのスタンプがある報告書",
                 "社外秘の判が押された企画書", "取引先から受け取った、全ページに機密と記載された図面", "「取扱注意」と書かれた封筒の中の資料",
                 "Internal onlyのラベルが付いたスライド"]

CONFIDENTIAL_CONTENT = [
    "当社が{co}を買収する交渉が最終段階にあります（公表前）。取得価額は{oku}億円、全株式を取得予定です。",
    "グループ内の{dept}事業を{co}へ譲渡する方向で協議中です。まだ公表していません。",
    "{co}との資本業務提携（当社が同社株式の{pct}%を取得）を検討中で、両社とも未発表です。",
    "{co}との経営統合の検討を始めています。公表は来春の予定で、現時点では社外に一切出していません。",
    "未公表の四半期業績：売上高{oku}億円（前年比{pct}%減）、営業損失{oku}億円。発表は来週の予定。",
    "通期見通しの下方修正案（開示前）：経常利益を{oku}億円から{oku}億円に引き下げる。",
    "決算発表予定日前の数字です：純利益は{oku}億円で、市場予想を大きく下回る見込み。",
    "公表前の配当予想の変更：年間配当を{n}円から{n}円へ増配する方向。",
    "発表予定の新中期計画（未公表）の目標値：営業利益{oku}億円、海外比率{pct}%。",
    "当社の営業秘密として管理している、焼き菓子の焼成温度と時間の組み合わせ：{n}0℃で{n}分、その後{n}0℃で{n}分。",
    "当社のノウハウとして管理している塗装の下地処理条件：研磨番手#{n}00、乾燥{n}分、湿度{pct}%以下。",
    "社内で営業秘密に指定している顧客別の値引き算定ロジック：基準価格×(1−{pct}%)×取引年数係数。",
    "まだ特許を出願していない新しい仕組み：駐車場の空き区画を、照明の反射光の変化で検知する方法。",
    "出願前の発明：繊維の撚り方を変えることで、洗濯しても縮まないニット生地を作る方法。",
    "Our unannounced plan: we will buy a {pct}% stake in {coen} next quarter; nothing has been disclosed.",
    "Results before their announcement: Q{day} operating profit {oku} million, well above guidance; release date not yet public.",
    "This is managed as a trade secret: our roasting profile for the house blend ({n}0 seconds at each stage).",
    "An unfiled invention: using ultrasonic pulses to detect ice build-up inside wind turbine blades.",
    "MBO（経営陣による買収）の検討資料。公表前のため社内でもごく一部のみ共有。",
    "上場子会社の吸収合併を検討中（未公表）。合併比率は{pct}対1を想定。",
    "公表まで口外禁止：{co}の第三者割当増資を引き受け、筆頭株主になる予定です。",
    "インサイダー情報です。来月の取締役会で自社株買い（上限{oku}億円）を決議する見込み。",
]

PERSONAL_BODIES = [
    "氏名：{name}\n生年月日：{year}年{month}月{day}日\n住所：{addr}\n携帯：{mobile}\nメール：{mail}",
    "エントリーシート：{name}（{mail}）、{year}年生まれ、志望動機「接客を通じて地域に貢献したい」",
    "{name}さん（社員番号 S{n}{n}{n}）の昇格審査の結果：評価A、来期から主任に昇格、年収{man}万円。",
    "{name}さんの賞与査定：業績評価B、行動評価A、支給額{yen}円。",
    "{name}さんが{month}月末で退職することになりました。理由は家族の転勤です。",
    "{name}さん（経理課）は育児のため{month}月から短時間勤務になります。",
    "{name}さんは腰痛で{n}日間の休業が必要との診断書を提出しました。",
    "宿泊者名簿：{name}様、{addr}、電話 {mobile}、{month}月{day}日から2泊",
    "会員登録情報：{name}、{mail}、生年月日 {year}/{month}/{day}、会員番号 M{n}{n}{n}{n}",
    "ご予約の{name}様（{mobile}）から、到着が21時を過ぎるとの連絡がありました。",
    "患者 {name}さん（{n}歳）の予約変更：{month}月{day}日 10時から、担当医は小児歯科。",
    "学生 {name}（学籍番号 {n}{n}{n}{n}）の成績：統計学 {n}点、ミクロ経済 {n}点、GPA 3.{n}。",
    "{name}さんに対する懲戒の検討：遅刻{n}回、始末書を2回提出済み。",
    "{name}さんの扶養家族の変更届：配偶者を扶養から外す（年収が{man}万円を超えたため）。",
    "社員番号,氏名,マイナンバー\nP{n}1,{name},{mynum}\nP{n}2,{name},{mynum}",
    "年末調整の書類に記載されたマイナンバー：{mynum}",
    "サンプルデータ（検証用のダミー）：個人番号 {mynum}",
    "予約フォームの返信先：{mail}（お名前の記入なし）",
    "深夜に {mobile} から「折り返してほしい」と留守電が入っていました。",
    "配達先：{addr}（個人宅、不在時は宅配ボックス）",
    "名刺：{co} 購買部 係長 {name}　Mobile {mobile}　E-mail {wmail}",
    "個人情報を伏せ字にするスクリプトを書きたいので、テストに使う行です：\n{name},{mobile},{addr}\n{name},{mobile},{addr}",
    "【社外秘】人事異動案：{name}（{dept}）を大阪支店長に、{name}（{dept}）を本社付に。",
    "関係者外秘：{name}さんのハラスメント申告の内容と、相手方 {name}さんのヒアリング記録。",
    "Guest {romaji} (room {n}0{n}, mobile {mobile}) reported a lost wallet at the front desk.",
    "Applicant {romaji}, {mail}, expected salary {man}0,000 yen, notice period one month.",
    "Patient {romaji}, born {year}, allergic to penicillin, next appointment on the {day}th.",
    "Dear {romaji}, we regret to inform you that your application for the loan has been declined.",
    "{name}様の口座振替の登録：ナギサ銀行 {city}支店 普通 {n}{n}{n}{n}{n}{n}",
    "{name}さんの運転免許証（番号 {n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}{n}）の有効期限が来月切れます。",
    "From: {romaji} <{mail}>\nSubject: 注文した商品が届かない\n{month}月{day}日に注文した商品がまだ届きません。",
    "{name}さんのお母様が入院され、しばらく介護のため週2日の在宅勤務を希望しています。",
    "{name}さんの健康診断：BMI {n}、要再検査（肝機能）。",
    "面談記録：{name}さん、上司との関係に悩んでいて異動を希望。",
    "お客様 {name} 様（{tel}）より、請求額に誤りがあるとのお申し出。",
]

# ---------------------------------------------------------------------------------------------
# Tasks: (tier) instructions; "{B}" is where the body goes. Tier by the rules: the reasoning the
# task needs, not the length or the vocabulary of the prompt.
# ---------------------------------------------------------------------------------------------

LIGHT_TASKS = [
    "次の内容を3行で要約してください。\n{B}", "{B}\n\n上の文章を2〜3文で要約して。", "以下を一言でまとめて。\n{B}",
    "次の文章を英語に翻訳してください。\n{B}", "{B}\n\nTranslate the above into English.",
    "Translate this into Japanese:\n{B}", "次の文の誤字脱字を直してください。\n{B}",
    "{B}\n\n表記ゆれ（全角・半角、送り仮名）を統一して、です・ます調にそろえて。",
    "次の内容を箇条書きに整えてください。\n{B}", "{B}\n\nこれをMarkdownの表にして。",
    "以下から日付・金額・固有名詞を抜き出してJSONにしてください。\n{B}", "{B}\n\nこの内容をCSV形式に変換して。",
    "次の情報を key=value 形式で1行ずつ並べ直して。\n{B}", "以下の数値を大きい順に並べ替えて。\n{B}",
    "この表の各行について、昨年からの伸び率を％で計算して。分析コメントは不要です。\n{B}",
    "次のレビューをポジティブ／ネガティブ／中立に分類して。\n{B}",
    "{B}\n\n敬語を整えて、社外に出せる文面にしてください。", "Summarize this in three bullets:\n{B}",
    "Fix the typos and grammar:\n{B}", "{B}\n\nExtract the key numbers as JSON.",
    "次の内容を分析して、重要度の高い順に並べるだけでいいです。\n{B}", "戦略上重要そうな項目だけ抜き出して箇条書きにして。\n{B}",
    "{B}\n\nこの内容をもとに、関係者へ送る短いお礼のメール（3行程度）を書いて。", "次の文章のカタカナ語を日本語に言い換えて。\n{B}",
    "以下の内容を200字以内に要約してください。長くてすみません。\n{B}\n{B}", "この文章の要点を3つ、見出しだけ挙げて。\n{B}",
    "次のテキストを、句読点を整えて読みやすく改行してください。\n{B}", "{B}\n\n↑これ英訳お願いします",
    "{B}\n\nこれ、チャット用に短くして", "Reformat as a bullet list, no other changes:\n{B}",
    "次の中から金額だけ抽出して合計して。\n{B}", "{B}\n\n何の話か一言で教えて", "{B}\n\nこの中で一番大きい数字はどれ？",
    "次の文を「です・ます」から「だ・である」に書き換えて。\n{B}", "{B}\n\nPlease proofread this. Only fix mistakes.",
    "以下の長文から、日付だけを時系列に並べて抜き出してください。\n{B}\n{B}",
]

STANDARD_TASKS = [
    "このメモを議事録の体裁（出席者、議題ごとの結論、次回までのアクション）に起こしてください。\n{B}",
    "{B}\n\nこの内容で稟議書のドラフト（背景、購入内容、費用、期待効果、代替案）を作ってください。",
    "以下をもとに、よくある質問と回答を4組作ってください。\n{B}", "次の内容で作業マニュアル（準備物、ステップ、よくあるミス）を作成して。\n{B}",
    "{B}\n\nこれをもとに役員向けの月次レポート（サマリー、数値、リスク、依頼事項）を書いて。",
    "次の内容について、新人向けに分かりやすく解説してください。\n{B}", "{B}\n\nこの概念を例を挙げて説明して。",
    "以下の2案のメリットとデメリットを比較表にまとめてください。\n{B}",
    "次のテーブルに対して、月別の件数を集計するSQLを書いてください。\n{B}",
    "{B}\n\nこのデータを集計するPythonの関数を書いて。", "以下に関連するExcelのVBAマクロを書いてください。\n{B}",
    "次の内容に合うYAMLの設定例を書いて。\n{B}", "{B}\n\nこのログのエラーの原因と対処法を教えて。",
    "次の長い資料を「背景」「現状」「課題」「提案」の4章立てで要約してください。\n{B}",
    "{B}\n\n社内規程の基準（5万円以上は部長承認、それ未満は課長承認）を次の3件に当てはめ、承認者を決めて。",
    "以下の内容で、お客様向けの案内文（挨拶、本文、問い合わせ先）を作成して。\n{B}",
    "Write a postmortem (what happened, customer impact, action items) from these notes:\n{B}",
    "{B}\n\nWrite a Python function that validates this data, with a couple of tests.",
    "Explain this to a new team member:\n{B}", "{B}\n\nCompare the two options in a table and recommend one.",
    "次の情報をもとに、プレゼンのスライド構成（8枚、各スライドのタイトルと要点）を作ってください。\n{B}",
    "{B}\n\nこれに関するお知らせ文の下書きを書いて。", "次の内容から研修用の確認テスト（4択5問）を作って。\n{B}",
    "以下のデータから条件に合う行を抽出する正規表現とSQLを書いて。\n{B}", "{B}\n\nこれの報告書を作って。見出しは自由で。",
    "以下の内容について、マニュアルの章立てと各章の要点を書いてください。\n{B}",
    "{B}\n\nこの内容で、顧客への謝罪文（経緯、原因、再発防止策）を作成して。",
    "{B}\n\nこのエラー、たぶん設定ミスだと思う。原因を教えて。", "{B}\n\nWrite the SQL for this (PostgreSQL).",
    "{B}\n\nHow would you explain this to a customer? Draft a reply email with the key points.",
    "{B}\n\n上記に関する社内ルールの文案を、目的・適用範囲・手続の形式で作成して。",
    "Draft a FAQ (five questions) for staff based on:\n{B}", "{B}\n\nこの2案、どちらが良いか表で比較して結論を一言で。",
    "{B}\n\nこれを週報の形式（今週の実績、来週の予定、懸念事項）にまとめて。",
]

FRONTIER_TASKS = [
    "{B}\n\nこの状況で取りうる選択肢を洗い出し、リスクとトレードオフを比較したうえで、最適な方針を根拠とともに提案してください。",
    "以下の情報を踏まえ、法的リスク（契約責任、独禁法、個人情報保護法）を評価し、対応方針を優先度つきで示してください。\n{B}",
    "ざっくりでいいので、次の件の中長期戦略を、制約とリスクも含めて考えてください。\n{B}",
    "簡単にでいいので、この交渉でどこまで譲るか、段階ごとの条件と撤退ラインを設計して。\n{B}",
    "{B}\n\n上記について、財務インパクトのシナリオ分析（楽観・基本・悲観）を行い、意思決定の基準を設計して。",
    "{B}\n\nインサイダー取引規制上の論点と、社内の情報管理体制の穴を洗い出し、対応を優先度順に示して。",
    "Given the following, assess the legal and financial risks, weigh the trade-offs and recommend a strategy with contingencies:\n{B}",
    "{B}\n\nThink through second-order effects and propose a plan under these constraints; justify each trade-off.",
    "次の件について、複数の部署の利害が対立しています。論点を整理し、段階的な意思決定プロセスと判断基準を設計してください。\n{B}",
    "{B}\n\nこのケースで懲戒処分が妥当かどうか、就業規則と過去の裁判例の考え方から慎重に判断してください。",
    "{B}\n\nこの条項が有効かどうか（公序良俗、消費者契約法）を検討し、争いになった場合の見通しを示して。",
    "以下を前提に、移行計画をリスク、依存関係、ロールバック手順まで含めて設計してください。\n{B}",
    "{B}\n\n限られた人員で、どのプロジェクトを止めどれを進めるか、依存関係と機会損失を考慮して決めてください。",
    "Design the architecture for this with failure modes, consistency guarantees and the trade-offs you accept:\n{B}",
    "{B}\n\nハラスメントに当たるかどうか、双方の主張が食い違う点を踏まえて判断し、調査の進め方を提案してください。",
    "{B}\n\n会社としてどう判断すべきでしょうか。法的リスクと本人への配慮の両面から検討して。",
    "{B}\n\nThis is legally tricky: assess whether it is enforceable and what our exposure is.",
    "{B}\n\n再発防止策を、根本原因分析（複数要因の相互作用）に基づいて優先度つきで提案して。",
    "{B}\n\nWhy does this fail only intermittently? Walk through the race and propose a fix that holds under concurrency.",
    "ざっくりで構いません。{B}\n\nこの状況で最善の打ち手は何か、代替案と比較して結論を出して。",
    "{B}\n\n規制当局への説明責任も含めて、このまま進めてよいか判断してください。前提が崩れた場合の対応も。",
    "{B}\n\n各ステークホルダーへの影響を定量的に見積もり、実行順序と撤退基準を含む計画を立てて。",
]

FRONTIER_TASKS += [
    "{B}\n\nこれ、どうするのが正解？リスクも含めて考えて。", "{B}\n\nShould we go ahead? Weigh the risks and the alternatives and give a recommendation.",
    "{B}\n\n上記を踏まえて、3年後を見据えた事業ポートフォリオの組み替え案を、前提と感応度つきで。",
    "{B}\n\n契約解除できるか、できるとしてどの順番で何をすべきか、相手方の反論も想定して検討して。",
    "{B}\n\n複数の制約（予算、人員、納期、品質）が衝突しています。優先順位の付け方そのものから設計して。",
    "一言でいいので結論から。ただし根拠は慎重に。{B}\n\nこの判断は法的に許されるか？",
    "{B}\n\nWhat could go wrong here under load and partial failure? Propose a design that stays correct.",
    "{B}\n\nこの数字から、値上げ・据え置き・値下げのどれを選ぶべきか、需要の価格弾力性と競合の反応を仮定して比較して。",
]
FRONTIER_TASKS += [
    "{B}\n\nこの方式が正しいことを証明し、設計上の弱点と代替案を論じて。",
    "{B}\n\n分散環境でも整合性が保たれるように設計し直し、その正しさを示して。",
    "{B}\n\nProve that this approach is correct, or give a counterexample, and analyse the edge cases.",
    "{B}\n\n複数ファイルにまたがるこの不具合の原因を推論し、再現条件と修正方針を設計して。",
]
STANDARD_TASKS += [
    "{B}\n\nこれを社内向けの説明文（400字程度）にして。", "{B}\n\nTurn these notes into a one-page report with headings.",
    "{B}\n\nこの仕組みを図解するつもりで、ステップごとに説明して。", "{B}\n\nこの内容から、チェックリスト形式の手順書を作って。",
    "{B}\n\nこのデータをグラフにするmatplotlibのコードを書いて。",
]
LIGHT_TASKS += [
    "{B}\n\n要するに何？", "{B}\n\n英語にして", "{B}\n\nこれをJSONに", "{B}\n\nTL;DR please", "{B}\n\nこの文を丁寧語にするだけでOK",
]

# Short routine asks a user appends to pasted internal material (light by the rules).
ROUTINE_ASKS = ["\n→ 3行にまとめて", "\n\n↑英訳して", "\n\nこれを表にして", "\n\n箇条書きに直して", "\n\n誤字だけ直して",
                "\n\n一言で要約", "\n\nTL;DR", "\n\nTranslate to English.", "\n\nCSVにして", "\n\n前月比を%で出して",
                "\n\n数字の大きい順に並べて", "\n\nJSONに変換して", "次のメモを2行に縮めて：\n{B}", "Summarise in one line:\n{B}",
                "以下を「設備」「人員」「取引先」に分類して。\n{B}", "{B}\n\nこれを丁寧な文面に直すだけでOK", "日付と数字だけ抜き出して：\n{B}"]

# Tasks that carry their own material: (class, tier, text)
SELF_CONTAINED = [
    ("INTERNAL", "frontier", "来月のフロント係のシフトを作ってください。スタッフ7名（①〜⑦）、毎日早番2名・遅番2名・夜勤1名、夜勤の翌日は休み、1人あたり月{n}回まで夜勤、連勤は5日まで、①と④は同じ日に入れない、⑥は土日不可。実行可能な割当と根拠を示して。"),
    ("INTERNAL", "frontier", "社内の在庫引当サービスで、同時に注文が入ると在庫がマイナスになることがあります。reserve() は在庫を読んでから書き戻しています。複数のPodで動いています。原因の仮説と、DBのロックや楽観的排他を含む恒久対策を設計してください。"),
    ("PUBLIC", "frontier", "Pythonのthreadingで、2つのスレッドが同じカウンタを += 1 すると結果が足りなくなることがあります。なぜGILがあっても起きるのか説明し、正しく直す方法を比較してください。"),
    ("PUBLIC", "frontier", "素数が無限に存在することを証明してください。"),
    ("PUBLIC", "frontier", "√3が無理数であることを背理法で証明して。"),
    ("PUBLIC", "frontier", "Prove that the sum of the first n odd numbers is n squared, then generalise to arithmetic sequences."),
    ("PUBLIC", "frontier", "5人（P〜T）を2台の車に分乗させたい。PとQは同乗不可、Rは運転手なので必ず1台目、SとTは同じ車、各車最大3名。可能な組み合わせをすべて挙げて、その理由も。"),
    ("INTERNAL", "frontier", "3つの倉庫（北・中央・南）間で在庫を融通したい。北 在庫{n}0/需要{n}0、中央 在庫{n}0/需要{n}0、南 在庫{n}0/需要{n}0。輸送費は北→南が高く、中央経由は1日遅れる。需要は±15%ぶれる。欠品と過剰在庫のコストを考えて配分方針を立てて。"),
    ("PUBLIC", "frontier", "分散システムでリーダー選出を実装する際、ネットワーク分断時にスプリットブレインを防ぐ方法をRaftとPaxosを比較して論じて。"),
    ("PUBLIC", "frontier", "このGoのコードは時々デッドロックします。なぜ？\n```go\nmu1.Lock(); mu2.Lock()\n// 別のgoroutine\nmu2.Lock(); mu1.Lock()\n```\n設計から直す方法を論じて。"),
    ("PUBLIC", "frontier", "囚人のジレンマを繰り返しゲームにしたとき、協調が均衡になる条件を導出して。"),
    ("PUBLIC", "frontier", "How would you design a globally distributed counter that stays within 1% of the true value during regional outages?"),
    ("PUBLIC", "standard", "Pythonでリストの重複を順序を保ったまま取り除く関数を書いて。"),
    ("PUBLIC", "standard", "メールアドレスの形式をざっくりチェックする正規表現を書いて、例を3つ挙げて。"),
    ("PUBLIC", "standard", "What is the difference between a process and a thread? Explain with examples."),
    ("PUBLIC", "standard", "Explain what a hash table is and when to use one instead of a list."),
    ("PUBLIC", "standard", "CSSのflexboxとgridの違いを、使い分けの例とともに説明して。"),
    ("PUBLIC", "light", "日本の首都はどこですか？"),
    ("PUBLIC", "light", "1フィートは何センチですか。"),
    ("PUBLIC", "light", "{yen}円の{pct}%はいくら？"),
    ("PUBLIC", "light", "What year did the Berlin Wall fall?"),
    ("INTERNAL", "standard", "社内の勤怠CSV（部署コード,日付,出勤時刻,退勤時刻,休憩分）から、部署別の月間残業時間を集計するpandasのコードを書いて。"),
    ("INTERNAL", "light", "次のバグ票を重要度順（高→低）に並べて。\n- BUG-{n}1 中 ボタンの色\n- BUG-{n}2 高 決済できない\n- BUG-{n}3 低 誤字"),
    ("INTERNAL", "light", "次のサーバーログから WARN の行だけ抜き出して。\n10:01 INFO start\n10:02 WARN disk 85%\n10:03 INFO ok\n10:04 WARN disk 91%"),
    ("INTERNAL", "light", "以下の社内KPIを前月比の大きい順に並べて。\n受注{n}件(前月{n}件)、解約{n}件(前月{n}件)、問い合わせ{n}0件(前月{n}0件)"),
    ("CONFIDENTIAL", "frontier", "{co}の買収（未公表）で、デューデリジェンスで見つかった訴訟リスク{oku}億円を踏まえ、価格調整、表明保証、クロージング条件をどう設計すべきか検討して。"),
    ("CONFIDENTIAL", "frontier", "開示前の下方修正（営業利益{oku}億円→{oku}億円）について、開示の要否とタイミング、その間の情報管理を総合的に判断してください。"),
    ("CONFIDENTIAL", "light", "【社外秘】来期の事業計画のスライド原稿です。英語に訳して。\n「海外売上比率を{pct}%へ引き上げ、不採算事業から撤退する」"),
    ("CONFIDENTIAL", "frontier", "極秘：{co}への出資比率を{n}%にするか{n}%にするか。持分法の適用、取締役派遣、将来の買い増しオプションの観点で比較し、推奨案を。"),
    ("PERSONAL", "frontier", "{name}さん（{dept}）が同僚から繰り返し叱責され、本人はパワハラだと訴えています。上司は指導の範囲だと主張。双方の言い分とメールの記録を踏まえ、パワハラに当たるか判断し、調査と処分の進め方を提案して。"),
    ("PERSONAL", "standard", "{name}さん（電話 {mobile}）宛に、面接日程の候補を3つ提示するメールを書いて。"),
    ("PERSONAL", "light", "{name}さんの住所 {addr} を、郵便番号・都道府県・市区町村・番地に分けてJSONにして。"),
    ("PERSONAL", "light", "次のメールの誤字を直して。「{sur}様、先日はお時間をいただきありがとうございました。ご提案の件、社内で検討いたしまs。」"),
    ("PERSONAL", "frontier", "{name}さん（{n}歳、契約社員）の雇止めを検討しています。更新{n}回、通算{n}年。雇止め法理に照らして有効か、リスクと代替策を検討して。"),
]


FRAMES = ["{P}", "{P}", "{P}", "お疲れさまです。{P}", "{P}\nよろしくお願いします。", "急ぎです。{P}", "{P}\n（チャットより）",
          "Hi, {P}", "{P}\nThanks!", "すみません、{P}", "【依頼】{P}", "{P}\n\n以上です。"]


def _literal(text: str) -> str:
    """A rendered business.py body, safe for the final ``format_map`` (its braces are code)."""
    return text.replace("{", "{{").replace("}", "}}")


def _internal(rng: random.Random) -> str:
    """Internal material: the hand-written bodies, or (more often) a generated business document."""
    return _literal(internal_body(rng)) if rng.random() < 0.6 else rng.choice(INTERNAL_BODIES)


def compose(rng: random.Random) -> dict[str, str]:
    fill = Fill(rng)
    cls = content = rng.choice(["PUBLIC", "INTERNAL", "CONFIDENTIAL", "PERSONAL"])
    if cls == "PUBLIC":
        body = _literal(public_body(rng)) if rng.random() < 0.45 else rng.choice(PUBLIC_BODIES)
    elif cls == "INTERNAL":
        body = _internal(rng)
    elif cls == "PERSONAL":
        body = rng.choice(PERSONAL_BODIES)
    else:
        kind = rng.random()
        content = "INTERNAL"  # a marked memo: the marker decides, the text itself is internal
        if kind < 0.55:
            body, content = rng.choice(CONFIDENTIAL_CONTENT), cls
        elif kind < 0.75:
            body = rng.choice(MARKERS) + _internal(rng)
        elif kind < 0.88:
            body = _internal(rng) + rng.choice(MARKER_TAILS)
        else:
            body = rng.choice(MARKER_INLINE) + "です。\n" + _internal(rng)
    tier = rng.choices(["light", "standard", "frontier"], weights=[3, 3, 3])[0]
    task = rng.choice({"light": LIGHT_TASKS, "standard": STANDARD_TASKS, "frontier": FRONTIER_TASKS}[tier])
    text = task.replace("{B}", body)
    text = rng.choice(FRAMES).replace("{P}", text)
    return {"text": text.format_map(fill), "data_class": cls, "tier": tier, "content": content}


def main() -> None:
    rng = random.Random(SEED)
    rows = [compose(rng) for _ in range(N_COMPOSED)]
    for cls, tier, text in SELF_CONTAINED:
        for _ in range(6):
            content = "INTERNAL" if cls == "CONFIDENTIAL" and any(m.strip() in text for m in ("社外秘", "極秘")) else cls
            rows.append({"text": text.format_map(Fill(rng)), "data_class": cls, "tier": tier, "content": content})
    for _ in range(N_PLANS):  # the organisation's own trade-offs: internal material, hard reasoning
        ask = rng.choice(["", "\n\nどうすべきか、根拠つきで提案して。", "\n\n簡単にでいいので方針を出して。",
                          "\n\nWhat should we do? Weigh the options.", "\n\n判断材料を整理して結論を。"])
        rows.append({"text": internal_plan(rng) + ask, "data_class": "INTERNAL", "tier": "frontier",
                     "content": "INTERNAL"})
    for _ in range(N_ROUTINE):  # routine work on internal material: light, however business-like it reads
        ask = rng.choice(ROUTINE_ASKS)
        body = internal_body(rng)
        rows.append({"text": ask.replace("{B}", body) if "{B}" in ask else body + ask, "data_class": "INTERNAL",
                     "tier": "light", "content": "INTERNAL"})
    for _ in range(N_GENERAL):  # general questions in the same domains: public, one fact or one concept
        tier, ask = rng.choice([("light", "一言で。"), ("light", " Answer in one line."), ("light", ""),
                                ("standard", "例を挙げて説明して。"), ("standard", " Explain with an example."),
                                ("standard", "初心者向けにわかりやすく解説して。")])
        q = public_body(rng)
        if tier == "light" and not ask and "？" not in q:
            tier = "standard"
        rows.append({"text": q + ask, "data_class": "PUBLIC", "tier": tier, "content": "PUBLIC"})
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
