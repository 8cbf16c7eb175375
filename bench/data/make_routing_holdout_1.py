"""Write bench/data/routing_holdout_1.jsonl: a held-out set for the request classifier.

    .venv/bin/python bench/data/make_routing_holdout_1.py

Written after the classifier was frozen (commit 9544a3b), labelled by request_labels_ja.md before
it was scored, in styles the training set (bench/classifier/make_train.py) does not use: e-mail
threads with quoted replies, chat with typos and slang, one-line commands, role prompts
("あなたは…"), Q&A pairs, pasted forms, English-first prompts, and domains it does not cover
(shipyards, cosmetics, libraries, trading houses, claims handling, recruiting agencies, labs,
e-sports, NPOs, ferries). The first score is in routing_holdout_1.first_score.txt; do not tune
on this set. My Numbers are generated with a valid check digit from a fixed seed; the 12-digit
order numbers fail it.
"""

from __future__ import annotations

# ruff: noqa: E501  (the prompts are data)
import random
from pathlib import Path

from routing_sets import my_number, write_set

OUT = Path(__file__).with_name("routing_holdout_1.jsonl")


R = random.Random(31337)
MN = [my_number(R) for _ in range(4)]

# (data_class, tier, text)
ROWS: list[tuple[str, str, str]] = [
    # ---------------- PUBLIC ----------------
    ("PUBLIC", "light", "「吾輩は猫である」の冒頭の一文を英訳して。"),
    ("PUBLIC", "light", "次の県の観光パンフレットの文を、外国人観光客向けにやさしい日本語に書き換えて。\n「当館は明治期に建てられた洋風建築で、国の重要文化財に指定されております。」"),
    ("PUBLIC", "light", "1マイルって何キロ？"),
    ("PUBLIC", "light", "Sort these planets by distance from the sun: Mars, Venus, Neptune, Earth, Jupiter."),
    ("PUBLIC", "light", "図書館の利用案内（市のHPに載っているもの）を箇条書きにして：貸出は1人10冊まで、期間は2週間、延長は1回まで、CDは5点まで。"),
    ("PUBLIC", "light", "以下は当社ホームページの問い合わせ先です。表にしてください。\n株式会社ツクシ造船 本社 長崎県佐世保市港町1-1 TEL 0956-00-1111（代表） FAX 0956-00-1112 受付 平日9:00〜17:00"),
    ("PUBLIC", "light", "秘境駅ってどういう意味？一言で。"),
    ("PUBLIC", "light", "上場企業のクスノキ化粧品が昨日発表した決算では、売上高が前年比6%増の980億円、営業利益は74億円でした。この2つの数字だけ抜き出してJSONで。"),
    ("PUBLIC", "light", "Translate into Japanese: \"The museum will be closed for renovation from April to September. We apologise for any inconvenience.\""),
    ("PUBLIC", "light", "福沢諭吉の生年と没年を教えて。"),
    ("PUBLIC", "light", "次の英単語を品詞ごとに分類して：run, beautiful, quickly, table, happy, swim"),
    ("PUBLIC", "standard", "あなたは中学校の理科の先生です。電流と電圧の違いを、水の流れのたとえで説明してください。"),
    ("PUBLIC", "standard", "Write a bash one-liner that finds the 10 largest files under the current directory, and explain each part."),
    ("PUBLIC", "standard", "NDAってよく聞くけど、普通はどんな条項が入ってるもの？新人向けにまとめて"),
    ("PUBLIC", "standard", "「社外秘」「部外秘」「関係者外秘」って、一般的にはどう違うんでしょうか。社内研修の一般論として解説してください。"),
    ("PUBLIC", "standard", "Pythonで、与えられた文字列が回文かどうか判定する関数を書いて。テストも3つ。"),
    ("PUBLIC", "standard", "求人サイトに掲載済みの次の募集要項から、応募者向けのよくある質問を5つ作って。\n【職種】フェリー客室スタッフ【勤務地】新潟港【給与】月給21万円〜【勤務】乗船2週間・休暇1週間のサイクル"),
    ("PUBLIC", "standard", "Explain what an index is in a relational database and when adding one can make writes slower."),
    ("PUBLIC", "standard", "既に公表されている2社の決算（A社：売上1,200億円・営業利益率8%、B社：売上900億円・営業利益率11%）を比較して、学生向けに違いを説明して。"),
    ("PUBLIC", "standard", "市の広報に載った「ごみの分別ルール改定」のお知らせをもとに、住民向けQ&Aを4問作って。\n・4月からプラスチック製品も資源ごみへ\n・収集は毎週木曜\n・汚れが落ちないものは燃えるごみ"),
    ("PUBLIC", "standard", "情報セキュリティの「機密性」って、具体的にはどういうこと？身近な例を2つ挙げて説明して。"),
    ("PUBLIC", "standard", "YAMLで、nginxのDockerコンテナをポート8080で公開するdocker-compose.ymlの例を書いて。"),
    ("PUBLIC", "frontier", "ハノイの塔で円盤がn枚のとき、最小手数が2^n−1であることを数学的帰納法で証明して。"),
    ("PUBLIC", "frontier", "A generic question: in a microservice system with an outbox table and Kafka, how do you guarantee exactly-once effects end to end when consumers can crash mid-processing? Compare approaches and their failure modes."),
    ("PUBLIC", "frontier", "ざっくりでいいんだけど、日本の地方鉄道が赤字でも路線を維持すべきか、財政・人口・代替交通の観点で論点整理して結論まで出して。"),
    ("PUBLIC", "frontier", "Is a clause in a standard consumer gym contract that forbids cancellation for 24 months likely to be valid under Japanese consumer law? Weigh the arguments."),
    ("PUBLIC", "frontier", "この並行処理のコード、たまにデッドロックするの何で？\n```python\nimport threading\na, b = threading.Lock(), threading.Lock()\ndef t1():\n    with a:\n        with b: pass\ndef t2():\n    with b:\n        with a: pass\n```\n根本的な直し方も比較して。"),
    ("PUBLIC", "frontier", "6つの部活（野球、サッカー、陸上、吹奏楽、美術、卓球）に体育館・グラウンド・音楽室を週5日で割り当てたい。野球とサッカーは同じ日にグラウンド不可、吹奏楽は音楽室のみ、卓球は体育館で週3日以上、陸上は雨の日は体育館。実現可能な割り当てと、不可能ならどの条件を緩めるか。"),
    ("PUBLIC", "frontier", "The Confidential Computing market: should a mid-size cloud provider invest in it now or wait? Analyse the trade-offs under uncertain demand."),
    ("PUBLIC", "frontier", "公開されている統計だけを使う前提で、ある県の人口減少が10年後の医療需要に与える影響を、年齢構成と受療率の変化から推定する方法を設計して。"),
    ("PUBLIC", "light", "What is the secret ingredient in a classic Caesar dressing? Answer in one line."),
    ("PUBLIC", "light", "国の機関の代表番号一覧を見やすく整形して：消費者庁 03-3507-8800、特許庁 03-3581-1101"),
    # ---------------- INTERNAL ----------------
    ("INTERNAL", "light", "Re: 来週の点検日程\n> 船台3番の足場撤去は火曜で確定ですか？\nはい、火曜で確定です。水曜から塗装に入ります。\n\n↑このやり取りを1行で要約して"),
    ("INTERNAL", "light", "今月の店舗別の化粧品売上、前月比を％で出して。\n銀座 1,820万→1,950万\n梅田 1,410万→1,380万\n天神 960万→1,020万"),
    ("INTERNAL", "light", "社内チャットの文面、もう少し丁寧にして。「あしたの朝会、システム入れ替えで10時からに変更っす。資料は共有フォルダに置いときます」"),
    ("INTERNAL", "light", "うちの図書館システムの貸出ログから、延滞の件数だけ数えて。\n2026-02-01 貸出 #88121\n2026-02-01 延滞 #87002\n2026-02-02 返却 #88121\n2026-02-03 延滞 #87119"),
    ("INTERNAL", "light", "Summarize our support team's shift handover note in two lines: \"Queue at 140, two P1s open (billing export, SSO loop), vendor call at 9 tomorrow, don't restart the mail relay.\""),
    ("INTERNAL", "light", "次の発注データをCSVにして。品番 K-220 数量 40 単価 1,150円、品番 K-315 数量 12 単価 3,400円、品番 M-001 数量 200 単価 85円"),
    ("INTERNAL", "light", "この議事メモの誤字直して。「次回の定例は3月12日。議題は新倉庫の賃貸条件の確認と、フォークリフト免許の取得状況の確認。担当は物流課の宮下さん。」"),
    ("INTERNAL", "light", "商社の営業部の今月の案件リスト（社内用）を金額の大きい順に並べて：鉄鋼スクラップ 2.4億円、LNG設備部品 8,000万円、木材チップ 1.1億円"),
    ("INTERNAL", "light", "次のバッチジョブのログをERROR件数だけ集計して。\n[etl] 01:00 INFO start\n[etl] 01:07 ERROR s3 timeout\n[etl] 01:09 ERROR s3 timeout\n[etl] 01:15 INFO done"),
    ("INTERNAL", "light", "弊社の来期予算（案）を英訳してください。「研究開発費を前期比12%増の4.2億円とし、広告宣伝費は据え置く。」"),
    ("INTERNAL", "light", "次の問い合わせを「保険金請求」「契約変更」「その他」に振り分けて。\n1. 車両保険の支払いはいつ？\n2. 住所変更したい\n3. 担当者を変えてほしい"),
    ("INTERNAL", "standard", "以下のメモから、NPOの理事会向けの活動報告書（今期の活動、数値、課題、来期の方針）を作って。\n・子ども食堂 月4回開催、延べ参加612名\n・ボランティア登録 38名（前年比+9）\n・助成金の採択 2件"),
    ("INTERNAL", "standard", "社内の保険金請求システムで、請求ステータスごとの件数と平均処理日数を出すSQLを書いて。claims(id, status, received_at, closed_at)"),
    ("INTERNAL", "standard", "研究室の共用機器（電子顕微鏡）の予約ルールを、新入生向けのマニュアルにまとめて。\n・予約は1週間前から\n・1回最大3時間\n・使用後は真空ポンプ停止と記録簿記入"),
    ("INTERNAL", "standard", "Our e-sports team's internal scrim notes: early-game rotations too slow, comms overlap in team fights, the support player keeps missing ward timings. Turn this into a practice plan for next week with three focus drills."),
    ("INTERNAL", "standard", "取引先のフェリー会社と交渉中の年間契約（車両輸送）の条件を比較表にして、どちらの案が当社に有利か一言で。\nA案：1台あたり18,000円、最低保証2,000台\nB案：1台あたり19,500円、最低保証なし"),
    ("INTERNAL", "standard", "当社の勤怠アプリでログイン後に白い画面になる。ブラウザのコンソールにはこう出てる。原因は？\nUncaught TypeError: Cannot read properties of undefined (reading 'map') at Dashboard.jsx:57"),
    ("INTERNAL", "standard", "来春発売予定（まだ告知前）の新作リップの社内向け説明資料、スライド構成を6枚で考えて。色は4色、価格3,300円、ターゲットは20代後半。"),
    ("INTERNAL", "standard", "次の社内規程（出張の宿泊費上限：政令指定都市 11,000円、それ以外 9,000円）を、3件の出張申請に当てはめて、超過額を計算して。\n①札幌 12,500円 ②松江 8,800円 ③横浜 11,000円"),
    ("INTERNAL", "standard", "うちのチームのGitHub Actions、mainへのpushでテストが2回走ってしまう。設定はこれ。直して。\n```yaml\non:\n  push:\n  pull_request:\n```"),
    ("INTERNAL", "standard", "Write an internal announcement for staff: from next month the cafeteria closes at 2 pm and the new badge readers go live on floors 3-5."),
    ("INTERNAL", "frontier", "造船所の第2ドックで、鋼材の納入遅れにより進水が6週間遅れる見込み。違約金は1日あたり契約額の0.05%（契約額120億円）。残業での挽回、外注ブロックの追加、工程の組み替えの3案を、コスト・リスク・品質への影響で比較して推奨案を出して。"),
    ("INTERNAL", "frontier", "当社（化粧品OEM）の主要顧客が、来期から発注を3割減らすと言ってきた。工場の稼働率は今でも68%。固定費の削減、新規顧客開拓、自社ブランド立ち上げのどれにどれだけ資源を割くべきか、前提を置いて戦略を立てて。"),
    ("INTERNAL", "frontier", "社内の請求サービスで月末だけ請求書が二重発行される。cronで起動するworkerが2台あり、どちらも『未発行』の行を取って発行→フラグ更新している。ログのタイミングから原因を推論し、冪等性とロックの両面で再発しない設計を提案して。"),
    ("INTERNAL", "frontier", "交渉中の販売代理店契約で、相手は独占権と最低購入量なしを求めている。当社は独占を認めるなら年1億円の最低購入を条件にしたい。相手の代替候補、当社の代替販路、撤退コストを踏まえて、交渉のシナリオと譲歩ラインを設計して。"),
    ("INTERNAL", "frontier", "コールセンター（オペレーター12名、A〜L）の来月のシフトを組んで。平日は朝4名・夕3名、土日は各3名、1人週4日まで、朝番の翌日に夕番は不可、Bは平日のみ、EとFは同じ日不可。無理なら緩める条件を提案。"),
    ("INTERNAL", "frontier", "研究室の予算（年間800万円）で、消耗品・機器更新・学会旅費・RA雇用にどう配分するか。論文計画（来年3本投稿）と機器の故障リスクを考慮して、配分案と根拠を示して。"),
    ("INTERNAL", "frontier", "Our three warehouses need a new replenishment policy: demand is seasonal and lead times from the supplier vary from 5 to 21 days. Design a policy that balances stockouts against holding cost, and explain how you would test it before rollout."),
    ("INTERNAL", "frontier", "簡単にでいいので、うちの旅行代理店が法人出張の手数料を値上げすべきか判断して。顧客の解約率、競合の価格、システム投資の回収を考慮して。"),
    ("INTERNAL", "light", "次のタスクを期限順に並べて。・見積書送付（担当：原田、3/14）・契約書レビュー（担当：松尾、3/10）・請求書発行（担当：原田、3/12）"),
    ("INTERNAL", "standard", "派遣スタッフ6名の受け入れに合わせて、現場向けの受け入れ手順書（初日の流れ、安全教育、備品貸与）を作って。"),
    # ---------------- CONFIDENTIAL ----------------
    ("CONFIDENTIAL", "light", "本件はConfidentialです。次の船価見積の要点を3行でまとめて。\n・バルクキャリア 6万トン型 2隻\n・船価 1隻あたり42億円\n・納期 2028年春"),
    ("CONFIDENTIAL", "light", "ＣＯＮＦＩＤＥＮＴＩＡＬ\n新ブランドのネーミング候補を英語の読み方つきで表にして：ルミエラ、ソワレーヌ、ミネルヴィア"),
    ("CONFIDENTIAL", "light", "Internal only－来期の店舗閉鎖候補（3店）を英訳して。「札幌北口店、高松中央店、熊本駅前店を来年6月末で閉鎖する。」"),
    ("CONFIDENTIAL", "light", "まだ発表前の第1四半期の数字です。前年同期比を計算して。売上高 312億円（前年 298億円）、営業利益 18億円（前年 25億円）"),
    ("CONFIDENTIAL", "light", "取扱注意。以下の入札メモの誤字を直して。「当社の応札価格は3億1,200万円とし、最低制限価格を下回らないよう調整すること。」"),
    ("CONFIDENTIAL", "light", "来週公表予定のクスノキ化粧品との業務資本提携（当社が同社株式の15%を取得）について、プレスリリース案の表記ゆれを直して。"),
    ("CONFIDENTIAL", "light", "以下の研究ノートを箇条書きにして。\n高分子Xに添加剤Yを0.3%加えると耐熱温度が40℃上がる。特許出願はまだ。学会発表も控えること。"),
    ("CONFIDENTIAL", "light", "これは社外秘の資料です。次の文を韓国語に訳してください。「新工場の候補地は熊本と大分の2か所に絞った。」"),
    ("CONFIDENTIAL", "light", "Please translate into English. This memo is marked Strictly Confidential.\n「当社は、海運子会社の売却に向けて2社と交渉を進めている。」"),
    ("CONFIDENTIAL", "light", "秘伝のたれのレシピは当社の営業秘密として管理しています。材料を重量順に並べて：醤油 500g、砂糖 180g、みりん 220g、にんにく 30g"),
    ("CONFIDENTIAL", "light", "Summarize in one line: we plan to acquire a small robotics start-up next month; nobody outside the board knows yet."),
    ("CONFIDENTIAL", "standard", "【極秘】合併後の新会社の組織図案を、部門・人数・レポートラインがわかる形でMarkdownにまとめて。営業本部120名、技術本部200名、管理本部60名。"),
    ("CONFIDENTIAL", "standard", "取引先からNDAに基づいて受け取った図面の説明文（各ページにCONFIDENTIALとある）をもとに、当社の加工手順書の骨子を作って。材質SUS304、板厚2mm、曲げ4か所。"),
    ("CONFIDENTIAL", "standard", "開示前の下方修正について、社員向けの説明メモ（何が起きたか、今後の見通し、社外への対応）を作成してください。通期営業利益 90億円→55億円。"),
    ("CONFIDENTIAL", "standard", "うちの焙煎プロファイル（ノウハウとして管理してて外には出してない）を、新人向けの作業手順書にしたい。投入200℃、1ハゼ9分、2ハゼ手前で排出。"),
    ("CONFIDENTIAL", "standard", "Draft an internal FAQ for the deal team about the planned divestiture of our ferry business (not yet announced): timeline, what to tell customers if asked, who approves communications."),
    ("CONFIDENTIAL", "standard", "関係者外秘\n新システムの移行リハーサルの手順を、チェックリスト形式に整えて。①DBバックアップ ②旧系停止 ③データ移行 ④突合 ⑤切替判定"),
    ("CONFIDENTIAL", "standard", "未公表の新薬の治験結果（有効率 62%、プラセボ 31%）を、社内の報告書の形式（目的・方法・結果・考察）にまとめて。"),
    ("CONFIDENTIAL", "standard", "次の会議資料の最終ページには「機密」と書かれています。資料全体の要点を、背景・論点・決定事項の3章に整理してください。\n背景：物流費の高騰\n論点：自社便の拡大か3PL委託か\n決定事項：来月までに両案の試算"),
    ("CONFIDENTIAL", "standard", "Internal Only: write a Python script that compares two CSV price lists (old/new) from our suppliers and prints items whose price rose more than 5%."),
    ("CONFIDENTIAL", "standard", "株式公開買付け（TOB）を来月実施する予定です（まだ公表していません）。社内のインサイダー管理ルールを、対象者・禁止行為・報告手順の形で文書化して。"),
    ("CONFIDENTIAL", "frontier", "極秘：競合のシラユキ精機を買収するか、自社で同等の設備を作るか。買収価格は約300億円、自社開発は5年・180億円の見込み。技術者の流出リスク、独禁法の届出、のれんの減損リスクを比較して推奨を。"),
    ("CONFIDENTIAL", "frontier", "まだ開示していない今期の大幅な増益（営業利益が予想比+45%）について、いつ・どう開示すべきか、その間に役員が株を売買しないための管理をどう設計すべきか判断して。"),
    ("CONFIDENTIAL", "frontier", "This is confidential. Our JV partner wants to exit; the agreement gives us a right of first refusal at fair value, but valuation methods differ by 30%. Lay out our options, the negotiation dynamics and a recommended path."),
    ("CONFIDENTIAL", "frontier", "未出願の発明（ドローンの羽根の形状で騒音を6dB下げる）を、来月の展示会で展示したいと営業が言っている。新規性喪失の例外、競合による先行出願リスク、展示しない場合の機会損失を比較して判断して。"),
    ("CONFIDENTIAL", "frontier", "【社外秘】工場再編案：3工場のうち1つを閉鎖し、生産を残り2工場に移す。需要見通し、輸送コスト、人員の配置転換、地元自治体への影響を踏まえて、どの工場を閉鎖すべきか、その実行計画とリスク対策を。"),
    ("CONFIDENTIAL", "frontier", "公表前の経営統合について、統合比率の算定方法（DCF、市場株価、類似会社比較）の結果が大きく異なります。どれを重視すべきか、株主への説明責任と訴訟リスクも含めて検討してください。"),
    ("CONFIDENTIAL", "frontier", "ざっくりでいいです。営業秘密として管理している顧客別の価格テーブルを、退職予定の営業部長が持ち出そうとしている疑いがある。証拠保全、本人への対応、不正競争防止法上の措置の順序を考えて。"),
    ("CONFIDENTIAL", "frontier", "社外秘の中期計画ドラフトで、海外売上比率を5年で25%→45%にする目標があります。為替、現地パートナー、投資回収の制約から、この目標が現実的か検証し、修正案を出して。"),
    ("CONFIDENTIAL", "frontier", "Confidential — we are considering a share buyback of up to 50 billion yen while a secondary offering by our parent is being discussed. Assess the legal and market risks of doing both and recommend a sequence."),
    ("CONFIDENTIAL", "light", "資料の末尾に「部外秘」とあるので注意して扱ってね。この資料の日付だけ抜き出して。\n3/2 キックオフ、3/16 中間レビュー、4/1 最終報告"),
    # ---------------- PERSONAL ----------------
    ("PERSONAL", "light", "次の問い合わせメールに返信する前に、要点を1行で。\nFrom: 長尾 京子 <kyoko.nagao.1984@yahoo.co.jp>\n注文した化粧水が割れて届きました。交換してほしいです。"),
    ("PERSONAL", "light", "この番号 080-2718-2818 から不在着信があったと伝える短いメモを書いて。"),
    ("PERSONAL", "light", "以下の応募者情報をJSONにして。\n氏名：村岡 拓真\n生年月日：1999年11月3日\n電話：090-5772-1640\n希望職種：造船設計"),
    ("PERSONAL", "light", "テスト用のダミーのマイナンバーです。4桁ずつハイフンで区切って。" + MN[0]),
    ("PERSONAL", "light", "荷物の送り先を住所の表記ルールに合わせて整えて：〒812-0011 福岡県福岡市博多区博多駅前9-8-7 レジデンス博多1203（自宅）"),
    ("PERSONAL", "light", "Fix the typos: \"Dear Mr. Hasegawa, your claim no. 55-1029 for the water damage at your home has been aproved; payment of 320,000 yen will be made this week.\""),
    ("PERSONAL", "light", "連絡先の共有メモを英訳して：「野々村さんの携帯は070-4411-9203です。夜は出られないそうです。」"),
    ("PERSONAL", "light", "名刺交換した相手の情報をCRMの形式にして：株式会社アオバ商事 調達部 主任 井口 雅人 携帯 090-8142-3377 masato.iguchi@example.co.jp"),
    ("PERSONAL", "light", "この社員リストを部署ごとに並べ替えて。\n佐久間 亮（経理）給与 32万円\n千葉 夏美（営業）給与 28万円\n大野 優（経理）給与 35万円"),
    ("PERSONAL", "light", "ご意見フォームの送信者情報を1行にまとめて。メール：ramen.daisuki.77@gmail.com、内容：駐車場が狭い"),
    ("PERSONAL", "light", "以下の行から個人番号の列だけ抜き出して。\n社員番号,氏名,個人番号\nT-101,西田 玲奈," + MN[1] + "\nT-102,坂口 大地," + MN[2]),
    ("PERSONAL", "standard", "あなたは人事担当者です。次の情報から、内定通知書の文面を作成してください。\n内定者：小松 美玲（こまつ みれい）\n住所：東京都杉並区阿佐谷南8-7-6\n入社日：2027年4月1日\n配属：図書館サービス部"),
    ("PERSONAL", "standard", "保険金請求の事故報告をもとに、お客様への連絡文（事故の確認、必要書類、今後の流れ）を作って。\n契約者：高野 修 様（携帯 080-6612-4409）\n事故：3/8 自宅駐車場で当て逃げ被害"),
    ("PERSONAL", "standard", "Write a Python function that masks the phone numbers in rows like these, and test it on them:\nTanaka Rie,090-3312-7781,Osaka\nMori Ken,080-5561-2290,Kobe"),
    ("PERSONAL", "standard", "面談記録から、上司向けの報告メモ（状況、本人の希望、会社として必要な対応）を作って。\n対象：物流課 栗田 翔（入社3年目）\n相談内容：父親の介護のため夜勤を外れたい"),
    ("PERSONAL", "standard", "次の受講者の成績表から、合否一覧（氏名、点数、合否）を作って。合格は70点以上。\n今井 陽太 82点、森本 彩 64点、石原 涼 71点"),
    ("PERSONAL", "standard", "社外秘\n次の異動対象者リストから、本人への内示文のテンプレートを作って。\n・河合 純一（営業2課→札幌支店）\n・宮崎 早苗（経理課→本社財務部）"),
    ("PERSONAL", "standard", "あなたは採用エージェントです。候補者の前田 翼さん（34歳、年収620万円、現職は商社の物流部門）に紹介できる求人の条件を整理し、面談用の質問リストを作って。"),
    ("PERSONAL", "standard", "Draft a polite reminder email to a library user, Ms. Aiko Fujimoto (aiko.f@outlook.jp), whose three books are two weeks overdue."),
    ("PERSONAL", "standard", "患者の岡田 恵美さん（52歳）の服薬指導の記録を、薬局の記録様式（主訴、服薬状況、指導内容、次回確認事項）に整えて。高血圧で降圧薬を服用中、飲み忘れが週2回。"),
    ("PERSONAL", "standard", "以下の顧客データを使って、誕生月のクーポンを送るSQLを書いて。\ncustomers: (1, '田村 光', '1990-05-14', 'hikaru.t@icloud.com'), (2, '北川 舞', '1987-05-30', 'mai.kitagawa@gmail.com')"),
    ("PERSONAL", "frontier", "フェリーの乗客、川端 直樹さん（68歳）が船内で転倒し骨折しました。本人は手すりの不備を主張、当社は揺れの予告放送をしていた。賠償責任の有無と金額の見通し、示談交渉の進め方を検討して。"),
    ("PERSONAL", "frontier", "営業の平野 圭さんが、部下3名から『人格否定の発言がある』と申告されています。本人は『厳しい指導』と説明。録音はなく、証言は一部食い違う。ハラスメント認定できるか、懲戒の可否と程度を判断して。"),
    ("PERSONAL", "frontier", "Can we lawfully withdraw the job offer to Yusuke Kondo (offer accepted, starting April) after discovering he did not disclose a previous dismissal? Assess the legal risk and alternatives."),
    ("PERSONAL", "frontier", "顧客の吉永 和子様（81歳、一人暮らし、預金3,000万円）が、外貨建て保険への2,000万円の一括加入を希望されています。ご家族は反対。適合性や高齢者対応の観点から、販売してよいか判断し、対応方針を。"),
    ("PERSONAL", "frontier", "簡単にでいいので判断して。経理の島田 浩二さん（社員番号 40-2231）が経費を約80万円水増ししていた疑い。本人は一部を認めている。懲戒解雇は相当か、返還請求と刑事告訴の要否も。"),
    ("PERSONAL", "frontier", "The following rows leaked from our partner's system. Decide whether we must notify the regulator and the individuals, and in what order to act.\norder_id,name,address,phone\nA-771,Sato Mina,2-3-4 Kita, Sapporo,080-1192-3384\nA-772,Ono Jun,5-6-1 Minami, Sendai,090-4402-1176"),
    ("PERSONAL", "frontier", "産休から復帰予定の三宅 由紀さんが、元の部署ではなく別部署への配置を打診されて困っている。育児介護休業法上の不利益取扱いに当たるか、会社の説明で足りるか、検討して。"),
    ("PERSONAL", "frontier", "【極秘】早期退職の対象候補：山崎 隆（58歳、年収980万）、藤田 恵子（55歳、年収840万）。退職勧奨が違法な強要にならない進め方と、応じなかった場合の選択肢を比較して。"),
    ("PERSONAL", "frontier", "夜中に 090-6630-1187 から何度も脅迫めいたSMSが店長に届いています。警察への相談、発信者への警告、弁護士経由の対応、社員の安全確保の優先順位を決めて。"),
    ("PERSONAL", "light", "次のアンケート回答（記名あり）を「満足」「不満」に分類して。\n・谷口 春香：接客がとても丁寧だった\n・島 隆之：待ち時間が長すぎる"),
]


def main() -> None:
    write_set(ROWS, "ho1", OUT)


if __name__ == "__main__":
    main()
